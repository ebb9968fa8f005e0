/**
 * The sync engine: reads every selected Plex server, reads the Trakt collection, plans with
 * the pure diff, fetches stream details only for what will be sent, and sends paced batches.
 * It never prints: progress goes out as SyncEvents, the result as a SyncSummary.
 */
import { AccountLimitError, AuthError, InterruptedError, RemoteError } from "../errors.ts";
import type { PlexItem, PlexMediaFacts } from "../model.ts";
import type { LibraryCount } from "../plex/library.ts";
import { bestMedia, traktMetadata } from "../plex/media.ts";
import type { TraktClient } from "../trakt/client.ts";
import {
  type Batch,
  buildPayload,
  copiesMedia,
  MAX_BATCH,
  planBatches,
  readOutcome,
} from "./batches.ts";
import { type EpisodeCandidate, type MovieCandidate, type Plan, planSync } from "./plan.ts";
import {
  applyPlan,
  emptySummary,
  notFoundEpisode,
  notFoundMovie,
  type SyncSummary,
} from "./report.ts";
import { type TraktIndex, TraktIndexBuilder } from "./trakt_index.ts";
import {
  libraryBefore,
  type LibraryHistory,
  type LibraryReading,
  planRemoval,
  removalPayloads,
  removalRefusal,
  removedCounts,
} from "./removal.ts";

/** One configured Plex server as the engine sees it. */
export interface PlexSource {
  name: string;
  /** Items each selected library gave in the last `readItems`, by section (empty ones too). */
  itemsPerLibrary(): LibraryCount[];
  /** `updatedAt` of each selected library, keyed by section: one cheap request. */
  sectionStamps(): Promise<Record<string, number | null>>;
  readItems(
    onProgress: (library: string, done: number, total: number) => void,
  ): Promise<PlexItem[]>;
  /** Media with streams, by rating key; keys Plex no longer has are simply absent. */
  detailMedia(ratingKeys: string[]): Promise<Map<string, PlexMediaFacts[]>>;
}

/** What the engine keeps between runs (the store implements it). */
export interface SyncState {
  /**
   * Keys Trakt answered "not found" for recently enough not to send again, and when the first
   * of them is due again (undefined when there are none).
   */
  recentNotFound(now: number): Promise<{ keys: Set<string>; until: number | undefined }>;
  rememberNotFound(keys: { key: string; item: unknown }[], now: number): Promise<void>;
}

/**
 * What the last full diff that found nothing to send saw. While Trakt's collection stamps and
 * every selected library's `updatedAt` stay the same (and for at most a day), a run reuses its
 * summary instead of reading everything again: the near-free hourly run.
 */
export interface CachedRun {
  at: number;
  /**
   * When the first not-found item this run withheld is due again: from then on a full diff
   * would send it, so this run's summary no longer holds.
   */
  until?: number;
  trakt: { movies: string | null; episodes: string | null };
  sections: Record<string, number | null>;
  summary: SyncSummary;
}

export interface SyncCache {
  load(): Promise<CachedRun | undefined>;
  save(run: CachedRun): Promise<void>;
  clear(): Promise<void>;
}

/** A cached run older than this is not trusted: the full diff runs at least daily. */
export const CACHE_MAX_AGE_MS = 24 * 3600_000;

export type SyncEvent =
  | { type: "plex-progress"; server: string; library: string; done: number; total: number }
  | { type: "plex-read"; server: string; items: number }
  | { type: "trakt-read"; movies: number; shows: number; episodes: number }
  | { type: "unchanged"; since: number }
  | { type: "planned"; plan: Plan; batches: number }
  | { type: "batch-sent"; index: number; of: number; added: number; notFound: number }
  | { type: "warning"; message: string };

