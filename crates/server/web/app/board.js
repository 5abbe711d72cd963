// The live board: every platform's live broadcasts merged by viewers, with filters, search,
// favourites and hidden channels/categories. Shared by the web page and the browser extension's
// new tab and popup (which pass their own API base, cache and links).
import { el, hue, safeUrl } from "./dom.js";
import { count, exact, time, uptime } from "./format.js";
import { lang, LANGS, onLangChange, setLang, t } from "./i18n.js";
import { paint, platformBadge, platformIds, platformName } from "./platforms.js";
import { applyTheme, currentTheme, keyOf, prefs, toggleTheme } from "./prefs.js";

export const REFRESH_MS = 60_000;

/**
 * Mount the board in `root`.
 *
 * options:
 * - api: from createApi()
 * - cache: { load(): Promise<{at, items, total}|null>, save(snapshot): Promise } — the last list,
 *   painted at once on the next open
 * - channelHref(item): link of the channel name (null: no link)
 * - compact: popup layout
 * - health: ask `/healthz` and show failing or skipped platforms in a banner (the page; the
 *   extension's other origin may not read `/healthz`)
 *
 * Returns { refresh(), destroy() }.
 */
export function mountBoard(root, options) {
  const { api, cache, channelHref = () => null, compact = false, health: showHealth = false } = options;
  let items = [];
  let total = 0;
  let updatedAt = null;
  let fromCache = false;
  let error = null;
  let health = null; // the last /healthz answer, for the banner
  let firstCardMarked = false;
  // The first paint from the cache builds only the cards above the fold; the rest follow a frame
  // later, so a new tab shows cards as early as possible.
  let renderLimit = Infinity;
  const cards = new Map(); // key → { node, sig }

  const status = el("p", { className: "board-status", role: "status", "aria-live": "polite" });
  // Platforms that fail or are not collected: said here, not blamed on the filters.
  const banner = el("div", { className: "board-banner", hidden: true });
  const grid = el("ul", { className: "cards", "aria-label": "" });
  const empty = el("p", { className: "empty", hidden: true });
  const hiddenBox = el("details", { className: "hidden-box" });
  const controls = el("form", {
    className: "filters",
    role: "search",
    onsubmit: (e) => e.preventDefault(),
  });
  root.classList.add("board");
  if (compact) root.classList.add("board-compact");
  root.replaceChildren(controls, status, banner, hiddenBox, grid, empty);

  // ---- controls -------------------------------------------------------------------------------
  const ids = { q: "f-q", platform: "f-platform", category: "f-category", language: "f-language", adult: "f-adult" };
  const q = el("input", {
    id: ids.q,
    type: "search",
    autocomplete: "off",
    oninput: () => prefs.setFilters({ q: q.value }),
  });
  const platformSel = el("select", {
    id: ids.platform,
    onchange: () => prefs.setFilters({ platform: platformSel.value }),
  });
  const categorySel = el("select", {
    id: ids.category,
    onchange: () => prefs.setFilters({ category: categorySel.value }),
  });
  const languageSel = el("select", {
    id: ids.language,
    onchange: () => prefs.setFilters({ language: languageSel.value }),
  });
  const adult = el("input", {
    id: ids.adult,
    type: "checkbox",
    onchange: () => prefs.setFilters({ hideAdult: adult.checked }),
  });
  const viewAll = el("button", { type: "button", className: "seg", "data-view": "all" });
  const viewFav = el("button", { type: "button", className: "seg", "data-view": "favourites" });
  for (const b of [viewAll, viewFav]) {
    b.addEventListener("click", () => prefs.setFilters({ view: b.dataset.view }));
  }
  const viewGroup = el("div", { className: "segmented", role: "group" }, viewAll, viewFav);
  // Cards with pictures, or hackertab's dense list: one line per broadcast.
  const layoutCards = el("button", { type: "button", className: "seg", "data-layout": "cards" });
  const layoutList = el("button", { type: "button", className: "seg", "data-layout": "list" });
  for (const b of [layoutCards, layoutList]) {
    b.addEventListener("click", () => prefs.setLayout(b.dataset.layout));
  }
  const layoutGroup = el("div", { className: "segmented layout-toggle", role: "group" }, layoutCards, layoutList);
  // On a phone the less used filters fold behind a button.
  const more = el("button", {
    type: "button",
    className: "filters-toggle chip",
    "aria-expanded": "false",
    "aria-controls": "filters-extra",
    onclick: () => {
      const open = more.getAttribute("aria-expanded") !== "true";
      more.setAttribute("aria-expanded", String(open));
      controls.dataset.expanded = String(open);
    },
  });
  const reset = el("button", {
    type: "button",
    className: "link-button",
    onclick: () => prefs.resetFilters(),
  });

  const field = (id, key, input, extra) =>
    el("div", { className: `field ${extra || ""}` }, el("label", { htmlFor: id, "data-k": key }), input);
  const labels = [];
  function buildControls() {
    controls.replaceChildren(
      viewGroup,
      layoutGroup,
      field(ids.q, "filter.search", q, "field-search"),
      more,
      el(
        "div",
        { className: "filters-extra", id: "filters-extra" },
        field(ids.platform, "filter.platform", platformSel),
        field(ids.category, "filter.category", categorySel),
        field(ids.language, "filter.language", languageSel),
        el("div", { className: "field field-check" }, adult, el("label", { htmlFor: ids.adult, "data-k": "filter.hideAdult" })),
        reset,
      ),
    );
    labels.length = 0;
    labels.push(...controls.querySelectorAll("[data-k]"));
  }
  buildControls();

  function syncControls() {
    const f = prefs.get().filters;
    for (const label of labels) label.textContent = t(label.dataset.k);
    q.placeholder = t("filter.search.placeholder");
    if (document.activeElement !== q) q.value = f.q;
    viewGroup.setAttribute("aria-label", t("view.label"));
    viewAll.textContent = t("view.all");
    viewFav.textContent = `★ ${t("view.favourites")}`;
    viewAll.setAttribute("aria-pressed", String(f.view !== "favourites"));
    viewFav.setAttribute("aria-pressed", String(f.view === "favourites"));
    const list = prefs.get().layout === "list";
    layoutGroup.setAttribute("aria-label", t("layout.label"));
    layoutCards.textContent = t("layout.cards");
    layoutList.textContent = t("layout.list");
    layoutCards.setAttribute("aria-pressed", String(!list));
    layoutList.setAttribute("aria-pressed", String(list));
    root.classList.toggle("layout-list", list);
    reset.textContent = t("filter.reset");
    const active = [f.platform, f.category, f.language].filter(Boolean).length;
    more.textContent = active ? `${t("filter.more")} (${active})` : t("filter.more");
    adult.checked = f.hideAdult;

    fillSelect(
      platformSel,
      [["", t("platform.all")], ...platformIds().map((p) => [p, platformName(p)])],
      f.platform,
    );
    // Categories by the shared vocabulary's tag (labelled in the UI language); a category the
    // vocabulary does not know yet is listed as the platform named it.
    const categories = distinct(items.map(categoryKey).filter(Boolean), f.category);
    fillSelect(
      categorySel,
      [["", t("filter.category.all")], ...categories.map((c) => [c, categoryLabel(c)])],
      f.category,
    );
    // The language is filtered by the server (`lang=`, by each broadcast's detected language):
    // Korean by default (""), every language ("all"), or one seen in the list.
    const seen = items.map((i) => i.detected_language && i.detected_language.code).filter((c) => c && c !== "ko");
    const languages = distinct(seen, ["", "all"].includes(f.language) ? "" : f.language).filter(Boolean);
    fillSelect(
      languageSel,
      [["", t("filter.language.ko")], ["all", t("filter.language.all")], ...languages.map((l) => [l, languageName(l)])],
      f.language === "ko" ? "" : f.language,
    );
  }

  // ---- data -----------------------------------------------------------------------------------
  function visible() {
    const p = prefs.get();
    const f = p.filters;
    const needle = f.q.trim().toLocaleLowerCase();
    return items.filter((i) => {
      const key = keyOf(i);
      if (f.view === "favourites" && !p.favourites.includes(key)) return false;
      if (p.hiddenChannels.includes(key)) return false;
      const ck = categoryKey(i);
      if (ck && (p.hiddenCategories.includes(ck) || p.hiddenCategories.includes(i.category))) return false;
      // A simulcast is on every platform it is streamed to.
      if (f.platform && i.platform !== f.platform && !parts(i).some((s) => s.platform === f.platform)) return false;
      if (f.category && ck !== f.category && i.category !== f.category) return false;
      if (f.hideAdult && i.adult) return false;
      if (needle) {
        const hay = `${i.channel_name} ${i.title}`.toLocaleLowerCase();
        if (!hay.includes(needle)) return false;
      }
      return true;
    });
  }

  function render() {
    syncControls();
    const shown = visible();
    const p = prefs.get();
    // Keyed update: unchanged cards keep their node (and focus), order is fixed by moving nodes.
    const keep = new Set();
    let cursor = grid.firstChild;
    for (const item of shown.slice(0, renderLimit)) {
      const key = keyOf(item);
      keep.add(key);
      const fav = p.favourites.includes(key);
      const sig = `${lang()}|${fav}|${item.viewers}|${item.title}|${categoryKey(item)}|${item.thumbnail_url}|${item.channel_name}|${parts(item).map((s) => `${s.platform}:${s.viewers}`).join(",")}|${Math.floor((Date.now() - Date.parse(item.started_at)) / 60_000)}`;
      let entry = cards.get(key);
      if (!entry || entry.sig !== sig) {
        const node = card(item, fav);
        if (entry && entry.node.parentNode === grid) {
          entry.node.replaceWith(node);
          if (entry.node === cursor) cursor = node;
        }
        entry = { node, sig };
        cards.set(key, entry);
      }
      if (entry.node !== cursor) grid.insertBefore(entry.node, cursor);
      else cursor = cursor.nextSibling;
    }
    for (const [key, entry] of cards) {
      if (!keep.has(key)) {
        entry.node.remove();
        cards.delete(key);
      }
    }
    grid.setAttribute("aria-label", t("app.tagline"));
    grid.setAttribute("aria-busy", "false");

    empty.hidden = shown.length > 0 || (items.length === 0 && !updatedAt);
    // Nothing collected is not "nothing matches the filters".
    empty.textContent =
      items.length === 0 ? t("empty.nothingCollected") : p.filters.view === "favourites" ? t("empty.favourites") : t("empty.live");
    renderStatus(shown.length);
    renderBanner();
    renderHidden();
    if (shown.length && !firstCardMarked) {
      firstCardMarked = true;
      try {
        performance.mark("streamtide:first-card", { detail: { fromCache } });
      } catch (_) {
        /* old browser */
      }
    }
  }

  function renderStatus(shown) {
    root.dataset.state = error ? (items.length ? "stale" : "failed") : updatedAt ? "ok" : "loading";
    status.classList.remove("error", "quiet");
    if (error) {
      // Never a raw "Failed to fetch": a server out of reach is said in words, and a list seen
      // before stays on the board with its age.
      const offline = error.status === 0;
      const message = error.message || String(error);
      if (items.length && updatedAt) {
        status.textContent = offline
          ? t("status.stale", { age: ago(updatedAt) })
          : t("status.staleError", { age: ago(updatedAt), message });
        status.classList.add("quiet");
      } else {
        status.textContent = offline ? t("status.offline") : t("status.error", { message });
        status.classList.add("error");
      }
      return;
    }
    if (!updatedAt) {
      status.textContent = t("status.loading");
      return;
    }
    if (fromCache) {
      status.textContent = t("status.cached", { time: time(updatedAt) });
      return;
    }
    status.textContent = `${t("status.count", { shown: exact(shown), total: exact(total) })} · ${t("status.updated", { time: time(updatedAt) })} · ${t("status.auto")}`;
  }

  function renderBanner() {
    const summary = (health && Array.isArray(health.summary) && health.summary) || [];
    const skipped = (health && Array.isArray(health.skipped) && health.skipped) || [];
    const names = (list) => list.map((x) => platformName(x.platform)).join(", ");
    // A platform that only moved (it answers on a fallback host or path version, no error) is
    // an operator's matter: /healthz says so; viewers see its lives as usual.
    const movedOnly = (x) => x.state === "degraded" && x.fallback && !x.last_error;
    const failing = summary.filter((x) => (x.state === "failing" || x.state === "degraded") && !movedOnly(x));
    const lines = [];
    if (failing.length) {
      const last = failing.map((x) => x.last_error).find(Boolean);
      lines.push(el("p", { className: "banner-failing", title: last || "" }, `⚠ ${t("health.failing", { platforms: names(failing) })}`));
    }
    for (const kind of ["noKeys", "disabled"]) {
      const these = skipped.filter((x) => (kind === "noKeys") === String(x.reason).startsWith("no credentials"));
      if (these.length) {
        lines.push(el("p", { title: these.map((x) => x.reason).join("\n") }, t(`health.skipped.${kind}`, { platforms: names(these) })));
      }
    }
    banner.hidden = lines.length === 0;
    banner.replaceChildren(...lines);
  }

  function renderHidden() {
    const p = prefs.get();
    const n = p.hiddenChannels.length + p.hiddenCategories.length;
    hiddenBox.hidden = n === 0;
    if (n === 0) {
      hiddenBox.replaceChildren();
      return;
    }
    const wasOpen = hiddenBox.open;
    const chip = (label, onclick) =>
      el(
        "li",
        null,
        el("button", { type: "button", className: "chip", "aria-label": t("hidden.show", { name: label }), onclick }, `${label} ✕`),
      );
    hiddenBox.replaceChildren(
      el("summary", null, t("hidden.title", { n })),
      p.hiddenChannels.length ? el("h3", null, t("hidden.channels")) : null,
      el("ul", { className: "chips" }, p.hiddenChannels.map((k) => chip(prefs.nameOf(k), () => prefs.showChannel(k)))),
      p.hiddenCategories.length ? el("h3", null, t("hidden.categories")) : null,
      el("ul", { className: "chips" }, p.hiddenCategories.map((c) => chip(categoryLabel(c), () => prefs.showCategory(c)))),
    );
    hiddenBox.open = wasOpen;
  }

  // ---- one card -------------------------------------------------------------------------------
  function card(item, fav) {
    const key = keyOf(item);
    // One creator live on several platforms: one card, a badge and a link per platform.
    const simulcast = parts(item).length > 1 ? parts(item) : null;
    const name = item.channel_name || item.channel_id;
    const watch = safeUrl(item.url);
    const thumbSrc = safeUrl(item.thumbnail_url);
    const avatarSrc = safeUrl(item.channel_avatar_url);
    const placeholder = el("span", { className: "thumb-placeholder", "aria-hidden": "true" }, name.slice(0, 1));
    placeholder.style.setProperty("--h", hue(name));
    const thumb = el(
      "a",
      {
        className: "thumb",
        href: watch,
        target: "_blank",
        rel: "noopener noreferrer",
        tabIndex: -1,
        "aria-hidden": "true",
      },
      placeholder,
      thumbSrc
        ? el("img", {
            src: thumbSrc,
            alt: "",
            loading: "lazy",
            decoding: "async",
            referrerPolicy: "no-referrer",
            // Our copy unavailable (object store down)? Try the platform's own picture once.
            onerror: (e) => {
              const fallback = safeUrl(item.source_thumbnail_url);
              if (fallback && e.target.src !== fallback) e.target.src = fallback;
              else e.target.remove();
            },
          })
        : null,
      simulcast
        ? el(
            "span",
            { className: "badges" },
            simulcast.map((s) => platformBadge(s.platform)),
          )
        : platformBadge(item.platform),
      item.adult ? el("span", { className: "adult", title: t("card.adult") }, "19") : null,
      el("span", { className: "live-viewers" }, el("span", { className: "dot" }), count(item.viewers)),
    );
    const avatar = el("span", { className: "avatar", "aria-hidden": "true" }, name.slice(0, 1));
    avatar.style.setProperty("--h", hue(name));
    if (avatarSrc) {
      avatar.append(
        el("img", {
          src: avatarSrc,
          alt: "",
          loading: "lazy",
          referrerPolicy: "no-referrer",
          onerror: (e) => e.target.remove(),
        }),
      );
    }
    const channelLink = channelHref(item);
    const star = el(
      "button",
      {
        type: "button",
        className: "star",
        "aria-pressed": String(fav),
        "aria-label": t(fav ? "card.favRemove" : "card.favAdd", { name }),
        title: t(fav ? "card.favRemove" : "card.favAdd", { name }),
        onclick: () => prefs.toggleFavourite(key, name),
      },
      fav ? "★" : "☆",
    );
    const menu = el(
      "details",
      { className: "card-menu" },
      el("summary", { "aria-label": t("card.menu", { name }), title: t("card.menu", { name }) }, "⋯"),
      el(
        "div",
        { className: "menu" },
        el("button", { type: "button", onclick: () => prefs.hideChannel(key, name) }, t("card.hideChannel")),
        categoryKey(item)
          ? el("button", { type: "button", onclick: () => prefs.hideCategory(categoryKey(item)) }, t("card.hideCategory"))
          : null,
      ),
    );
    const ck = categoryKey(item);
    const category = ck
      ? el(
          "button",
          {
            type: "button",
            className: "category",
            "aria-label": t("card.filterCategory", { c: categoryLabel(ck) }),
            onclick: () => prefs.setFilters({ category: ck }),
          },
          categoryLabel(ck),
        )
      : el("span", { className: "category muted" }, t("card.noCategory"));
    const simulcastLinks = simulcast
      ? el(
          "p",
          { className: "simulcast" },
          el("span", { className: "simulcast-label" }, t("card.simulcast")),
          simulcast.map((s) =>
            paint(
              el(
                "a",
                {
                  className: "simulcast-part",
                  "data-viewers": s.viewers,
                  href: safeUrl(s.url),
                  target: "_blank",
                  rel: "noopener noreferrer",
                  title: t("card.simulcastWatch", { platform: platformName(s.platform), n: exact(s.viewers) }),
                },
                `${platformName(s.platform)} ${count(s.viewers)}`,
              ),
              s.platform,
            ),
          ),
        )
      : null;
    return el(
      "li",
      {
        className: "card",
        "data-key": key,
        "data-platform": item.platform,
        "data-viewers": item.viewers,
        "data-simulcast": simulcast ? simulcast.map((s) => s.platform).join(" ") : null,
        "data-lang": item.detected_language ? item.detected_language.code : null,
      },
      thumb,
      el(
        "div",
        { className: "card-body" },
        avatar,
        el(
          "div",
          { className: "card-text" },
          el(
            "h3",
            { className: "card-title" },
            el("a", { href: watch, target: "_blank", rel: "noopener noreferrer", title: item.title }, item.title || t("card.noTitle")),
          ),
          channelLink
            ? el("a", { className: "card-channel", href: channelLink, title: t("card.channelPage") }, name)
            : el("span", { className: "card-channel" }, name),
          el(
            "p",
            { className: "card-meta" },
            category,
            el("span", { className: "uptime", title: t("card.uptime", { d: uptime(item.started_at) }) }, uptime(item.started_at)),
            el("span", { className: "sr-only" }, t("card.viewers", { n: exact(item.viewers) })),
          ),
          simulcastLinks,
        ),
        el("div", { className: "card-actions" }, star, menu),
      ),
    );
  }

  // ---- refresh loop ---------------------------------------------------------------------------
  let stopped = false;
  let timer = null;
  // The language the list was last asked for, and a counter so a slow answer for a language the
  // user has since switched away from never overwrites the newer one.
  let requestedLang = null;
  let refreshSeq = 0;
  const wantedLang = () => {
    const l = prefs.get().filters.language;
    return l ? l : "ko";
  };

  async function refresh() {
    const seq = ++refreshSeq;
    requestedLang = wantedLang();
    try {
      const page = await api.liveAll(1000, { lang: requestedLang });
      if (stopped || seq !== refreshSeq) return;
      items = page.items;
      total = page.total;
      updatedAt = Date.now();
      fromCache = false;
      error = null;
      if (cache) cache.save({ at: updatedAt, items, total }).catch(() => {});
    } catch (err) {
      if (stopped || seq !== refreshSeq) return;
      error = err;
    }
    if (showHealth && api.health) {
      try {
        health = await api.health();
      } catch (_) {
        health = null; // an older server, or the extension's server is down: no banner
      }
      if (stopped || seq !== refreshSeq) return;
    }
    render();
    root.dispatchEvent(new CustomEvent("board:refreshed", { bubbles: true }));
  }

  // A change of the language filter asks the server for the other list.
  const onPrefs = () => {
    if (requestedLang !== null && wantedLang() !== requestedLang) refresh();
    render();
  };
  const unsubscribe = [prefs.subscribe(onPrefs), onLangChange(render)];
  // Close an open card menu when clicking elsewhere.
  const closeMenus = (e) => {
    for (const d of root.querySelectorAll(".card-menu[open]")) if (!d.contains(e.target)) d.open = false;
  };
  document.addEventListener("click", closeMenus);
  const onVisible = () => {
    if (document.visibilityState === "visible" && updatedAt && Date.now() - updatedAt > REFRESH_MS) refresh();
  };
  document.addEventListener("visibilitychange", onVisible);
  // Anyone (a refresh button, a test) can ask for a refresh now.
  root.addEventListener("board:refresh", () => refresh());

  render();
  (async () => {
    if (cache) {
      try {
        const snap = await cache.load();
        if (snap && Array.isArray(snap.items) && !updatedAt && !stopped) {
          items = snap.items;
          total = snap.total || snap.items.length;
          updatedAt = snap.at;
          fromCache = true;
          renderLimit = compact ? 8 : 16;
          render();
          renderLimit = Infinity;
          requestAnimationFrame(() => {
            if (fromCache && !stopped) render();
          });
        }
      } catch (_) {
        /* no cache */
      }
    }
    await refresh();
    if (!stopped) timer = setInterval(refresh, REFRESH_MS);
  })();

  return {
    refresh,
    destroy() {
      stopped = true;
      clearInterval(timer);
      for (const u of unsubscribe) u();
      document.removeEventListener("click", closeMenus);
      document.removeEventListener("visibilitychange", onVisible);
    },
  };
}

