import assert from "node:assert/strict";
import { toMovie } from "./items.ts";
import { MediaPool } from "./library.ts";
import { bestMedia, traktMetadata } from "./media.ts";
import { PlexMetadata } from "./models.ts";

const CTX = { server: "Main", library: "Movies" };

function movie(ratingKey: string, file: string, extra: Record<string, unknown> = {}) {
  return toMovie(
    PlexMetadata.parse({
      ratingKey,
      Guid: [{ id: `tmdb://${ratingKey}` }],
      Media: [{
        videoResolution: "1080",
        audioCodec: "eac3",
        audioChannels: 6,
        Part: [{ file }],
        ...extra,
      }],
    }),
    CTX,
  );
}

function metadata(item: ReturnType<typeof movie>) {
  const best = bestMedia(item.media);
  return best ? traktMetadata(best) : undefined;
}

Deno.test("MediaPool: equal listing media are one frozen list, with the same Trakt metadata", () => {
  const pool = new MediaPool();
  const plain = [movie("1", "/m/A (2001)/A.mkv"), movie("2", "/m/B 3D (2002)/B.mkv")];
  const before = plain.map(metadata);
  const [a, b] = plain.map((m) => pool.share(m));
  assert.ok(a && b);
  assert.equal(a.media, b.media);
  assert.ok(Object.isFrozen(a.media) && Object.isFrozen(a.media[0]));
  assert.deepEqual(a.media, [{
    videoResolution: "1080",
    audioCodec: "eac3",
    audioChannels: 6,
    files: [],
  }]);
  assert.deepEqual([a, b].map(metadata), before);
});

Deno.test("MediaPool: media whose file names carry a hint, or other facts, keep their own", () => {
  const pool = new MediaPool();
  const base = pool.share(movie("1", "/m/A.mkv"));
  const threeD = pool.share(movie("2", "/m/B.2010.1080p.3D.HSBS.mkv"));
  const hdr10Plus = pool.share(movie("3", "/m/C.2160p.HDR10+.mkv"));
  const other = pool.share(movie("4", "/m/D.mkv", { audioChannels: 8 }));
  assert.deepEqual(threeD.media[0]?.files, ["/m/B.2010.1080p.3D.HSBS.mkv"]);
  assert.equal(metadata(threeD)?.["3d"], true);
  assert.deepEqual(hdr10Plus.media[0]?.files, ["/m/C.2160p.HDR10+.mkv"]);
  assert.notEqual(other.media, base.media);
  assert.equal(other.media[0]?.audioChannels, 8);
});

Deno.test('MediaPool: an absent value and the text "undefined" are not taken for each other', () => {
  const pool = new MediaPool();
  const absent = pool.share(movie("1", "/m/A.mkv"));
  const text = pool.share(movie("2", "/m/B.mkv", { videoCodec: "undefined" }));
  const again = pool.share(movie("3", "/m/C.mkv"));
  assert.equal(absent.media[0]?.videoCodec, undefined);
  assert.equal(text.media[0]?.videoCodec, "undefined");
  assert.equal(again.media, absent.media);
});
