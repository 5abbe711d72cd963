// The creator page: one person's channels on every platform, their summed figures and changes,
// and charts of followers and views per platform and combined.
import { ApiError } from "./api.js";
import { lineChart } from "./chart.js";
import { el, safeUrl } from "./dom.js";
import { count, dateTime, exact, percent, shortDate, signed } from "./format.js";
import { t } from "./i18n.js";
import { platformBadge, platformName } from "./platforms.js";

const DAY = 86_400_000;
const METRICS = ["followers", "views"];

/**
 * The sum of several channels' series, one point a day: each channel counts with its latest
 * value of that day or before, from the first day every channel has a value (earlier sums would
 * jump when a channel's history begins, which is not growth).
 */
export function combineSeries(seriesList) {
  const daily = seriesList
    .map((points) => {
      const byDay = new Map();
      for (const p of points) {
        const day = Math.floor(Date.parse(p.at) / DAY);
        if (Number.isFinite(day) && Number.isFinite(Number(p.value))) byDay.set(day, Number(p.value));
      }
      return byDay;
    })
    .filter((m) => m.size > 0);
  if (daily.length === 0) return [];
  const start = Math.max(...daily.map((m) => Math.min(...m.keys())));
  const end = Math.max(...daily.map((m) => Math.max(...m.keys())));
  const last = daily.map(() => null);
  for (const [i, m] of daily.entries()) {
    for (const [day, v] of m) if (day <= start && (last[i] === null || day >= last[i].day)) last[i] = { day, v };
  }
  const out = [];
  for (let day = start; day <= end; day += 1) {
    daily.forEach((m, i) => {
      if (m.has(day)) last[i] = { day, v: m.get(day) };
    });
    out.push({ at: new Date(day * DAY).toISOString(), value: last.reduce((s, x) => s + (x ? x.v : 0), 0) });
  }
  return out;
}

/** Render the creator page into `root`; returns a cleanup function. */
export function renderCreator(root, { api, id }) {
  let stopped = false;
  root.replaceChildren(el("p", { className: "loading", role: "status" }, t("channel.loading")));

  async function load() {
    let creator;
    try {
      creator = await api.creator(id);
    } catch (err) {
      if (stopped) return;
      const msg = err instanceof ApiError && err.status === 404 ? t("creator.notFound") : t("status.error", { message: err.message });
      root.replaceChildren(backLink(), el("p", { className: "error", role: "alert" }, msg));
      return;
    }
    const from = new Date(Date.now() - 31 * DAY).toISOString();
    const channels = creator.channels || [];
    const [stats, histories] = await Promise.all([
      api.creatorStats(id).catch(() => null),
      Promise.all(
        channels.map((c) =>
          Promise.all(METRICS.map((m) => api.history(c.platform, c.channel_id, m, from).catch(() => ({ points: [] })))),
        ),
      ),
    ]);
    if (stopped) return;
    document.title = `${creator.name} · streamtide`;
    root.replaceChildren(backLink(), header(creator), changes(stats), charts(channels, histories));
  }

  function backLink() {
    return el("a", { className: "back", href: "#/creators" }, t("creator.back"));
  }

  function header(c) {
    return el(
      "header",
      { className: "channel-head" },
      el(
        "div",
        { className: "channel-title" },
        el("h1", null, c.name),
        el("p", { className: "muted" }, t("creator.followersTotal", { n: exact(c.followers_total) })),
        el(
          "ul",
          { className: "creator-channels" },
          ...(c.channels || []).map((ch) =>
            el(
              "li",
              null,
              platformBadge(ch.platform),
              " ",
              el("a", { href: `#/channel/${encodeURIComponent(ch.platform)}/${encodeURIComponent(ch.channel_id)}` }, ch.name),
              ` · ${t("channel.followers")} ${count(ch.followers)}`,
              ch.live ? el("span", { className: "pill pill-live" }, `● ${t("channel.liveNow")}`) : null,
              ch.live && safeUrl(ch.live.url) ? el("a", { href: safeUrl(ch.live.url), target: "_blank", rel: "noopener noreferrer" }, ` ${t("channel.watch")}`) : null,
            ),
          ),
        ),
      ),
    );
  }

  function changes(stats) {
    const ch = stats && stats.changes;
    if (!ch) return el("section", { className: "changes" }, el("h2", null, t("channel.changes")), el("p", { className: "muted" }, t("unknown")));
    const row = (period) => {
      const c = ch[period];
      if (!c || c.abs === null || c.abs === undefined) {
        // Not covered yet: "—" and the day it will be, as the channel page says it.
        const from = c && c.available_from;
        const when = from ? t("channel.availableFrom", { date: shortDate(from) }) : null;
        return el("td", { className: "muted", title: when }, t("unknown"), when ? el("span", { className: "change-from small" }, ` ${when}`) : null);
      }
      const dir = c.abs > 0 ? "up" : c.abs < 0 ? "down" : "flat";
      return el(
        "td",
        { className: `change change-${dir}` },
        el("span", { className: "change-abs" }, c.rounded ? "≈" : "", signed(c.abs)),
        c.pct !== null && c.pct !== undefined ? el("span", { className: "change-pct" }, percent(c.pct)) : null,
      );
    };
    return el(
      "section",
      { className: "changes" },
      el("h2", null, t("creator.changes")),
      el(
        "div",
        { className: "table-wrap" },
        el(
          "table",
          null,
          el("thead", null, el("tr", null, ...["1d", "7d", "30d"].map((p) => el("th", { scope: "col" }, t(`channel.period.${p}`))))),
          el("tbody", null, el("tr", null, ...["1d", "7d", "30d"].map(row))),
        ),
      ),
    );
  }

  function charts(channels, histories) {
    const opts = (title, className) => ({
      title,
      format: count,
      formatExact: exact,
      formatDate: (d) => dateTime(d),
      formatAxisDate: (d) => shortDate(d),
      className,
    });
    const combined = METRICS.map((m, mi) =>
      lineChart(combineSeries(histories.map((h) => h[mi].points || [])), opts(t("creator.combined", { metric: t(`chart.metric.${m}`) }), `chart-combined-${m}`)),
    );
    const perPlatform = channels.map((c, ci) =>
      lineChart(
        histories[ci][0].points || [],
        opts(`${platformName(c.platform)} · ${t("chart.metric.followers")}`, `chart-platform-${c.platform}`),
      ),
    );
    return el(
      "section",
      { className: "charts" },
      el("div", { className: "section-head" }, el("h2", null, t("channel.charts"))),
      el("div", { className: "chart-grid-wrap" }, ...combined, ...perPlatform),
    );
  }

  load();
  return () => {
    stopped = true;
  };
}
