/* lienthong — the gateway's live dashboard (bảng điều khiển liên thông); the entry point.
 *
 * Polls the gateway's JSON API every 2 s and updates the page in place. Each source (endpoint)
 * is fetched on its own: one failing shows "n/a" in its panels and leaves the others alone.
 * Every figure is an element with a stable data-testid; its raw value is in data-value
 * (empty when unknown), its text is formatted for people. No library, no build, no CDN.
 *
 * The modules: api.js (fetching, the poll loop), format.js (names, formats), dom.js (elements,
 * figures, rows), charts.js (SVG bars and chart), panels-*.js (one render function per panel).
 */

import { setUpKeyForm, startPolling } from "./api.js";
import {
  buildProvinceRows, buildThroughputTotals, renderFlows, renderProvinces, renderThroughput,
} from "./panels-dossiers.js";
import { FAILURES_LIMIT, renderFailures, renderHealth, renderLatency } from "./panels-ops.js";
import {
  loadReasonCatalogue, renderDeadlines, renderFunnel, renderReasons,
} from "./panels-sync.js";

/** Each endpoint polled, and the panels its answer renders. */
const SOURCES = [
  {
    url: "/api/v1/stats",
    panels: {
      flows: renderFlows,
      funnel: renderFunnel,
      deadlines: renderDeadlines,
      reasons: renderReasons,
    },
  },
  { url: "/api/v1/stats?group_by=province", panels: { provinces: renderProvinces } },
  {
    url: "/api/v1/stats/throughput?minutes=10&bucket=5",
    panels: { throughput: renderThroughput },
  },
  { url: "/api/v1/stats/latency?window=300", panels: { latency: renderLatency } },
  { url: "/api/v1/health/agencies", panels: { health: renderHealth } },
  {
    url: `/api/v1/failures?status=unresolved&limit=${FAILURES_LIMIT}`,
    panels: { failures: renderFailures },
  },
];

/** Every row the page knows before any answer, so a first failure still shows n/a. */
function buildSkeleton() {
  renderFlows({ flows: {} });
  renderFunnel({ flows: {} });
  renderDeadlines({ flows: {} });
  renderHealth({ agencies: {} });
  buildThroughputTotals();
  buildProvinceRows();
}

buildSkeleton();
setUpKeyForm();
startPolling(SOURCES, loadReasonCatalogue);
