// End-to-end tests of the web UI and the Chrome extension in a real headless Chromium
// (Debian's /usr/bin/chromium) driven by playwright-core, against a running `streamtide demo`.
//
// Environment (scripts/browser-tests.sh sets them):
//   STREAMTIDE_URL  the server, e.g. http://127.0.0.1:41234
//   EXTENSION_DIR   the unpacked extension (`streamtide extension pack --dir …`)
//   EXTENSION_SERVER_DIR  the same, packed with `--server <the demo>`
//   STREAMTIDE_SIM_CHZZK  the demo's simulated CHZZK (its `/__sim/start-live` starts a broadcast)
//   ARTIFACTS       where screenshots go (default: ../../target/browser-artifacts)
//   CHROMIUM        the browser (default: /usr/bin/chromium)
//
// Every test runs even when an earlier one failed; the exit code is 1 if any failed.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.STREAMTIDE_URL || "http://127.0.0.1:8080").replace(/\/+$/, "");
const EXT_DIR = process.env.EXTENSION_DIR ? path.resolve(process.env.EXTENSION_DIR) : null;
const ARTIFACTS = path.resolve(process.env.ARTIFACTS || path.join(here, "../../target/browser-artifacts"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const TIMEOUT = 20_000;

mkdirSync(ARTIFACTS, { recursive: true });

// ---- a tiny test runner ----------------------------------------------------------------------

const results = [];
const report = {};

async function test(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, ms: Date.now() - started });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    results.push({ name, ok: false, ms: Date.now() - started, err });
    console.log(`FAIL ${name}\n     ${String(err && err.stack ? err.stack : err).split("\n").slice(0, 6).join("\n     ")}`);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

async function shot(page, name, options = {}) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, ...options });
  return file;
}

async function api(p) {
  // The tests' own API reads go through the server's per-client rate limit like everyone's:
  // on 429 they wait as told (Retry-After) and try again.
  for (let attempt = 0; ; attempt += 1) {
    const res = await fetch(`${BASE}${p}`);
    if (res.status === 429 && attempt < 10) {
      const wait = Number(res.headers.get("retry-after")) || 1;
      await new Promise((r) => setTimeout(r, wait * 1000));
      continue;
    }
    if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
    return res.json();
  }
}

/** Only our server and the extension: platform image hosts are unreachable offline anyway. */
async function offlineExceptLocal(context) {
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    const local = url.hostname === "127.0.0.1" || url.hostname === "localhost";
    if (local || url.protocol === "chrome-extension:" || url.protocol === "data:") return route.continue();
    return route.abort("blockedbyclient");
  });
}

