// The 시장 (market) page and a category's page, from the live census: GET /api/v1/market
// (platform totals per hour or day), /api/v1/categories (the ranking with the change against the
// period before) and /api/v1/categories/{tag}/history, plus who is live in a category now
// (/api/v1/live?category=), and the streamer ranking by hours watched over every broadcaster
// seen (/api/v1/trends?scope=all). Only hours every platform has a point for are drawn as shares
// or sums: an hour a platform was not read is unknown, not zero.
import { ApiError } from "./api.js";
import { lineChart } from "./chart.js";
import { el, field, svg } from "./dom.js";
import { count, dateTime, exact, shortDate, time } from "./format.js";
import { lang, t } from "./i18n.js";
import { platformBadge, platformName } from "./platforms.js";

const KEY = "streamtide.market";
const DEFAULTS = { range: "24h", period: "1d", platform: "", sort: "hours_watched" };
const DAY = 86_400_000;
const RANGES = {
  "24h": { days: 1, resolution: "hour" },
  "7d": { days: 7, resolution: "hour" },
  "30d": { days: 30, resolution: "day" },
};

function readSettings() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(KEY) || "{}") };
  } catch (_) {
    return { ...DEFAULTS };
  }
}

function saveSettings(s) {
  try {
    localStorage.setItem(KEY, JSON.stringify(s));
  } catch (_) {
    /* ignore */
  }
}

const label = (c) => (lang() === "ko" ? c.ko : c.en);
const hours = (v) => exact(Math.round(v));

/** Per time (ms), each platform's value, keeping only times every series has. */
function aligned(series, value) {
  const byTime = new Map();
  for (const s of series) {
    for (const p of s.points) {
      const at = new Date(p.at).getTime();
      if (!byTime.has(at)) byTime.set(at, {});
      byTime.get(at)[s.platform] = value(p);
    }
  }
  const names = series.map((s) => s.platform);
  return [...byTime.entries()]
    .filter(([, v]) => names.every((n) => Number.isFinite(v[n])))
    .sort((a, b) => a[0] - b[0])
    .map(([at, v]) => ({ at, values: v }));
}

/** A 100 % stacked area chart of each platform's share of the summed values. */
function shareChart(rows, platforms, title) {
  const figure = el("figure", { className: "chart chart-share" }, el("figcaption", { className: "chart-title" }, title));
  if (rows.length === 0) {
    figure.append(el("p", { className: "chart-empty" }, t("chart.empty")));
    return figure;
  }
  const W = 640;
  const H = 200;
  const pad = { top: 10, right: 16, bottom: 28, left: 44 };
  const iw = W - pad.left - pad.right;
  const ih = H - pad.top - pad.bottom;
  const x0 = rows[0].at;
  const x1 = rows[rows.length - 1].at;
  const sx = (ms) => pad.left + (x1 === x0 ? iw / 2 : ((ms - x0) / (x1 - x0)) * iw);
  const sy = (f) => pad.top + ih - f * ih;
  const shares = rows.map((r) => {
    const total = platforms.reduce((a, p) => a + r.values[p], 0);
    return platforms.map((p) => (total > 0 ? r.values[p] / total : 0));
  });
  const layers = [];
  let below = rows.map(() => 0);
  platforms.forEach((p, i) => {
    const above = below.map((b, j) => b + shares[j][i]);
    const top = rows.map((r, j) => `${sx(r.at).toFixed(1)},${sy(above[j]).toFixed(1)}`);
    const bottom = rows.map((r, j) => `${sx(r.at).toFixed(1)},${sy(below[j]).toFixed(1)}`).reverse();
    const path = svg("path", { d: `M${top.join("L")}L${bottom.join("L")}Z`, class: "share-layer" });
    path.style.fill = `var(--platform-${p}, #888)`;
    layers.push(path);
    below = above;
  });
  const grid = [0, 0.5, 1].map((f) =>
    svg("text", { class: "chart-axis", x: pad.left - 6, y: sy(f) + 4, "text-anchor": "end" }, `${Math.round(f * 100)}%`),
  );
  const span = x1 - x0;
  const when = (ms) => (span < 2 * DAY ? time(ms) : shortDate(ms));
  const axis = [
    svg("text", { class: "chart-axis", x: pad.left, y: H - 8, "text-anchor": "start" }, when(x0)),
    svg("text", { class: "chart-axis", x: W - pad.right, y: H - 8, "text-anchor": "end" }, when(x1)),
  ];
  const last = shares[shares.length - 1];
  const summary = platforms.map((p, i) => `${platformName(p)} ${(last[i] * 100).toFixed(1)}%`).join(", ");
  figure.append(
    svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `${title}: ${summary}` }, ...layers, ...grid, ...axis),
    el(
      "p",
      { className: "share-legend" },
      ...platforms.map((p, i) => el("span", { className: "share-key" }, platformBadge(p), ` ${(last[i] * 100).toFixed(1)}%`)),
    ),
  );
  return figure;
}

