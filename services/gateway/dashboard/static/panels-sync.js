/* lienthong dashboard — the agency panels of /api/v1/stats: sync funnel, on time, refusals.
 *
 * One render function per panel, each given the stats answer.
 */

import { fetchJson } from "./api.js";
import { bar, setBar } from "./charts.js";
import { el, ensureRow, figure, findIn, setFigure, setIn, td } from "./dom.js";
import {
  AGENCIES, FLOWS, fmtRate, keysOf, name, num, pick, ratio, sumOf, sumOrNull,
} from "./format.js";

const TOP_REASONS = 10;
const FUNNEL = [
  "sent", "synced", "rejected", "failed", "pending", "returned", "waiting", "skipped",
  "redriven", "dead_lettered",
];
const FUNNEL_BAR = [
  "synced", "rejected", "failed", "pending", "returned", "waiting", "skipped",
];
const FUNNEL_WHOLE = ["sent", "waiting", "skipped"];

// ------------------------------------------------------------------ panel: sync funnel

function funnelRow(flow, agency, prefix) {
  const cells = FUNNEL.map((key) => td(figure(`${prefix}-${key}`)));
  return el("tr", {}, td(name(flow)), td(name(agency)), ...cells, td(bar(`${prefix}-bar`)));
}

export function renderFunnel(stats) {
  const tbody = document.getElementById("funnel");
  for (const flow of keysOf(FLOWS, stats.flows)) {
    const agencies = pick(stats.flows, flow, "agencies");
    for (const agency of keysOf(AGENCIES, agencies)) {
      const prefix = `agency-${flow}-${agency}`;
      const row = ensureRow(tbody, prefix, () => funnelRow(flow, agency, prefix));
      const counts = pick(agencies, agency);
      for (const key of FUNNEL) setIn(row, `${prefix}-${key}`, num(counts, key));
      const parts = FUNNEL_BAR.map((key) => [key, num(counts, key)]);
      setBar(findIn(row, `${prefix}-bar`), parts, sumOf(counts, FUNNEL_WHOLE));
    }
  }
}

// ------------------------------------------------------------------ panel: on time

function deadlineRow(label, prefix, level) {
  return el("tr", { class: level },
    td(label),
    td(figure(`${prefix}-on_time`)),
    td(figure(`${prefix}-overdue`)),
    td(figure(`${prefix}-on_time_rate`)),
    td(bar(`${prefix}-on_time_bar`)));
}

/** on time / (on time + overdue): "–" while nothing was decided. */
function setDeadline(row, prefix, counts) {
  const onTime = num(counts, "on_time");
  const overdue = num(counts, "overdue");
  setIn(row, `${prefix}-on_time`, onTime);
  setIn(row, `${prefix}-overdue`, overdue);
  setIn(row, `${prefix}-on_time_rate`, ratio(onTime, sumOrNull([onTime, overdue])), fmtRate);
  const parts = [["on_time", onTime], ["overdue", overdue]];
  setBar(findIn(row, `${prefix}-on_time_bar`), parts, (onTime || 0) + (overdue || 0));
}

export function renderDeadlines(stats) {
  const tbody = document.getElementById("deadlines");
  for (const flow of keysOf(FLOWS, stats.flows)) {
    const flowStats = pick(stats.flows, flow);
    const prefix = `flow-${flow}`;
    const row = ensureRow(tbody, prefix, () => deadlineRow(name(flow), prefix, "flow"));
    setDeadline(row, prefix, flowStats);
    for (const agency of keysOf(AGENCIES, pick(flowStats, "agencies"))) {
      const sub = `agency-${flow}-${agency}`;
      const subRow = ensureRow(tbody, sub, () => deadlineRow(`↳ ${name(agency)}`, sub, "agency"));
      setDeadline(subRow, sub, pick(flowStats, "agencies", agency));
    }
  }
}

// ------------------------------------------------------------------ panel: refusal reasons

const reasonTexts = new Map();
let catalogueLoaded = false;

/** The reason catalogue, once: each code's message in Vietnamese and English. */
export async function loadReasonCatalogue() {
  if (catalogueLoaded) return;
  try {
    for (const entry of await fetchJson("/api/v1/reasons")) {
      reasonTexts.set(`${entry.agency}/${entry.code}`, `${entry.message_vi} · ${entry.message}`);
    }
    catalogueLoaded = true;
  } catch {
    // the codes alone are shown; tried again on the next poll
  }
}

/** rejected_by_reason summed over the flows, per agency and code; the largest first. */
function topReasons(stats) {
  const totals = new Map();
  for (const flow of Object.keys(stats.flows || {})) {
    const agencies = pick(stats.flows, flow, "agencies") || {};
    for (const agency of Object.keys(agencies)) {
      const reasons = pick(agencies, agency, "rejected_by_reason") || {};
      for (const [code, count] of Object.entries(reasons)) {
        if (typeof count !== "number" || count <= 0) continue;
        const entry = totals.get(`${agency}/${code}`) || { agency, code, count: 0 };
        entry.count += count;
        totals.set(`${agency}/${code}`, entry);
      }
    }
  }
  const order = (a, b) =>
    b.count - a.count || a.agency.localeCompare(b.agency) || a.code.localeCompare(b.code);
  return [...totals.values()].sort(order).slice(0, TOP_REASONS);
}

function reasonRow(reason, rank) {
  const message = reasonTexts.get(`${reason.agency}/${reason.code}`) || "";
  const count = figure(`reason-${reason.agency}-${reason.code}`);
  setFigure(count, reason.count);
  const attrs = {
    "data-testid": "reason-row", "data-agency": reason.agency, "data-code": reason.code,
  };
  return el("tr", attrs,
    td(String(rank)),
    td(el("code", {}, reason.code), el("small", { class: "message" }, message)),
    td(name(reason.agency)),
    td(count));
}

export function renderReasons(stats) {
  const tbody = document.getElementById("reasons");
  const top = topReasons(stats);
  const signature = JSON.stringify([top, catalogueLoaded]);
  if (tbody.dataset.signature !== signature) {
    tbody.dataset.signature = signature;
    tbody.replaceChildren(...top.map((reason, i) => reasonRow(reason, i + 1)));
  }
  document.getElementById("reasons-empty").hidden = top.length > 0;
}
