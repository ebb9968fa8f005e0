/**
 * `PlexClient.eachPage` against the fake Plex (in process): every item once, and one request
 * per page, also when the next page is asked for before the current one is parsed.
 */
import assert from "node:assert/strict";
import { FakePlex, NEW_MOVIE_AGENT } from "../../tests/emulators/fake_plex.ts";
import { HttpClient } from "../http/client.ts";
import { type ListingCheck, PlexClient } from "./client.ts";

/** The real client over the real HTTP layer, its requests answered by `fetch`. */
function clientOver(fetch: typeof globalThis.fetch, token: string, pageSize: number): PlexClient {
  return new PlexClient({
    index: 0,
    name: "Main",
    url: "http://plex.test",
    pageSize,
    http: new HttpClient({
      service: "plex",
      label: "Plex",
      baseHeaders: { "Accept": "application/json", "X-Plex-Token": token },
      timeoutMs: 5_000,
      fetch,
    }),
  });
}

function setup(movies: number, pageSize: number, edit?: (text: string, url: URL) => string) {
  const plex = new FakePlex({
    sections: [{
      key: "1",
      title: "Movies",
      type: "movie",
      agent: NEW_MOVIE_AGENT,
      movies: Array.from({ length: movies }, (_, i) => ({
        ratingKey: String(100 + i),
        title: `Movie ${i}`,
        year: 2000,
        addedAt: 1_000 + i,
        ids: { tmdb: 1 + i },
      })),
    }],
  });
  const client = clientOver(
    async (input, init) => {
      const res = await plex.handler(new Request(input, init));
      if (!edit) return res;
      const text = edit(await res.text(), new URL(String(input)));
      return new Response(text, { status: res.status, headers: res.headers });
    },
    plex.token,
    pageSize,
  );
  return { plex, client };
}

async function listed(client: PlexClient): Promise<string[]> {
  const keys: string[] = [];
  await client.eachPage("1", 1, (page) => {
    for (const item of page) keys.push(item.ratingKey);
  });
  return keys;
}

function listings(plex: FakePlex): string[] {
  return plex.requests("/library/sections/1/all").map((e) =>
    new URLSearchParams(e.query).get("X-Plex-Container-Start") ?? "?"
  );
}

const ALL = Array.from({ length: 23 }, (_, i) => String(100 + i));

/** Every movie exactly once (Plex lists them by title, not by key). */
function once(keys: string[]): string[] {
  return [...keys].sort();
}

Deno.test("eachPage: every item once, one request per page (each starting on the last one's last item)", async () => {
  const { plex, client } = setup(23, 5);
  assert.deepEqual(once(await listed(client)), ALL);
  assert.deepEqual(listings(plex), ["0", "4", "8", "12", "16", "20"]);
});

Deno.test("eachPage: a server that caps the page size is followed, no request wasted", async () => {
  const { plex, client } = setup(23, 10);
  plex.pageMax = 4;
  assert.deepEqual(once(await listed(client)), ALL);
  assert.deepEqual(listings(plex), ["0", "3", "6", "9", "12", "15", "18", "21"]);
});

Deno.test("eachPage: pages of one item are followed without overlap, and hold still", async () => {
  const { plex, client } = setup(4, 10);
  plex.pageMax = 1;
  assert.equal(await client.eachPage("1", 1, () => {}), "held");
  assert.deepEqual(listings(plex), ["0", "1", "2", "3"]);
});

Deno.test("eachPage: a short page moves the next start back, and nothing is missed", async () => {
  const { plex, client } = setup(23, 6);
  const keys: string[] = [];
  await client.eachPage("1", 1, (page) => {
    for (const item of page) keys.push(item.ratingKey);
    // The page at 5 is asked for before this consumer runs: the one at 10 comes back short.
    if (keys.length === 6) plex.faults.shortPages = 1;
  });
  assert.deepEqual(once(keys), ALL);
  assert.deepEqual(listings(plex), ["0", "5", "10", "12", "17"]);
});

Deno.test("eachPage: a page whose first bytes miscount it is asked again where it really ends", async () => {
  // The next page is asked for from the page's leading `"size":N`; the parsed page decides.
  const { plex, client } = setup(
    23,
    5,
    (text, url) =>
      url.searchParams.get("X-Plex-Container-Start") === "0"
        ? text.replace('{"MediaContainer":{"size":5', '{"MediaContainer":{"size":4')
        : text,
  );
  assert.deepEqual(once(await listed(client)), ALL);
  assert.deepEqual(listings(plex), ["0", "3", "4", "8", "12", "16", "20"]);
});

Deno.test("eachPage: a page that does not start with its size is parsed first, nothing missed", async () => {
  const { plex, client } = setup(
    23,
    5,
    (text) => " " + JSON.stringify({ x: 1, ...JSON.parse(text) }),
  );
  assert.deepEqual(once(await listed(client)), ALL);
  assert.deepEqual(listings(plex), ["0", "4", "8", "12", "16", "20"]);
});

