// The channel page: figures now, 1/7/30/90-day changes (only where the history covers the
// period), average daily gain and projection, charts of followers, views and live viewers, and
// the day-by-day table, and its broadcasts (each linking to its page).
import { ApiError } from "./api.js";
import { broadcastsSection } from "./broadcast.js";
import { categoryText } from "./category.js";
import { dailySection } from "./daily.js";
import { lineChart } from "./chart.js";
import { el, hue, safeUrl } from "./dom.js";
import { count, dateTime, exact, percent, shortDate, signed, time, uptime } from "./format.js";
import { t } from "./i18n.js";
import { platformBadge } from "./platforms.js";
import { keyOf, prefs } from "./prefs.js";

const PERIODS = [
  ["1d", 1],
  ["7d", 7],
  ["30d", 30],
];
// The change table also has 90 days (the chart ranges stay at most 30).
const CHANGE_PERIODS = [...PERIODS, ["90d", 90]];
const METRICS = ["followers", "views", "viewers"];
const DAY = 86_400_000;

/** Render the channel page into `root`; returns a cleanup function. */
export function renderChannel(root, { api, platform, id }) {
  let stopped = false;
  let range = 30;
  root.replaceChildren(el("p", { className: "loading", role: "status" }, t("channel.loading")));

  async function load() {
    let channel;
    try {
      channel = await api.channel(platform, id);
    } catch (err) {
      if (stopped) return;
      const msg = err instanceof ApiError && err.status === 404 ? t("channel.notFound") : t("status.error", { message: err.message });
      root.replaceChildren(backLink(), el("p", { className: "error", role: "alert" }, msg));
      return;
    }
    const from = new Date(Date.now() - (range >= 30 ? range + 1 : range) * DAY).toISOString();
    const wide = new Date(Date.now() - 31 * DAY).toISOString();
    const [histories, wideHistories, stats, videos] = await Promise.all([
      Promise.all(METRICS.map((m) => api.history(platform, id, m, from, range > 30 ? 20000 : null).catch(() => ({ points: [] })))),
      range >= 30
        ? null
        : Promise.all(METRICS.map((m) => api.history(platform, id, m, wide).catch(() => ({ points: [] })))),
      api.stats(platform, id).catch(() => null),
      api.videos(platform, id).catch(() => null),
    ]);
    if (stopped) return;
    const series = Object.fromEntries(METRICS.map((m, i) => [m, histories[i].points || []]));
    const wideSeries = wideHistories
      ? Object.fromEntries(METRICS.map((m, i) => [m, wideHistories[i].points || []]))
      : series;
    root.replaceChildren(
      backLink(),
      header(channel),
      figures(channel),
      changes(channel, stats, wideSeries),
      charts(series),
      dailySection(api, platform, id),
      broadcastsSection(api, platform, id),
      recentVideos(videos),
    );
    document.title = `${channel.name} · streamtide`;
  }

  function recentVideos(list) {
    const items = (list && list.items) || [];
    const duration = (secs) => {
      if (secs === null || secs === undefined) return null;
      const h = Math.floor(secs / 3600);
      const m = Math.floor((secs % 3600) / 60);
      const s = secs % 60;
      return h ? `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}` : `${m}:${String(s).padStart(2, "0")}`;
    };
    const row = (v) => {
      const thumb = safeUrl(v.thumbnail_url);
      const len = duration(v.duration_secs);
      return el(
        "li",
        { className: "video" },
        el(
          "a",
          { className: "video-thumb", href: safeUrl(v.url), target: "_blank", rel: "noopener noreferrer", tabIndex: -1, "aria-hidden": "true" },
          thumb ? el("img", { src: thumb, alt: "", loading: "lazy", referrerPolicy: "no-referrer", onerror: (e) => e.target.remove() }) : null,
          len ? el("span", { className: "video-length" }, len) : null,
        ),
        el(
          "div",
          { className: "video-text" },
          el("a", { className: "video-title", href: safeUrl(v.url), target: "_blank", rel: "noopener noreferrer" }, v.title || t("card.noTitle")),
          el(
            "p",
            { className: "muted small" },
            [
              t(`video.kind.${v.kind}`),
              v.published_at ? shortDate(v.published_at) : null,
              v.views !== null && v.views !== undefined ? t("video.views", { n: exact(v.views) }) : null,
            ]
              .filter(Boolean)
              .join(" · "),
          ),
        ),
      );
    };
    return el(
      "section",
      { className: "videos", "aria-labelledby": "videos-title" },
      el("h2", { id: "videos-title" }, t("channel.recentVideos")),
      items.length ? el("ol", { className: "video-list" }, ...items.map(row)) : el("p", { className: "muted" }, t("channel.noVideos")),
    );
  }

  function backLink() {
    return el("a", { className: "back", href: "#/" }, t("channel.back"));
  }

  function header(c) {
    const key = keyOf({ platform: c.platform, channel_id: c.channel_id });
    const fav = prefs.isFavourite(key);
    const avatar = el("span", { className: "avatar avatar-lg", "aria-hidden": "true" }, c.name.slice(0, 1));
    avatar.style.setProperty("--h", hue(c.name));
    const src = safeUrl(c.avatar_url);
    if (src) avatar.append(el("img", { src, alt: "", referrerPolicy: "no-referrer", onerror: (e) => e.target.remove() }));
    const live = c.live;
    const star = el(
      "button",
      {
        type: "button",
        className: "star star-lg",
        "aria-pressed": String(fav),
        "aria-label": t(fav ? "card.favRemove" : "card.favAdd", { name: c.name }),
        onclick: () => {
          prefs.toggleFavourite(key, c.name);
          const on = prefs.isFavourite(key);
          star.textContent = on ? "★" : "☆";
          star.setAttribute("aria-pressed", String(on));
          star.setAttribute("aria-label", t(on ? "card.favRemove" : "card.favAdd", { name: c.name }));
        },
      },
      fav ? "★" : "☆",
    );
    return el(
      "header",
      { className: "channel-header" },
      avatar,
      el(
        "div",
        { className: "channel-title" },
        el("h1", null, c.name),
        el(
          "p",
          { className: "channel-sub" },
          platformBadge(c.platform),
          c.handle ? el("span", null, c.handle) : null,
          c.tracked ? el("span", { className: "pill" }, t("channel.tracked")) : null,
          c.creator_id !== null && c.creator_id !== undefined
            ? el("a", { className: "pill pill-creator", href: `#/creator/${encodeURIComponent(c.creator_id)}` }, t("channel.creatorPage"))
            : null,
          live
            ? el("span", { className: "pill pill-live" }, `● ${t("channel.liveNow")}`)
            : c.live_state === "unknown"
              ? el("span", { className: "pill", title: t("channel.unknownHint") }, t("channel.unknown"))
              : el("span", { className: "pill" }, t("channel.offline")),
        ),
        live
          ? el(
              "p",
              { className: "channel-live" },
              el("a", { href: safeUrl(live.url), target: "_blank", rel: "noopener noreferrer" }, live.title || t("card.noTitle")),
              ` · ${t("card.viewers", { n: exact(live.viewers) })} · ${uptime(live.started_at)}`,
              categoryText(live) ? ` · ${categoryText(live)}` : "",
            )
          : null,
        c.description ? el("p", { className: "channel-description" }, c.description) : null,
      ),
      star,
    );
  }

  function figures(c) {
    const fig = (label, value, title) =>
      el("div", { className: "figure" }, el("dt", null, label), el("dd", { title }, value));
    return el(
      "section",
      { className: "figures", "aria-label": t("channel.followers") },
      el(
        "dl",
        null,
        fig(t("channel.followers"), count(c.followers), exact(c.followers)),
        fig(t("channel.views"), count(c.total_views), exact(c.total_views)),
        fig(t("channel.videos"), count(c.video_count), exact(c.video_count)),
        c.live ? fig(t("channel.viewers"), count(c.live.viewers), exact(c.live.viewers)) : null,
      ),
      c.stats_observed_at
        ? el("p", { className: "muted small" }, t("channel.observed", { time: dateTime(c.stats_observed_at) }))
        : null,
    );
  }

  function changes(c, stats, series) {
    const fromServer = normaliseStats(stats);
    const rows = ["followers", "views"].map((metric) => {
      const cells = CHANGE_PERIODS.map(([period, days]) => {
        // The server's change when it gives one (followers); else from the stored history, which
        // must reach back over the whole period: never a change from minutes of data.
        const served = fromServer && fromServer[metric] && fromServer[metric][period];
        const ch = served || localChange(series[metric], days);
        if (!ch || ch.abs === null || ch.abs === undefined) {
          const from = ch && ch.available_from;
          return el(
            "td",
            { className: "muted", title: from ? t("channel.availableFrom", { date: shortDate(from) }) : null },
            t("unknown"),
            from ? el("span", { className: "change-from small" }, ` ${t("channel.availableFrom", { date: shortDate(from) })}`) : null,
          );
        }
        const dir = ch.abs > 0 ? "up" : ch.abs < 0 ? "down" : "flat";
        return el(
          "td",
          { className: `change change-${dir}` },
          el("span", { className: "change-abs", title: ch.rounded ? t("channel.rounded") : null }, ch.rounded ? "≈" : "", signed(ch.abs)),
          ch.pct !== null && ch.pct !== undefined ? el("span", { className: "change-pct" }, percent(ch.pct)) : null,
        );
      });
      return el("tr", null, el("th", { scope: "row" }, t(`chart.metric.${metric}`)), ...cells);
    });
    const projection = stats && stats.projection ? projectionText(stats.projection) : null;
    return el(
      "section",
      { className: "changes" },
      el("h2", null, t("channel.changes")),
      el(
        "div",
        { className: "table-wrap" },
        el(
          "table",
          null,
          el(
            "thead",
            null,
            el("tr", null, el("th", { scope: "col" }, t("channel.metric")), ...CHANGE_PERIODS.map(([p]) => el("th", { scope: "col" }, t(`channel.period.${p}`)))),
          ),
          el("tbody", null, ...rows),
        ),
      ),
      !fromServer ? el("p", { className: "muted small" }, t("channel.changes.local")) : null,
      gainText(stats) ? el("p", { className: "gain" }, gainText(stats)) : null,
      projection ? el("p", { className: "projection" }, t("channel.projection", { text: projection })) : null,
      stats && stats.live_30d ? liveStats(stats.live_30d) : null,
    );
  }

  function charts(series) {
    const select = el(
      "select",
      {
        id: "chart-range",
        onchange: () => {
          range = Number(select.value);
          load();
        },
      },
      ...CHANGE_PERIODS.map(([p, days]) => el("option", { value: days }, t(`channel.period.${p}`))),
    );
    select.value = String(range);
    return el(
      "section",
      { className: "charts" },
      el(
        "div",
        { className: "section-head" },
        el("h2", null, t("channel.charts")),
        el("div", { className: "field" }, el("label", { htmlFor: "chart-range" }, t("channel.range")), select),
      ),
      el(
        "div",
        { className: "chart-grid-wrap" },
        ...METRICS.map((m) =>
          lineChart(series[m], {
            title: t(`chart.metric.${m}`),
            format: count,
            formatExact: exact,
            formatDate: (d) => dateTime(d),
            formatAxisDate: (d, span) => (span < 2 * DAY ? time(d) : shortDate(d)),
            className: `chart-${m}`,
          }),
        ),
      ),
    );
  }

  load();
  return () => {
    stopped = true;
  };
}