/** How long ago `at` (ms since the epoch) was, in words of the UI language. */
function ago(at) {
  const minutes = Math.round((Date.now() - at) / 60_000);
  // "always": "0분 전" rather than auto's "현재 분"; under a minute is "방금" / "just now".
  if (minutes < 1) return lang() === "ko" ? "방금" : "just now";
  const fmt = new Intl.RelativeTimeFormat(lang() === "ko" ? "ko" : "en", { numeric: "always" });
  if (Math.abs(minutes) < 60) return fmt.format(-minutes, "minute");
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return fmt.format(-hours, "hour");
  return fmt.format(-Math.round(hours / 24), "day");
}

/** The parts of a simulcast (empty for a broadcast on one platform, and from older servers). */
function parts(item) {
  return Array.isArray(item.simulcast) ? item.simulcast : [];
}

// Labels of the vocabulary's tags seen so far, so a hidden or selected tag keeps its label after
// its last broadcast ends.
const tagLabels = new Map();

/** What the category filter and hiding use: the shared tag's id, or the raw category. */
function categoryKey(item) {
  const tag = item.category_tag;
  if (tag && tag.id) {
    tagLabels.set(tag.id, tag);
    return tag.id;
  }
  const raw = item.category || "";
  // A bare platform id (digits, e.g. SOOP's 00040003) names nothing a reader knows.
  return raw === item.category_id && /^\d+$/.test(raw) ? "" : raw;
}

