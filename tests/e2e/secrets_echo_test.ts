/**
 * Secrets echoed back, end to end: the fake Plex and Trakt answer with the very tokens they were
 * sent (raw, URL-encoded, base64, inside JSON), a token answer comes form-encoded, a revoke answer
 * quotes the access token, a Plex URL redirects to another origin with the token in its query.
 * No form of any secret may reach stderr, the `--json` document or `trakt status`.
 */
import assert from "node:assert/strict";
import type { CatalogMovie } from "../emulators/catalog.ts";
import { NEW_MOVIE_AGENT } from "../emulators/fake_plex_types.ts";
import type { CliResult, World, WorldOptions } from "../helpers/world.ts";
import { PLEX_TOKEN } from "../helpers/world.ts";
import { CLIENT_SECRET, OutputLog, parseJson, storedTokens } from "./e2e_util.ts";

const log = new OutputLog();

/** Two movies on Plex, one of them collected already. */
function tiny(extra: Partial<WorldOptions> = {}): WorldOptions {
  const catalog: CatalogMovie[] = [
    { trakt: 1, slug: "the-matrix-1999", title: "The Matrix", year: 1999, imdb: "tt0133093" },
    { trakt: 2, slug: "dune-2021", title: "Dune", year: 2021, imdb: "tt1160419" },
  ];
  return {
    sections: [{
      key: "1",
      title: "Movies",
      type: "movie",
      agent: NEW_MOVIE_AGENT,
      movies: catalog.map((m, i) => ({
        ratingKey: String(100 + i),
        title: m.title,
        year: m.year,
        addedAt: 1_700_000_000 + i * 86_400,
        ids: { imdb: m.imdb! },
      })),
    }],
    catalog: { movies: catalog, shows: [] },
    collection: { movies: [1], episodes: [] },
    ...extra,
  };
}