export interface SyncOptions {
  sources: PlexSource[];
  trakt: TraktClient;
  state: SyncState;
  dryRun: boolean;
  /** Ignore the not-found memory and the cached run. */
  full: boolean;
  /** Enables the near-free run when nothing changed. */
  cache?: SyncCache;
  /** `--remove-missing`: also remove what no Plex server has any more (always a full read). */
  removeMissing?: {
    maxRemove?: number;
    /** By server name: the libraries the syncs before found (the empty-library guard's word). */
    history?: Map<string, LibraryHistory>;
    /** Servers an earlier sync read that the config no longer has, and since when. */
    goneServers?: { name: string; since: number }[];
  };
  /**
   * `--skip-unreachable`: with several servers, one that is down or refuses its token is left
   * out and the others are synced. Off by default: an item also on the missing server could go
   * out with a lesser copy's media and a later date than the best version (design §7), and is
   * not revisited once that server is back.
   */
  skipUnreachable?: boolean;
  /** The front end has `--skip-unreachable`: a failing server's error says what it would do. */
  offerSkip?: boolean;
  batchSize?: number;
  now?: () => number;
  signal?: AbortSignal;
  onEvent?: (e: SyncEvent) => void;
  /** Known account limit (1,000 free / 100,000 VIP), for the warning before sending. */
  accountLimit?: () => Promise<number | undefined>;
}

export interface SyncResult {
  summary: SyncSummary;
  /**
   * Servers of several that could not be read (down, token refused): the run went on with the
   * others, added nothing on their behalf and removed nothing.
   */
  unreadable?: { name: string; error: unknown }[];
  /** Set when the run stopped early; the summary still says what was done. */
  error?: unknown;
  /** True once Plex was read: from then on a JSON summary is always printed. */
  readPlex: boolean;
  /** True once Trakt's collection was read (or a remembered comparison stood for it). */
  readTrakt?: boolean;
}

export async function runSync(o: SyncOptions): Promise<SyncResult> {
  const now = o.now ?? Date.now;
  const emit = o.onEvent ?? (() => {});
  const summary = emptySummary(o.sources.map((s) => s.name), o.dryRun);
  let readPlex = false;
  let readTrakt = false;
  const unreadable: { name: string; error: unknown }[] = [];
  const partial = () => (unreadable.length ? { unreadable } : {});
  try {
    const stamps = o.cache ? await readStampsOrNot(o, unreadable, summary, emit) : undefined;
    if (stamps && !o.full && !o.removeMissing) {
      const cached = await o.cache!.load();
      if (cached && unchanged(cached, stamps, now())) {
        emit({ type: "unchanged", since: cached.at });
        return {
          summary: { ...cached.summary, dry_run: o.dryRun, incremental: true },
          readPlex: true,
          readTrakt: true,
        };
      }
    }
    // Trakt's collection is read while Plex's libraries are: each side's waits overlap the
    // other's work. Plex still decides first: its failure is the one reported.
    const stopTrakt = new AbortController();
    const traktIndex = readTraktIndex(o.trakt, stopTrakt.signal);
    traktIndex.catch(() => {});
    const items: PlexItem[] = [];
    try {
      for (const source of o.sources) {
        if (unreadable.some((u) => u.name === source.name)) continue;
        let got: PlexItem[];
        try {
          got = await source.readItems((library, done, total) =>
            emit({ type: "plex-progress", server: source.name, library, done, total })
          );
        } catch (err) {
          if (!serverFailure(err, skipPolicy(o))) throw withSkipHint(err, skipPolicy(o));
          unreadable.push({ name: source.name, error: err });
          continue;
        }
        emit({ type: "plex-read", server: source.name, items: got.length });
        for (const item of got) items.push(item);
      }
      // With no server read there is nothing to sync: the first failure is the run's.
      if (unreadable.length === o.sources.length) throw unreadable[0]!.error;
      for (const u of unreadable) {
        warn(
          summary,
          emit,
          `${
            namingServer(u.name, u.error instanceof Error ? u.error.message : String(u.error))
          }; this run ${o.dryRun ? "previewed" : "synced"} ` +
            "the other servers without it",
        );
      }
      readPlex = true;
      checkInterrupted(o.signal);
    } catch (err) {
      // The rest of the collection is not wanted any more: stop after the page in flight, and
      // let nothing still talk to Trakt once the run has ended.
      stopTrakt.abort();
      await traktIndex.catch(() => {});
      throw err;
    }
    const moved = librariesWhose(o.sources, "moved");
    const unverified = librariesWhose(o.sources, "unverified");
    if (moved.length && !o.removeMissing) {
      // Not kept as the hourly run's comparison either: what the listing missed (a page that
      // came back short, an item that shifted past a page boundary) waits only for the next run.
      warn(
        summary,
        emit,
        `Plex's listing of ${moved.length > 1 ? "libraries" : "library"} ${moved.join(", ")} ` +
          "changed or came back incomplete while it was read; what it missed is read by the " +
          "next run",
      );
    }
    const index = await traktIndex.catch((err) => {
      // Plex was read: the summary still says what it had (design §8), whatever Trakt did.
      summary.plex = planSync(items, new TraktIndexBuilder().finish(), new Set()).plex;
      throw err;
    });
    readTrakt = true;
    summary.trakt_before = { movies: index.counts.movies, episodes: index.counts.episodes };
    emit({ type: "trakt-read", ...index.counts });
    const recent = await o.state.recentNotFound(now());
    const plan = planSync(items, index, o.full ? new Set<string>() : recent.keys);
    // From here only the plan is needed (removals aside): let a big library's items go before
    // the detail requests and writes.
    if (!o.removeMissing) items.length = 0;
    applyPlan(summary, plan);
    const batches = planBatches(plan.toSend.movies, plan.toSend.episodes, o.batchSize ?? MAX_BATCH);
    emit({ type: "planned", plan, batches: batches.length });
    const collected = index.counts.movies + index.counts.episodes;
    if (o.removeMissing) {
      // Removals go first. Their plan depends only on Plex and the collection as read (what is
      // added is what Plex has, never a candidate), so the order changes nothing of it; but at
      // Trakt's account limit the additions get a 420, after which nothing may be written
      // (design §7): removing first is what frees the room they need. And should Trakt take an
      // added item for a row the index knew by other ids, the removal cannot undo the addition.
      await removeMissing(o, items, index, summary, emit, { unreadable, moved, unverified });
      items.length = 0;
      // A preview warns as the run would: it is where a user checks what will happen.
      if (batches.length) await warnAboutLimit(o, summary, collected - freed(summary), emit);
      if (!o.dryRun && batches.length) {
        await o.cache?.clear();
        await sendBatches(o, batches, summary, emit, now);
      }
      return { summary, readPlex, readTrakt, ...partial() };
    }
    if (batches.length === 0) {
      // Exactly what a full diff gives while nothing changes: safe to reuse (not when a server
      // was missing from it: its additions would wait for the cache to expire).
      // Nor when a listing had no totals: it cannot show it was complete.
      // A preview's comparison is not kept either: it records nothing, and the timer's next
      // full comparison must not wait on it.
      if (
        !o.dryRun && stamps && unreadable.length === 0 && moved.length === 0 &&
        unverified.length === 0
      ) {
        const until = recent.until;
        await o.cache!.save({
          at: now(),
          ...(until !== undefined ? { until } : {}),
          ...stamps,
          summary,
        });
      }
      return { summary, readPlex, readTrakt, ...partial() };
    }
    await warnAboutLimit(o, summary, collected, emit);
    if (o.dryRun) return { summary, readPlex, readTrakt, ...partial() };
    await o.cache?.clear();
    await sendBatches(o, batches, summary, emit, now);
    return { summary, readPlex, readTrakt, ...partial() };
  } catch (error) {
    return { summary, error, readPlex, readTrakt, ...partial() };
  }
}