Deno.test("eachPage: when the caller fails on a page, the page asked ahead is over before it returns", async () => {
  const { plex } = setup(23, 10);
  const count = { started: 0, finished: 0 };
  const client = clientOver(
    async (input, init) => {
      count.started++;
      // Slow enough that the page asked ahead is still out when the caller fails.
      await new Promise((r) => setTimeout(r, 30));
      const res = await plex.handler(new Request(input, init));
      const text = await res.text();
      count.finished++;
      return new Response(text, { status: res.status, headers: res.headers });
    },
    plex.token,
    10,
  );
  await assert.rejects(
    client.eachPage("1", 1, () => {
      throw new Error("the caller failed");
    }),
    /the caller failed/,
  );
  assert.equal(count.started, 2, "the first page and the one asked ahead");
  assert.equal(count.finished, count.started, "nothing still talking to Plex");
});

/**
 * A library that changes after the first page was served: `later(keys)` is the list of rating
 * keys (in Plex's order) from the second page on. Says whether eachPage judged it held still.
 */
async function heldWhen(later: (keys: string[]) => string[], pageMax?: number): Promise<boolean> {
  return (await listingCheck(later, pageMax)) === "held";
}

async function listingCheck(
  later: (keys: string[]) => string[],
  pageMax?: number,
  totals: "both" | "header" | "none" | "empty header" = "both",
  seen: string[] = [],
): Promise<ListingCheck> {
  const movie = (k: string) => ({
    ratingKey: k,
    title: `Movie ${k}`,
    year: 2000,
    addedAt: 1_000,
    ids: { tmdb: Number(k) },
  });
  const keys = Array.from({ length: 30 }, (_, i) => String(100 + i));
  const fake = (list: string[]) =>
    new FakePlex({
      sections: [{
        key: "1",
        title: "Movies",
        type: "movie",
        agent: NEW_MOVIE_AGENT,
        movies: list.map(movie),
      }],
    });
  const before = fake(keys);
  const after = fake(later(keys));
  before.pageMax = after.pageMax = pageMax;
  const client = clientOver(
    async (input, init) => {
      const start = new URL(String(input)).searchParams.get("X-Plex-Container-Start");
      const res = await (start === "0" ? before : after).handler(new Request(input, init));
      if (totals === "both") return res;
      // A server that sends its total only in the header, or nowhere.
      const body = await res.json();
      delete body.MediaContainer.totalSize;
      const headers = new Headers(res.headers);
      if (totals === "none") headers.delete("X-Plex-Container-Total-Size");
      if (totals === "empty header") headers.set("X-Plex-Container-Total-Size", "");
      headers.delete("content-length");
      return new Response(JSON.stringify(body), { status: res.status, headers });
    },
    before.token,
    10,
  );
  return await client.eachPage("1", 1, (page) => seen.push(...page.map((m) => m.ratingKey)));
}

Deno.test("eachPage: says whether the listing held still while it was paged", async () => {
  // Plex lists by title; the keys' order is the titles' order here.
  assert.equal(await heldWhen((keys) => keys), true, "quiet");
  assert.equal(
    await heldWhen((keys) => [...keys, "199"]),
    true,
    "an item added at the end skips nothing",
  );
  assert.equal(
    await heldWhen((keys) => ["099", ...keys]),
    false,
    "an item added where the listing has passed goes unseen: fewer came than there are",
  );
  assert.equal(
    await heldWhen((keys) => keys.filter((k) => k !== "101")),
    false,
    "an item deleted from the first page: one slipped past the boundary",
  );
  assert.equal(
    await heldWhen((keys) => [...keys.filter((k) => k !== "101"), "199"]),
    false,
    "one deleted and one added: the same total, and still one slipped past",
  );
  // Without totals a listing cannot show it was complete, but a deletion still shows. Paging
  // goes on while pages come back full (30 items in pages of 10: four requests, the last short).
  const seen: string[] = [];
  assert.equal(await listingCheck((keys) => keys, undefined, "none", seen), "unverified");
  assert.equal(new Set(seen).size, 30, "every page read, not only the first");
  assert.equal(
    await listingCheck((keys) => keys.filter((k) => k !== "101"), undefined, "none"),
    "moved",
  );
  // A server that caps its pages below what was asked, with no totals: a short page is not the
  // end, only a page with nothing new is.
  const capped: string[] = [];
  assert.equal(await listingCheck((keys) => keys, 4, "none", capped), "unverified");
  assert.equal(new Set(capped).size, 30, "every capped page read");
  // An empty header is no total (Number("") would make it 0, and the listing "complete").
  const empty: string[] = [];
  assert.equal(await listingCheck((keys) => keys, undefined, "empty header", empty), "unverified");
  assert.equal(new Set(empty).size, 30);
  // The header's total serves when the body has none.
  const header: string[] = [];
  assert.equal(await listingCheck((keys) => keys, 4, "header", header), "held");
  assert.equal(new Set(header).size, 30);
  // Pages of one item cannot overlap: there the total tells.
  assert.equal(await heldWhen((keys) => keys, 1), true, "quiet, one item per page");
  assert.equal(
    await heldWhen((keys) => keys.filter((k) => k !== "100"), 1),
    false,
    "one deleted, one item per page",
  );
});
