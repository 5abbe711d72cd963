// The creators page (#/creators): every creator with their platforms, summed followers and
// their 1/7/30-day change, sorted, searched and filtered by the API (GET /api/v1/creators).
import { el, field } from "./dom.js";
import { count, exact, percent, shortDate, signed } from "./format.js";
import { t } from "./i18n.js";
import { platformBadge, platformIds, platformName } from "./platforms.js";

const PERIODS = ["1d", "7d", "30d"];

/** Render the creators page into `root`; returns a cleanup function. */
export function renderCreators(root, { api }) {
  let stopped = false;
  let seq = 0;
  const state = { q: "", platform: "", sort: "followers", order: "desc" };
  const result = el("div", { className: "creators-result", "aria-live": "polite" });

  const search = el("input", {
    id: "c-q",
    type: "search",
    placeholder: t("creators.search.placeholder"),
    oninput: () => {
      state.q = search.value;
      clearTimeout(search.timer);
      search.timer = setTimeout(load, 250);
    },
  });
  const platform = el(
    "select",
    { id: "c-platform", onchange: () => ((state.platform = platform.value), load()) },
    el("option", { value: "" }, t("platform.all")),
    ...platformIds().map((p) => el("option", { value: p }, platformName(p))),
  );

  root.replaceChildren(
    el("h1", { className: "page-title" }, t("creators.title")),
    el(
      "form",
      { className: "filters", onsubmit: (e) => e.preventDefault() },
      field("c-q", t("filter.search"), search, "field field-search"),
      field("c-platform", t("filter.platform"), platform),
    ),
    result,
  );

  /** A sortable column header: a button that sorts by `key`, again to reverse. */
  function sortHeader(key, label) {
    const active = state.sort === key;
    const arrow = active ? (state.order === "desc" ? " ▼" : " ▲") : "";
    return el(
      "th",
      { scope: "col", "aria-sort": active ? (state.order === "desc" ? "descending" : "ascending") : null },
      el(
        "button",
        {
          type: "button",
          className: "sort",
          "data-sort": key,
          onclick: () => {
            if (state.sort === key) state.order = state.order === "desc" ? "asc" : "desc";
            else Object.assign(state, { sort: key, order: key === "name" ? "asc" : "desc" });
            load();
          },
        },
        label,
        arrow,
      ),
    );
  }

  function changeCell(c) {
    if (!c || c.abs === null || c.abs === undefined) {
      // Not covered yet: "—" and the day it will be, as the channel page says it.
      const from = c && c.available_from;
      const when = from ? t("channel.availableFrom", { date: shortDate(from) }) : null;
      return el(
        "td",
        { className: "muted", title: when ? `${t("creators.notCovered")} ${when}` : t("creators.notCovered") },
        t("unknown"),
        when ? el("span", { className: "change-from small" }, ` ${when}`) : null,
      );
    }
    const dir = c.abs > 0 ? "up" : c.abs < 0 ? "down" : "flat";
    return el(
      "td",
      { className: `change change-${dir}` },
      el("span", { className: "change-abs", title: c.rounded ? t("channel.rounded") : null }, c.rounded ? "≈" : "", signed(c.abs)),
      c.pct !== null && c.pct !== undefined ? el("span", { className: "change-pct" }, percent(c.pct)) : null,
    );
  }

  function row(c) {
    const platforms = [...new Set((c.channels || []).map((ch) => ch.platform))];
    // The figures as data attributes ("" when unknown), for tests and scripts reading the page.
    const data = { "data-creator": c.id, "data-followers": c.followers_total ?? "" };
    for (const p of PERIODS) data[`data-change-${p}`] = c.changes?.[p]?.abs ?? "";
    return el(
      "tr",
      data,
      el("th", { scope: "row" }, el("a", { href: `#/creator/${encodeURIComponent(c.id)}` }, c.name)),
      el("td", { className: "platforms" }, ...platforms.map(platformBadge)),
      el("td", { className: "num", title: exact(c.followers_total) }, count(c.followers_total)),
      ...PERIODS.map((p) => changeCell(c.changes && c.changes[p])),
    );
  }

  async function load() {
    const mine = ++seq;
    const params = { q: state.q.trim(), platform: state.platform, sort: state.sort, order: state.order };
    let data;
    try {
      data = await api.creatorsAll(params);
    } catch (err) {
      if (stopped || mine !== seq) return;
      result.replaceChildren(el("p", { className: "error", role: "alert" }, t("status.error", { message: err.message })));
      return;
    }
    if (stopped || mine !== seq) return;
    if (!data.items.length) {
      result.replaceChildren(el("p", { className: "empty" }, t(params.q || params.platform ? "creators.noMatch" : "creators.none")));
      return;
    }
    result.replaceChildren(
      el("p", { className: "muted small" }, t("creators.count", { n: data.total })),
      el(
        "div",
        { className: "table-wrap" },
        el(
          "table",
          { className: "data-table creators-table" },
          el(
            "thead",
            null,
            el(
              "tr",
              null,
              sortHeader("name", t("creators.name")),
              el("th", { scope: "col", className: "platforms" }, t("creators.platforms")),
              sortHeader("followers", t("channel.followers")),
              ...PERIODS.map((p) => sortHeader(`change_${p}`, t(`channel.period.${p}`))),
            ),
          ),
          el("tbody", null, ...data.items.map(row)),
        ),
      ),
      el("p", { className: "muted small" }, t("creators.note")),
    );
  }

  load();
  return () => {
    stopped = true;
    clearTimeout(search.timer);
  };
}
