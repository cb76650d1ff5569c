/* lienthong dashboard — the operations panels: latency per hop, agency health, recent failures.
 *
 * One render function per panel, each given the body of its source's answer; a failure's
 * redrive button POSTs the redrive and polls at once.
 */

import { Unavailable, fetchJson, pollNow } from "./api.js";
import { bar, setBar } from "./charts.js";
import { el, ensureRow, figure, findIn, prune, setFigure, setIn, td } from "./dom.js";
import {
  AGENCIES, FLOWS, fmtCount, fmtSeconds, fmtText, fmtTime, keysOf, name, num, pick,
} from "./format.js";

export const FAILURES_LIMIT = 20;
const PERCENTILES = ["count", "p50", "p95", "p99", "max"];

// ------------------------------------------------------------------ panel: latency

function latencyRow(flow, hop, prefix) {
  const cells = [];
  for (const part of ["window", "overall"]) {
    for (const p of PERCENTILES) cells.push(td(figure(`${prefix}-${part}-${p}`)));
  }
  const agency = hop.agency ? el("small", {}, ` ${name(hop.agency)}`) : "";
  return el("tr", { "data-testid": "latency-row" },
    td(name(flow)), td(hop.hop, agency), ...cells, td(bar(`${prefix}-bar`)));
}

function setLatency(row, prefix, hop, longest) {
  for (const part of ["window", "overall"]) {
    for (const p of PERCENTILES) {
      const format = p === "count" ? fmtCount : fmtSeconds;
      setIn(row, `${prefix}-${part}-${p}`, num(hop, part, p), format);
    }
  }
  const [p50, p95, p99] = ["p50", "p95", "p99"].map((p) => num(hop, "overall", p) || 0);
  const parts = [["p50", p50], ["p95", p95 - p50], ["p99", p99 - p95]];
  setBar(findIn(row, `${prefix}-bar`), parts, longest);
}

export function renderLatency(body) {
  if (!body.flows || typeof body.flows !== "object") throw new Unavailable("no flows");
  const head = document.getElementById("latency-window-head");
  const windowSeconds = num(body, "window_seconds");
  head.dataset.seconds = windowSeconds ?? "";
  const length = windowSeconds === null ? "" : fmtSeconds(windowSeconds);
  head.firstChild.textContent = `Cửa sổ ${length} `;
  const tbody = document.getElementById("latency");
  const seen = new Set();
  for (const flow of keysOf(FLOWS, body.flows)) {
    const listed = pick(body.flows, flow, "hops");
    const hops = (Array.isArray(listed) ? listed : []).filter((h) => typeof h?.hop === "string");
    const longest = Math.max(0, ...hops.map((hop) => num(hop, "overall", "p99") || 0));
    for (const hop of hops) {
      const prefix = `latency-${flow}-${hop.hop}`;
      seen.add(prefix);
      const row = ensureRow(tbody, prefix, () => latencyRow(flow, hop, prefix));
      setLatency(row, prefix, hop, longest);
    }
  }
  prune(tbody, seen);
}

// ------------------------------------------------------------------ panel: agency health

function healthRow(agency, prefix) {
  const deadLetters = el("span", {},
    figure(`${prefix}-dead_letters_open`), " / ", figure(`${prefix}-dead_letters_total`));
  const lastFailure = [
    figure(`${prefix}-last_failure_at`), el("br"),
    figure(`${prefix}-last_failure_reason`, "reason"),
  ];
  return el("tr", {},
    td(name(agency)),
    td(figure(`${prefix}-status`, "status")),
    td(figure(`${prefix}-lag_total`)),
    td(figure(`${prefix}-last_success_at`)),
    td(...lastFailure),
    td(figure(`${prefix}-faults`)),
    td(deadLetters));
}

