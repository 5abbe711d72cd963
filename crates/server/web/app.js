// The live page: fetch /api/v1/live every 60 s and render one card per broadcast.
// Text goes in through textContent only, so titles and names can never inject markup.
"use strict";

const REFRESH_MS = 60_000;
const PAGE_SIZE = 100;
const PLATFORM_LABEL = { chzzk: "치지직", soop: "SOOP", twitch: "Twitch", youtube: "YouTube" };
const number = new Intl.NumberFormat("ko-KR");
const clock = new Intl.DateTimeFormat("ko-KR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// Only http(s) links and images: a stored URL is platform data, not trusted markup.
function safeUrl(raw) {
  if (!raw) return null;
  try {
    const url = new URL(String(raw).replace("{type}", "480"), window.location.href);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch (_) {
    return null;
  }
}

function since(startedAt) {
  const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(startedAt)) / 60_000));
  if (!Number.isFinite(minutes)) return "";
  const h = Math.floor(minutes / 60);
  return h > 0 ? `${h}시간 ${minutes % 60}분째` : `${minutes}분째`;
}

function card(item) {
  const li = el("li", "card");
  const link = el("a", "card-link");
  const href = safeUrl(item.url);
  if (href) {
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
  }

  const thumb = el("div", "thumb");
  const src = safeUrl(item.thumbnail_url);
  if (src) {
    const img = el("img");
    img.src = src;
    img.alt = "";
    img.loading = "lazy";
    img.referrerPolicy = "no-referrer";
    thumb.append(img);
  }
  const badge = el("span", `badge badge-${item.platform}`, PLATFORM_LABEL[item.platform] || item.platform);
  thumb.append(badge);
  if (item.adult) thumb.append(el("span", "adult", "19"));
  thumb.append(el("span", "viewers", `시청자 ${number.format(item.viewers)}명`));
  link.append(thumb);

  const body = el("div", "card-body");
  body.append(el("h2", "title", item.title || "(제목 없음)"));
  body.append(el("p", "channel", item.channel_name));
  const meta = el("p", "meta");
  meta.append(el("span", "category", item.category ? `카테고리: ${item.category}` : "카테고리 없음"));
  const elapsed = since(item.started_at);
  if (elapsed) meta.append(el("span", "elapsed", elapsed));
  body.append(meta);
  link.append(body);

  li.append(link);
  return li;
}

async function refresh() {
  const status = document.getElementById("status");
  const list = document.getElementById("cards");
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const platform = document.getElementById("platform").value;
  if (platform) params.set("platform", platform);
  if (document.getElementById("hide-adult").checked) params.set("adult", "false");
  try {
    const res = await fetch(`/api/v1/live?${params}`, { headers: { Accept: "application/json" } });
    const data = await res.json();
    if (!res.ok) throw new Error(data.message || res.statusText);
    list.replaceChildren(...data.items.map(card));
    status.textContent = data.items.length
      ? `방송 ${number.format(data.total)}개 중 ${number.format(data.items.length)}개 · 마지막 갱신 ${clock.format(new Date())}`
      : `지금 방송 중인 채널이 없습니다 · 마지막 갱신 ${clock.format(new Date())}`;
    status.classList.remove("error");
  } catch (err) {
    status.textContent = `불러오지 못했습니다: ${err.message}`;
    status.classList.add("error");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("filters").addEventListener("change", refresh);
  document.getElementById("filters").addEventListener("submit", (e) => e.preventDefault());
  refresh();
  setInterval(refresh, REFRESH_MS);
});