function watchConsole(page, label) {
  page.on("pageerror", (err) => console.log(`     [${label} page error] ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && !/ERR_BLOCKED_BY_CLIENT|net::ERR_FAILED|Failed to load resource/.test(msg.text())) {
      console.log(`     [${label} console] ${msg.text()}`);
    }
  });
}

async function cardViewers(page) {
  return page.$$eval(".cards .card", (cards) => cards.map((c) => Number(c.dataset.viewers)));
}

async function firstCardMark(page) {
  return page.evaluate(() => {
    const m = performance.getEntriesByName("streamtide:first-card")[0];
    return m ? { ms: m.startTime, fromCache: Boolean(m.detail && m.detail.fromCache) } : null;
  });
}

// ---- the web UI --------------------------------------------------------------------------------

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ko-KR", colorScheme: "light" });
await offlineExceptLocal(context);
const page = await context.newPage();
page.setDefaultTimeout(TIMEOUT);
watchConsole(page, "web");

await test("board renders cards in viewer order", async () => {
  await page.goto(`${BASE}/`);
  await page.waitForSelector(".cards .card");
  await page.waitForFunction(() => !document.querySelector(".board-status").textContent.includes("…"));
  const viewers = await cardViewers(page);
  assert(viewers.length > 5, `several cards (${viewers.length})`);
  for (let i = 1; i < viewers.length; i += 1) {
    assert(viewers[i - 1] >= viewers[i], `viewer order at ${i}: ${viewers[i - 1]} then ${viewers[i]}`);
  }
  // The first card is the API's most watched non-adult broadcast (adult ones are hidden by default).
  const live = await api("/api/v1/live?limit=200&adult=false");
  const firstKey = await page.$eval(".cards .card", (c) => c.dataset.key);
  assert(firstKey === `${live.items[0].platform}:${live.items[0].channel_id}`, `first card ${firstKey}`);
  // Korean formatting of a 만-sized count, if any.
  const big = live.items.find((i) => i.viewers >= 10_000);
  if (big) {
    const text = await page.$eval(`.card[data-key="${big.platform}:${big.channel_id}"] .live-viewers`, (e) => e.textContent);
    assert(/만$/.test(text.trim()), `Korean count: ${text}`);
  }
  const adultShown = await page.$$eval(".card .adult", (a) => a.length);
  assert(adultShown === 0, "adult broadcasts hidden by default");
  const mark = await firstCardMark(page);
  report.webFirstCard = mark;
  await shot(page, "board");
});

await test("card thumbnails are our own WebP copies and load", async () => {
  await page.goto(`${BASE}/`);
  await page.waitForSelector(".cards .card");
  // The copier runs right after each live round; give it a moment on a cold start.
  await page.waitForFunction(
    () => [...document.querySelectorAll(".cards .card .thumb img")].some((i) => i.src.includes("/thumbs/") && i.complete && i.naturalWidth > 0),
    null,
    { timeout: TIMEOUT },
  );
  const own = await page.$$eval(".cards .card .thumb img", (imgs) =>
    imgs.filter((i) => i.src.includes("/thumbs/")).map((i) => ({ src: i.src, w: i.naturalWidth })),
  );
  const first = own.find((i) => i.w > 0);
  assert(first, "a copy loaded");
  assert(/\/thumbs\/[0-9a-f]{64}\.webp$/.test(first.src), `copy URL ${first.src}`);
  const res = await page.request.get(first.src);
  assert(res.status() === 200, `GET ${first.src} -> ${res.status()}`);
  assert(res.headers()["content-type"] === "image/webp", `type ${res.headers()["content-type"]}`);
  assert(/immutable/.test(res.headers()["cache-control"] || ""), `cache-control ${res.headers()["cache-control"]}`);
  report.ownThumbnails = own.length;
  // The README's picture of the board: once the copier has caught up with the first rows
  // (best effort; the copies arrive round by round), reload and shoot again.
  await page
    .waitForFunction(
      async () => {
        const res = await fetch("/api/v1/live?limit=12");
        const body = await res.json();
        return body.items.every((i) => (i.thumbnail_url || "").startsWith("/thumbs/"));
      },
      null,
      { timeout: 30_000, polling: 1_000 },
    )
    .catch(() => {});
  // Without the board's cached list (painted first, from before the copies existed).
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForSelector(".cards .card");
  await page
    .waitForFunction(() => [...document.querySelectorAll(".cards .card .thumb img")].slice(0, 8).every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 5_000 })
    .catch(() => {});
  await shot(page, "board");
});

await test("platform filter", async () => {
  // The choices are the server's platforms, in its order (GET /api/v1/platforms).
  const { platforms } = await api("/api/v1/platforms");
  const options = await page.$$eval("#f-platform option", (o) => o.map((e) => e.value).filter(Boolean));
  assert(JSON.stringify(options) === JSON.stringify(platforms.map((p) => p.id)), `filter choices ${options}`);
  for (const platform of ["soop", "chzzk"]) {
    await page.selectOption("#f-platform", platform);
    await page.waitForFunction((p) => {
      const cards = [...document.querySelectorAll(".cards .card")];
      return cards.length > 0 && cards.every((c) => c.dataset.platform === p);
    }, platform);
    const viewers = await cardViewers(page);
    for (let i = 1; i < viewers.length; i += 1) assert(viewers[i - 1] >= viewers[i], "order kept");
  }
  await page.selectOption("#f-platform", "");
  await page.waitForFunction(() => new Set([...document.querySelectorAll(".cards .card")].map((c) => c.dataset.platform)).size > 1);
});

await test("search by channel name", async () => {
  const name = await page.$eval(".cards .card:nth-child(3) .card-channel", (e) => e.textContent);
  await page.fill("#f-q", name);
  await page.waitForFunction(
    (n) => {
      const cards = [...document.querySelectorAll(".cards .card")];
      return cards.length >= 1 && cards.every((c) => c.textContent.toLowerCase().includes(n.toLowerCase()));
    },
    name,
  );
  await page.fill("#f-q", "");
  await page.waitForFunction(() => document.querySelectorAll(".cards .card").length > 5);
});

await test("a refresh updates in place: same card nodes, same scroll", async () => {
  await page.evaluate(() => {
    for (const c of document.querySelectorAll(".cards .card")) c.__marked = true;
    window.scrollTo(0, 1200);
  });
  const before = await page.evaluate(() => window.scrollY);
  const refreshed = page.evaluate(
    () => new Promise((resolve) => document.querySelector(".board").addEventListener("board:refreshed", resolve, { once: true })),
  );
  await page.evaluate(() => document.querySelector(".board").dispatchEvent(new Event("board:refresh")));
  await refreshed;
  const after = await page.evaluate(() => window.scrollY);
  assert(Math.abs(after - before) < 2, `scroll kept: ${before} → ${after}`);
  // Cards whose figures did not change are the very same nodes (not rebuilt).
  const kept = await page.evaluate(() => [...document.querySelectorAll(".cards .card")].filter((c) => c.__marked).length);
  assert(kept > 0, "some card nodes were kept");
  await page.evaluate(() => window.scrollTo(0, 0));
});

let favKey = null;
await test("a favourite survives a reload", async () => {
  const card = page.locator(".cards .card").nth(1);
  favKey = await card.getAttribute("data-key");
  await card.locator(".star").click();
  await page.waitForSelector(`.card[data-key="${favKey}"] .star[aria-pressed="true"]`);
  await page.reload();
  await page.waitForSelector(`.card[data-key="${favKey}"] .star[aria-pressed="true"]`);
  report.webReload = await firstCardMark(page);
  // The favourites view shows it (and only favourites).
  await page.click('.seg[data-view="favourites"]');
  await page.waitForFunction((k) => {
    const cards = [...document.querySelectorAll(".cards .card")];
    return cards.length === 1 && cards[0].dataset.key === k;
  }, favKey);
  await shot(page, "favourites");
  await page.click('.seg[data-view="all"]');
  await page.waitForFunction(() => document.querySelectorAll(".cards .card").length > 5);
});

await test("hide a category from the board, kept over a reload, then show it again", async () => {
  // A card whose category is a shared tag (a button), and how many cards carry it.
  const ck = await page.$eval(".cards .card .category:not(.muted)", (b) => b.textContent);
  const card = page.locator(".cards .card", { has: page.locator(".category:not(.muted)", { hasText: ck }) }).first();
  const key = await card.getAttribute("data-key");
  await page.click(`.card[data-key="${key}"] .card-menu summary`);
  await page.click(`.card[data-key="${key}"] .card-menu .menu button:nth-child(2)`);
  const none = (c) => ![...document.querySelectorAll(".cards .card .category")].some((b) => b.textContent === c);
  await page.waitForFunction(none, ck);
  await page.reload();
  await page.waitForSelector(".cards .card");
  await page.waitForFunction(() => !document.querySelector(".board-status").textContent.includes("…"));
  assert(await page.evaluate(none, ck), `category ${ck} still hidden after a reload`);
  await page.click(".hidden-box summary");
  await page.click(".hidden-box .chip");
  await page.waitForFunction((c) => [...document.querySelectorAll(".cards .card .category")].some((b) => b.textContent === c), ck);
});

await test("compact list layout: one dense line per broadcast, kept over a reload", async () => {
  const cardHeight = await page.$eval(".cards .card", (c) => c.getBoundingClientRect().height);
  await page.click('.seg[data-layout="list"]');
  await page.waitForSelector(".board.layout-list");
  const rowHeight = await page.$eval(".cards .card", (c) => c.getBoundingClientRect().height);
  assert(rowHeight < 80 && rowHeight * 3 < cardHeight, `a row is ${rowHeight} px (a card ${cardHeight} px)`);
  const perScreen = await page.$$eval(".cards .card", (cs) => cs.filter((c) => c.getBoundingClientRect().bottom < innerHeight).length);
  assert(perScreen >= 10, `${perScreen} rows on the first screen`);
  await shot(page, "board-list");
  await page.reload();
  await page.waitForSelector(".board.layout-list .cards .card");
  await page.click('.seg[data-layout="cards"]');
  await page.waitForFunction(() => !document.querySelector(".board").classList.contains("layout-list"));
});

await test("installable: web app manifest with 192 and 512 px icons, and a service worker", async () => {
  const href = await page.$eval('link[rel="manifest"]', (l) => l.href);
  const manifest = await (await fetch(href)).json();
  assert(manifest.display === "standalone" && manifest.start_url === "/", JSON.stringify(manifest));
  for (const size of ["192x192", "512x512"]) {
    const icon = manifest.icons.find((i) => i.sizes === size && i.type === "image/png");
    assert(icon, `icon ${size}`);
    const res = await fetch(new URL(icon.src, BASE));
    assert(res.ok && res.headers.get("content-type") === "image/png", `${icon.src}: ${res.status}`);
  }
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert(scope === `${BASE}/`, `service worker scope ${scope}`);
});

await test("offline from the last answer: the installed board opens without the network", async () => {
  await page.reload();
  await page.waitForSelector(".cards .card");
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.waitForFunction(() => !document.querySelector(".board-status").textContent.includes("…"));
  await context.setOffline(true);
  try {
    await page.reload();
    await page.waitForSelector(".cards .card");
    await page.waitForFunction(() => !document.querySelector(".board-status").textContent.includes("…"));
    const text = await page.textContent("body");
    assert(!/Failed to fetch/.test(text), "no raw fetch error");
    assert((await page.$$(".cards .card")).length > 5, "cards from the last answer");
  } finally {
    await context.setOffline(false);
  }
});

await test("hide a channel, then show it again", async () => {
  const key = await page.$eval(".cards .card:nth-child(4)", (c) => c.dataset.key);
  await page.click(`.card[data-key="${key}"] .card-menu summary`);
  await page.click(`.card[data-key="${key}"] .card-menu .menu button`);
  await page.waitForFunction((k) => !document.querySelector(`.card[data-key="${k}"]`), key);
  await page.click(".hidden-box summary");
  await page.click(".hidden-box .chip");
  await page.waitForSelector(`.card[data-key="${key}"]`);
});

await test("a simulcast card shows two platform badges and a link to each", async () => {
  const live = await api("/api/v1/live?limit=200&adult=false");
  const merged = live.items.find((i) => Array.isArray(i.simulcast) && i.simulcast.length > 1);
  assert(merged, "the demo has a simulcast live (a linked creator on two platforms)");
  const card = `.card[data-key="${merged.platform}:${merged.channel_id}"]`;
  await page.waitForSelector(card);
  const badges = await page.$$eval(`${card} .thumb .badge`, (b) =>
    b.map((e) => [e.dataset.platform, getComputedStyle(e).backgroundColor, e.textContent]),
  );
  assert(badges.length === 2, `two badges: ${JSON.stringify(badges)}`);
  // Names and colours come from GET /api/v1/platforms, not from lists in the page.
  const { platforms } = await api("/api/v1/platforms");
  const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;
  for (const part of merged.simulcast) {
    const facts = platforms.find((p) => p.id === part.platform);
    const badge = badges.find(([p]) => p === part.platform);
    assert(badge, `badge of ${part.platform}: ${JSON.stringify(badges)}`);
    assert(badge[1] === rgb(facts.colour), `badge colour of ${part.platform}: ${badge[1]} vs ${facts.colour}`);
    assert([facts.name_ko, facts.name_en].includes(badge[2]), `badge name of ${part.platform}: ${badge[2]}`);
  }
  const links = await page.$$eval(`${card} .simulcast-part`, (a) => a.map((e) => [e.dataset.platform, e.getAttribute("href")]));
  assert(
    JSON.stringify(links) === JSON.stringify(merged.simulcast.map((p) => [p.platform, p.url])),
    `a link per platform: ${JSON.stringify(links)}`,
  );
  // The card's figure is the sum of its parts as the page got them (the API read above may be a
  // round newer than the page's copy: public reads may be cached for a round).
  const shown = Number(await page.getAttribute(card, "data-viewers"));
  const parts = await page.$$eval(`${card} .simulcast-part`, (a) => a.map((e) => Number(e.dataset.viewers)));
  assert(parts.length === merged.simulcast.length && parts.every((n) => n > 0), `part viewers: ${parts}`);
  assert(shown === parts.reduce((n, v) => n + v, 0), `viewers are the sum: ${shown} vs ${parts}`);
  // The restream is not a card of its own.
  for (const part of merged.simulcast.slice(1)) {
    assert(!(await page.$(`.card[data-key="${part.platform}:${part.channel_id}"]`)), `no separate card for ${part.platform}`);
  }
  await page.locator(card).screenshot({ path: path.join(ARTIFACTS, "simulcast-card.png") });
});

await test("language filter: Korean by default, every language on request", async () => {
  const all = await api("/api/v1/live?limit=200&adult=false&lang=all");
  const onlyKorean = () =>
    [...document.querySelectorAll(".cards .card")].every((c) => c.dataset.lang === "ko");
  assert(await page.evaluate(onlyKorean), "the default list is Korean");
  await page.selectOption("#f-language", "all");
  if (all.items.some((i) => !i.detected_language || i.detected_language.code !== "ko")) {
    await page.waitForFunction(() => [...document.querySelectorAll(".cards .card")].some((c) => c.dataset.lang !== "ko"));
  }
  await page.selectOption("#f-language", "");
  await page.waitForFunction(
    () => document.querySelectorAll(".cards .card").length > 5 && [...document.querySelectorAll(".cards .card")].every((c) => c.dataset.lang === "ko"),
  );
});

await test("language switch to English and back", async () => {
  await page.click("#lang-toggle");
  await page.waitForFunction(() => document.documentElement.lang === "en" && document.querySelector('[data-route="board"]').textContent === "Live");
  const label = await page.textContent('label[for="f-platform"]');
  assert(label === "Platform", `label ${label}`);
  await shot(page, "board-en");
  await page.click("#lang-toggle");
  await page.waitForFunction(() => document.documentElement.lang === "ko");
});

await test("rankings page renders or says it is not available", async () => {
  await page.goto(`${BASE}/#/rankings`);
  await page.waitForSelector(".ranking-row, .unavailable, .rankings-result .empty");
  const state = await page.evaluate(() =>
    document.querySelector(".ranking-row") ? "rows" : document.querySelector(".unavailable") ? "unavailable" : "empty",
  );
  report.rankings = state;
  await page.selectOption("#r-period", "1d");
  await page.waitForSelector(".ranking-row, .unavailable, .rankings-result .empty");
  await shot(page, "rankings");
});

await test("rankings page renders the documented /api/v1/trends shape", async () => {
  // The demo has no daily rollups yet, so the rows are checked against a reply of the documented
  // shape (served to this page only).
  const live = await api("/api/v1/live?limit=5");
  const items = live.items.map((i, n) => ({
    rank: n + 1,
    previous_rank: n === 0 ? null : n + 2,
    platform: i.platform,
    channel_id: i.channel_id,
    channel_name: i.channel_name,
    avatar_url: null,
    start_value: 100_000 - n * 9_000,
    end_value: 112_345 - n * 9_500,
    change: 12_345 - n * 500,
    change_pct: 12.35 - n,
    rounded: i.platform === "youtube",
  }));
  await page.route("**/api/v1/trends?**", (route) =>
    route.fulfill({
      contentType: "application/json",
      body: JSON.stringify({ metric: "followers", period: "7d", direction: "up", as_of: "2026-11-22", items }),
    }),
  );
  try {
    await page.selectOption("#r-period", "7d");
    await page.waitForFunction((n) => document.querySelectorAll(".ranking-row").length === n, items.length);
    const first = await page.textContent(".ranking-row .ranking-name a");
    assert(first === items[0].channel_name, `first row ${first}`);
    const href = await page.getAttribute(".ranking-row .ranking-name a", "href");
    assert(href.startsWith(`#/channel/${items[0].platform}/`), `link ${href}`);
    await shot(page, "rankings-sample");
  } finally {
    await page.unroute("**/api/v1/trends?**");
  }
});

// ---- the extension -----------------------------------------------------------------------------

/** A persistent Chromium profile with the unpacked extension in `dir`, and the extension's id. */
async function withExtension(dir, fn) {
  const profile = mkdtempSync(path.join(tmpdir(), "streamtide-ext-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false, // new headless is passed below; Playwright's would drop extensions in old versions
    ignoreDefaultArgs: ["--disable-extensions"],
    viewport: { width: 1280, height: 900 },
    locale: "ko-KR",
    args: ["--headless=new", ...FLAGS, `--disable-extensions-except=${dir}`, `--load-extension=${dir}`],
  });
  try {
    await offlineExceptLocal(ctx);
    const sw = ctx.serviceWorkers()[0] || (await ctx.waitForEvent("serviceworker", { timeout: TIMEOUT }));
    await fn(ctx, new URL(sw.url()).host);
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const EXT_SERVER_DIR = process.env.EXTENSION_SERVER_DIR ? path.resolve(process.env.EXTENSION_SERVER_DIR) : null;

await test("extension packed with --server: the first new tab shows the board, no options step", async () => {
  assert(EXT_SERVER_DIR, "EXTENSION_SERVER_DIR is set");
  await withExtension(EXT_SERVER_DIR, async (ctx, extId) => {
    // First new tab, straight after install: from the network.
    const first = await ctx.newPage();
    watchConsole(first, "newtab");
    await first.goto("chrome://newtab/");
    assert(first.url().startsWith(`chrome-extension://${extId}/newtab.html`), `new tab is the extension's: ${first.url()}`);
    await first.waitForSelector(".cards .card", { timeout: TIMEOUT });
    assert(!(await first.$(".onboarding")), "no onboarding: the server is packed in");
    const fromNetwork = await firstCardMark(first);
    const viewers = await cardViewers(first);
    for (let i = 1; i < viewers.length; i += 1) assert(viewers[i - 1] >= viewers[i], "order");
    // Wait until the list is cached.
    await first.waitForFunction(async () => {
      const { liveCache } = await chrome.storage.local.get("liveCache");
      return Boolean(liveCache && liveCache.items && liveCache.items.length);
    });
    await shot(first, "newtab");
    await first.close();

    // Second new tab: painted from chrome.storage.local, before the network answers.
    const second = await ctx.newPage();
    watchConsole(second, "newtab2");
    // Hold the API back a little so the cached paint is observable.
    await second.route(`${BASE}/api/v1/live**`, async (route) => {
      await new Promise((r) => setTimeout(r, 500));
      await route.continue();
    });
    await second.goto("chrome://newtab/");
    await second.waitForSelector(".cards .card", { timeout: TIMEOUT });
    const cached = await firstCardMark(second);
    const status = await second.textContent(".board-status");
    assert(cached && cached.fromCache, `second new tab painted from the cache (${JSON.stringify(cached)}, status "${status}")`);
    const nav = await second.evaluate(() => {
      const n = performance.getEntriesByType("navigation")[0];
      return n ? { domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd } : null;
    });
    await shot(second, "newtab-cached");
    await second.waitForFunction(() => !document.querySelector(".board-status").textContent.includes("…"));
    report.extension = { id: extId, fromNetwork, cached, navigation: nav };
    await second.close();

    // The server goes away: the cached cards stay, with their age and a quiet notice.
    const gone = await ctx.newPage();
    await gone.route(`${BASE}/api/v1/live**`, (route) => route.abort("connectionrefused"));
    await gone.goto("chrome://newtab/");
    await gone.waitForSelector(".board[data-state='stale']", { timeout: TIMEOUT });
    const notice = await gone.textContent(".board-status");
    assert(/서버에 연결할 수 없어/.test(notice) && /전|방금|ago|just now/.test(notice), `quiet notice with the age: "${notice}"`);
    assert(await gone.$(".board-status.quiet"), "the notice is quiet, not an error");
    assert((await gone.$$(".cards .card")).length > 0, "cached cards stay");
    assert(!/Failed to fetch/.test(await gone.textContent("body")), "no raw fetch error");
    await shot(gone, "newtab-server-gone");
    await gone.close();

    // The popup page shows the same board.
    const popup = await ctx.newPage();
    await popup.setViewportSize({ width: 420, height: 600 });
    await popup.goto(`chrome-extension://${extId}/popup.html`);
    await popup.waitForSelector(".cards .card", { timeout: TIMEOUT });
    await shot(popup, "extension-popup");
    await popup.close();
  });
});

// ---- go-live notifications ---------------------------------------------------------------------

const SIM_CHZZK = (process.env.STREAMTIDE_SIM_CHZZK || "").replace(/\/+$/, "");
const keyOfItem = (i) => `${i.platform}:${i.channel_id}`;

/** Every live broadcast in every language (what the service worker reads). */
async function liveAllLanguages() {
  const items = [];
  let cursor = "";
  do {
    const page = await api(`/api/v1/live?lang=all&limit=200${cursor ? `&cursor=${cursor}` : ""}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** A tracked CHZZK channel that is not live on the board. */
async function offlineChannel() {
  const live = new Set((await liveAllLanguages()).flatMap((i) => [keyOfItem(i), ...(i.simulcast || []).map(keyOfItem)]));
  const tracked = await api("/api/v1/channels?platform=chzzk&tracked=true&limit=200");
  const c = tracked.items.find((c) => !live.has(keyOfItem(c)));
  assert(c, "a tracked CHZZK channel is offline");
  return c;
}

/** The demo's simulator starts `channel`'s broadcast now (409: it is live there already, not
 *  collected yet; it goes on the board all the same). */
async function startLive(channel) {
  const res = await fetch(`${SIM_CHZZK}/__sim/start-live?channel=${encodeURIComponent(channel.channel_id)}`, { method: "POST" });
  assert(res.status === 200 || res.status === 409, `start-live: HTTP ${res.status} ${await res.text()}`);
  return res.status;
}

await test("extension: go-live notifications are opt-in, announce a favourite going live once, not what was live", async () => {
  assert(EXT_SERVER_DIR, "EXTENSION_SERVER_DIR is set");
  assert(SIM_CHZZK, "STREAMTIDE_SIM_CHZZK is set (the demo prints its simulator's addresses)");
  await withExtension(EXT_SERVER_DIR, async (ctx, extId) => {
    const tab = await ctx.newPage();
    watchConsole(tab, "newtab");
    await tab.goto(`chrome-extension://${extId}/newtab.html`);
    await tab.waitForSelector(".cards .card", { timeout: TIMEOUT });
    const local = (key) => tab.evaluate(async (k) => (await chrome.storage.local.get(k))[k], key);

    // A favourite that is live now, starred on its card (what a user does).
    const liveKey = await tab.$eval(".cards .card", (c) => c.dataset.key);
    await tab.click(`.cards .card[data-key="${liveKey}"] .star`);

    // The options page: notifications off by default, and nothing checked meanwhile.
    const opt = await ctx.newPage();
    watchConsole(opt, "options");
    await opt.goto(`chrome-extension://${extId}/options.html`);
    await opt.waitForSelector("#notify");
    assert(!(await opt.isChecked("#notify")), "off by default");
    assert(!(await opt.evaluate(() => chrome.alarms.get("streamtide-live-check"))), "no alarm while off");
    const offCheck = await opt.evaluate(() => chrome.runtime.sendMessage({ type: "notify:check" }));
    assert(offCheck && offCheck.skipped === "off", `a check while off does nothing: ${JSON.stringify(offCheck)}`);

    // Turned on: the first check records what is live and announces nothing.
    await opt.click("#notify");
    await opt.waitForFunction(() => document.getElementById("notify-status").textContent.includes("켜짐"));
    await opt.waitForFunction(async (k) => {
      const { notifyState } = await chrome.storage.local.get("notifyState");
      return Boolean(notifyState && notifyState.live && notifyState.live[k]);
    }, liveKey, { timeout: TIMEOUT });
    const alarm = await opt.evaluate(() => chrome.alarms.get("streamtide-live-check"));
    assert(alarm && alarm.periodInMinutes === 1, `a one-minute alarm: ${JSON.stringify(alarm)}`);
    await shot(opt, "extension-options");
    const again = await opt.evaluate(() => chrome.runtime.sendMessage({ type: "notify:check" }));
    assert(again && Array.isArray(again.shown) && again.shown.length === 0, `nothing announced: ${JSON.stringify(again)}`);
    assert(!(await local("notifications_log")), "no notification for a favourite already live when turned on");

    // A favourite that is not live (no card to star: set through the board's own preferences),
    // then it goes live in the simulator.
    const channel = await offlineChannel();
    const offKey = keyOfItem(channel);
    await tab.evaluate(async ([k, name]) => {
      const { prefs } = await import("./app/prefs.js");
      prefs.toggleFavourite(k, name);
    }, [offKey, channel.name]);
    await tab.waitForFunction(async (k) => {
      const { favourites } = await chrome.storage.local.get("favourites");
      return Boolean(favourites && favourites.keys.includes(k));
    }, offKey);
    // A check before it is collected: the new favourite is recorded (not live), nothing shown.
    const before = await opt.evaluate(() => chrome.runtime.sendMessage({ type: "notify:check" }));
    assert(before && before.shown && before.shown.length === 0, `nothing yet: ${JSON.stringify(before)}`);
    assert(!before.live.includes(offKey), `${offKey} not live yet`);
    const started = await startLive(channel);

    // The collector sees it within a live round or two.
    let item = null;
    for (const deadline = Date.now() + 150_000; !item && Date.now() < deadline; ) {
      item = (await liveAllLanguages()).find((i) => keyOfItem(i) === offKey || (i.simulcast || []).some((p) => keyOfItem(p) === offKey));
      if (!item) await new Promise((r) => setTimeout(r, 3000));
    }
    assert(item, `${offKey} went live on the board (start-live: HTTP ${started})`);

    // The alarm's check (asked for now rather than in a minute): one "live" notification.
    const after = await opt.evaluate(() => chrome.runtime.sendMessage({ type: "notify:check" }));
    assert(after && after.shown && after.shown.length === 1, `one notification: ${JSON.stringify(after)}`);
    const log = await local("notifications_log");
    assert(Array.isArray(log) && log.length === 1, `one logged: ${JSON.stringify(log)}`);
    const [entry] = log;
    const ko = (await opt.evaluate(() => chrome.i18n.getUILanguage())).startsWith("ko");
    const name = item.channel_name;
    assert(entry.kind === "live", `kind: ${entry.kind}`);
    assert(JSON.stringify(entry.channels) === JSON.stringify([offKey]), `channels: ${entry.channels}`);
    assert(entry.title === (ko ? `${name} 방송 시작` : `${name} is live`), `title: ${entry.title}`);
    assert(entry.message === item.title, `message is the broadcast title: "${entry.message}" vs "${item.title}"`);
    assert(entry.url === item.url, `url: ${entry.url}`);
    // Checked again (an alarm, or a restarted worker): not announced twice.
    const third = await opt.evaluate(() => chrome.runtime.sendMessage({ type: "notify:check" }));
    assert(third && third.shown && third.shown.length === 0, `announced once: ${JSON.stringify(third)}`);
    assert((await local("notifications_log")).length === 1, "still one logged");

    // A click on a notification opens what its log entry names (the platform's page is not
    // reachable offline: an entry naming our server stands in for it), a summary opens the board.
    await opt.evaluate(async ([base]) => {
      const { notifications_log: log } = await chrome.storage.local.get("notifications_log");
      const stand = { ...log[0], id: "streamtide-live-click-test", url: `${base}/` };
      const summary = { ...log[0], id: "streamtide-summary-click-test", kind: "summary", url: null };
      await chrome.storage.local.set({ notifications_log: [...log, stand, summary] });
    }, [BASE]);
    for (const [id, want] of [["streamtide-live-click-test", `${BASE}/`], ["streamtide-summary-click-test", `chrome-extension://${extId}/newtab.html`]]) {
      const opened = ctx.waitForEvent("page", { timeout: TIMEOUT });
      await opt.evaluate(async (n) => (await import("./notify.js")).openNotification(n), id);
      const page = await opened;
      await page.waitForURL(want, { timeout: TIMEOUT });
      await page.close();
    }

    // No storm: many at once, or a check after a long sleep, is one summary.
    const decided = await opt.evaluate(async () => {
      const { decide, MAX_SINGLE, STALE_MS } = await import("./notify.js");
      const favs = ["chzzk:a", "chzzk:b", "soop:c", "twitch:d", "youtube:e"];
      const live = Object.fromEntries(favs.map((k, i) => [k, { key: k, name: k, title: "t", viewers: i }]));
      const prev = { at: 1_000_000, live: {}, favourites: favs };
      const many = decide(prev, live, favs, prev.at + 60_000).notes;
      const two = Object.fromEntries(Object.entries(live).slice(0, 2));
      const few = decide(prev, two, favs, prev.at + 60_000).notes;
      const woke = decide(prev, two, favs, prev.at + STALE_MS + 60_000).notes;
      const added = decide({ ...prev, favourites: [] }, two, favs, prev.at + 60_000).notes;
      const first = decide(null, live, favs, prev.at).notes;
      return { max: MAX_SINGLE, many: many.map((n) => [n.kind, n.lives.length]), few: few.map((n) => n.kind), woke: woke.map((n) => [n.kind, n.lives.length]), added: added.length, first: first.length };
    });
    assert(JSON.stringify(decided.many) === JSON.stringify([["summary", 5]]), `5 at once: one summary ${JSON.stringify(decided)}`);
    assert(JSON.stringify(decided.few) === JSON.stringify(["live", "live"]), `2 at once: one each ${JSON.stringify(decided)}`);
    assert(JSON.stringify(decided.woke) === JSON.stringify([["summary", 2]]), `after a sleep: one summary ${JSON.stringify(decided)}`);
    assert(decided.added === 0 && decided.first === 0, `new favourites and the first check: nothing ${JSON.stringify(decided)}`);

    // Turned off: the alarm goes.
    await opt.click("#notify");
    await opt.waitForFunction(() => document.getElementById("notify-status").textContent.includes("꺼짐"));
    await opt.waitForFunction(async () => !(await chrome.alarms.get("streamtide-live-check")), null, { timeout: TIMEOUT });
    report.notifications = `${entry.title} — "${entry.message}"`;
  });
});

await test("extension without a server: the first run shows the onboarding, never a fetch error", async () => {
  assert(EXT_DIR, "EXTENSION_DIR is set");
  await withExtension(EXT_DIR, async (ctx, extId) => {
    const tab = await ctx.newPage();
    watchConsole(tab, "onboarding");
    await tab.goto("chrome://newtab/");
    await tab.waitForSelector(".onboarding", { timeout: TIMEOUT });
    const text = await tab.textContent("body");
    assert(!/Failed to fetch|불러오지 못했습니다/.test(text), `no fetch error: ${text.slice(0, 200)}`);
    assert(await tab.$(".onboarding a[href='options.html']"), "a link to the options");
    assert(await tab.$(".onboarding a[href='privacy.html']"), "a link to the privacy page");
    assert(!(await tab.$(".cards .card")), "no board yet");
    await shot(tab, "extension-onboarding");
    // A plain-http address elsewhere is refused in words.
    await tab.fill("#onboard-server", "http://live.example.kr");
    await tab.click(".onboard-connect");
    await tab.waitForSelector(".onboard-status.error");
    assert((await tab.textContent(".onboard-status")).includes("https://"), "asks for https");
    // Our server: the board appears, and the next new tab goes straight to it.
    await tab.fill("#onboard-server", BASE);
    await tab.click(".onboard-connect");
    await tab.waitForSelector(".cards .card", { timeout: TIMEOUT });
    const next = await ctx.newPage();
    await next.goto("chrome://newtab/");
    await next.waitForSelector(".cards .card", { timeout: TIMEOUT });
    assert(!(await next.$(".onboarding")), "configured now");
    // The privacy page names the server.
    await next.goto(`chrome-extension://${extId}/privacy.html`);
    await next.waitForFunction((b) => document.querySelector(".server").textContent === b, BASE);
  });
});

// ---- the channel page (last: the demo has collected longer by now) ----------------------------

async function pickChannel() {
  // A tracked channel with at least two follower points, preferring one that is live.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const page1 = await api("/api/v1/channels?tracked=true&limit=200");
    let best = null;
    for (const c of page1.items.slice(0, 16)) {
      const path = `/api/v1/channels/${c.platform}/${encodeURIComponent(c.channel_id)}/history`;
      const f = (await api(`${path}?metric=followers`)).points.length;
      const v = (await api(`${path}?metric=views`)).points.length;
      // Most history, and preferably views too and live now: the fullest page to look at.
      const score = f + v + (v >= 2 ? 500 : 0) + (c.live ? 200 : 0);
      if (f >= 2 && (!best || score > best.score)) best = { c, score };
    }
    // Let the rate limit's bucket refill before the page makes its own requests.
    await new Promise((r) => setTimeout(r, 3_000));
    if (best) return best.c;
    if (Date.now() > deadline) return page1.items[0];
    await new Promise((r) => setTimeout(r, 5_000));
  }
}

await test("a chart draws on a channel page, hover and keyboard show values", async () => {
  const c = await pickChannel();
  report.channel = `${c.platform}/${c.channel_id}`;
  await page.goto(`${BASE}/#/channel/${c.platform}/${encodeURIComponent(c.channel_id)}`);
  // "attached": a flat series is a horizontal line, which has no height to be "visible".
  await page.waitForSelector(".chart-followers path.chart-line", { state: "attached" });
  const d = await page.getAttribute(".chart-followers path.chart-line", "d");
  assert(d && d.startsWith("M"), `path ${d}`);
  const title = await page.textContent(".channel-title h1");
  assert(title.trim().length > 0, "channel name shown");
  const followers = await page.textContent(".figures .figure dd");
  assert(/\d/.test(followers), `followers figure ${followers}`);

  // Hover near the right end of the followers chart.
  await page.locator(".chart-followers .chart-svg").scrollIntoViewIfNeeded();
  const box = await page.locator(".chart-followers .chart-svg").boundingBox();
  await page.mouse.move(box.x + box.width * 0.95, box.y + box.height * 0.5);
  await page.waitForSelector(".chart-followers .chart-tip:not([hidden])");
  const tip = await page.textContent(".chart-followers .chart-tip");
  assert(/\d/.test(tip), `tooltip has a value: ${tip}`);
  // The whole page from the top (the header is sticky), with a tooltip from keyboard focus.
  await page.mouse.move(0, 0);
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    const plot = document.querySelector(".chart-views .chart-plot") || document.querySelector(".chart-followers .chart-plot");
    plot.focus({ preventScroll: true });
  });
  await page.keyboard.press("End");
  await page.keyboard.press("ArrowLeft");
  await shot(page, "channel", { fullPage: true });
  await page.evaluate(() => document.activeElement.blur());

  // Recent videos: as many as the API lists (the page asks for 12), or the "none yet" note.
  await page.waitForSelector(".videos h2");
  const videos = await api(`/api/v1/channels/${c.platform}/${encodeURIComponent(c.channel_id)}/videos?limit=12`);
  const shown = await page.$$eval(".videos .video", (v) => v.length);
  assert(shown === videos.items.length, `videos shown ${shown}, API ${videos.items.length}`);
  if (shown === 0) assert(await page.$(".videos p.muted"), "no-videos note");
  report.channelVideos = shown;
  // Their pictures show: nobody copies them, and the page's policy lets the demo's simulator (a
  // plain-HTTP origin, `server.image_sources`) serve them; a refused picture is removed.
  const withThumb = videos.items.filter((v) => v.thumbnail_url).length;
  if (withThumb) {
    await page.evaluate(() => document.querySelector(".videos").scrollIntoView());
    await page.waitForFunction(
      (n) => [...document.querySelectorAll(".videos .video-thumb img")].filter((i) => i.complete && i.naturalWidth > 0).length === n,
      withThumb,
      { timeout: 10_000 },
    ).catch(async () => {
      const loaded = await page.$$eval(".videos .video-thumb img", (imgs) => imgs.filter((i) => i.complete && i.naturalWidth > 0).length);
      throw new Error(`${loaded} of ${withThumb} video thumbnails loaded (${videos.items[0].thumbnail_url})`);
    });
    await page.evaluate(() => window.scrollTo(0, 0));
  }

  // Keyboard: focus the chart, move with Home and the arrow keys.
  await page.mouse.move(0, 0);
  await page.focus(".chart-followers .chart-plot");
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowRight");
  await page.waitForSelector(".chart-followers .chart-tip:not([hidden])");
  const keyTip = await page.textContent(".chart-followers .chart-tip");
  assert(/\d/.test(keyTip), `keyboard tooltip: ${keyTip}`);
});