/** A failed server's error message, naming the server where the message does not already. */
export function namingServer(name: string, message: string): string {
  return message.includes(`"${name}"`)
    ? message
    : `Plex server "${name}" could not be read: ${message}`;
}

/** The AniDB-only titles of a removal's warning, a few of them named. */
function anidbNote(titles: string[]): string {
  if (titles.length === 0) return "";
  const named = titles.slice(0, 3).map((t) => `"${t}"`).join(", ");
  const more = titles.length > 3 ? ` and ${titles.length - 3} more` : "";
  return `, or knows by an AniDB id only, which Trakt does not take (${named}${more}): any ` +
    "Trakt title no Plex item names by id may be one of those (HAMA can match by TVDB id instead)";
}

/** Items the removal took out of the collection (a preview: would take), before the additions. */
function freed(summary: SyncSummary): number {
  const r = summary.removal;
  if (!r || r.refused) return 0;
  const n = summary.dry_run ? r.planned : r.removed;
  return n.movies + n.episodes;
}

/** What decides how a failing server is taken: the options, and how many servers there are. */
export interface SkipPolicy {
  skipUnreachable?: boolean | undefined;
  offerSkip?: boolean | undefined;
  servers: number;
}

/**
 * With `--skip-unreachable`, a server of several that is down or refuses its token does not stop
 * the others' sync: an hourly timer need not stall on a sleeping machine. Anything else (an
 * interrupt, a bug) still does.
 */
