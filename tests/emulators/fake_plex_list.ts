/**
 * Which items a section listing returns: the `type` level, the filters (`hdr`, `dovi`,
 * `episode.hdr`, `episode.dovi`, `addedAt>>=`, `addedAt<<=`, `show.id`) and the order (`sort`).
 * Results are cached per query so paging through 100,000 episodes sorts them once.
 */

import type { NItem, NSection } from "./fake_plex_model.ts";
import { htmlError } from "./fake_plex_render.ts";

export interface ListQuery {
  type: string | undefined;
  hdr: boolean;
  dovi: boolean;
  episodeHdr: boolean;
  episodeDovi: boolean;
  addedAfter: string | undefined;
  addedBefore: string | undefined;
  showId: string | undefined;
  sort: string | undefined;
}

const LEVELS: Record<string, string> = { "1": "movie", "2": "show", "3": "season", "4": "episode" };

/** Bounded so tests that vary `addedAt>>=` a lot cannot grow it without end. */
const CACHE_LIMIT = 64;

function addedAtOf(item: NItem): number {
  return item.kind === "season" ? item.show.input.addedAt : item.input.addedAt;
}

/** Plex's default order: title sort; episodes by show, then season and episode number. */
function byTitle(a: NItem, b: NItem): number {
  if (a.sortKey !== b.sortKey) return a.sortKey < b.sortKey ? -1 : 1;
  const sa = a.kind === "episode" || a.kind === "season" ? a.show.rk : a.rk;
  const sb = b.kind === "episode" || b.kind === "season" ? b.show.rk : b.rk;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (a.kind === "episode" && b.kind === "episode") {
    return a.input.season - b.input.season || (a.input.index ?? 0) - (b.input.index ?? 0) ||
      Number(a.rk) - Number(b.rk);
  }
  if (a.kind === "season" && b.kind === "season") return a.index - b.index;
  return 0;
}

function badRequest(): Response {
  return new Response(htmlError(400), { status: 400, headers: { "content-type": "text/html" } });
}

export function listItems(
  section: NSection,
  q: ListQuery,
  cache: Map<string, NItem[]>,
): { items: NItem[]; level: string } | Response {
  const defaultLevel = section.input.type === "movie" ? "movie" : "show";
  const level = q.type === undefined ? defaultLevel : LEVELS[q.type];
  if (!level) return badRequest();
  const after = q.addedAfter === undefined ? undefined : Number(q.addedAfter);
  const before = q.addedBefore === undefined ? undefined : Number(q.addedBefore);
  if (
    (after !== undefined && !Number.isFinite(after)) ||
    (before !== undefined && !Number.isFinite(before))
  ) {
    return badRequest();
  }
  const key = JSON.stringify([section.key, level, q]);
  const cached = cache.get(key);
  if (cached) return { items: cached, level };

  let items: NItem[];
  switch (level) {
    case "movie":
      items = [...section.movies];
      break;
    case "show":
      items = [...section.shows];
      break;
    case "season":
      items = [...section.seasons];
      break;
    default:
      items = [...section.episodes];
  }
  if (q.hdr || q.dovi) {
    items = items.filter((i) =>
      (i.kind === "movie" || i.kind === "episode") && (!q.hdr || i.hdr) && (!q.dovi || i.dovi)
    );
  }
  if (q.episodeHdr || q.episodeDovi) {
    items = items.filter((i) =>
      i.kind === "show" &&
      i.episodes.some((e) => (!q.episodeHdr || e.hdr) && (!q.episodeDovi || e.dovi))
    );
  }
  if (q.showId !== undefined) {
    items = items.filter((i) =>
      (i.kind === "episode" || i.kind === "season") && i.show.rk === q.showId
    );
  }
  // Plex's `>>=` / `<<=` on dates are inclusive-after / before (epoch seconds).
  if (after !== undefined) items = items.filter((i) => addedAtOf(i) >= after);
  if (before !== undefined) items = items.filter((i) => addedAtOf(i) <= before);

  const [field, dir] = (q.sort ?? "titleSort").split(":");
  if (field === "addedAt") {
    items.sort((a, b) => addedAtOf(a) - addedAtOf(b) || byTitle(a, b));
  } else {
    items.sort(byTitle);
  }
  if (dir === "desc") items.reverse();

  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, items);
  return { items, level };
}