function changeCell(v) {
  if (v === null || v === undefined) return el("td", { className: "num muted" }, t("unknown"));
  const dir = v > 0 ? "up" : v < 0 ? "down" : "flat";
  const mark = v > 0 ? "▲" : v < 0 ? "▼" : "";
  return el("td", { className: `num change-${dir}` }, `${mark}${(Math.abs(v) * 100).toFixed(1)}%`);
}

/** Render the market page into `root`; returns a cleanup function. */
export function renderMarket(root, { api }) {
  let stopped = false;
  let settings = readSettings();
  const change = (name, value) => {
    settings = { ...settings, [name]: value };
    saveSettings(settings);
    if (name === "range") loadMarket();
    else {
      loadRanking();
      if (name !== "sort") loadLeaders();
    }
  };
  const select = (id, name, options) => {
    const s = el(
      "select",
      { id, onchange: () => change(name, s.value) },
      ...options.map(([v, text]) => el("option", { value: v }, text)),
    );
    s.value = settings[name];
    return s;
  };

  // The platforms with a market (a census) come from the market's own answer.
  const platformSelect = select("m-platform", "platform", [["", t("platform.all")]]);
  const offerPlatforms = (ids) => {
    const keep = settings.platform;
    platformSelect.replaceChildren(el("option", { value: "" }, t("platform.all")), ...ids.map((p) => el("option", { value: p }, platformName(p))));
    platformSelect.value = ids.includes(keep) ? keep : "";
  };
  const marketBody = el("div", { className: "market-body", "aria-live": "polite" }, el("p", { className: "loading", role: "status" }, t("status.loading")));
  const rankingBody = el("div", { className: "market-ranking", "aria-live": "polite" });
  const downloads = el("p", { className: "downloads" });
  const leadersBody = el("div", { className: "market-leaders", "aria-live": "polite" });

  root.replaceChildren(
    el("h1", {}, t("market.title")),
    el("p", { className: "muted market-note" }, t("market.note")),
    el(
      "div",
      { className: "filters" },
      field("m-range", t("market.range"), select("m-range", "range", Object.keys(RANGES).map((k) => [k, t(`market.range.${k}`)]))),
    ),
    marketBody,
    el(
      "section",
      { className: "market-categories", "aria-labelledby": "m-cat-title" },
      el("h2", { id: "m-cat-title" }, t("market.categories")),
      el(
        "div",
        { className: "filters" },
        field("m-period", t("market.period"), select("m-period", "period", ["1d", "7d", "30d"].map((p) => [p, t(`market.range.${p === "1d" ? "24h" : p}`)]))),
        field("m-platform", t("filter.platform"), platformSelect),
        field("m-sort", t("market.sort"), select("m-sort", "sort", ["hours_watched", "peak", "channels", "change"].map((s) => [s, t(`market.sort.${s}`)]))),
      ),
      downloads,
      rankingBody,
      el("p", { className: "muted" }, t("market.changeNote")),
    ),
    el(
      "section",
      { className: "market-streamers", "aria-labelledby": "m-lead-title" },
      el("h2", { id: "m-lead-title" }, t("market.leaders")),
      leadersBody,
    ),
  );

  async function loadMarket() {
    const range = RANGES[settings.range] || RANGES["24h"];
    let data;
    try {
      // The latest data's end is the server's default `to`; the range counts back from it.
      const probe = await api.market({ resolution: "hour" });
      const to = new Date(probe.to);
      const from = new Date(to.getTime() - range.days * DAY);
      data = await api.market({ resolution: range.resolution, from: from.toISOString(), to: to.toISOString() });
    } catch (err) {
      if (!stopped) marketBody.replaceChildren(el("p", { className: "error", role: "alert" }, t("status.error", { message: err.message })));
      return;
    }
    if (stopped) return;
    const series = (data.series || []).filter((s) => s.points.length);
    if (!series.length) {
      marketBody.replaceChildren(el("p", { className: "muted market-empty" }, t("market.empty")));
      return;
    }
    const platforms = series.map((s) => s.platform);
    offerPlatforms(platforms);
    const rows = aligned(series, (p) => p.avg_viewers);
    const lastOf = (s) => s.points[s.points.length - 1];
    const total = series.reduce((a, s) => a + lastOf(s).avg_viewers, 0);
    const now = el(
      "div",
      { className: "table-wrap" },
      el(
        "table",
        { className: "market-now" },
        el("caption", {}, t("market.now")),
        el(
          "thead",
          {},
          el("tr", {}, el("th", { scope: "col" }, t("filter.platform")), ...["market.viewers", "market.channels", "market.shareCol"].map((k) => el("th", { scope: "col", className: "num" }, t(k)))),
        ),
        el(
          "tbody",
          {},
          ...series.map((s) => {
            const p = lastOf(s);
            return el(
              "tr",
              { "data-platform": s.platform },
              el("th", { scope: "row" }, platformBadge(s.platform)),
              el("td", { className: "num" }, exact(Math.round(p.avg_viewers))),
              el("td", { className: "num" }, exact(Math.round(p.avg_channels))),
              el("td", { className: "num" }, total > 0 ? `${((p.avg_viewers / total) * 100).toFixed(1)}%` : t("unknown")),
            );
          }),
        ),
      ),
    );
    const totals = rows.map((r) => ({ at: new Date(r.at).toISOString(), value: platforms.reduce((a, p) => a + r.values[p], 0) }));
    marketBody.replaceChildren(
      now,
      el(
        "div",
        { className: "chart-grid-wrap" },
        shareChart(rows, platforms, t("market.share")),
        lineChart(totals, {
          title: t("market.total"),
          format: count,
          formatExact: exact,
          formatDate: (d) => dateTime(d),
          formatAxisDate: (d, span) => (span < 2 * DAY ? time(d) : shortDate(d)),
          className: "chart-market-total",
        }),
      ),
    );
  }

  async function loadRanking() {
    const params = { period: settings.period, platform: settings.platform, sort: settings.sort };
    const link = (format, text) => el("a", { className: "button download", href: api.categoriesUrl(params, format), download: "", "data-format": format }, text);
    downloads.replaceChildren(t("market.download"), " ", link("csv", "CSV"), " ", link("xlsx", "Excel (.xlsx)"));
    const data = await answer(rankingBody, () => api.categories(params));
    if (!data) return;
    const list = (data.categories || []).filter((c) => c.hours_watched > 0 || c.peak_viewers > 0);
    if (!list.length) {
      rankingBody.replaceChildren(el("p", { className: "muted market-empty" }, t("market.empty")));
      return;
    }
    const heads = ["market.col.category", "market.col.hours", "market.col.avg", "market.col.peak", "market.col.channels", "market.col.change"];
    rankingBody.replaceChildren(
      el(
        "div",
        { className: "table-wrap" },
        el(
          "table",
          { className: "category-ranking" },
          el("thead", {}, el("tr", {}, el("th", { scope: "col", className: "num" }, "#"), ...heads.map((k, i) => el("th", { scope: "col", className: i ? "num" : "" }, t(k))))),
          el(
            "tbody",
            {},
            ...list.map((c) =>
              el(
                "tr",
                { "data-category": c.category.id },
                el("td", { className: "num" }, String(c.rank)),
                el("th", { scope: "row" }, el("a", { href: `#/category/${encodeURIComponent(c.category.id)}` }, label(c.category))),
                el("td", { className: "num" }, hours(c.hours_watched)),
                el("td", { className: "num" }, exact(Math.round(c.avg_viewers))),
                el("td", { className: "num" }, exact(c.peak_viewers)),
                el("td", { className: "num" }, exact(Math.round(c.avg_channels))),
                changeCell(c.change),
              ),
            ),
          ),
        ),
      ),
    );
  }

  /** `request`'s answer; `null` when the page is gone, or after showing its failure in `body`. */
  async function answer(body, request) {
    try {
      const data = await request();
      return stopped ? null : data;
    } catch (err) {
      if (!stopped) body.replaceChildren(el("p", { className: "error", role: "alert" }, t("status.error", { message: err.message })));
      return null;
    }
  }

  /** The top streamers by hours watched over the period, of every broadcaster seen. */
  async function loadLeaders() {
    const params = { scope: "all", metric: "hours_watched", period: settings.period, platform: settings.platform, limit: 10 };
    const more = `#/rankings?${new URLSearchParams({ sort: "total", metric: "hours_watched", period: settings.period, platform: settings.platform, group: "channel", tracked: "false", category: "" })}`;
    const data = await answer(leadersBody, () => api.trends(params));
    if (!data) return;
    const items = data.items || [];
    if (!items.length) {
      leadersBody.replaceChildren(el("p", { className: "muted market-empty" }, data.note ? `${t("market.leaders.empty")} (${data.note})` : t("market.leaders.empty")));
      return;
    }
    leadersBody.replaceChildren(
      el(
        "ol",
        { className: "market-leader-list" },
        ...items.map((i) =>
          el(
            "li",
            { "data-channel": i.channel_id, "data-value": i.end_value },
            el("a", { href: `#/channel/${encodeURIComponent(i.platform)}/${encodeURIComponent(i.channel_id)}` }, i.channel_name || i.channel_id),
            " ",
            platformBadge(i.platform),
            " ",
            el("span", { className: "num" }, `${hours(i.end_value)} ${t("market.hoursUnit")}`),
          ),
        ),
      ),
      el("p", {}, el("a", { href: more, className: "market-leaders-more" }, `${t("market.leaders.more")} →`)),
    );
  }

  loadMarket();
  loadRanking();
  loadLeaders();
  return () => {
    stopped = true;
  };
}

