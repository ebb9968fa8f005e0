import assert from "node:assert/strict";
import { type ShowInfo, toEpisode, toMovie, toShowIds } from "./items.ts";
import { PlexMetadata } from "./models.ts";

const CTX = { server: "Main", library: "Movies" };
const TV = { server: "Main", library: "TV", sectionAgent: "tv.plex.agents.series" };

function item(raw: Record<string, unknown>) {
  return PlexMetadata.parse({ ratingKey: "1", ...raw });
}

Deno.test("toMovie() takes ids from Guid[] on new-agent items", () => {
  const m = toMovie(
    item({
      ratingKey: "20936",
      type: "movie",
      title: "10,000 BC",
      year: 2008,
      guid: "plex://movie/5d776831a091de001f2e7756",
      addedAt: 1558940057,
      Guid: [{ id: "imdb://tt0443649" }, { id: "tmdb://7840" }, { id: "tvdb://1913" }],
      Media: [{ videoResolution: "1080", audioCodec: "truehd", Part: [{ file: "/m/a.mkv" }] }],
    }),
    { ...CTX, sectionAgent: "tv.plex.agents.movie" },
  );
  assert.deepEqual(m, {
    kind: "movie",
    server: "Main",
    library: "Movies",
    ratingKey: "20936",
    addedAt: 1558940057,
    media: [{ videoResolution: "1080", audioCodec: "truehd", files: ["/m/a.mkv"] }],
    title: "10,000 BC",
    year: 2008,
    ids: { imdb: "tt0443649", tmdb: 7840, tvdb: 1913 },
  });
});

Deno.test("toMovie() reads legacy guids and lets Guid[] win per key", () => {
  const legacy = toMovie(item({ guid: "com.plexapp.agents.imdb://tt0111161?lang=en" }), CTX);
  assert.deepEqual(legacy.ids, { imdb: "tt0111161" });
  assert.equal(legacy.skip, undefined);
  const both = toMovie(
    item({
      guid: "com.plexapp.agents.themoviedb://278?lang=en",
      Guid: [{ id: "tmdb://279" }, { id: "imdb://tt0111161" }],
    }),
    CTX,
  );
  assert.deepEqual(both.ids, { tmdb: 279, imdb: "tt0111161" });
});

Deno.test("toMovie() explains why a movie has no ids", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ guid: "plex://movie/5d776831a091de001f2e7756" }, "no external id"],
    [{ guid: "plex://movie/x", Guid: [{ id: "tmdb://0" }] }, "no external id"],
    [{ guid: "local://1881" }, "unmatched in Plex"],
    [{ guid: "com.plexapp.agents.none://abc?lang=xn" }, "personal media (no agent)"],
    [{ guid: "com.plexapp.agents.hama://anidb-1234" }, "anidb id only (HAMA)"],
    [{ guid: "collection://x" }, "unsupported guid scheme"],
    [{}, "no external id"],
  ];
  for (const [raw, reason] of cases) {
    const m = toMovie(item(raw), CTX);
    assert.equal(m.skip, reason, JSON.stringify(raw));
    assert.deepEqual(m.ids, {});
  }
});

Deno.test("toMovie() skips every item of a no-agent section", () => {
  for (const agent of ["com.plexapp.agents.none", "tv.plex.agents.none"]) {
    const m = toMovie(
      item({ guid: "plex://movie/x", Guid: [{ id: "imdb://tt0111161" }] }),
      { ...CTX, sectionAgent: agent },
    );
    assert.equal(m.skip, "personal media (no agent)");
    assert.deepEqual(m.ids, {});
  }
});

Deno.test("toMovie() keeps editions, drops optimized versions, falls back from addedAt", () => {
  const m = toMovie(
    item({
      title: "Total Recall",
      editionTitle: "Mind Bending Edition",
      updatedAt: 1721967792,
      Media: [
        { videoResolution: "4k", Part: [] },
        { videoResolution: "720", proxyType: 42, Part: [] },
      ],
    }),
    CTX,
  );
  assert.equal(m.editionTitle, "Mind Bending Edition");
  assert.equal(m.addedAt, 1721967792);
  assert.deepEqual(m.media, [{ videoResolution: "4k", files: [] }]);
  // Neither addedAt nor updatedAt: 0 = unknown, the writer leaves collected_at out.
  assert.equal(toMovie(item({}), CTX).addedAt, 0);
});

Deno.test("toShowIds() reads new-agent, legacy and HAMA shows", () => {
  assert.deepEqual(
    toShowIds(item({
      ratingKey: "44288",
      title: "Better Call Saul",
      year: 2015,
      guid: "plex://show/5d9c08254eefaa001f5d6dcb",
      Guid: [{ id: "imdb://tt3032476" }, { id: "tmdb://60059" }, { id: "tvdb://273181" }],
    })),
    {
      ratingKey: "44288",
      title: "Better Call Saul",
      year: 2015,
      ids: { imdb: "tt3032476", tmdb: 60059, tvdb: 273181 },
    },
  );
  assert.deepEqual(toShowIds(item({ guid: "com.plexapp.agents.thetvdb://268592?lang=en" })).ids, {
    tvdb: 268592,
  });
  assert.deepEqual(toShowIds(item({ guid: "com.plexapp.agents.hama://tvdb-347734" })).ids, {
    tvdb: 347734,
  });
  const anidb = toShowIds(item({ guid: "com.plexapp.agents.hama://anidb-2127?lang=en" }));
  assert.equal(anidb.skip, "anidb id only (HAMA)");
  const bare = toShowIds(item({ guid: "plex://show/x" }));
  assert.equal(bare.skip, "no external id");
  const home = toShowIds(item({ guid: "plex://show/x" }), { sectionAgent: "tv.plex.agents.none" });
  assert.equal(home.skip, "personal media (no agent)");
});