await test("a creator page sums the platforms: combined and per-platform charts", async () => {
  const creators = await api("/api/v1/creators?limit=50");
  const creator = creators.items.find((c) => c.channels.length >= 2);
  assert(creator, "the demo links creators with channels on two platforms");
  await page.goto(`${BASE}/#/creator/${creator.id}`);
  await page.waitForSelector(".chart-combined-followers");
  const title = await page.textContent(".channel-title h1");
  assert(title.trim() === creator.name, `creator name ${title}`);
  const links = await page.$$eval(".creator-channels li a[href^='#/channel/']", (a) => a.length);
  assert(links === creator.channels.length, `channel links ${links} of ${creator.channels.length}`);
  const perPlatform = await page.$$eval("[class*='chart-platform-']", (c) => c.length);
  assert(perPlatform === creator.channels.length, `per-platform charts ${perPlatform}`);
  // The combining rule itself, on known numbers: each channel's latest value a day, summed from
  // the first day every channel has one.
  const sum = await page.evaluate(async () => {
    const m = await import("/app/creator.js");
    return m.combineSeries([
      [{ at: "2026-01-01T10:00:00Z", value: 100 }, { at: "2026-01-02T10:00:00Z", value: 110 }, { at: "2026-01-03T10:00:00Z", value: 120 }],
      [{ at: "2026-01-02T09:00:00Z", value: 5 }, { at: "2026-01-02T20:00:00Z", value: 7 }],
    ]).map((p) => p.value);
  });
  assert(JSON.stringify(sum) === JSON.stringify([117, 127]), `combined ${JSON.stringify(sum)}`);
  report.creator = `${creator.name} (${creator.channels.map((c) => c.platform).join("+")})`;
  await shot(page, "creator", { fullPage: true });
  // From a linked channel's page, the creator page is one click away.
  const ch = creator.channels[0];
  await page.goto(`${BASE}/#/channel/${ch.platform}/${encodeURIComponent(ch.channel_id)}`);
  await page.click(".pill-creator");
  await page.waitForSelector(".chart-combined-followers");
});

