/* lienthong dashboard — inline SVG: the stacked bars of the tables and the throughput chart. */

import { el } from "./dom.js";
import { fmtCount, fmtTime, num } from "./format.js";

// ------------------------------------------------------------------ bars

/** An empty bar, filled by setBar; cleared when its panel is unavailable. */
export function bar(testid) {
  return el("svg:svg", {
    class: "bar", viewBox: "0 0 100 10", preserveAspectRatio: "none",
    "data-testid": testid, "data-clear": "",
  });
}

/** Fill a bar with parts [[cssClass, value], …] laid end to end over `whole`. */
export function setBar(svg, parts, whole) {
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

// ------------------------------------------------------------------ throughput chart

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

/** One line per key of `keys` over the buckets, on a common scale; first and last time below. */
export function drawThroughput(host, series, keys) {
  const values = series.flatMap((point) => keys.map((key) => num(point, key) || 0));
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
  for (const key of keys) {
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
