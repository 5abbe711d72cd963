// What the browser remembers (no login): favourites, hidden channels and categories, filters and
// the theme, in localStorage.

const KEY = "streamtide.prefs";

const DEFAULTS = {
  favourites: [], // "platform:channel_id"
  favouriteNames: {}, // key → last seen channel name, to list hidden/favourite channels
  hiddenChannels: [],
  hiddenCategories: [],
  filters: { platform: "", category: "", language: "", hideAdult: true, q: "", view: "all" },
  theme: null, // "light" | "dark" | null (follow the system)
  layout: "cards", // "cards" | "list" (one dense line per broadcast)
};

function read() {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) || "{}");
    return {
      ...DEFAULTS,
      ...raw,
      filters: { ...DEFAULTS.filters, ...(raw.filters || {}) },
    };
  } catch (_) {
    return structuredClone(DEFAULTS);
  }
}

let state = read();
const listeners = new Set();

function save() {
  try {
    localStorage.setItem(KEY, JSON.stringify(state));
  } catch (_) {
    /* storage full or unavailable: keep working in memory */
  }
  for (const fn of listeners) fn(state);
}

// Another tab changed them: follow.
window.addEventListener("storage", (e) => {
  if (e.key === KEY) {
    state = read();
    for (const fn of listeners) fn(state);
  }
});

export const keyOf = (item) => `${item.platform}:${item.channel_id}`;

export const prefs = {
  get: () => state,
  subscribe(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
  isFavourite: (key) => state.favourites.includes(key),
  toggleFavourite(key, name) {
    state.favourites = state.favourites.includes(key)
      ? state.favourites.filter((k) => k !== key)
      : [...state.favourites, key];
    if (name) state.favouriteNames = { ...state.favouriteNames, [key]: name };
    save();
  },
  hideChannel(key, name) {
    if (!state.hiddenChannels.includes(key)) state.hiddenChannels = [...state.hiddenChannels, key];
    if (name) state.favouriteNames = { ...state.favouriteNames, [key]: name };
    save();
  },
  showChannel(key) {
    state.hiddenChannels = state.hiddenChannels.filter((k) => k !== key);
    save();
  },
  hideCategory(category) {
    if (!state.hiddenCategories.includes(category)) {
      state.hiddenCategories = [...state.hiddenCategories, category];
    }
    save();
  },
  showCategory(category) {
    state.hiddenCategories = state.hiddenCategories.filter((c) => c !== category);
    save();
  },
  setLayout(layout) {
    state.layout = layout === "list" ? "list" : "cards";
    save();
  },
  setFilters(patch) {
    state.filters = { ...state.filters, ...patch };
    save();
  },
  resetFilters() {
    state.filters = { ...DEFAULTS.filters, view: state.filters.view };
    save();
  },
  nameOf: (key) => state.favouriteNames[key] || key.split(":").slice(1).join(":"),
};

/** The theme in effect: the saved choice, else the system's. */
export function currentTheme() {
  if (state.theme) return state.theme;
  return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches
    ? "dark"
    : "light";
}

/** Apply the saved theme to the document (null: follow the system through CSS). */
export function applyTheme() {
  if (state.theme) document.documentElement.dataset.theme = state.theme;
  else delete document.documentElement.dataset.theme;
}

export function toggleTheme() {
  state.theme = currentTheme() === "dark" ? "light" : "dark";
  save();
  applyTheme();
}