// ---- the operator's pages: creators, rankings by creator, a channel's daily table ------------

/** The digits of a formatted count ("1,234" → "1234"; "—" → ""). */
const digits = (s) => String(s || "").replace(/[^\d]/g, "");

await test("creators page: every creator with the API's figures, sorted, searched, filtered", async () => {
  const all = await api("/api/v1/creators?sort=followers&limit=200");
  assert(all.total > 0, "the demo has creators");
  await page.goto(`${BASE}/#/`);
  await page.click("a[data-route='creators']");
  await page.waitForSelector(".creators-table tbody tr");
  await page.waitForFunction((n) => document.querySelectorAll(".creators-table tbody tr").length === n, Math.min(all.total, 5000));
  const rows = await page.$$eval(".creators-table tbody tr", (trs) =>
    trs.map((tr) => ({
      id: Number(tr.dataset.creator),
      followers: tr.dataset.followers,
      c: ["1d", "7d", "30d"].map((p) => tr.getAttribute(`data-change-${p}`)),
      cells: [...tr.querySelectorAll("td")].slice(2).map((td) => td.textContent.trim()),
      name: tr.querySelector("th a").textContent,
      badges: tr.querySelectorAll(".badge").length,
    })),
  );
  // The same creators as the API, followers largest first (unknown last).
  assert(
    JSON.stringify(rows.map((r) => r.id).sort()) === JSON.stringify(all.items.map((c) => c.id).sort()),
    "the page lists the API's creators",
  );
  const known = rows.filter((r) => r.followers !== "").map((r) => Number(r.followers));
  for (let i = 1; i < known.length; i += 1) assert(known[i - 1] >= known[i], `followers order at ${i}`);
  const byId = new Map(all.items.map((c) => [c.id, c]));
  for (const r of rows) {
    const c = byId.get(r.id);
    assert(r.name === c.name, `name of ${r.id}`);
    assert(r.badges === new Set(c.channels.map((ch) => ch.platform)).size, `platform badges of ${c.name}`);
    // A period the history does not cover is "—" (with the day it will be, when the API says),
    // never a number.
    r.c.forEach((v, i) => {
      const from = c.changes[["1d", "7d", "30d"][i]].available_from;
      if (v === "") {
        assert(r.cells[i].startsWith("—"), `${c.name}: unknown change shown as ${r.cells[i]}`);
        assert(from ? r.cells[i].length > 1 : r.cells[i] === "—", `${c.name}: available_from ${from}, shown ${r.cells[i]}`);
      } else assert(!r.cells[i].startsWith("—"), `${c.name}: known change shown as —`);
    });
  }
  // The API says which periods are covered; so does the page.
  for (const [i, p] of ["1d", "7d", "30d"].entries()) {
    const api7 = all.items.filter((c) => c.changes[p].abs !== null).length;
    const page7 = rows.filter((r) => r.c[i] !== "").length;
    assert(api7 === page7, `${p}: ${page7} changes shown, the API has ${api7}`);
  }
  report.creators = `${rows.length} creators; 7-day change known for ${rows.filter((r) => r.c[1] !== "").length}`;
  await shot(page, "creators", { fullPage: true });

  // Sort by the 7-day change: largest first, unknown last.
  await page.click("button.sort[data-sort='change_7d']");
  await page.waitForSelector("th[aria-sort='descending'] button[data-sort='change_7d']");
  const seven = await page.$$eval(".creators-table tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-change-7d")));
  const firstUnknown = seven.indexOf("");
  if (firstUnknown >= 0) assert(seven.slice(firstUnknown).every((v) => v === ""), "unknown changes last");
  const vals = seven.filter((v) => v !== "").map(Number);
  for (let i = 1; i < vals.length; i += 1) assert(vals[i - 1] >= vals[i], `7-day order at ${i}`);

  // Search: the API's answer for the same text.
  const probe = all.items[0].name.slice(0, 2);
  await page.fill("#c-q", probe);
  const searched = await api(`/api/v1/creators?q=${encodeURIComponent(probe)}&limit=200`);
  await page.waitForFunction((n) => document.querySelectorAll(".creators-table tbody tr").length === n, searched.total);
  await page.fill("#c-q", "");
  // Platform filter.
  const soop = await api("/api/v1/creators?platform=soop&limit=200");
  await page.selectOption("#c-platform", "soop");
  await page.waitForFunction((n) => document.querySelectorAll(".creators-table tbody tr").length === n || (n === 0 && document.querySelector(".creators-result .empty")), soop.total);
  await page.selectOption("#c-platform", "");
  // A row leads to the creator page.
  const first = all.items[0];
  await page.waitForSelector(`tr[data-creator='${first.id}'] th a`);
  await page.click(`tr[data-creator='${first.id}'] th a`);
  await page.waitForFunction((name) => document.querySelector(".channel-title h1")?.textContent === name, first.name);
});