export function serverFailure(err: unknown, p: SkipPolicy): boolean {
  return p.skipUnreachable === true && p.servers > 1 &&
    (err instanceof RemoteError || err instanceof AuthError);
}

/**
 * Without --skip-unreachable, one server of several failing says what that flag would have done
 * (where the front end offers it).
 */
export function withSkipHint(err: unknown, p: SkipPolicy): unknown {
  if (!p.offerSkip || p.skipUnreachable || p.servers < 2) return err;
  if (!(err instanceof RemoteError || err instanceof AuthError)) return err;
  const message = err.message.replace(/\.$/, "") +
    ". No server was synced: with --skip-unreachable the others would be";
  return err instanceof RemoteError
    ? new RemoteError(message, err.service, err.status, { cause: err })
    : new AuthError(message, { cause: err });
}

function skipPolicy(o: SyncOptions): SkipPolicy {
  return { skipUnreachable: o.skipUnreachable, offerSkip: o.offerSkip, servers: o.sources.length };
}

/**
 * The collection, page by page into the index: the rows themselves are never kept. `stop`
 * ends the read after the page in flight.
 */
export async function readTraktIndex(
  trakt: TraktClient,
  stop?: AbortSignal,
): Promise<TraktIndex> {
  const builder = new TraktIndexBuilder();
  const gap = (message: string) => builder.warn(message);
  await trakt.eachCollectionMoviePage((rows) => {
    checkInterrupted(stop);
    builder.addMovies(rows);
  }, gap);
  await trakt.eachCollectionShowPage((rows) => {
    checkInterrupted(stop);
    builder.addShows(rows);
  }, gap);
  return builder.finish();
}

