// A broadcast's category as a person reads it: the shared vocabulary's label in the UI
// language, else the platform's category name, never a bare platform id such as 00040003.
import { lang } from "./i18n.js";

/** The label of `item`'s category (a live item: category, category_id, category_tag), or null. */
export function categoryText(item) {
  if (!item) return null;
  const tag = item.category_tag;
  if (tag && tag.id) return lang() === "ko" ? tag.ko : tag.en;
  const raw = item.category;
  if (!raw) return null;
  // Without a name the API gives the platform's id: digits (SOOP, Twitch, YouTube) mean nothing
  // to a reader, so say nothing rather than "00040003".
  if (raw === item.category_id && /^\d+$/.test(raw)) return null;
  return raw.replace(/_/g, " ");
}