await test("rankings by creator show the API's ranking and download the same as CSV and .xlsx", async () => {
  await page.goto(`${BASE}/#/rankings`);
  await page.waitForSelector("#r-group");
  await page.selectOption("#r-direction", "up");
  await page.selectOption("#r-metric", "followers");
  await page.selectOption("#r-sort", "change");
  await page.selectOption("#r-platform", "");
  // The longest period the demo's history ranks (90-day history: 7d; without: 1d).
  let period = "7d";
  let want = await api("/api/v1/trends?metric=followers&period=7d&direction=up&group=creator&limit=50");
  if (!want.items.length) {
    period = "1d";
    want = await api("/api/v1/trends?metric=followers&period=1d&direction=up&group=creator&limit=50");
  }
  await page.selectOption("#r-period", period);
  await page.selectOption("#r-group", "creator");
  if (!want.items.length) {
    await page.waitForSelector(".rankings-result .empty");
    report.byCreator = "no creator ranking yet";
  } else {
    await page.waitForFunction((n) => document.querySelectorAll(".ranking-row").length === n, want.items.length);
    const rows = await page.$$eval(".ranking-row", (r) =>
      r.map((li) => ({ name: li.querySelector(".ranking-name a").textContent, href: li.querySelector(".ranking-name a").getAttribute("href"), change: Number(li.dataset.change) })),
    );
    rows.forEach((r, i) => {
      assert(r.name === want.items[i].channel_name, `row ${i + 1}: ${r.name}, API ${want.items[i].channel_name}`);
      assert(r.href === `#/creator/${want.items[i].creator_id}`, `row ${i + 1} links to the creator: ${r.href}`);
      assert(r.change === want.items[i].change, `row ${i + 1} change ${r.change}`);
    });
    report.byCreator = `${rows.length} creators over ${period}, first ${rows[0].name} ${rows[0].change > 0 ? "+" : ""}${rows[0].change}`;
  }
  await shot(page, "rankings");
  // The downloads carry the query shown.
  for (const format of ["csv", "xlsx"]) {
    const href = await page.getAttribute(`.downloads a[data-format='${format}']`, "href");
    const q = new URL(href, BASE).searchParams;
    for (const [k, v] of Object.entries({ group: "creator", period, metric: "followers", direction: "up", format })) {
      assert(q.get(k) === v, `${format} link ${k}=${q.get(k)}`);
    }
    const res = await page.request.get(new URL(href, BASE).href);
    assert(res.status() === 200, `${format}: HTTP ${res.status()}`);
    const body = await res.body();
    if (format === "csv") {
      const lines = body.toString("utf8").replace(/^\uFEFF/, "").trim().split("\n");
      assert(lines.length === want.items.length + 1, `CSV rows ${lines.length - 1}, shown ${want.items.length}`);
      if (want.items.length) assert(lines[1].includes(want.items[0].channel_name), `CSV first row ${lines[1]}`);
    } else {
      assert(body.subarray(0, 2).toString() === "PK", "an .xlsx is a zip");
    }
  }
  // Tracked only: the API's `tracked=true` ranking, and the downloads carry it.
  const tracked = await api(`/api/v1/trends?metric=followers&period=${period}&direction=up&group=creator&limit=50&tracked=true`);
  await page.check("#r-tracked");
  await page.waitForFunction(
    (names) => JSON.stringify([...document.querySelectorAll(".ranking-row .ranking-name a")].map((a) => a.textContent)) === JSON.stringify(names),
    tracked.items.map((i) => i.channel_name),
  );
  for (const format of ["csv", "xlsx"]) {
    const href = await page.getAttribute(`.downloads a[data-format='${format}']`, "href");
    assert(new URL(href, BASE).searchParams.get("tracked") === "true", `${format} link without tracked=true: ${href}`);
  }
  await page.uncheck("#r-tracked");
  assert(!new URL(await page.getAttribute(".downloads a[data-format='csv']", "href"), BASE).searchParams.has("tracked"), "unchecked: no tracked in the link");
  await page.selectOption("#r-group", "channel");
});