async function removeMissing(
  o: SyncOptions,
  items: PlexItem[],
  index: TraktIndex,
  summary: SyncSummary,
  emit: (e: SyncEvent) => void,
  { unreadable, moved, unverified }: {
    unreadable: { name: string }[];
    /** `librariesWhose(…, "moved")` and `(…, "unverified")`. */
    moved: string[];
    unverified: string[];
  },
): Promise<void> {
  // A server that could not be read, or answered with no library at all (reinstalled, or a token
  // without access to them), vouches for nothing: what it holds would look missing, so no plan
  // is worth showing.
  const names = (list: { name: string }[]) => list.map((u) => `"${u.name}"`).join(", ");
  const bare = o.sources.filter((s) =>
    !unreadable.some((u) => u.name === s.name) && s.itemsPerLibrary().length === 0
  );
  // A library whose listing moved while it was read (items added or deleted meanwhile) may have
  // had an item slip past a page boundary unseen.
  const blind = unreadable.length
    ? `Plex server ${names(unreadable)} could not be read`
    : bare.length
    ? `Plex server ${names(bare)} answered with no movie or show library (reinstalled, or a ` +
      "token without access to them?)"
    : moved.length
    ? `library ${moved.join(", ")} changed or came back incomplete while it was read (an ` +
      "item may have slipped past a page; run again once it is quiet)"
    : unverified.length
    ? `Plex gave no item count with the listing of library ${unverified.join(", ")}, so it ` +
      "cannot show it was complete"
    : undefined;
  if (blind) {
    const refused = `${blind}, so what it holds would look missing; nothing was removed`;
    summary.removal = {
      planned: { movies: 0, episodes: 0 },
      removed: { movies: 0, episodes: 0 },
      kept: { movies: 0, episodes: 0 },
      physical: { movies: 0, episodes: 0 },
      refused,
      movies: [],
      episodes: [],
    };
    warn(summary, emit, refusalWarning(refused));
    return;
  }
  const plan = planRemoval(items, index);
  const now = (o.now ?? Date.now)();
  const libraryCounts = new Map<string, LibraryReading>();
  for (const source of o.sources) {
    const counts = source.itemsPerLibrary();
    const history = o.removeMissing?.history?.get(source.name);
    for (const c of counts) {
      // Titles name libraries for people; a title two sections share gets the section key too.
      const shared = counts.filter((x) => x.title === c.title).length > 1;
      libraryCounts.set(
        `${source.name} / ${c.title}${shared ? ` (section ${c.key})` : ""}`,
        { items: c.items, ...libraryBefore(history, c.key, now) },
      );
    }
    // A library the syncs before found that Plex no longer lists (deleted, or a share gone
    // with its disk) is taken as an empty one: refused until it has been gone a whole day.
    for (const key of Object.keys(history?.items ?? {})) {
      if (counts.some((c) => c.key === key)) continue;
      const name = `${source.name} / section ${key}`;
      libraryCounts.set(libraryCounts.has(name) ? `${name} (no longer listed)` : name, {
        items: 0,
        listed: false,
        ...libraryBefore(history, key, now),
      });
    }
  }
  const refused = removalRefusal({
    plan,
    libraryCounts,
    collected: index.counts.movies + index.counts.episodes,
    ...(o.removeMissing?.maxRemove !== undefined ? { maxRemove: o.removeMissing.maxRemove } : {}),
    goneServers: o.removeMissing?.goneServers ?? [],
    now,
    preview: o.dryRun,
  });
  const removal: NonNullable<SyncSummary["removal"]> = {
    planned: { movies: plan.movies.length, episodes: plan.episodes.length },
    removed: { movies: 0, episodes: 0 },
    kept: plan.kept,
    physical: plan.physical,
    ...(refused ? { refused } : {}),
    movies: plan.movies.map((m) => ({
      ...(m.title ? { title: m.title } : {}),
      ...(m.year !== undefined ? { year: m.year } : {}),
      ids: m.ids,
    })),
    episodes: plan.episodes.map((e) => ({
      ...(e.show.title ? { show: e.show.title } : {}),
      ids: e.show.ids,
      season: e.season,
      number: e.number,
    })),
  };
  summary.removal = removal;
  const kept = plan.kept.movies + plan.kept.episodes;
  if (kept > 0) {
    warn(
      summary,
      emit,
      `Kept ${kept} Trakt item${kept === 1 ? "" : "s"} that no Plex item names by id: Plex has ` +
        "items of the same title it could not identify (no ids, or episodes without numbers)" +
        anidbNote(plan.anidbOnly) + ". Fix the match in Plex to let --remove-missing judge them",
    );
  }
  if (refused) {
    warn(summary, emit, refusalWarning(refused));
    return;
  }
  if (o.dryRun || plan.movies.length + plan.episodes.length === 0) return;
  await o.cache?.clear();
  for (const payload of removalPayloads(plan)) {
    checkInterrupted(o.signal);
    const retriesBefore = o.trakt.faultRetries;
    const res = await o.trakt.removeFromCollection(payload);
    const got = removedCounts(payload, res, o.trakt.faultRetries > retriesBefore);
    removal.removed.movies += got.movies;
    removal.removed.episodes += got.episodes;
  }
}

/**
 * The stamps only decide whether the cached run may stand in: when Trakt fails to give them, the
 * full diff still runs (and is not cached). Trakt failing at large fails it soon enough.
 */
async function readStampsOrNot(
  o: SyncOptions,
  unreadable: { name: string; error: unknown }[],
  summary: SyncSummary,
  emit: (e: SyncEvent) => void,
): Promise<Omit<CachedRun, "at" | "summary"> | undefined> {
  try {
    return await readStamps(o, unreadable);
  } catch (err) {
    if (!(err instanceof RemoteError && err.service === "trakt")) throw err;
    // No answer at all (unreachable, timed out): the collection would not answer either, and
    // waiting out its retries a second time only delays the same error.
    if (err.status === undefined) throw err;
    warn(
      summary,
      emit,
      `Trakt's last activities could not be read, so this run compared everything: ${err.message}`,
    );
    return undefined;
  }
}

async function readStamps(
  o: SyncOptions,
  unreadable: { name: string; error: unknown }[],
): Promise<Omit<CachedRun, "at" | "summary">> {
  const a = await o.trakt.lastActivities();
  const sections: Record<string, number | null> = {};
  for (const source of o.sources) {
    let stamps: Record<string, number | null>;
    try {
      stamps = await source.sectionStamps();
    } catch (err) {
      if (!serverFailure(err, skipPolicy(o))) throw withSkipHint(err, skipPolicy(o));
      // Asked once per run: a sleeping server costs its timeout once, not twice. The null
      // stamp cannot match a cached one, so the full diff runs.
      unreadable.push({ name: source.name, error: err });
      sections[`${source.name}|`] = null;
      continue;
    }
    for (const [k, v] of Object.entries(stamps)) sections[`${source.name}|${k}`] = v;
  }
  return {
    trakt: { movies: a.movies?.collected_at ?? null, episodes: a.episodes?.collected_at ?? null },
    sections,
  };
}

