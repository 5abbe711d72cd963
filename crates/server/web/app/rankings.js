// The rankings page: top gainers and losers by metric, period, platform and category, of
// channels or of creators, by change or percent — or a leaderboard by the period's figure (hours
// watched, average or peak viewers of every broadcaster seen) — of every known channel or only
// the tracked roster, from GET /api/v1/trends, with downloads of the same ranking as CSV and .xlsx.
import { ApiError } from "./api.js";
import { el, field, hue, safeUrl } from "./dom.js";
import { count, exact, percent, signed } from "./format.js";
import { t } from "./i18n.js";
import { platformBadge, platformIds, platformName } from "./platforms.js";

const KEY = "streamtide.rankings";
const DEFAULTS = { metric: "followers", period: "7d", direction: "up", platform: "", group: "channel", sort: "change", category: "", tracked: false };
const LIMIT = 50;
const METRICS = ["followers", "views", "viewers", "peak_viewers", "hours_watched"];
const SORTS = ["change", "pct", "total"];

/** The saved settings, overridden by those in the page's address (`query`, after "?"). */
function readSettings(query) {
  let saved = {};
  try {
    saved = JSON.parse(localStorage.getItem(KEY) || "{}") || {};
  } catch (_) {
    /* a broken entry is no entry */
  }
  const s = { ...DEFAULTS, ...saved };
  // The page may be opened with a ranking in its address (#/rankings?sort=total&metric=…).
  for (const [k, v] of new URLSearchParams(query || "")) if (k in DEFAULTS) s[k] = k === "tracked" ? v === "true" : v;
  if (!METRICS.includes(s.metric)) s.metric = DEFAULTS.metric;
  if (!SORTS.includes(s.sort)) s.sort = DEFAULTS.sort;
  return s;
}