function setHealth(row, prefix, agency) {
  const status = pick(agency, "status");
  const statusNode = findIn(row, `${prefix}-status`);
  setFigure(statusNode, typeof status === "string" ? status : null, fmtText);
  statusNode.dataset.status = typeof status === "string" ? status : "";
  const lag = pick(agency, "lag");
  setIn(row, `${prefix}-lag_total`, num(agency, "lag_total"));
  findIn(row, `${prefix}-lag_total`).title = lag && typeof lag === "object"
    ? Object.entries(lag).map(([topic, n]) => `${topic}: ${n}`).join("\n")
    : "";
  setIn(row, `${prefix}-last_success_at`, pick(agency, "last_success_at"), fmtTime);
  setIn(row, `${prefix}-last_failure_at`, pick(agency, "last_failure_at"), fmtTime);
  setIn(row, `${prefix}-last_failure_reason`, pick(agency, "last_failure_reason"), fmtText);
  const faults = pick(agency, "faults");
  const kinds = Array.isArray(faults) ? faults.map((f) => pick(f, "kind")).filter(Boolean) : null;
  setIn(row, `${prefix}-faults`, kinds && kinds.join(","), (text) => text || "—");
  setIn(row, `${prefix}-dead_letters_open`, num(agency, "dead_letters", "open"));
  setIn(row, `${prefix}-dead_letters_total`, num(agency, "dead_letters", "total"));
}

export function renderHealth(body) {
  if (!body.agencies || typeof body.agencies !== "object") throw new Unavailable("no agencies");
  const tbody = document.getElementById("health");
  for (const agency of keysOf(AGENCIES, body.agencies)) {
    const prefix = `health-${agency}`;
    const row = ensureRow(tbody, prefix, () => healthRow(agency, prefix));
    setHealth(row, prefix, body.agencies[agency]);
  }
}

// ------------------------------------------------------------------ panel: failures + redrive

function dossierLink(dossierId) {
  if (!dossierId) return "–";
  const href = `/api/v1/dossiers/${encodeURIComponent(dossierId)}`;
  return el("a", { href, title: dossierId }, dossierId.slice(0, 12));
}

function failureRow(item) {
  const button = el("button", { type: "button", "data-testid": `redrive-${item.id}` },
    "Gửi lại · Redrive");
  button.addEventListener("click", () => redrive(item.id, button));
  const error = el("span", { class: "error", title: item.error || "" },
    (item.error || "").slice(0, 80));
  const status = `${item.status}${item.redrive_count ? ` ×${item.redrive_count}` : ""}`;
  const attrs = {
    "data-testid": "failure-row", "data-failure-id": item.id, "data-status": item.status,
  };
  return el("tr", attrs,
    td(fmtTime(item.last_failed_at)),
    td(name(item.agency || "?"), el("small", {}, ` ${item.flow || ""}`)),
    td(dossierLink(item.dossier_id)),
    td(item.error_kind || "?"),
    td(error),
    td(status),
    td(button));
}

/** Rows are rebuilt only when the list changed, so a button is not replaced under a click. */
export function renderFailures(page) {
  if (!Array.isArray(page.items)) throw new Unavailable("no items in the answer");
  setIn(document.querySelector('[data-panel="failures"]'), "failures-total", num(page, "total"));
  const items = page.items.slice(0, FAILURES_LIMIT).filter((item) => item && item.id);
  const tbody = document.getElementById("failures");
  const signature = JSON.stringify(
    items.map((item) => [item.id, item.status, item.redrive_count, item.last_failed_at]));
  if (tbody.dataset.signature === signature) return;
  tbody.dataset.signature = signature;
  tbody.replaceChildren(...items.map(failureRow));
}

/** POST the redrive, show the gateway's answer, then poll at once. */
async function redrive(id, button) {
  const out = document.getElementById("redrive-result");
  button.disabled = true;
  out.dataset.outcome = "pending";
  out.textContent = `Đang gửi lại · redriving ${id}…`;
  try {
    const url = `/api/v1/failures/${encodeURIComponent(id)}/redrive`;
    const answer = await fetchJson(url, { method: "POST" });
    out.dataset.outcome = answer.redriven ? "redriven" : "not_sent";
    out.textContent = answer.redriven
      ? `Đã gửi lại · redriven ${id} (#${answer.redrive})`
      : `Không gửi · not sent ${id}: ${answer.reason || "?"}`;
  } catch (error) {
    out.dataset.outcome = "error";
    out.textContent = `Lỗi · error ${id}: ${error.message}`;
    button.disabled = false;
  }
  pollNow();
}