await test("channel page: the daily table is the API's, newest first, with labels and our avatar", async () => {
  const c = await pickChannel();
  const path = `/api/v1/channels/${c.platform}/${encodeURIComponent(c.channel_id)}`;
  const daily = await api(`${path}/daily`);
  const channel = await api(path);
  assert(daily.days.length >= 1, "at least one day");
  await page.goto(`${BASE}/#/channel/${c.platform}/${encodeURIComponent(c.channel_id)}`);
  await page.waitForFunction((n) => document.querySelectorAll(".daily-table tbody tr").length === n, daily.days.length);
  const rows = await page.$$eval(".daily-table tbody tr", (trs) => trs.map((tr) => ({ day: tr.dataset.day, cells: [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()) })));
  rows.forEach((r, i) => {
    const d = daily.days[i];
    assert(r.day === d.day, `row ${i}: ${r.day}, API ${d.day}`);
    if (i > 0) assert(rows[i - 1].day > r.day, "newest first");
    assert(digits(r.cells[0]) === (d.followers === null ? "" : String(d.followers)), `${d.day} followers ${r.cells[0]}`);
    assert((r.cells[1] === "—") === (d.followers_change === null), `${d.day} follower change ${r.cells[1]}`);
    assert(digits(r.cells[5]) === String(d.streams), `${d.day} streams ${r.cells[5]}`);
  });
  // A period the stored history does not cover is "—", never a change from minutes of data.
  const stats = await api(`${path}/stats`);
  const changeCells = await page.$$eval(".changes tbody tr:first-child td", (tds) => tds.map((td) => td.textContent.trim()));
  ["1d", "7d", "30d", "90d"].forEach((p, i) => {
    if (stats.changes[p].abs === null) assert(changeCells[i] === "—", `${p} follower change without history: ${changeCells[i]}`);
  });
  // Stricter where the history allows: a day after a day has a change.
  if (daily.days.length >= 2) assert(daily.days.some((d) => d.followers_change !== null), "a known daily change");
  report.daily = `${c.platform}/${c.channel_id}: ${daily.days.length} days`;
  // The download is the same table.
  const href = await page.getAttribute(".daily .downloads a[data-format='csv']", "href");
  const csv = (await (await page.request.get(new URL(href, BASE).href)).text()).replace(/^\uFEFF/, "").trim().split("\n");
  assert(csv.length === daily.days.length + 1, `CSV rows ${csv.length - 1}`);
  assert(csv[1].startsWith(daily.days[0].day), `CSV newest first: ${csv[1]}`);
  const xlsx = await page.request.get(new URL(await page.getAttribute(".daily .downloads a[data-format='xlsx']", "href"), BASE).href);
  assert(xlsx.status() === 200 && (await xlsx.body()).subarray(0, 2).toString() === "PK", "xlsx download");
  // No raw platform category id in the header; the description and our avatar copy.
  const head = await page.textContent(".channel-header");
  // A raw id would be a part of its own between the dots ("· 20 ·"); a broadcast's age ("· 13분")
  // and its viewers ("· 시청자 19,318명") are not.
  assert(!head.split("·").some((part) => /^\d+$/.test(part.trim())), `no raw category id: ${head}`);
  if (channel.description) assert(await page.$(".channel-description"), "description shown");
  if ((channel.avatar_url || "").startsWith("/thumbs/")) {
    const src = await page.getAttribute(".channel-header .avatar img", "src");
    assert(src && src.includes("/thumbs/"), `our avatar copy: ${src}`);
  }
  // The whole page from the top (the header is sticky).
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, "channel-daily", { fullPage: true });
});