/**
 * The analytics endpoint's changes as { metric: { period: {abs, pct} } }, whichever of the two
 * plausible shapes it has; null when absent.
 */
function normaliseStats(stats) {
  if (!stats || !stats.changes) return null;
  const ch = stats.changes;
  if (ch["1d"] || ch["7d"] || ch["30d"]) {
    const metric = stats.metric || "followers";
    return { [metric]: ch };
  }
  return ch;
}

/** Average daily follower gain over 7 days and the acceleration (this week's gain − last week's). */
function gainText(stats) {
  if (!stats) return null;
  const parts = [];
  const g = stats.avg_daily_gain_7d;
  if (g !== null && g !== undefined) parts.push(t("channel.avgGain", { n: signed(Math.round(g)) }));
  const a = stats.acceleration;
  if (a !== null && a !== undefined) parts.push(t("channel.acceleration", { n: signed(a) }));
  return parts.length ? parts.join(" · ") : null;
}

function projectionText(p) {
  if (typeof p === "string") return p;
  const parts = [];
  if (p.in_30d !== undefined) parts.push(t("channel.proj.in", { d: 30, n: count(p.in_30d) }));
  if (p.in_90d !== undefined) parts.push(t("channel.proj.in", { d: 90, n: count(p.in_90d) }));
  if (p.next_milestone && p.milestone_eta) {
    parts.push(t("channel.proj.milestone", { n: count(p.next_milestone), date: shortDate(p.milestone_eta) }));
  }
  return parts.join(" · ");
}

