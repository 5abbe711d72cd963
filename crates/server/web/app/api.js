// The streamtide REST API, from the page (same origin) or from the extension (a configured base).

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The API at `base` ("" for the page's own server). */
export function createApi(base = "") {
  const root = base.replace(/\/+$/, "");

  /** `path` with the non-empty `params` as its query. */
  function url(path, params) {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== null && v !== undefined && v !== "") query.set(k, String(v));
    }
    const qs = query.toString();
    return `${root}${path}${qs ? `?${qs}` : ""}`;
  }

  async function get(path, params) {
    let res;
    try {
      res = await fetch(url(path, params), {
        headers: { Accept: "application/json" },
        credentials: "omit",
      });
    } catch (err) {
      throw new ApiError(0, err.message || "network error");
    }
    let body = null;
    try {
      body = await res.json();
    } catch (_) {
      /* not JSON */
    }
    if (!res.ok) throw new ApiError(res.status, (body && body.message) || res.statusText);
    return body;
  }

  // Our thumbnail copies come as paths on the API server (`/thumbs/…`); the extension's pages
  // live on another origin, so make them absolute.
  const origin = root || (typeof location !== "undefined" ? location.origin : "");
  const absolute = (u) => (typeof u === "string" && u.startsWith("/") && !u.startsWith("//") ? `${origin}${u}` : u);
  const withAbsoluteImages = (item) => ({
    ...item,
    thumbnail_url: absolute(item.thumbnail_url),
    channel_avatar_url: absolute(item.channel_avatar_url),
  });

  const channelPath = (platform, id) =>
    `/api/v1/channels/${encodeURIComponent(platform)}/${encodeURIComponent(id)}`;

  return {
    base: root,
    /** Every platform: ids in display order, names, badge colours, which the server collects. */
    platforms() {
      return get("/api/v1/platforms");
    },
    /** Every live broadcast (merged, most viewers first), following `next_cursor` up to `max`;
     *  `params` are the list's filters (e.g. `{ lang: "ko" }`). */
    async liveAll(max = 1000, params = {}) {
      const items = [];
      let cursor = null;
      let total = 0;
      do {
        const page = await get("/api/v1/live", { ...params, limit: 200, cursor });
        items.push(...page.items.map(withAbsoluteImages));
        total = page.total;
        cursor = page.next_cursor;
      } while (cursor && items.length < max);
      return { items, total };
    },
    channel: async (platform, id) => {
      const c = await get(channelPath(platform, id));
      return { ...c, avatar_url: absolute(c.avatar_url), live: c.live ? withAbsoluteImages(c.live) : c.live };
    },
    stats: (platform, id) => get(`${channelPath(platform, id)}/stats`),
    history: (platform, id, metric, from, limit) =>
      get(`${channelPath(platform, id)}/history`, { metric, from, limit }),
    videos: (platform, id, limit = 12) => get(`${channelPath(platform, id)}/videos`, { limit }),
    async trends(params) {
      const body = await get("/api/v1/trends", params);
      // Our avatar copies (`/thumbs/…`) are paths on this server.
      if (body && Array.isArray(body.items)) body.items = body.items.map((i) => ({ ...i, avatar_url: absolute(i.avatar_url) }));
      return body;
    },
    /** Where the same ranking downloads as `format` (csv or xlsx). */
    trendsUrl: (params, format) => url("/api/v1/trends", { ...params, format }),
    daily: (platform, id, days = 90) => get(`${channelPath(platform, id)}/daily`, { days }),
    /** Where a channel's daily table downloads as `format` (csv or xlsx). */
    dailyUrl: (platform, id, format, days = 90) => url(`${channelPath(platform, id)}/daily`, { days, format }),
    /** Every creator matching `params` (q, platform, sort, order), following `next_cursor`. */
    async creatorsAll(params = {}, max = 5000) {
      const items = [];
      let cursor = null;
      let total = 0;
      do {
        const page = await get("/api/v1/creators", { ...params, limit: 200, cursor });
        items.push(...page.items);
        total = page.total;
        cursor = page.next_cursor;
      } while (cursor && items.length < max);
      return { items, total };
    },
    /** `/healthz`, also when it answers 503 (every platform failing): its body says why. */
    async health() {
      const res = await fetch(`${root}/healthz`, { headers: { Accept: "application/json" }, credentials: "omit" });
      const body = await res.json();
      if (!body || typeof body.status !== "string") throw new ApiError(res.status, (body && body.message) || res.statusText);
      return body;
    },
    /** The market per platform (`resolution` round|hour|day) between `from` and `to`. */
    market: (params) => get("/api/v1/market", params),
    /** The category ranking (`period` 1d|7d|30d, `platform`, `sort`). */
    categories: (params) => get("/api/v1/categories", params),
    /** Where the same category ranking downloads as `format` (csv or xlsx). */
    categoriesUrl: (params, format) => url("/api/v1/categories", { ...params, format }),
    /** A category's history per platform (`metric` viewers|channels|hours_watched). */
    categoryHistory: (tag, params) => get(`/api/v1/categories/${encodeURIComponent(tag)}/history`, params),
    /** A broadcast with its viewer curve and its title and category changes. */
    broadcast: (platform, id) => get(`/api/v1/broadcasts/${encodeURIComponent(platform)}/${encodeURIComponent(id)}`),
    /** A channel's broadcasts, newest first. */
    channelBroadcasts: (platform, id, limit = 20) => get(`${channelPath(platform, id)}/broadcasts`, { limit }),
    creator: (id) => get(`/api/v1/creators/${encodeURIComponent(id)}`),
    creatorStats: (id) => get(`/api/v1/creators/${encodeURIComponent(id)}/stats`),
  };
}