/** A category key as shown: the tag's label in the UI language, else the raw category. */
function categoryLabel(key) {
  const tag = tagLabels.get(key);
  if (!tag) return key;
  return lang() === "ko" ? tag.ko : tag.en;
}

function fillSelect(select, options, value) {
  const sig = JSON.stringify(options);
  if (select.dataset.sig !== sig) {
    select.replaceChildren(...options.map(([v, label]) => el("option", { value: v }, label)));
    select.dataset.sig = sig;
  }
  select.value = value;
}

/** Distinct values, most frequent first, always including `keep` (the selected one). */
function distinct(values, keep) {
  const counts = new Map();
  for (const v of values) counts.set(v, (counts.get(v) || 0) + 1);
  if (keep && !counts.has(keep)) counts.set(keep, 0);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v]) => v);
}

function languageName(code) {
  try {
    const name = new Intl.DisplayNames([lang() === "ko" ? "ko" : "en"], { type: "language" }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch (_) {
    return code;
  }
}

/** Language and theme buttons, for a page header. */
export function headerToggles() {
  const langBtn = el("button", { type: "button", className: "icon-button", id: "lang-toggle" });
  const themeBtn = el("button", { type: "button", className: "icon-button", id: "theme-toggle" });
  const sync = () => {
    langBtn.textContent = t("lang.switch");
    langBtn.setAttribute("aria-label", t("lang.label"));
    langBtn.lang = lang() === "ko" ? "en" : "ko";
    const dark = currentTheme() === "dark";
    themeBtn.textContent = dark ? "☀" : "☾";
    themeBtn.setAttribute("aria-label", t(dark ? "theme.toLight" : "theme.toDark"));
    themeBtn.title = themeBtn.getAttribute("aria-label");
  };
  langBtn.addEventListener("click", () => setLang(LANGS.find((l) => l !== lang()) || "ko"));
  themeBtn.addEventListener("click", () => {
    toggleTheme();
    sync();
  });
  onLangChange(sync);
  applyTheme();
  sync();
  return [langBtn, themeBtn];
}