/** Render the rankings page into `root`; returns a cleanup function. */
export function renderRankings(root, { api, query: address }) {
  let stopped = false;
  let settings = readSettings(address);
  const result = el("div", { className: "rankings-result", "aria-live": "polite" });

  const change = (name, value) => {
    settings = { ...settings, [name]: value };
    // Settings from the address were a starting point: from now on the page's own.
    if (location.hash.includes("?")) history.replaceState(null, "", "#/rankings");
    try {
      localStorage.setItem(KEY, JSON.stringify(settings));
    } catch (_) {
      /* ignore */
    }
    load();
  };
  const select = (id, name, options) => {
    const s = el(
      "select",
      { id, onchange: () => change(name, s.value) },
      ...options.map(([v, label]) => el("option", { value: v }, label)),
    );
    s.value = settings[name];
    return s;
  };
  const directionGroup = select("r-direction", "direction", [
    ["up", `▲ ${t("rankings.up")}`],
    ["down", `▼ ${t("rankings.down")}`],
  ]);
  const leaderboard = () => settings.sort === "total";

  // The API matches a platform category id or name (e.g. "League of Legends", "00040003").
  const category = el("input", {
    id: "r-category",
    type: "search",
    value: settings.category || "",
    placeholder: t("rankings.category.placeholder"),
    onchange: () => change("category", category.value.trim()),
  });
  // Only the roster (channels the user added or imported), not every channel seen live.
  const tracked = el("input", {
    id: "r-tracked",
    type: "checkbox",
    checked: settings.tracked === true,
    onchange: () => change("tracked", tracked.checked),
  });
  const downloads = el("p", { className: "downloads" });

  /** The query of the ranking shown; the downloads carry the same. */
  const query = () => ({
    metric: settings.metric,
    period: settings.period,
    // A leaderboard is largest first: it has no direction.
    direction: leaderboard() ? "" : settings.direction,
    platform: settings.platform,
    group: settings.group === "creator" ? "creator" : "",
    sort: settings.sort === "change" ? "" : settings.sort,
    category: settings.category,
    tracked: settings.tracked === true ? "true" : "",
    limit: LIMIT,
  });

  function showDownloads() {
    const link = (format, label) =>
      el("a", { className: "button download", href: api.trendsUrl(query(), format), download: "", "data-format": format }, label);
    downloads.replaceChildren(t("rankings.download"), " ", link("csv", "CSV"), " ", link("xlsx", "Excel (.xlsx)"));
  }

  root.replaceChildren(
    el("h1", { className: "page-title" }, t("rankings.title")),
    el(
      "form",
      { className: "filters", onsubmit: (e) => e.preventDefault() },
      field("r-direction", t("rankings.direction"), directionGroup),
      field(
        "r-metric",
        t("rankings.metric"),
        select("r-metric", "metric", METRICS.map((m) => [m, t(`chart.metric.${m}`)])),
      ),
      field(
        "r-period",
        t("rankings.period"),
        select("r-period", "period", ["1d", "7d", "30d", "90d"].map((p) => [p, t(`channel.period.${p}`)])),
      ),
      field(
        "r-group",
        t("rankings.group"),
        select("r-group", "group", ["channel", "creator"].map((g) => [g, t(`rankings.group.${g}`)])),
      ),
      field(
        "r-sort",
        t("rankings.sort"),
        select("r-sort", "sort", SORTS.map((v) => [v, t(`rankings.sort.${v}`)])),
      ),
      field(
        "r-platform",
        t("filter.platform"),
        select("r-platform", "platform", [["", t("platform.all")], ...platformIds().map((p) => [p, platformName(p)])]),
      ),
      field("r-category", t("filter.category"), category),
      el("div", { className: "field field-check" }, tracked, el("label", { htmlFor: "r-tracked" }, t("rankings.trackedOnly"))),
    ),
    downloads,
    result,
  );

  let seq = 0;
  async function load() {
    // A later change may answer first: only the latest request paints.
    const mine = ++seq;
    result.replaceChildren(el("p", { className: "loading", role: "status" }, t("status.loading")));
    directionGroup.disabled = leaderboard();
    directionGroup.title = leaderboard() ? t("rankings.leaderboardNoDirection") : "";
    showDownloads();
    let data;
    try {
      data = await api.trends(query());
    } catch (err) {
      if (stopped || mine !== seq) return;
      const unavailable = err instanceof ApiError && (err.status === 404 || err.status === 501);
      result.replaceChildren(
        el(
          "p",
          { className: unavailable ? "notice unavailable" : "error", role: unavailable ? "status" : "alert" },
          unavailable ? t("rankings.unavailable") : t("status.error", { message: err.message }),
        ),
      );
      return;
    }
    if (stopped || mine !== seq) return;
    // What the API answers, as it answers it: only the asked direction, never re-padded.
    const items = (data && data.items) || [];
    if (data && data.available === false) {
      result.replaceChildren(
        el(
          "p",
          { className: "empty notice", role: "status" },
          data.collecting_since && data.available_from
            ? t("rankings.notYet", { since: data.collecting_since, from: data.available_from, period: t(`channel.period.${settings.period}`) })
            : t("rankings.noHistory"),
        ),
      );
      return;
    }
    const counts = data ? countsNote(data, items.length) : null;
    if (!items.length) {
      result.replaceChildren(el("p", { className: "empty" }, t("rankings.empty")), counts || "");
      return;
    }
    result.replaceChildren(
      data.as_of ? el("p", { className: "muted small" }, t("rankings.asOf", { date: data.as_of })) : "",
      counts || "",
      el(
        "ol",
        { className: "ranking" },
        ...items.map((item) => row(item)),
      ),
    );
  }

  /** Why the list is shorter than asked (fewer moved this way, some left out); null when full. */
  function countsNote(data, shown) {
    if (data.qualifying === undefined || (shown >= 50 && !data.left_out)) return null;
    const board = data.sort === "total";
    const parts = [t(board ? "rankings.board.qualifying" : "rankings.qualifying", { n: data.qualifying })];
    if (data.other_direction) parts.push(t(board ? "rankings.board.zero" : "rankings.otherDirection", { n: data.other_direction }));
    if (data.left_out) parts.push(t(board ? "rankings.board.leftOut" : "rankings.leftOut", { n: data.left_out }));
    return el("p", { className: "muted small rankings-counts" }, parts.join(" · "));
  }

  function row(item) {
    const byCreator = item.creator_id !== null && item.creator_id !== undefined && settings.group === "creator";
    const href = byCreator
      ? `#/creator/${encodeURIComponent(item.creator_id)}`
      : `#/channel/${encodeURIComponent(item.platform)}/${encodeURIComponent(item.channel_id)}`;
    const name = item.channel_name || item.channel_id;
    const avatar = el("span", { className: "avatar", "aria-hidden": "true" }, name.slice(0, 1));
    avatar.style.setProperty("--h", hue(name));
    const src = safeUrl(item.avatar_url);
    if (src) avatar.append(el("img", { src, alt: "", loading: "lazy", referrerPolicy: "no-referrer", onerror: (e) => e.target.remove() }));
    let move;
    if (item.previous_rank === null || item.previous_rank === undefined) {
      move = el("span", { className: "move move-new" }, t("rankings.new"));
    } else {
      const d = item.previous_rank - item.rank;
      move =
        d === 0
          ? el("span", { className: "move" }, "–")
          : el(
              "span",
              {
                className: `move ${d > 0 ? "move-up" : "move-down"}`,
                "aria-label": t("rankings.moved", { n: Math.abs(d), dir: t(d > 0 ? "rankings.movedUp" : "rankings.movedDown") }),
              },
              `${d > 0 ? "▲" : "▼"}${Math.abs(d)}`,
            );
    }
    const dir = item.change > 0 ? "up" : item.change < 0 ? "down" : "flat";
    // A leaderboard shows the period's figure first, and where it came from after.
    const values = leaderboard()
      ? el(
          "div",
          { className: "ranking-values ranking-figure", title: exact(item.end_value) },
          el("strong", {}, count(item.end_value)),
          " ",
          el("span", { className: "muted small" }, t("rankings.before", { value: count(item.start_value) })),
        )
      : el(
          "div",
          { className: "ranking-values", title: `${exact(item.start_value)} → ${exact(item.end_value)}` },
          `${count(item.start_value)} → ${count(item.end_value)}`,
        );
    return el(
      "li",
      { className: "ranking-row", "data-rank": item.rank, "data-change": item.change ?? "", "data-value": item.end_value },
      el("span", { className: "rank" }, String(item.rank)),
      move,
      avatar,
      el(
        "div",
        { className: "ranking-name" },
        el("a", { href }, name),
        byCreator ? el("span", { className: "pill" }, t("rankings.creatorBadge")) : platformBadge(item.platform),
      ),
      values,
      el(
        "div",
        { className: `change change-${dir}` },
        el("span", { className: "change-abs", title: item.rounded ? t("channel.rounded") : null }, item.rounded ? "≈" : "", signed(item.change)),
        el("span", { className: "change-pct" }, percent(item.change_pct)),
      ),
    );
  }

  load();
  return () => {
    stopped = true;
  };
}
