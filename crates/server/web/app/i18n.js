// Every UI string, in Korean (the default) and English.

const STRINGS = {
  ko: {
    "app.title": "streamtide",
    "app.tagline": "지금 방송 중",
    "nav.live": "라이브",
    "nav.rankings": "랭킹",
    "nav.main": "주 메뉴",
    "nav.skip": "본문으로 건너뛰기",
    "lang.switch": "English",
    "lang.label": "Switch to English",
    "theme.toDark": "어두운 테마로 전환",
    "theme.toLight": "밝은 테마로 전환",
    "platform.all": "전체 플랫폼",
    "platform.chzzk": "치지직",
    "platform.soop": "SOOP",
    "platform.twitch": "Twitch",
    "platform.youtube": "YouTube",
    "filter.platform": "플랫폼",
    "filter.category": "카테고리",
    "filter.category.all": "전체 카테고리",
    "filter.language": "언어",
    "filter.language.all": "전체 언어",
    "filter.language.ko": "한국어 방송",
    "filter.hideAdult": "성인 방송 숨기기",
    "filter.search": "검색",
    "filter.search.placeholder": "채널 이름이나 제목",
    "filter.reset": "필터 초기화",
    "filter.more": "필터",
    "view.label": "보기",
    "view.all": "전체 라이브",
    "view.favourites": "즐겨찾기 라이브",
    "status.loading": "불러오는 중…",
    "status.count": "방송 {shown}개 표시 · 전체 {total}개",
    "status.updated": "{time} 갱신",
    "status.cached": "저장된 목록 ({time}) · 새로 불러오는 중…",
    "status.error": "불러오지 못했습니다: {message}",
    "status.auto": "1분마다 자동 갱신",
    "empty.live": "조건에 맞는 방송이 없습니다.",
    "empty.favourites": "즐겨찾기한 채널 중 지금 방송 중인 곳이 없습니다. 카드의 ☆ 버튼으로 채널을 추가하세요.",
    "card.viewers": "시청자 {n}명",
    "card.adult": "19세 이상",
    "card.uptime": "{d} 방송 중",
    "card.favAdd": "즐겨찾기에 추가: {name}",
    "card.favRemove": "즐겨찾기에서 빼기: {name}",
    "card.menu": "더 보기: {name}",
    "card.hideChannel": "이 채널 숨기기",
    "card.hideCategory": "이 카테고리 숨기기",
    "card.filterCategory": "카테고리로 거르기: {c}",
    "card.noCategory": "카테고리 없음",
    "card.simulcast": "동시 송출",
    "card.simulcastWatch": "{platform}에서 보기 · 시청자 {n}명",
    "card.noTitle": "(제목 없음)",
    "card.channelPage": "채널 정보",
    "hidden.title": "숨긴 항목 {n}개",
    "hidden.channels": "채널",
    "hidden.categories": "카테고리",
    "hidden.show": "다시 보기: {name}",
    "duration.hm": "{h}시간 {m}분",
    "duration.m": "{m}분",
    "channel.back": "← 라이브 목록",
    "channel.loading": "채널 정보를 불러오는 중…",
    "channel.notFound": "채널을 찾을 수 없습니다.",
    "channel.followers": "팔로워",
    "channel.views": "누적 조회수",
    "channel.videos": "동영상",
    "channel.viewers": "시청자",
    "channel.liveNow": "방송 중",
    "channel.offline": "오프라인",
    "channel.watch": "방송 보러 가기",
    "channel.observed": "{time} 기준",
    "channel.changes": "변화",
    "channel.metric": "지표",
    "channel.period.1d": "1일",
    "channel.period.7d": "7일",
    "channel.period.30d": "30일",
    "channel.changes.local": "저장된 기록으로 계산",
    "channel.projection": "예상: {text}",
    "channel.charts": "추이",
    "channel.range": "기간",
    "channel.recentVideos": "최근 동영상",
    "channel.noVideos": "수집된 동영상이 없습니다.",
    "video.kind.replay": "다시보기",
    "video.kind.upload": "업로드",
    "video.kind.clip": "클립",
    "video.kind.other": "동영상",
    "video.views": "조회수 {n}",
    "channel.tracked": "추적 중",
    "channel.rounded": "플랫폼이 반올림한 값으로 추정",
    "channel.proj.in": "{d}일 후 {n}",
    "channel.proj.milestone": "{n} 도달 예상 {date}",
    "channel.live30": "최근 30일 방송",
    "channel.streams": "방송 횟수",
    "channel.hoursStreamed": "방송 시간(시간)",
    "channel.avgViewers": "평균 시청자",
    "channel.peakViewers": "최고 시청자",
    "channel.hoursWatched": "시청 시간(시간)",
    "chart.metric.hours_watched": "시청 시간",
    "rankings.asOf": "{date} 기준",
    "chart.empty": "아직 기록이 없습니다.",
    "chart.label": "{metric} 추이 차트, {from}부터 {to}까지, {first}에서 {last}",
    "chart.hint": "화살표 키로 점을 옮길 수 있습니다",
    "chart.metric.followers": "팔로워",
    "chart.metric.views": "조회수",
    "chart.metric.viewers": "시청자",
    "unknown": "—",
    "rankings.title": "랭킹",
    "rankings.metric": "지표",
    "rankings.period": "기간",
    "rankings.direction": "방향",
    "rankings.up": "상승",
    "rankings.down": "하락",
    "rankings.unavailable": "랭킹은 아직 제공되지 않습니다. 서버에 분석 기능(/api/v1/trends)이 추가되면 여기에 표시됩니다.",
    "rankings.empty": "이 조건의 랭킹이 없습니다.",
    "rankings.rank": "순위",
    "rankings.channel": "채널",
    "rankings.from": "이전",
    "rankings.to": "현재",
    "rankings.change": "변화",
    "rankings.new": "신규",
    "rankings.moved": "{n}계단 {dir}",
    "rankings.movedUp": "상승",
    "rankings.movedDown": "하락",
    "ext.options": "설정",
    "ext.openWeb": "웹에서 열기",
    "ext.noServer": "서버에 연결할 수 없습니다. 설정에서 서버 주소를 확인하세요.",
  },
  en: {
    "app.title": "streamtide",
    "app.tagline": "Live now",
    "nav.live": "Live",
    "nav.rankings": "Rankings",
    "nav.main": "Main menu",
    "nav.skip": "Skip to content",
    "lang.switch": "한국어",
    "lang.label": "한국어로 보기",
    "theme.toDark": "Switch to dark theme",
    "theme.toLight": "Switch to light theme",
    "platform.all": "All platforms",
    "platform.chzzk": "CHZZK",
    "platform.soop": "SOOP",
    "platform.twitch": "Twitch",
    "platform.youtube": "YouTube",
    "filter.platform": "Platform",
    "filter.category": "Category",
    "filter.category.all": "All categories",
    "filter.language": "Language",
    "filter.language.all": "All languages",
    "filter.language.ko": "Korean broadcasts",
    "filter.hideAdult": "Hide adult streams",
    "filter.search": "Search",
    "filter.search.placeholder": "Channel name or title",
    "filter.reset": "Reset filters",
    "filter.more": "Filters",
    "view.label": "View",
    "view.all": "All live",
    "view.favourites": "Favourites live",
    "status.loading": "Loading…",
    "status.count": "Showing {shown} of {total} streams",
    "status.updated": "updated {time}",
    "status.cached": "Saved list ({time}) · refreshing…",
    "status.error": "Could not load: {message}",
    "status.auto": "Refreshes every minute",
    "empty.live": "No stream matches these filters.",
    "empty.favourites": "None of your favourite channels is live. Add channels with the ☆ button on a card.",
    "card.viewers": "{n} viewers",
    "card.adult": "Adults only (19+)",
    "card.uptime": "live for {d}",
    "card.favAdd": "Add to favourites: {name}",
    "card.favRemove": "Remove from favourites: {name}",
    "card.menu": "More: {name}",
    "card.hideChannel": "Hide this channel",
    "card.hideCategory": "Hide this category",
    "card.filterCategory": "Filter by category: {c}",
    "card.noCategory": "No category",
    "card.simulcast": "Simulcast",
    "card.simulcastWatch": "Watch on {platform} · {n} viewers",
    "card.noTitle": "(untitled)",
    "card.channelPage": "Channel info",
    "hidden.title": "{n} hidden",
    "hidden.channels": "Channels",
    "hidden.categories": "Categories",
    "hidden.show": "Show again: {name}",
    "duration.hm": "{h}h {m}m",
    "duration.m": "{m}m",
    "channel.back": "← Live board",
    "channel.loading": "Loading the channel…",
    "channel.notFound": "No such channel.",
    "channel.followers": "Followers",
    "channel.views": "Total views",
    "channel.videos": "Videos",
    "channel.viewers": "Viewers",
    "channel.liveNow": "Live",
    "channel.offline": "Offline",
    "channel.watch": "Watch the stream",
    "channel.observed": "as of {time}",
    "channel.changes": "Changes",
    "channel.metric": "Metric",
    "channel.period.1d": "1 day",
    "channel.period.7d": "7 days",
    "channel.period.30d": "30 days",
    "channel.changes.local": "computed from the stored history",
    "channel.projection": "Projection: {text}",
    "channel.charts": "Over time",
    "channel.range": "Range",
    "channel.recentVideos": "Recent videos",
    "channel.noVideos": "No videos collected yet.",
    "video.kind.replay": "Replay",
    "video.kind.upload": "Upload",
    "video.kind.clip": "Clip",
    "video.kind.other": "Video",
    "video.views": "{n} views",
    "channel.tracked": "Tracked",
    "channel.rounded": "estimated from a count the platform rounds",
    "channel.proj.in": "in {d} days {n}",
    "channel.proj.milestone": "{n} expected {date}",
    "channel.live30": "Last 30 days of streaming",
    "channel.streams": "Streams",
    "channel.hoursStreamed": "Hours streamed",
    "channel.avgViewers": "Average viewers",
    "channel.peakViewers": "Peak viewers",
    "channel.hoursWatched": "Hours watched",
    "chart.metric.hours_watched": "Hours watched",
    "rankings.asOf": "as of {date}",
    "chart.empty": "No data yet.",
    "chart.label": "{metric} over time, {from} to {to}, from {first} to {last}",
    "chart.hint": "Use the arrow keys to move between points",
    "chart.metric.followers": "Followers",
    "chart.metric.views": "Views",
    "chart.metric.viewers": "Viewers",
    "unknown": "—",
    "rankings.title": "Rankings",
    "rankings.metric": "Metric",
    "rankings.period": "Period",
    "rankings.direction": "Direction",
    "rankings.up": "Gainers",
    "rankings.down": "Losers",
    "rankings.unavailable": "Rankings are not available yet. They appear here once the server has the analytics (/api/v1/trends).",
    "rankings.empty": "No ranking for these settings.",
    "rankings.rank": "Rank",
    "rankings.channel": "Channel",
    "rankings.from": "Before",
    "rankings.to": "Now",
    "rankings.change": "Change",
    "rankings.new": "new",
    "rankings.moved": "{dir} {n}",
    "rankings.movedUp": "up",
    "rankings.movedDown": "down",
    "ext.options": "Options",
    "ext.openWeb": "Open the web UI",
    "ext.noServer": "Cannot reach the server. Check its address in the options.",
  },
};

export const LANGS = Object.keys(STRINGS);
const KEY = "streamtide.lang";
let current = readLang();
const listeners = new Set();

function readLang() {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved && STRINGS[saved]) return saved;
  } catch (_) {
    /* storage unavailable */
  }
  return "ko";
}

export function lang() {
  return current;
}

export function setLang(next) {
  if (!STRINGS[next] || next === current) return;
  current = next;
  try {
    localStorage.setItem(KEY, next);
  } catch (_) {
    /* storage unavailable */
  }
  document.documentElement.lang = next;
  for (const fn of listeners) fn(next);
}

/** Call `fn(lang)` after every language change; returns the unsubscribe function. */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The string `key` in the current language, `{name}` placeholders filled from `vars`. */
export function t(key, vars) {
  const text = STRINGS[current][key] ?? STRINGS.ko[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** Fill `[data-i18n]` text and `[data-i18n-attr="attr:key;…"]` attributes under `root`. */
export function translate(root) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of node.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      if (attr && key) node.setAttribute(attr.trim(), t(key.trim()));
    }
  }
  document.documentElement.lang = current;
}
