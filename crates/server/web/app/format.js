// Numbers, durations and dates in the current language.
import { lang, t } from "./i18n.js";

const cache = new Map();
function nf(locale, options) {
  const key = locale + JSON.stringify(options);
  if (!cache.has(key)) cache.set(key, new Intl.NumberFormat(locale, options));
  return cache.get(key);
}

/** A count the way people read it: 1.2만 / 3.4억 in Korean, 12.3K / 1.2M in English. */
export function count(n) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return t("unknown");
  const v = Number(n);
  if (lang() === "ko") {
    const abs = Math.abs(v);
    if (abs < 10_000) return nf("ko-KR").format(v);
    const [unit, div] = abs >= 100_000_000 ? ["억", 100_000_000] : ["만", 10_000];
    const digits = Math.abs(v / div) < 100 ? 1 : 0;
    return nf("ko-KR", { maximumFractionDigits: digits }).format(v / div) + unit;
  }
  if (Math.abs(v) < 1000) return nf("en-US").format(v);
  return nf("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(v);
}

/** The exact figure with grouping: 12,345. */
export function exact(n) {
  if (n === null || n === undefined) return t("unknown");
  return nf(lang() === "ko" ? "ko-KR" : "en-US").format(n);
}

/** A signed change: +1.2만 / −340. */
export function signed(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return t("unknown");
  if (n === 0) return "0";
  return (n > 0 ? "+" : "−") + count(Math.abs(n));
}

/** A signed percentage: +12.3%. */
export function percent(p) {
  if (p === null || p === undefined || !Number.isFinite(p)) return "";
  if (p !== 0 && Math.abs(p) < 0.01) return `${p > 0 ? "+" : "−"}<0.01%`;
  const s = nf("en-US", { maximumFractionDigits: Math.abs(p) < 10 ? 2 : 1 }).format(Math.abs(p));
  return (p > 0 ? "+" : p < 0 ? "−" : "") + s + "%";
}

/** How long since `iso`: "2시간 5분" / "2h 5m". */
export function uptime(iso, now = Date.now()) {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return "";
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const h = Math.floor(minutes / 60);
  return h > 0 ? t("duration.hm", { h, m: minutes % 60 }) : t("duration.m", { m: minutes });
}

function locale() {
  return lang() === "ko" ? "ko-KR" : "en-US";
}

/** A clock time: 14:05. */
export function time(d) {
  return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit" }).format(new Date(d));
}

/** A date and time: 3월 5일 14:05 / Mar 5, 14:05. */
export function dateTime(d) {
  return new Intl.DateTimeFormat(locale(), {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(d));
}

/** A short date: 3. 5. / Mar 5. */
export function shortDate(d) {
  return new Intl.DateTimeFormat(locale(), { month: "short", day: "numeric" }).format(new Date(d));
}
