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

  async function get(path, params) {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params || {})) {
      if (v !== null && v !== undefined && v !== "") query.set(k, String(v));
    }
    const qs = query.toString();
    let res;
    try {
      res = await fetch(`${root}${path}${qs ? `?${qs}` : ""}`, {
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
    history: (platform, id, metric, from) =>
      get(`${channelPath(platform, id)}/history`, { metric, from }),
    videos: (platform, id, limit = 12) => get(`${channelPath(platform, id)}/videos`, { limit }),
    trends: (params) => get("/api/v1/trends", params),
    /** `/healthz`, also when it answers 503 (every platform failing): its body says why. */
    async health() {
      const res = await fetch(`${root}/healthz`, { headers: { Accept: "application/json" }, credentials: "omit" });
      const body = await res.json();
      if (!body || typeof body.status !== "string") throw new ApiError(res.status, (body && body.message) || res.statusText);
      return body;
    },
    creator: (id) => get(`/api/v1/creators/${encodeURIComponent(id)}`),
    creatorStats: (id) => get(`/api/v1/creators/${encodeURIComponent(id)}/stats`),
  };
}