/** Render a category's page into `root`; returns a cleanup function. */
export function renderCategory(root, { api, tag }) {
  let stopped = false;
  let settings = { metric: "viewers", range: "7d", ...readSettings().category };
  const body = el("div", { className: "category-body", "aria-live": "polite" }, el("p", { className: "loading", role: "status" }, t("status.loading")));
  const heading = el("h1", {}, tag);
  const select = (id, name, options) => {
    const s = el(
      "select",
      {
        id,
        onchange: () => {
          settings = { ...settings, [name]: s.value };
          saveSettings({ ...readSettings(), category: settings });
          load();
        },
      },
      ...options.map(([v, text]) => el("option", { value: v }, text)),
    );
    s.value = settings[name];
    return s;
  };
  const live = el("section", { className: "category-live", "aria-labelledby": "c-live-title" }, el("h2", { id: "c-live-title" }, t("category.liveNow")));
  root.replaceChildren(
    el("a", { className: "back", href: "#/market" }, t("category.back")),
    heading,
    el(
      "div",
      { className: "filters" },
      field("c-metric", t("category.metric"), select("c-metric", "metric", ["viewers", "channels", "hours_watched"].map((m) => [m, t(`category.metric.${m}`)]))),
      field("c-range", t("market.range"), select("c-range", "range", Object.keys(RANGES).map((k) => [k, t(`market.range.${k}`)]))),
    ),
    body,
    live,
  );

  async function load() {
    const range = RANGES[settings.range] || RANGES["7d"];
    let data;
    try {
      const probe = await api.categoryHistory(tag, { resolution: "hour", from: new Date(Date.now() - 3_600_000).toISOString() });
      const to = new Date(probe.to);
      const from = new Date(to.getTime() - range.days * DAY);
      data = await api.categoryHistory(tag, { metric: settings.metric, resolution: range.resolution, from: from.toISOString(), to: to.toISOString() });
    } catch (err) {
      if (stopped) return;
      const msg = err instanceof ApiError && err.status === 404 ? t("category.notFound") : t("status.error", { message: err.message });
      body.replaceChildren(el("p", { className: "error", role: "alert" }, msg));
      return;
    }
    if (stopped) return;
    heading.textContent = label(data.category);
    document.title = `${label(data.category)} · streamtide`;
    const series = (data.series || []).filter((s) => s.points.length);
    const rows = aligned(series, (p) => p.value);
    const points = rows.map((r) => ({ at: new Date(r.at).toISOString(), value: series.reduce((a, s) => a + r.values[s.platform], 0) }));
    const per = el(
      "div",
      { className: "chart-grid-wrap" },
      lineChart(points, {
        title: `${t(`category.metric.${settings.metric}`)} · ${t("platform.all")}`,
        format: count,
        formatExact: exact,
        formatDate: (d) => dateTime(d),
        formatAxisDate: (d, span) => (span < 2 * DAY ? time(d) : shortDate(d)),
        className: "chart-category",
      }),
    );
    body.replaceChildren(per);
  }

  async function loadLive() {
    let page;
    try {
      page = await api.liveAll(10, { category: tag });
    } catch (_) {
      return;
    }
    if (stopped) return;
    const items = ((page && page.items) || []).slice(0, 10);
    if (!items.length) {
      live.append(el("p", { className: "muted" }, t("category.noneLive")));
      return;
    }
    live.append(
      el(
        "ol",
        { className: "category-live-list" },
        ...items.map((i) =>
          el(
            "li",
            {},
            platformBadge(i.platform),
            " ",
            el("a", { href: `#/channel/${encodeURIComponent(i.platform)}/${encodeURIComponent(i.channel_id)}` }, i.channel_name || i.channel_id),
            " · ",
            i.broadcast_id ? el("a", { href: `#/broadcast/${encodeURIComponent(i.platform)}/${encodeURIComponent(i.broadcast_id)}` }, i.title || "") : i.title || "",
            " · ",
            el("strong", {}, exact(i.viewers)),
          ),
        ),
      ),
    );
  }

  load();
  loadLive();
  return () => {
    stopped = true;
  };
}
