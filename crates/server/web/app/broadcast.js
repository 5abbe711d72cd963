// A broadcast's page (GET /api/v1/broadcasts/{platform}/{id}): its channel, title and category,
// start, end, duration, peak and average viewers, hours watched, the viewer curve, and each title
// and category change with its time; and the channel page's list of broadcasts linking here.
import { ApiError } from "./api.js";
import { lineChart } from "./chart.js";
import { el } from "./dom.js";
import { count, dateTime, exact, shortDate, time } from "./format.js";
import { lang, t } from "./i18n.js";
import { platformBadge } from "./platforms.js";

const DAY = 86_400_000;

/** The category as a reader names it: the vocabulary's label, else the platform's name. */
function categoryLabel(c) {
  if (!c) return null;
  if (c.tag) return lang() === "ko" ? c.tag.ko : c.tag.en;
  if (c.name) return c.name;
  return c.id && !/^\d+$/.test(c.id) ? c.id.replace(/_/g, " ") : null;
}

/** 135.5 minutes → "2시간 16분" / "2 h 16 min". */
export function duration(minutes) {
  const m = Math.round(minutes);
  return t("broadcast.minutes", { h: Math.floor(m / 60), m: m % 60 });
}

const broadcastHref = (b) => `#/broadcast/${encodeURIComponent(b.platform)}/${encodeURIComponent(b.id)}`;
const channelHref = (b) => `#/channel/${encodeURIComponent(b.platform)}/${encodeURIComponent(b.channel.channel_id)}`;

/** Render a broadcast's page into `root`; returns a cleanup function. */
export function renderBroadcast(root, { api, platform, id }) {
  let stopped = false;
  root.replaceChildren(el("p", { className: "loading", role: "status" }, t("status.loading")));
  api
    .broadcast(platform, id)
    .then((b) => {
      if (stopped) return;
      document.title = `${b.title} · streamtide`;
      const figure = (key, value) => el("div", { className: "figure" }, el("dt", {}, t(key)), el("dd", {}, value));
      const known = (v, f) => (v === null || v === undefined ? t("unknown") : f(v));
      root.replaceChildren(
        el("a", { className: "back", href: channelHref(b) }, t("broadcast.back")),
        el(
          "header",
          { className: "broadcast-head" },
          platformBadge(b.platform),
          " ",
          el("a", { href: channelHref(b), className: "broadcast-channel" }, b.channel.name),
          el("h1", {}, b.title || t("unknown")),
          categoryLabel(b.category) ? el("p", { className: "muted broadcast-category" }, categoryLabel(b.category)) : null,
        ),
        el(
          "section",
          { className: "figures broadcast-figures", "aria-label": t("broadcast.curve") },
          el(
            "dl",
            {},
          figure("broadcast.started", dateTime(b.started_at)),
          b.live ? figure("broadcast.ended", t("broadcast.liveNow")) : figure("broadcast.ended", b.ended_at ? dateTime(b.ended_at) : t("unknown")),
          figure("broadcast.duration", duration(b.duration_minutes)),
          figure("broadcast.peak", exact(b.peak_viewers)),
          figure("broadcast.avg", known(b.avg_viewers, (v) => exact(Math.round(v)))),
          figure("broadcast.hoursWatched", known(b.hours_watched, (v) => exact(Math.round(v)))),
          ),
        ),
        el(
          "div",
          { className: "chart-grid-wrap" },
          lineChart(
            b.curve.map((p) => ({ at: p.at, value: p.viewers })),
            {
              title: t("broadcast.curve"),
              format: count,
              formatExact: exact,
              formatDate: (d) => dateTime(d),
              formatAxisDate: (d, span) => (span < 2 * DAY ? time(d) : shortDate(d)),
              className: "chart-broadcast",
            },
          ),
        ),
        el(
          "section",
          { className: "broadcast-changes", "aria-labelledby": "b-changes-title" },
          el("h2", { id: "b-changes-title" }, t("broadcast.changes")),
          el(
            "div",
            { className: "table-wrap" },
            el(
              "table",
              {},
              el("thead", {}, el("tr", {}, ...["broadcast.at", "broadcast.titleCol", "market.col.category"].map((k) => el("th", { scope: "col" }, t(k))))),
              el(
                "tbody",
                {},
                ...b.changes.map((c) => el("tr", {}, el("td", {}, dateTime(c.at)), el("td", {}, c.title), el("td", {}, categoryLabel(c.category) || t("unknown")))),
              ),
            ),
          ),
        ),
      );
    })
    .catch((err) => {
      if (stopped) return;
      const msg = err instanceof ApiError && err.status === 404 ? t("broadcast.notFound") : t("status.error", { message: err.message });
      root.replaceChildren(el("a", { className: "back", href: `#/channel/${encodeURIComponent(platform)}` }, t("broadcast.back")), el("p", { className: "error", role: "alert" }, msg));
    });
  return () => {
    stopped = true;
  };
}

/** The channel page's broadcasts section (loads itself), newest first, each linking to its page. */
export function broadcastsSection(api, platform, id) {
  const body = el("div", { className: "broadcasts-body" }, el("p", { className: "loading", role: "status" }, t("status.loading")));
  const section = el(
    "section",
    { className: "channel-broadcasts", "aria-labelledby": "broadcasts-title" },
    el("h2", { id: "broadcasts-title" }, t("channel.broadcasts")),
    body,
  );
  api
    .channelBroadcasts(platform, id, 20)
    .then((page) => {
      const list = (page && page.broadcasts) || [];
      if (!list.length) {
        body.replaceChildren(el("p", { className: "muted" }, t("channel.broadcasts.empty")));
        return;
      }
      const heads = ["broadcast.started", "broadcast.titleCol", "broadcast.duration", "broadcast.peak", "broadcast.avg", "broadcast.hoursWatched"];
      body.replaceChildren(
        el(
          "div",
          { className: "table-wrap" },
          el(
            "table",
            {},
            el("thead", {}, el("tr", {}, ...heads.map((k, i) => el("th", { scope: "col", className: i > 1 ? "num" : "" }, t(k))))),
            el(
              "tbody",
              {},
              ...list.map((b) =>
                el(
                  "tr",
                  { "data-broadcast": b.id },
                  el("td", {}, dateTime(b.started_at)),
                  el("td", {}, el("a", { href: broadcastHref(b) }, b.title || t("unknown")), b.live ? el("span", { className: "live-dot" }, ` ${t("broadcast.liveNow")}`) : null),
                  el("td", { className: "num" }, duration(b.duration_minutes)),
                  el("td", { className: "num" }, exact(b.peak_viewers)),
                  el("td", { className: "num" }, b.avg_viewers === null ? t("unknown") : exact(Math.round(b.avg_viewers))),
                  el("td", { className: "num" }, b.hours_watched === null ? t("unknown") : exact(Math.round(b.hours_watched))),
                ),
              ),
            ),
          ),
        ),
      );
    })
    .catch((err) => body.replaceChildren(el("p", { className: "error" }, t("status.error", { message: err.message }))));
  return section;
}
