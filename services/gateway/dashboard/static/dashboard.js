/* lienthong — the gateway's live dashboard (bảng điều khiển liên thông).
 *
 * Polls the gateway's JSON API every 2 s and updates the page in place. Each source (endpoint)
 * is fetched on its own: one failing shows "n/a" in its panels and leaves the others alone.
 * Every figure is an element with a stable data-testid; its raw value is in data-value
 * (empty when unknown), its text is formatted for people. No library, no build, no CDN.
 */
"use strict";

(() => {
  const POLL_MS = 2000;
  const TIMEOUT_MS = 5000;
  const TOP_REASONS = 10;
  const FAILURES_LIMIT = 20;
  const FLOWS = ["birth", "death"];
  const AGENCIES = ["civil_registry", "population", "insurance"];
  const STATUSES = ["submitted", "in_progress", "completed", "rejected", "failed", "total"];
  const FUNNEL = [
    "sent", "synced", "rejected", "failed", "pending", "waiting", "skipped", "redriven",
    "dead_lettered",
  ];
  const FUNNEL_BAR = ["synced", "rejected", "failed", "pending", "waiting", "skipped"];
  const FUNNEL_WHOLE = ["sent", "waiting", "skipped"];
  const FLOW_BAR = ["completed", "rejected", "failed", "in_progress", "submitted"];
  const SERIES = ["submitted", "completed", "rejected", "dead_lettered"];
  const PERCENTILES = ["count", "p50", "p95", "p99", "max"];
  const NAMES = {
    birth: "Khai sinh · birth",
    death: "Khai tử · death",
    civil_registry: "Hộ tịch · civil registry",
    population: "Dân cư · population",
    insurance: "BHXH · insurance",
    gateway: "Cổng · gateway",
  };
  const SVG_NS = "http://www.w3.org/2000/svg";

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

  /** An answer that lacks what a panel needs: the panel shows n/a, nothing is logged. */
  class Unavailable extends Error {}

  // ------------------------------------------------------------------ small helpers

  function el(tag, attrs = {}, ...children) {
    const node = tag.startsWith("svg:")
      ? document.createElementNS(SVG_NS, tag.slice(4))
      : document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value !== undefined && value !== null) node.setAttribute(key, String(value));
    }
    node.append(...children);
    return node;
  }

  function td(...children) {
    return el("td", {}, ...children);
  }

  function pick(value, ...path) {
    for (const key of path) {
      if (value === null || typeof value !== "object") return undefined;
      value = value[key];
    }
    return value;
  }

  function num(value, ...path) {
    const found = pick(value, ...path);
    return typeof found === "number" && Number.isFinite(found) ? found : null;
  }

  function sumOf(object, keys) {
    return keys.reduce((total, key) => total + (num(object, key) || 0), 0);
  }

  function sumOrNull(values) {
    const known = values.filter((value) => value !== null);
    return known.length ? known.reduce((a, b) => a + b, 0) : null;
  }

  function ratio(part, whole) {
    return part === null || whole === null || whole === 0 ? null : part / whole;
  }

  /** The known keys first, in their order, then whatever else the answer has. */
  function keysOf(known, object) {
    const extra = object && typeof object === "object" ? Object.keys(object) : [];
    return [...known, ...extra.filter((key) => !known.includes(key))];
  }

  function name(key) {
    return NAMES[key] || key;
  }

  // ------------------------------------------------------------------ formats

  const COUNT = new Intl.NumberFormat("en-US");
  const TIME = (() => {
    const options = {
      year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    };
    try {
      return new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "Asia/Ho_Chi_Minh" });
    } catch {
      return new Intl.DateTimeFormat("en-GB", options);
    }
  })();

  const fmtCount = (value) => COUNT.format(value);
  const fmtText = (value) => String(value);
  const fmtRate = (value) => `${(value * 100).toFixed(1)} %`;

  function fmtSeconds(seconds) {
    if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
    if (seconds < 60) return `${seconds.toFixed(2)} s`;
    if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
    if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
    return `${(seconds / 86400).toFixed(1)} d`;
  }

  /** Simulated times are shown in Vietnam time (UTC+7), as every "today" of the sandbox. */
  function fmtTime(iso) {
    const moment = new Date(iso);
    return Number.isNaN(moment.getTime()) ? String(iso) : TIME.format(moment).replace(",", "");
  }

  // ------------------------------------------------------------------ figures, rows, bars

  function figure(testid, extraClass = "") {
    const attrs = { class: `figure ${extraClass}`.trim(), "data-testid": testid, "data-value": "" };
    return el("span", attrs, "…");
  }

  function findIn(root, testid) {
    return root.querySelector(`[data-testid="${CSS.escape(testid)}"]`);
  }

  /** Show one value: null/undefined is "–" (not reported), anything else formatted. */
  function setFigure(node, value, format = fmtCount) {
    if (!node) return;
    const known = value !== null && value !== undefined;
    const raw = known ? String(value) : "";
    const text = known ? format(value) : "–";
    if (node.dataset.value !== raw || node.textContent !== text) {
      node.dataset.value = raw;
      node.textContent = text;
    }
  }

  function setIn(root, testid, value, format = fmtCount) {
    setFigure(findIn(root, testid), value, format);
  }

  function ensureRow(tbody, key, build) {
    let row = tbody.querySelector(`:scope > tr[data-key="${CSS.escape(key)}"]`);
    if (!row) {
      row = build();
      row.dataset.key = key;
      tbody.append(row);
    }
    return row;
  }

  function prune(tbody, keep) {
    for (const row of [...tbody.rows]) if (!keep.has(row.dataset.key)) row.remove();
  }

  function bar(testid) {
    return el("svg:svg", {
      class: "bar", viewBox: "0 0 100 10", preserveAspectRatio: "none",
      "data-testid": testid, "data-clear": "",
    });
  }

  /** Fill a bar with parts [[cssClass, value], …] laid end to end over `whole`. */
  function setBar(svg, parts, whole) {
    if (!svg) return;
    const shapes = [];
    let x = 0;
    for (const [cls, value] of parts) {
      if (!whole || !value || value < 0) continue;
      const width = (Math.min(value, whole) / whole) * 100;
      const title = el("svg:title", {}, `${cls}: ${value}`);
      shapes.push(el("svg:rect", { x, y: 0, width, height: 10, class: cls }, title));
      x += width;
    }
    svg.replaceChildren(...shapes);
  }

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

  function renderFlows(stats) {
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

  // ------------------------------------------------------------------ panel: sync funnel

  function funnelRow(flow, agency, prefix) {
    const cells = FUNNEL.map((key) => td(figure(`${prefix}-${key}`)));
    return el("tr", {}, td(name(flow)), td(name(agency)), ...cells, td(bar(`${prefix}-bar`)));
  }

  function renderFunnel(stats) {
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

  function renderDeadlines(stats) {
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
  async function loadReasonCatalogue() {
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

  function renderReasons(stats) {
    const tbody = document.getElementById("reasons");
    const top = topReasons(stats);
    const signature = JSON.stringify([top, catalogueLoaded]);
    if (tbody.dataset.signature !== signature) {
      tbody.dataset.signature = signature;
      tbody.replaceChildren(...top.map((reason, i) => reasonRow(reason, i + 1)));
    }
    document.getElementById("reasons-empty").hidden = top.length > 0;
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

  function renderProvinces(body) {
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
  function buildProvinceRows() {
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

  function buildThroughputTotals() {
    const host = document.getElementById("throughput-totals");
    for (const key of SERIES) {
      const legend = el("span", { class: `legend series-${key}` }, `${key.replace("_", " ")}: `);
      host.append(legend, figure(`throughput-${key}`), " ");
    }
    const bucket = el("span", { class: "legend" }, "· bucket: ");
    host.append(bucket, figure("throughput-bucket_seconds"), " s");
  }

  function chartFrame(size) {
    const { width, height, pad, max } = size;
    const bottom = height - pad.bottom;
    const middle = (pad.top + bottom) / 2;
    const right = width - pad.right;
    const tick = (y, text) =>
      el("svg:text", { x: pad.left - 4, y: y + 4, class: "tick end" }, text);
    return [
      el("svg:line", { x1: pad.left, y1: bottom, x2: right, y2: bottom, class: "axis" }),
      el("svg:line", { x1: pad.left, y1: pad.top, x2: pad.left, y2: bottom, class: "axis" }),
      el("svg:line", { x1: pad.left, y1: middle, x2: right, y2: middle, class: "grid" }),
      tick(pad.top, fmtCount(max)),
      tick(middle, fmtCount(max / 2)),
      tick(bottom, "0"),
    ];
  }

  /** One line per series over the buckets, on a common scale; first and last time below. */
  function drawThroughput(host, series) {
    const values = series.flatMap((point) => SERIES.map((key) => num(point, key) || 0));
    const size = {
      width: 900, height: 220, pad: { left: 48, right: 12, top: 10, bottom: 26 },
      max: Math.max(1, ...values),
    };
    const { width, height, pad, max } = size;
    const span = width - pad.left - pad.right;
    const x = (i) => pad.left + (series.length > 1 ? i / (series.length - 1) : 0.5) * span;
    const y = (v) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
    const svg = el("svg:svg", {
      viewBox: `0 0 ${width} ${height}`, class: "line-chart", "data-testid": "throughput-chart",
      role: "img", "aria-label": "dossiers per time bucket",
    }, ...chartFrame(size));
    for (const key of SERIES) {
      const points = series.map((p, i) => `${x(i).toFixed(1)},${y(num(p, key) || 0).toFixed(1)}`);
      svg.append(el("svg:polyline", {
        points: points.join(" "), class: `line series-${key}`,
        "data-testid": `throughput-line-${key}`,
      }));
    }
    if (series.length) {
      const first = fmtTime(series[0].at);
      const last = fmtTime(series[series.length - 1].at);
      svg.append(el("svg:text", { x: pad.left, y: height - 8, class: "tick" }, first));
      svg.append(el("svg:text", { x: width - pad.right, y: height - 8, class: "tick end" }, last));
    }
    host.replaceChildren(svg);
  }

  function renderThroughput(body) {
    if (!Array.isArray(body.series)) throw new Unavailable("no series in the answer");
    const panel = document.querySelector('[data-panel="throughput"]');
    for (const key of SERIES) {
      setIn(panel, `throughput-${key}`, sumOrNull(body.series.map((point) => num(point, key))));
    }
    setIn(panel, "throughput-bucket_seconds", num(body, "bucket_seconds"));
    drawThroughput(document.getElementById("throughput-chart"), body.series);
  }

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

  function renderLatency(body) {
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

  function renderHealth(body) {
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
  function renderFailures(page) {
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
    cycle();
  }

  // ------------------------------------------------------------------ polling

  async function fetchJson(url, init = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const response = await fetch(url, {
        ...init,
        signal: controller.signal,
        cache: "no-store",
        headers: { accept: "application/json" },
      });
      const text = await response.text();
      if (!response.ok) throw new Unavailable(`HTTP ${response.status}`);
      return JSON.parse(text);
    } catch (error) {
      if (error.name === "AbortError") throw new Unavailable(`no answer in ${TIMEOUT_MS / 1000} s`);
      throw error instanceof Unavailable ? error : new Unavailable(error.message);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A panel's state: "ok", or "n/a" with why — then each of its figures shows n/a too. */
  function markPanel(panel, problem) {
    const section = document.querySelector(`[data-panel="${panel}"]`);
    const state = findIn(section, `panel-${panel}-state`);
    section.classList.toggle("unavailable", Boolean(problem));
    state.textContent = problem ? "n/a" : "ok";
    state.title = problem || "";
    if (!problem) return;
    for (const node of section.querySelectorAll("[data-value]")) {
      node.dataset.value = "";
      node.textContent = "n/a";
    }
    for (const node of section.querySelectorAll("[data-signature]")) delete node.dataset.signature;
    for (const node of section.querySelectorAll("[data-clear]")) node.replaceChildren();
  }

  /** Fetch one source and render its panels, each on its own; true when all rendered. */
  async function pollSource(source) {
    let body;
    try {
      body = await fetchJson(source.url);
    } catch (error) {
      for (const panel of Object.keys(source.panels)) markPanel(panel, error.message);
      return false;
    }
    let ok = true;
    for (const [panel, render] of Object.entries(source.panels)) {
      try {
        render(body || {});
        markPanel(panel, null);
      } catch (error) {
        if (!(error instanceof Unavailable)) console.error(`dashboard: panel ${panel}`, error);
        markPanel(panel, error.message);
        ok = false;
      }
    }
    return ok;
  }

  function markUpdated(results) {
    const node = document.querySelector('[data-testid="last-updated"]');
    const failing = results.filter((ok) => !ok).length;
    const now = new Date();
    node.dataset.polls = String(Number(node.dataset.polls || 0) + 1);
    node.dataset.failing = String(failing);
    node.dateTime = now.toISOString();
    node.textContent = now.toLocaleTimeString("en-GB", { hourCycle: "h23" })
      + (failing ? ` · ${failing}/${results.length} nguồn lỗi · sources failing` : "");
  }

  let running = false;
  let again = false;
  let timer = 0;

  /** One poll of every source at once; the next starts 2 s after this one started. */
  async function cycle() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    clearTimeout(timer);
    const started = performance.now();
    try {
      if (!catalogueLoaded) await loadReasonCatalogue();
      markUpdated(await Promise.all(SOURCES.map(pollSource)));
    } finally {
      running = false;
      const wait = again ? 0 : Math.max(0, POLL_MS - (performance.now() - started));
      again = false;
      timer = setTimeout(cycle, wait);
    }
  }

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
  cycle();
})();