/** The forms a server may echo a secret in. */
function forms(secret: string): string[] {
  const b64 = btoa(secret);
  return [
    secret,
    encodeURIComponent(secret),
    b64,
    b64.replace(/=+$/, ""),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/** A body that repeats `secret` in every form, the way a careless proxy or server might. */
function echo(secret: string): string {
  return `denied for ${secret}; url /x?next=${encodeURIComponent(secret)}; basic ${
    btoa(secret)
  }; json ${JSON.stringify({ token: secret })}`;
}

function assertNoForms(what: string, r: CliResult, secrets: string[]): void {
  for (const [stream, text] of [["stderr", r.stderr], ["stdout", r.stdout]] as const) {
    for (const secret of secrets) {
      for (const form of forms(secret)) {
        assert.ok(!text.includes(form), `${what}: ${stream} shows ${form}:\n${text}`);
      }
    }
  }
}

async function loggedInTokens(w: World): Promise<string[]> {
  const t = await storedTokens(w);
  assert.ok(t, "the world starts logged in");
  return [t.accessToken, t.refreshToken];
}

Deno.test("e2e secrets: Plex echoing its token in every form shows none of them", async () => {
  await log.withWorld(tiny(), async (w) => {
    w.plex.faults.failNext.push({
      status: 500,
      count: 1000,
      path: "/library/sections",
      body: echo(PLEX_TOKEN),
      contentType: "text/plain",
    });
    const json = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(json.code, 4, json.stderr);
    assertNoForms("sync --json", json, [PLEX_TOKEN, CLIENT_SECRET]);
    const verbose = await log.run(w, ["--verbose", "trakt", "sync"]);
    assert.equal(verbose.code, 4, verbose.stderr);
    assertNoForms("--verbose sync", verbose, [PLEX_TOKEN, CLIENT_SECRET]);
    const status = await log.run(w, ["trakt", "status", "--json"]);
    const last = JSON.stringify(parseJson("status", status.stdout).last_syncs);
    assert.match(last, /failed/, "the failed run is recorded");
    assertNoForms("status --json", status, [PLEX_TOKEN]);
  });
});

Deno.test("e2e secrets: Trakt echoing the access token shows none of its forms (sync, status)", async () => {
  await log.withWorld(tiny(), async (w) => {
    const tokens = await loggedInTokens(w);
    // Trakt's error bodies are quoted up to 120 characters: each form in its own answer.
    const b64 = btoa(tokens[0]!);
    const bodies: [string, string][] = [
      ["/sync/collection", echo(tokens[0]!)],
      ["/users/settings", `basic ${b64} or ${b64.replace(/=+$/, "")}`],
    ];
    for (const [path, body] of bodies) {
      w.trakt.faults.failNext.push({
        status: 500,
        count: 1000,
        path,
        body,
        contentType: "text/plain",
      });
    }
    const json = await log.run(w, ["--verbose", "trakt", "sync", "--json"]);
    assert.equal(json.code, 4, json.stderr);
    assertNoForms("sync --json", json, [...tokens, CLIENT_SECRET, PLEX_TOKEN]);
    const status = await log.run(w, ["trakt", "status", "--json"]);
    assert.equal(status.code, 4, status.stderr);
    assertNoForms("status --json", status, tokens);
  });
});

Deno.test("e2e secrets: a form-encoded token answer is never quoted, nor kept in the last sync", async () => {
  const access = "e2eFormAcc7Qw3Rt9Yu1Io5PzLk";
  const refresh = "e2eFormRef2Kd8Lm4Nb6Vc0XsJh";
  const answer = {
    status: 200,
    count: 5,
    path: "/oauth/token",
    body: `access_token=${access}&refresh_token=${refresh}&expires_in=7776000`,
    contentType: "application/x-www-form-urlencoded",
  };
  await log.withWorld(
    tiny({
      loggedIn: { expiresIn: 1, createdAt: 1_000_000 },
      trakt: { faults: { failNext: [answer] } },
    }),
    async (w) => {
      log.secrets.add(access).add(refresh);
      const json = await log.run(w, ["--verbose", "trakt", "sync", "--json"]);
      assert.equal(json.code, 4, json.stderr);
      assert.match(json.stderr, /renewing the login with text that is not JSON \(\d+ bytes/);
      assertNoForms("sync --json", json, [access, refresh, CLIENT_SECRET]);
      const status = await log.run(w, ["trakt", "status", "--json"]);
      assertNoForms("status --json", status, [access, refresh]);
      assert.match(status.stdout, /text that is not JSON/, "the last sync says what happened");
    },
  );
});

Deno.test("e2e secrets: trakt logout with a revoke answer quoting the access token shows none of it", async () => {
  await log.withWorld(tiny(), async (w) => {
    const tokens = await loggedInTokens(w);
    w.trakt.faults.failNext.push({
      status: 500,
      count: 1000,
      path: "/oauth/revoke",
      body: echo(tokens[0]!),
      contentType: "text/plain",
    });
    const r = await log.run(w, ["--verbose", "trakt", "logout"]);
    assert.match(r.stderr, /revoking the login/);
    assertNoForms("logout", r, [...tokens, CLIENT_SECRET]);
  });
});

Deno.test("e2e secrets: a Plex URL redirecting to another origin is not followed (exit 4), the token not sent", async () => {
  await log.withWorld(tiny(), async (w) => {
    w.plex.faults.failNext.push({
      status: 302,
      count: 1000,
      path: "/library/sections",
      body: "",
      contentType: "text/plain",
      headers: { location: `http://localhost:9/sso/login?X-Plex-Token=${PLEX_TOKEN}&next=%2F` },
    });
    const r = await log.run(w, ["--verbose", "trakt", "sync", "--json"]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(
      r.stderr,
      /with a redirect \(HTTP 302\) to another address, http:\/\/localhost:9\./,
    );
    assert.doesNotMatch(r.stderr, /sso\/login/, "only the origin is named");
    assertNoForms("redirect", r, [PLEX_TOKEN]);
  });
});