/** The last 30 days of broadcasting, from the analytics endpoint. */
function liveStats(l) {
  const item = (label, value) => el("div", { className: "figure figure-sm" }, el("dt", null, label), el("dd", null, value));
  return el(
    "div",
    { className: "live-stats" },
    el("h3", null, t("channel.live30")),
    el(
      "dl",
      null,
      item(t("channel.streams"), exact(l.streams)),
      item(t("channel.hoursStreamed"), exact(Math.round(l.hours_streamed))),
      item(t("channel.avgViewers"), count(l.avg_viewers === null ? null : Math.round(l.avg_viewers))),
      item(t("channel.peakViewers"), count(l.peak_viewers)),
      item(t("channel.hoursWatched"), count(Math.round(l.hours_watched))),
    ),
  );
}

/**
 * The change over `days` from the stored history: the latest value against the last value at or
 * up to a day before `days` earlier. Where the history does not reach back that far, no change
 * (`abs: null`) and the day it will (`available_from`), as the server's changes say.
 */
export function localChange(points, days) {
  if (!points || points.length < 1) return null;
  const last = points[points.length - 1];
  const cutoff = Date.parse(last.at) - days * DAY;
  // The server's boundary tolerance: a day up to 19 days, a tenth of the period beyond.
  const tolerance = Math.max(1, Math.floor(days / 10)) * DAY;
  let base = null;
  for (const p of points) {
    if (Date.parse(p.at) <= cutoff) base = p;
    else break;
  }
  if (!base || Date.parse(base.at) < cutoff - tolerance) {
    const first = Date.parse(points[0].at);
    return { abs: null, pct: null, available_from: first > cutoff ? new Date(first + days * DAY) : null };
  }
  const abs = Number(last.value) - Number(base.value);
  const pct = Number(base.value) > 0 ? (abs / Number(base.value)) * 100 : null;
  return { abs, pct, available_from: null };
}