const ALICE: ShowInfo = {
  ratingKey: "45520",
  title: "Alice in Borderland",
  year: 2020,
  ids: { imdb: "tt10795658", tmdb: 110316, tvdb: 372130 },
};

Deno.test("toEpisode() joins the show and keeps the episode's own ids", () => {
  const e = toEpisode(
    item({
      ratingKey: "45522",
      type: "episode",
      title: "Episode 1",
      guid: "plex://episode/5f68d2a93109960041ef8aed",
      grandparentGuid: "plex://show/5e16253691c20300412003a8",
      grandparentRatingKey: 45520,
      grandparentTitle: "Alice in Borderland",
      parentIndex: "1",
      index: 1,
      addedAt: 1633811171,
      Guid: [{ id: "imdb://tt13015952" }, { id: "tmdb://2434012" }, { id: "tvdb://7945991" }],
    }),
    ALICE,
    TV,
  );
  assert.deepEqual(e, {
    kind: "episode",
    server: "Main",
    library: "TV",
    ratingKey: "45522",
    addedAt: 1633811171,
    media: [],
    showTitle: "Alice in Borderland",
    showYear: 2020,
    showRatingKey: "45520",
    showIds: ALICE.ids,
    ids: { imdb: "tt13015952", tmdb: 2434012, tvdb: 7945991 },
    season: 1,
    number: 1,
  });
});

Deno.test("toEpisode() falls back to the legacy episode guid for show ids and numbers", () => {
  const e = toEpisode(
    item({
      guid: "com.plexapp.agents.thetvdb://268592/1/3?lang=en",
      grandparentTitle: "The 100",
      grandparentRatingKey: "22",
    }),
    undefined,
    TV,
  );
  assert.deepEqual(e.showIds, { tvdb: 268592 });
  assert.deepEqual(e.ids, {});
  assert.equal(e.showTitle, "The 100");
  assert.equal(e.season, 1);
  assert.equal(e.number, 3);
  assert.equal(e.skip, undefined);
});

Deno.test("toEpisode() uses the HAMA show guid when the episode is local://", () => {
  const e = toEpisode(
    item({
      guid: "local://60293",
      grandparentGuid: "com.plexapp.agents.hama://tvdb-371310?lang=en",
      parentIndex: 1,
      index: 4,
    }),
    undefined,
    TV,
  );
  assert.deepEqual(e.showIds, { tvdb: 371310 });
  assert.equal(e.skip, undefined);
});

Deno.test("toEpisode() explains skips: show first, then numbers", () => {
  const numbered = { guid: "plex://episode/x", parentIndex: 1, index: 1 };
  const noShow = toEpisode(item(numbered), undefined, TV);
  assert.equal(noShow.skip, "no external id");
  const anidbShow: ShowInfo = { ratingKey: "9", title: "X", ids: {}, skip: "anidb id only (HAMA)" };
  assert.equal(toEpisode(item({ guid: "local://1" }), anidbShow, TV).skip, "anidb id only (HAMA)");
  assert.equal(toEpisode(item({ guid: "local://1" }), undefined, TV).skip, "unmatched in Plex");
  assert.equal(
    toEpisode(item({ ...numbered, grandparentGuid: "com.plexapp.agents.none://1" }), undefined, TV)
      .skip,
    "personal media (no agent)",
  );
  assert.equal(
    toEpisode(item(numbered), ALICE, { ...TV, sectionAgent: "com.plexapp.agents.none" }).skip,
    "personal media (no agent)",
  );
  const cases: [Record<string, unknown>, string | undefined][] = [
    [{ parentIndex: 0, index: 0 }, undefined],
    [{ parentIndex: 3000, index: 50000 }, undefined],
    [{ index: 1 }, "no season or episode number"],
    [{ parentIndex: 1 }, "no season or episode number"],
    [{}, "no season or episode number"],
    [{ parentIndex: -1, index: 1 }, "implausible season or episode number"],
    [{ parentIndex: 3001, index: 1 }, "implausible season or episode number"],
    [{ parentIndex: 1, index: 50001 }, "implausible season or episode number"],
    [{ parentIndex: 1.5, index: 1 }, "implausible season or episode number"],
    [{ parentIndex: 1, index: "2.5" }, "implausible season or episode number"],
  ];
  for (const [raw, reason] of cases) {
    const e = toEpisode(item({ guid: "plex://episode/x", ...raw }), ALICE, TV);
    assert.equal(e.skip, reason, JSON.stringify(raw));
  }
});

Deno.test("toEpisode() prefers parentIndex/index over the legacy guid numbers", () => {
  const e = toEpisode(
    item({ guid: "com.plexapp.agents.thetvdb://268592/1/3", parentIndex: 2, index: 7 }),
    undefined,
    TV,
  );
  assert.equal(e.season, 2);
  assert.equal(e.number, 7);
});
