/* lienthong dashboard — the dossier panels: per flow, per province, and throughput over time.
 *
 * One render function per panel, each given the body of its source's answer.
 */

import { Unavailable } from "./api.js";
import { bar, drawThroughput, setBar } from "./charts.js";
import { el, ensureRow, figure, findIn, setIn, td } from "./dom.js";
import { FLOWS, STATUSES, keysOf, name, num, pick, sumOrNull } from "./format.js";

const FLOW_BAR = ["completed", "rejected", "failed", "returned", "in_progress", "submitted"];
const SERIES = ["submitted", "completed", "rejected", "dead_lettered"];

// ------------------------------------------------------------------ panel: dossiers per flow

function flowCard(flow) {
  const list = el("dl");
  for (const status of STATUSES) {
    const label = el("dt", {}, status.replace("_", " "));
    list.append(label, el("dd", {}, figure(`flow-${flow}-${status}`)));
  }
  const card = el("div", { class: "card" }, el("h3", {}, name(flow)), list);
  card.append(bar(`flow-${flow}-bar`));
  card.dataset.key = flow;
  return card;
}

export function renderFlows(stats) {
  const root = document.getElementById("flows");
  for (const flow of keysOf(FLOWS, stats.flows)) {
    let card = root.querySelector(`:scope > [data-key="${CSS.escape(flow)}"]`);
    if (!card) root.append((card = flowCard(flow)));
    const counts = pick(stats.flows, flow, "dossiers");
    for (const status of STATUSES) setIn(card, `flow-${flow}-${status}`, num(counts, status));
    const parts = FLOW_BAR.map((status) => [status, num(counts, status)]);
    setBar(findIn(card, `flow-${flow}-bar`), parts, num(counts, "total"));
  }
}

// ------------------------------------------------------------------ panel: provinces

function provinceRow(code, label) {
  return el("tr", { "data-testid": "province-row", "data-code": code },
    td(code),
    td(label),
    ...FLOWS.map((flow) => td(figure(`province-${code}-${flow}`))),
    ...STATUSES.map((status) => td(figure(`province-${code}-${status}`))));
}

/** One province: dossiers per flow, and per status summed over the flows. */
function setProvince(row, code, flows) {
  const flowNames = Object.keys(flows || {});
  for (const flow of FLOWS) {
    setIn(row, `province-${code}-${flow}`, num(flows, flow, "dossiers", "total") || 0);
  }
  for (const status of STATUSES) {
    const sum = flowNames.reduce((n, flow) => n + (num(flows, flow, "dossiers", status) || 0), 0);
    setIn(row, `province-${code}-${status}`, sum);
    if (status === "total") row.classList.toggle("active", sum > 0);
  }
}

export function renderProvinces(body) {
  if (!Array.isArray(body.groups)) throw new Unavailable("no groups in the answer");
  const tbody = document.getElementById("provinces-table");
  const seen = new Set();
  for (const group of body.groups) {
    const code = String(group.key);
    seen.add(code);
    const row = ensureRow(tbody, code, () => provinceRow(code, group.name || code));
    setProvince(row, code, group.flows);
  }
  for (const row of tbody.rows) {
    if (!seen.has(row.dataset.key)) setProvince(row, row.dataset.key, {});
  }
}

/** The 34 provinces the page carries inline: every row exists before the first answer. */
export function buildProvinceRows() {
  const tbody = document.getElementById("provinces-table");
  let provinces = [];
  try {
    provinces = JSON.parse(document.getElementById("provinces").textContent);
  } catch {
    provinces = [];
  }
  for (const [code, label] of provinces) ensureRow(tbody, code, () => provinceRow(code, label));
}

// ------------------------------------------------------------------ panel: throughput

export function buildThroughputTotals() {
  const host = document.getElementById("throughput-totals");
  for (const key of SERIES) {
    const legend = el("span", { class: `legend series-${key}` }, `${key.replace("_", " ")}: `);
    host.append(legend, figure(`throughput-${key}`), " ");
  }
  const bucket = el("span", { class: "legend" }, "· bucket: ");
  host.append(bucket, figure("throughput-bucket_seconds"), " s");
}

export function renderThroughput(body) {
  if (!Array.isArray(body.series)) throw new Unavailable("no series in the answer");
  const panel = document.querySelector('[data-panel="throughput"]');
  for (const key of SERIES) {
    setIn(panel, `throughput-${key}`, sumOrNull(body.series.map((point) => num(point, key))));
  }
  setIn(panel, "throughput-bucket_seconds", num(body, "bucket_seconds"));
  drawThroughput(document.getElementById("throughput-chart"), body.series, SERIES);
}