/**
 * The page's own next answer from `path` (JSON, not a download) whose query passes `pred`, as the
 * page received it. Pages that show figures of the day are checked against the very answers they
 * drew: the demo keeps collecting, and a live round between a separate read of the API and the
 * page's own changes the day's figures.
 */
const answered = (path, pred = () => true) =>
  page.waitForResponse((r) => {
    const u = new URL(r.url());
    return u.pathname === path && !u.searchParams.has("format") && pred(u.searchParams);
  });

await test("market page: platform shares and the category ranking are the API's, a category page draws its history", async () => {
  await page.goto(`${BASE}/#/`);
  await page.evaluate(() => localStorage.removeItem("streamtide.market"));
  const rankingAnswer = answered("/api/v1/categories");
  const marketAnswer = answered("/api/v1/market", (q) => q.has("from"));
  await page.click("a[data-route='market']");
  const rankingReply = await rankingAnswer;
  const ranking = await rankingReply.json();
  const asked = new URL(rankingReply.url()).searchParams;
  assert(asked.get("period") === "1d" && asked.get("sort") === "hours_watched", `the default ranking: ${asked}`);
  const series = (await (await marketAnswer).json()).series.filter((x) => x.points.length);
  assert(series.length === 3, `CHZZK, SOOP and Twitch have a market in the demo: ${series.map((x) => x.platform)}`);
  await page.waitForSelector(".market-now tbody tr");
  const platforms = await page.$$eval(".market-now tbody tr", (trs) => trs.map((tr) => tr.dataset.platform));
  assert(JSON.stringify(platforms) === JSON.stringify(series.map((x) => x.platform)), `platform rows ${platforms}`);
  // The shares of the last hour add up to 100 %, each the API's average over the sum.
  const shares = await page.$$eval(".market-now tbody tr td:last-child", (tds) => tds.map((td) => parseFloat(td.textContent)));
  const total = series.reduce((a, x) => a + x.points[x.points.length - 1].avg_viewers, 0);
  series.forEach((x, i) => {
    const want = (x.points[x.points.length - 1].avg_viewers / total) * 100;
    assert(Math.abs(shares[i] - want) < 0.06, `${x.platform} share ${shares[i]} vs ${want}`);
  });
  assert(await page.$(".chart-share svg path.share-layer"), "the share chart draws");
  await page.waitForSelector(".category-ranking tbody tr");
  const rows = await page.$$eval(".category-ranking tbody tr", (trs) =>
    trs.map((tr) => ({ id: tr.dataset.category, cells: [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()) })),
  );
  const shown = ranking.categories.filter((c) => c.hours_watched > 0 || c.peak_viewers > 0);
  assert(rows.length === shown.length && rows.length > 3, `${rows.length} rows, API ${shown.length}`);
  rows.forEach((r, i) => {
    const c = shown[i];
    assert(r.id === c.category.id, `row ${i}: ${r.id}, API ${c.category.id}`);
    assert(digits(r.cells[1]) === String(Math.round(c.hours_watched)), `${r.id} hours watched ${r.cells[1]} vs ${c.hours_watched}`);
    assert(digits(r.cells[3]) === String(c.peak_viewers), `${r.id} peak ${r.cells[3]}`);
    assert((r.cells[5] === "—") === (c.change === null), `${r.id} change ${r.cells[5]} vs ${c.change}`);
  });
  // The demo seeds a week of market: a day has the day before to compare with.
  assert(shown.some((c) => c.change !== null), "a change against the day before");
  const csv = (await (await page.request.get(new URL(await page.getAttribute(".market-categories a[data-format='csv']", "href"), BASE).href)).text()).replace(/^\uFEFF/, "").trim().split("\n");
  assert(csv.length === ranking.categories.length + 1, `CSV rows ${csv.length - 1}`);
  await shot(page, "market", { fullPage: true });
  // Sorted by rise instead.
  const risingAnswer = answered("/api/v1/categories", (q) => q.get("sort") === "change");
  await page.selectOption("#m-sort", "change");
  const rising = await (await risingAnswer).json();
  const want = rising.categories.filter((c) => c.hours_watched > 0 || c.peak_viewers > 0)[0].category.id;
  await page.waitForFunction((id) => document.querySelector(".category-ranking tbody tr")?.dataset.category === id, want);

  const top = shown[0].category;
  await page.click(`.category-ranking tr[data-category='${top.id}'] a`);
  await page.waitForFunction((names) => names.includes(document.querySelector("h1")?.textContent), [top.ko, top.en]);
  await page.waitForSelector(".chart-category svg path");
  await page.waitForSelector(".category-live li, .category-live p");
  await shot(page, "market-category", { fullPage: true });
  report.market = `${rows.length} categories, ${series.length} platforms`;
});

await test("market page's streamer ranking is /trends?scope=all; its link opens the whole leaderboard", async () => {
  await page.goto(`${BASE}/#/`);
  await page.evaluate(() => localStorage.removeItem("streamtide.market"));
  const leadersAnswer = answered("/api/v1/trends");
  await page.click("a[data-route='market']");
  const leadersReply = await leadersAnswer;
  const want = await leadersReply.json();
  // The market page's period (1d by default) and every platform.
  const asked = Object.fromEntries(new URL(leadersReply.url()).searchParams);
  assert(asked.scope === "all" && asked.metric === "hours_watched" && asked.period === "1d" && asked.limit === "10" && !asked.platform, `the page's question: ${JSON.stringify(asked)}`);
  assert(want.sort === "total" && want.scope === "all", `scope=all is a leaderboard: ${want.sort} ${want.scope}`);
  assert(want.items.length >= 5, `the demo's day ranks streamers: ${want.items.length} (${want.note})`);
  await page.waitForSelector(".market-leader-list li");
  const shown = await page.$$eval(".market-leader-list li", (lis) => lis.map((li) => ({ id: li.dataset.channel, value: Number(li.dataset.value) })));
  assert(shown.length === want.items.length, `${shown.length} streamers, API ${want.items.length}`);
  shown.forEach((r, i) => {
    assert(r.id === want.items[i].channel_id && r.value === want.items[i].end_value, `streamer ${i + 1}: ${r.id} ${r.value}, API ${want.items[i].channel_id} ${want.items[i].end_value}`);
    if (i) assert(r.value <= shown[i - 1].value, `largest first at ${i + 1}`);
  });
  // Tracked or not: the demo's market holds channels nobody added.
  const all = await api("/api/v1/trends?scope=all&metric=hours_watched&period=1d&limit=200");
  const roster = await api("/api/v1/trends?scope=tracked&sort=total&metric=hours_watched&period=1d&limit=200");
  assert(all.qualifying > roster.qualifying, `every broadcaster seen (${all.qualifying}) is more than the roster (${roster.qualifying})`);
  await page.evaluate(() => document.querySelector(".market-streamers").scrollIntoView());
  await shot(page, "market-streamers");
  const fullAnswer = answered("/api/v1/trends");
  await page.click(".market-leaders-more");
  const fullReply = await fullAnswer;
  const full = await fullReply.json();
  const fullAsked = Object.fromEntries(new URL(fullReply.url()).searchParams);
  assert(fullAsked.sort === "total" && fullAsked.metric === "hours_watched" && fullAsked.period === "1d", `the leaderboard's question: ${JSON.stringify(fullAsked)}`);
  await page.waitForSelector(".ranking-row");
  assert((await page.inputValue("#r-sort")) === "total", "the rankings page opens as a leaderboard");
  assert(await page.isDisabled("#r-direction"), "a leaderboard has no direction to choose");
  await page.waitForFunction((n) => document.querySelectorAll(".ranking-row").length === n, full.items.length);
  const values = await page.$$eval(".ranking-row", (lis) => lis.map((li) => Number(li.dataset.value)));
  values.forEach((v, i) => assert(v === full.items[i].end_value, `row ${i + 1}: ${v}, API ${full.items[i].end_value}`));
  await shot(page, "rankings-leaderboard");
  report.streamers = `${all.qualifying} broadcasters with hours watched (roster ${roster.qualifying}); first ${want.items[0].channel_name} ${want.items[0].end_value} h`;
  // The page's own settings afterwards, not the address's.
  const link = await page.evaluate(() => location.hash);
  await page.selectOption("#r-sort", "change");
  await page.waitForFunction(() => !location.hash.includes("?"));
  assert((await page.inputValue("#r-sort")) === "change", "the page's own setting");
  // The same link followed again opens the leaderboard again.
  await page.evaluate((h) => { location.hash = h; }, link);
  await page.waitForFunction(() => document.querySelector("#r-sort")?.value === "total");
});