function unchanged(
  cached: CachedRun,
  stamps: Omit<CachedRun, "at" | "summary">,
  now: number,
): boolean {
  if (!(now - cached.at < CACHE_MAX_AGE_MS) || cached.at > now) return false;
  if (cached.until !== undefined && !(now < cached.until)) return false;
  // A null stamp proves nothing: without it we cannot tell a change from no change.
  const t = stamps.trakt;
  if (!t.movies || !t.episodes) return false;
  if (cached.trakt.movies !== t.movies || cached.trakt.episodes !== t.episodes) return false;
  const keys = Object.keys(stamps.sections);
  if (keys.length !== Object.keys(cached.sections).length) return false;
  return keys.every((k) => stamps.sections[k] != null && cached.sections[k] === stamps.sections[k]);
}

async function warnAboutLimit(
  o: SyncOptions,
  summary: SyncSummary,
  collected: number,
  emit: (e: SyncEvent) => void,
): Promise<void> {
  let limit: number | undefined;
  try {
    limit = await o.accountLimit?.();
  } catch (err) {
    // The limit only feeds this warning (Trakt's 420 is what stops a run at the limit): a run
    // that could not ask for the account goes on without it.
    if (!(err instanceof RemoteError)) throw err;
    warn(
      summary,
      emit,
      `The account's collection limit could not be checked (${err.message}); ` +
        (o.dryRun ? "a real run would send anyway" : "sending anyway"),
    );
    return;
  }
  const planned = summary.planned.movies + summary.planned.episodes;
  if (limit === undefined || collected + planned <= limit) return;
  const fits = Math.max(0, limit - collected);
  warn(
    summary,
    emit,
    `Trakt's announced limit for this account is ${limit} collected items; ` +
      `${collected} are collected and ${planned} are planned, so only about ${fits} will fit. ` +
      (o.dryRun ? "A real run would send them anyway" : "Sending anyway") +
      ": Trakt decides (the limit is not published in its API)",
  );
}

async function sendBatches(
  o: SyncOptions,
  batches: Batch[],
  summary: SyncSummary,
  emit: (e: SyncEvent) => void,
  now: () => number,
): Promise<void> {
  const bySource = new Map(o.sources.map((s) => [s.name, s]));
  const failures = new Map<string, number>();
  const details = (batch: Batch) => {
    // Warnings wait for their batch's turn: a batch never sent (after a 420, say) has none.
    const warnings: string[] = [];
    const media = detailsFor(batch, bySource, failures, (message) => warnings.push(message))
      .then((media) => ({ media, warnings }));
    // Awaited in its turn; until then a failure must not count as unhandled.
    media.catch(() => {});
    return media;
  };
  let next = batches[0] ? details(batches[0]) : undefined;
  try {
    for (const [i, batch] of batches.entries()) {
      checkInterrupted(o.signal);
      const { media, warnings } = await next!;
      for (const message of warnings) warn(summary, emit, message);
      // The next batch's details are read while this one is sent (and the write pace waits).
      const following = batches[i + 1];
      next = following ? details(following) : undefined;
      await sendBatch(o, batch, media, { index: i, of: batches.length }, summary, emit, now);
    }
  } finally {
    // Nothing may still be talking to Plex once the run has ended.
    await next?.catch(() => {});
  }
}

