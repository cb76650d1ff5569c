/* lienthong dashboard — names, reading the API's answers, and formatting values for people.
 *
 * Nothing here touches the page: these are plain functions of their arguments.
 */

export const FLOWS = ["birth", "death"];
export const AGENCIES = ["civil_registry", "population", "insurance"];
export const STATUSES = [
  "submitted", "in_progress", "returned", "completed", "rejected", "failed", "total",
];

const NAMES = {
  birth: "Khai sinh · birth",
  death: "Khai tử · death",
  civil_registry: "Hộ tịch · civil registry",
  population: "Dân cư · population",
  insurance: "BHXH · insurance",
  gateway: "Cổng · gateway",
};

/** A flow's or an agency's name in Vietnamese and English; an unknown key as it is. */
export function name(key) {
  return NAMES[key] || key;
}

// ------------------------------------------------------------------ reading answers

export function pick(value, ...path) {
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = value[key];
  }
  return value;
}

export function num(value, ...path) {
  const found = pick(value, ...path);
  return typeof found === "number" && Number.isFinite(found) ? found : null;
}

export function sumOf(object, keys) {
  return keys.reduce((total, key) => total + (num(object, key) || 0), 0);
}

export function sumOrNull(values) {
  const known = values.filter((value) => value !== null);
  return known.length ? known.reduce((a, b) => a + b, 0) : null;
}

export function ratio(part, whole) {
  return part === null || whole === null || whole === 0 ? null : part / whole;
}

/** The known keys first, in their order, then whatever else the answer has. */
export function keysOf(known, object) {
  const extra = object && typeof object === "object" ? Object.keys(object) : [];
  return [...known, ...extra.filter((key) => !known.includes(key))];
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

export const fmtCount = (value) => COUNT.format(value);
export const fmtText = (value) => String(value);
export const fmtRate = (value) => `${(value * 100).toFixed(1)} %`;

export function fmtSeconds(seconds) {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

/** Simulated times are shown in Vietnam time (UTC+7), as every "today" of the sandbox. */
export function fmtTime(iso) {
  const moment = new Date(iso);
  return Number.isNaN(moment.getTime()) ? String(iso) : TIME.format(moment).replace(",", "");
}