await test("channel page lists its broadcasts; a broadcast page shows the API's figures, curve and changes", async () => {
  const c = await pickChannel();
  const path = `/api/v1/channels/${c.platform}/${encodeURIComponent(c.channel_id)}`;
  const list = await api(`${path}/broadcasts?limit=20`);
  assert(list.total >= 1, "the demo's history has broadcasts");
  await page.goto(`${BASE}/#/channel/${c.platform}/${encodeURIComponent(c.channel_id)}`);
  await page.waitForFunction((n) => document.querySelectorAll(".channel-broadcasts tbody tr").length === n, list.broadcasts.length);
  const ids = await page.$$eval(".channel-broadcasts tbody tr", (trs) => trs.map((tr) => tr.dataset.broadcast));
  assert(JSON.stringify(ids) === JSON.stringify(list.broadcasts.map((b) => b.id)), "newest first, the API's");
  const first = list.broadcasts.find((b) => !b.live) || list.broadcasts[0];
  await page.click(`.channel-broadcasts tr[data-broadcast='${first.id}'] a`);
  await page.waitForSelector(".broadcast-figures dd");
  const b = await api(`/api/v1/broadcasts/${c.platform}/${encodeURIComponent(first.id)}`);
  const figures = await page.$$eval(".broadcast-figures dd", (dds) => dds.map((dd) => dd.textContent.trim()));
  assert(digits(figures[3]) === String(b.peak_viewers), `peak ${figures[3]} vs ${b.peak_viewers}`);
  assert(digits(figures[5]) === String(Math.round(b.hours_watched)), `hours watched ${figures[5]} vs ${b.hours_watched}`);
  assert(b.curve.length >= 2 && (await page.$(".chart-broadcast svg path")), "the viewer curve draws");
  const changes = await page.$$eval(".broadcast-changes tbody tr", (trs) => trs.length);
  assert(changes === b.changes.length && changes >= 1, `changes ${changes} vs ${b.changes.length}`);
  assert((await page.textContent("h1")) === b.title, "the title");
  await shot(page, "broadcast", { fullPage: true });
  report.broadcast = `${c.platform}/${first.id}: ${b.curve.length} samples`;
});

// ---- phone width and dark theme ---------------------------------------------------------------

await test("phone width (375 px) has no horizontal scroll", async () => {
  const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "ko-KR" });
  await offlineExceptLocal(phone);
  const p = await phone.newPage();
  await p.goto(`${BASE}/`);
  await p.waitForSelector(".cards .card");
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert(width <= 376, `scrollWidth ${width}`);
  await shot(p, "phone");
  await p.goto(`${BASE}/#/channel/${report.channel || ""}`);
  await p.waitForSelector(".chart, .error");
  const w2 = await p.evaluate(() => document.documentElement.scrollWidth);
  assert(w2 <= 376, `channel page scrollWidth ${w2}`);
  await shot(p, "phone-channel", { fullPage: true });
  await phone.close();
});

await test("dark theme from the system, and the toggle", async () => {
  const dark = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "dark", locale: "ko-KR" });
  await offlineExceptLocal(dark);
  const p = await dark.newPage();
  await p.goto(`${BASE}/`);
  await p.waitForSelector(".cards .card");
  const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert(bg === "rgb(14, 17, 23)", `dark background ${bg}`);
  await shot(p, "dark");
  await p.click("#theme-toggle");
  const light = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert(light === "rgb(246, 247, 251)", `light after toggle ${light}`);
  await dark.close();
});

await test("keyboard: tab reaches the filters and a card's star with a visible focus ring", async () => {
  await page.goto(`${BASE}/`);
  await page.waitForSelector(".cards .card");
  let found = false;
  for (let i = 0; i < 40 && !found; i += 1) {
    await page.keyboard.press("Tab");
    found = await page.evaluate(() => document.activeElement && document.activeElement.classList.contains("star"));
  }
  assert(found, "a star button is reachable with Tab");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert(outline !== "none", `focus outline ${outline}`);
});

// ---- a platform that fails --------------------------------------------------------------------

const FAILING = (process.env.STREAMTIDE_FAILING_URL || "").replace(/\/+$/, "");
if (FAILING) {
  await test("the board says which platform fails or is skipped instead of blaming the filters", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 700 }, locale: "ko-KR", colorScheme: "light" });
    await offlineExceptLocal(ctx);
    const p = await ctx.newPage();
    p.setDefaultTimeout(TIMEOUT);
    await p.goto(`${FAILING}/`);
    await p.waitForSelector(".board-banner:not([hidden])");
    const banner = await p.locator(".board-banner").innerText();
    assert(banner.includes("치지직 수집이 실패하고 있습니다"), `failing CHZZK named: ${banner}`);
    assert(banner.includes("Twitch, YouTube: 인증 정보가 없어"), `keyless platforms named: ${banner}`);
    assert(banner.includes("SOOP: 설정에서 꺼져"), `disabled SOOP named: ${banner}`);
    const empty = await p.locator(".empty").innerText();
    assert(empty.includes("아직 수집된 방송이 없습니다"), `not the filters' fault: ${empty}`);
    await shot(p, "board-failing");
    await ctx.close();
  });
  await test("the demo's board has no banner when every platform collects", async () => {
    await page.goto(`${BASE}/`);
    await page.waitForSelector(".cards .card");
    await page.waitForFunction(() => fetch("/healthz").then((r) => r.json()).then((h) => h.status === "ok"), null, { polling: 500 });
    await page.evaluate(() => document.querySelector(".board").dispatchEvent(new CustomEvent("board:refresh")));
    await page.waitForFunction(() => document.querySelector(".board-banner").hidden === true);
  });
}

await browser.close();

// ---- summary -------------------------------------------------------------------------------------

const failed = results.filter((r) => !r.ok);
console.log("");
console.log(`${results.length - failed.length}/${results.length} browser tests passed; screenshots in ${ARTIFACTS}`);
if (report.webFirstCard) console.log(`web page: first card at ${report.webFirstCard.ms.toFixed(1)} ms after navigation start (network)`);
if (report.webReload) {
  console.log(
    `web page, reload: first card at ${report.webReload.ms.toFixed(1)} ms (${report.webReload.fromCache ? "from the localStorage cache" : "from the network"})`,
  );
}
if (report.extension) {
  const e = report.extension;
  if (e.fromNetwork) console.log(`extension new tab, first open:  first card at ${e.fromNetwork.ms.toFixed(1)} ms (from the network)`);
  if (e.cached) console.log(`extension new tab, second open: first card at ${e.cached.ms.toFixed(1)} ms (from chrome.storage.local cache)`);
  if (e.navigation && e.cached) {
    console.log(
      `  second open: DOMContentLoaded at ${e.navigation.domContentLoaded.toFixed(1)} ms, so the cached cards came ` +
        `${(e.cached.ms - e.navigation.domContentLoaded).toFixed(1)} ms after DOMContentLoaded`,
    );
  }
}
if (report.rankings) console.log(`rankings page: ${report.rankings}`);
if (report.streamers) console.log(`streamer ranking: ${report.streamers}`);
if (report.notifications) console.log(`go-live notification: ${report.notifications}`);
for (const k of ["creators", "byCreator", "daily"]) if (report[k]) console.log(`${k}: ${report[k]}`);
process.exit(failed.length ? 1 : 0);