async function sendBatch(
  o: SyncOptions,
  batch: Batch,
  media: Map<string, PlexMediaFacts[]>,
  { index, of }: { index: number; of: number },
  summary: SyncSummary,
  emit: (e: SyncEvent) => void,
  now: () => number,
): Promise<void> {
  const payload = buildPayload(batch, (c) => {
    const best = bestMedia(copiesMedia(c, media));
    return best
      ? traktMetadata(best, {
        title: "show" in c ? c.show.title : c.title,
        ...(c.editionTitle ? { editionTitle: c.editionTitle } : {}),
      })
      : undefined;
  });
  let response;
  const retriesBefore = o.trakt.faultRetries;
  try {
    response = await o.trakt.addToCollection(payload);
  } catch (err) {
    if (err instanceof AccountLimitError) {
      // No further write of any kind after a 420 (design §7).
      summary.warnings.push(`Stopped after ${index} of ${of} batches: ${err.message}`);
    }
    throw err;
  }
  const outcome = readOutcome(batch, response);
  if (o.trakt.faultRetries > retriesBefore) {
    // Everything sent was missing from Trakt when it was read. After a write sent again, Trakt's
    // "existing" means the first attempt landed and only its answer was lost: added by this run.
    outcome.added.movies += outcome.existing.movies;
    outcome.added.episodes += outcome.existing.episodes;
    outcome.existing = { movies: 0, episodes: 0 };
  }
  summary.added.movies += outcome.added.movies;
  summary.added.episodes += outcome.added.episodes;
  summary.existing.movies += outcome.existing.movies;
  summary.existing.episodes += outcome.existing.episodes;
  summary.not_found.movies.push(...outcome.notFound.movies.map(notFoundMovie));
  summary.not_found.episodes.push(...outcome.notFound.episodes.map(notFoundEpisode));
  await o.state.rememberNotFound(notFoundKeys(outcome.notFound), now());
  emit({
    type: "batch-sent",
    index: index + 1,
    of,
    added: outcome.added.movies + outcome.added.episodes,
    notFound: outcome.notFound.movies.length + outcome.notFound.episodes.length,
  });
}

function notFoundKeys(nf: { movies: MovieCandidate[]; episodes: EpisodeCandidate[] }) {
  return [
    ...nf.movies.map((m) => ({ key: m.key, item: notFoundMovie(m) })),
    ...nf.episodes.map((e) => ({ key: e.key, item: notFoundEpisode(e) })),
  ];
}

/**
 * Batches in a row whose details a server failed before the run stops asking it: a server that
 * hangs would otherwise cost every batch its whole retry budget (about 90 s at the default
 * timeout), and a big first sync hours. One failure alone may be a blip, so it takes two.
 */
const DETAIL_FAILURES_TO_GIVE_UP = 2;

/** Stream facts for the items of one batch only: a run with nothing to send fetches none. */
async function detailsFor(
  batch: Batch,
  sources: Map<string, PlexSource>,
  failures: Map<string, number>,
  warn: (message: string) => void,
): Promise<Map<string, PlexMediaFacts[]>> {
  const keysByServer = new Map<string, string[]>();
  for (const c of [...batch.movies, ...batch.episodes]) {
    for (const s of c.sources) {
      const list = keysByServer.get(s.server) ?? [];
      list.push(s.ratingKey);
      keysByServer.set(s.server, list);
    }
  }
  const out = new Map<string, PlexMediaFacts[]>();
  for (const [server, keys] of keysByServer) {
    const source = sources.get(server);
    const failed = failures.get(server) ?? 0;
    if (!source || failed >= DETAIL_FAILURES_TO_GIVE_UP) continue;
    try {
      for (const [rk, media] of await source.detailMedia(keys)) out.set(`${server}|${rk}`, media);
      failures.set(server, 0);
    } catch (err) {
      // Stream facts only refine the metadata: without them the listing's facts are sent.
      if (!(err instanceof RemoteError)) throw err;
      failures.set(server, failed + 1);
      warn(
        `Could not read media details from "${server}" (${err.message}); ` +
          (failed + 1 >= DETAIL_FAILURES_TO_GIVE_UP
            ? "this run sends the rest of its items without them, as its listing describes them"
            : "sending without them"),
      );
    }
  }
  return out;
}

/**
 * `"Server / Library"` of each library whose listing did not hold still while it was read
 * ("moved"), or had no total to check it by ("unverified").
 */
function librariesWhose(
  sources: readonly PlexSource[],
  listing: "moved" | "unverified",
): string[] {
  return sources.flatMap((s) =>
    s.itemsPerLibrary().filter((c) => c.listing === listing).map((c) => `"${s.name} / ${c.title}"`)
  );
}

/** The warning a refused removal gives (the text report leaves out what it already showed). */
export function refusalWarning(refused: string): string {
  return `Refusing to remove: ${refused}`;
}

/** A warning goes into the summary, and out as it happens. */
function warn(summary: SyncSummary, emit: (e: SyncEvent) => void, message: string): void {
  summary.warnings.push(message);
  emit({ type: "warning", message });
}

function checkInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError();
}
