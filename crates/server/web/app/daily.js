// A channel's day-by-day table (Social Blade style), newest day first, from
// GET /api/v1/channels/{platform}/{id}/daily, with the same table as CSV and .xlsx downloads.
import { el } from "./dom.js";
import { exact } from "./format.js";
import { lang, t } from "./i18n.js";

const DAYS = 90;

function dayLabel(day) {
  // A calendar day of the analytics time zone: format it as a date, not a moment.
  const [y, m, d] = day.split("-").map(Number);
  return new Intl.DateTimeFormat(lang() === "ko" ? "ko-KR" : "en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    weekday: "short",
    timeZone: "UTC",
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

function changeCell(v) {
  if (v === null || v === undefined) return el("td", { className: "num muted" }, t("unknown"));
  const dir = v > 0 ? "up" : v < 0 ? "down" : "flat";
  // Exact, as in the columns beside it (a compact +9만 hides a day's real change).
  return el("td", { className: `num change-${dir}` }, v === 0 ? "0" : `${v > 0 ? "+" : "−"}${exact(Math.abs(v))}`);
}

const num = (v) => el("td", { className: "num" }, exact(v));

/** The daily table section of a channel (loads itself); `api` as in createApi. */
export function dailySection(api, platform, id) {
  const body = el("div", { className: "daily-body" }, el("p", { className: "loading", role: "status" }, t("status.loading")));
  const link = (format, label) =>
    el("a", { className: "button download", href: api.dailyUrl(platform, id, format, DAYS), download: "", "data-format": format }, label);
  const section = el(
    "section",
    { className: "daily", "aria-labelledby": "daily-title" },
    el(
      "div",
      { className: "section-head" },
      el("h2", { id: "daily-title" }, t("daily.title")),
      el("p", { className: "downloads" }, t("daily.download"), " ", link("csv", "CSV"), " ", link("xlsx", "Excel (.xlsx)")),
    ),
    body,
  );
  api
    .daily(platform, id, DAYS)
    .then((data) => {
      const days = (data && data.days) || [];
      if (!days.length) {
        body.replaceChildren(el("p", { className: "muted" }, t("daily.empty")));
        return;
      }
      const head = ["daily.day", "channel.followers", "daily.change", "chart.metric.views", "daily.change", "channel.videos", "channel.streams", "channel.hoursWatched"];
      body.replaceChildren(
        el(
          "div",
          { className: "table-wrap" },
          el(
            "table",
            { className: "data-table daily-table" },
            el("thead", null, el("tr", null, ...head.map((k) => el("th", { scope: "col" }, t(k))))),
            el(
              "tbody",
              null,
              ...days.map((d) =>
                el(
                  "tr",
                  { "data-day": d.day },
                  el("th", { scope: "row" }, dayLabel(d.day)),
                  num(d.followers),
                  changeCell(d.followers_change),
                  num(d.views),
                  changeCell(d.views_change),
                  num(d.videos),
                  num(d.streams),
                  num(d.streams ? Math.round(d.hours_watched) : d.hours_watched),
                ),
              ),
            ),
          ),
        ),
        el("p", { className: "muted small" }, t("daily.note", { n: days.length })),
      );
    })
    .catch((err) => body.replaceChildren(el("p", { className: "error", role: "alert" }, t("status.error", { message: err.message }))));
  return section;
}
