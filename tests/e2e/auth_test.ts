/**
 * Trakt login end to end: the device flow (`trakt auth`: approved, denied, expired), refresh
 * of an expired or rejected token, a refused refresh, two processes sharing one expired token
 * (exactly one refresh, design §5), and `trakt logout`.
 */
import assert from "node:assert/strict";
import type { CatalogMovie } from "../emulators/catalog.ts";
import { NEW_MOVIE_AGENT } from "../emulators/fake_plex_types.ts";
import type { RefreshFailure } from "../emulators/fake_trakt.ts";
import type { WorldOptions } from "../helpers/world.ts";
import {
  CLIENT_ID,
  cliEnv,
  OutputLog,
  parseJson,
  seedUnknownTokens,
  storedTokens,
} from "./e2e_util.ts";

const log = new OutputLog();

/** Two movies on Plex, one of them collected already: every sync has exactly one to add. */
function tiny(extra: Partial<WorldOptions> = {}): WorldOptions {
  const catalog: CatalogMovie[] = [
    {
      trakt: 1,
      slug: "the-matrix-1999",
      title: "The Matrix",
      year: 1999,
      imdb: "tt0133093",
      tmdb: 603,
    },
    { trakt: 2, slug: "dune-2021", title: "Dune", year: 2021, imdb: "tt1160419", tmdb: 438631 },
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
        ids: { imdb: m.imdb!, tmdb: m.tmdb! },
      })),
    }],
    catalog: { movies: catalog, shows: [] },
    collection: { movies: [1], episodes: [] },
    ...extra,
  };
}

/** Long ago: a stored token that expired years before the run. */
const EXPIRED = { expiresIn: 1, createdAt: 1_000_000 };

const USER_CODE_RE =
  /enter the code ([0-9A-F]{8}) {2}\(or open https:\/\/trakt\.tv\/activate\/([0-9A-F]{8})\)/;

Deno.test("e2e auth: device flow pending → approved stores the login; status then works", async () => {
  await log.withWorld(tiny({ loggedIn: false, trakt: { approveAfterPolls: 3 } }), async (w) => {
    const r = await log.run(w, ["trakt", "auth"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /open https:\/\/trakt\.tv\/activate/);
    const code = USER_CODE_RE.exec(r.stderr);
    assert.ok(code, `the user code is shown: ${r.stderr}`);
    assert.equal(code[1], code[2]);
    assert.match(
      r.stderr,
      /^Connected to Trakt as plexfan\. Next: `complexionist trakt sync --dry-run`$/m,
    );

    const polls = w.trakt.log.filter((e) => e.path === "/oauth/device/token");
    assert.deepEqual(polls.map((e) => e.status), [400, 400, 400, 200], "pending ×3, then approved");
    for (const p of polls) {
      assert.equal((p.body as Record<string, unknown>).client_id, CLIENT_ID);
    }
    assert.equal(w.trakt.count("/oauth/device/code", "POST"), 1);

    const t = await storedTokens(w);
    assert.ok(t, "tokens stored");
    assert.equal(t.username, "plexfan");
    assert.ok(t.expiresAt > Date.now());

    const status = await log.run(w, ["trakt", "status", "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const s = parseJson("status", status.stdout);
    assert.equal(s.connected, true);
    assert.equal(s.username, "plexfan");
    assert.match(status.stderr, /^Trakt: connected as plexfan \(free account\)$/m);
    assert.equal(w.trakt.refreshCount, 0, "a fresh login needs no refresh");
    const settings = w.trakt.log.filter((e) => e.path === "/users/settings").at(-1)!;
    assert.equal(settings.headers.authorization, `Bearer ${t.accessToken}`);
    assert.equal(settings.status, 200);
    assert.doesNotMatch(r.stderr, /Already connected/, "the first login replaces nothing");

    // Logging in again says first that it replaces the stored login.
    const again = await log.run(w, ["trakt", "auth"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /^Already connected as plexfan: approving the code below replaces/m);
  });
});

Deno.test("e2e auth: a denied device code exits 3 and says how to try again", async () => {
  await log.withWorld(tiny({ loggedIn: false, trakt: { deviceOutcome: "deny" } }), async (w) => {
    const r = await log.run(w, ["trakt", "auth"]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, USER_CODE_RE);
    assert.match(r.stderr, /^error: .*denied.*$/m);
    assert.match(r.stderr, /complexionist trakt auth/);
    assert.doesNotMatch(r.stderr, /Connected to Trakt/);
    assert.equal(await storedTokens(w), undefined);
    assert.equal(w.trakt.log.filter((e) => e.path === "/oauth/device/token").at(-1)!.status, 418);

    const sync = await log.run(w, ["trakt", "sync"]);
    assert.equal(sync.code, 3, sync.stderr);
    assert.equal(sync.stdout, "");
    assert.match(sync.stderr, /complexionist trakt auth/);
  });
});

Deno.test("e2e auth: a wrong client_secret is named when Trakt refuses the device login (exit 2)", async () => {
  await log.withWorld(tiny({ loggedIn: false }), async (w) => {
    const r = await log.run(w, ["trakt", "auth"], { TRAKT_CLIENT_SECRET: "not-the-secret" });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, USER_CODE_RE, "the code was shown: the id is right, the secret not");
    assert.match(r.stderr, /^error: Trakt refused the app credentials .*\(HTTP 401\)/m);
    assert.match(r.stderr, /\[trakt\] client_secret/);
    assert.doesNotMatch(r.stderr, /auth_url|not-the-secret/);
    assert.equal(await storedTokens(w), undefined);
  });
});

Deno.test("e2e auth: a Cloudflare block on the device login is a block (exit 4), not a bad client_id", async () => {
  const block = {
    status: 403,
    path: "/oauth/device/code",
    body:
      "<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body>" +
      "<h1>Sorry, you have been blocked</h1><span>Cloudflare Ray ID: <strong>8f1a2b3c4d5e6f70" +
      "</strong></span></body></html>",
    headers: { server: "cloudflare", "cf-ray": "8f1a2b3c4d5e6f70-FRA" },
  };
  await log.withWorld(
    tiny({ loggedIn: false, trakt: { faults: { failNext: [block] } } }),
    async (w) => {
      const r = await log.run(w, ["trakt", "auth"]);
      assert.equal(r.code, 4, r.stderr);
      assert.match(
        r.stderr,
        /^error: Trakt's Cloudflare blocked starting the device login \(HTTP 403, Ray ID/m,
      );
      assert.doesNotMatch(r.stderr, /client_id/);
    },
  );
});

Deno.test("e2e auth: an expired device code exits 3", async () => {
  await log.withWorld(tiny({ loggedIn: false, trakt: { deviceOutcome: "expire" } }), async (w) => {
    const r = await log.run(w, ["trakt", "auth"]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, "");
    const code = USER_CODE_RE.exec(r.stderr)?.[1];
    assert.ok(code);
    assert.match(r.stderr, /^error: .*expired.*$/m);
    assert.match(r.stderr, /complexionist trakt auth/);
    assert.equal(await storedTokens(w), undefined);
    assert.equal(w.trakt.log.filter((e) => e.path === "/oauth/device/token").at(-1)!.status, 410);
  });
});

Deno.test("e2e auth: an expired stored token is refreshed once, then the sync succeeds", async () => {
  await log.withWorld(tiny({ loggedIn: EXPIRED }), async (w) => {
    const before = (await storedTokens(w))!;
    const r = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(w.trakt.refreshCount, 1);
    assert.equal(w.trakt.successfulRefreshes, 1);
    assert.deepEqual(parseJson("sync", r.stdout).added, { movies: 1, episodes: 0 });
    assert.equal(w.trakt.writes().length, 1);
    assert.doesNotMatch(r.stderr, /error|warning/i);
    // The refresh came first; every API call used the new token.
    const refresh = w.trakt.log.findIndex((e) => e.path === "/oauth/token");
    assert.equal(refresh, 0);
    assert.equal(
      (w.trakt.log[0]!.body as Record<string, unknown>).refresh_token,
      before.refreshToken,
    );
    const after = (await storedTokens(w))!;
    assert.notEqual(after.accessToken, before.accessToken);
    assert.notEqual(after.refreshToken, before.refreshToken);
    assert.ok(after.expiresAt > Date.now() + 86_400_000);
    assert.equal(after.username, "plexfan", "the username survives the refresh");
    for (const e of w.trakt.log.filter((x) => !x.path.startsWith("/oauth/"))) {
      assert.equal(e.headers.authorization, `Bearer ${after.accessToken}`);
    }
    // The new pair is stored: the next run needs no refresh.
    const again = await log.run(w, ["trakt", "status"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, "");
    assert.equal(w.trakt.refreshCount, 1);
  });
});

Deno.test("e2e auth: a renewal answer cut short never shows the new token, in output or in status", async () => {
  const fresh = "5ec7e7a11ce5f00dcafe0123456789abcdef0123456789abcdef0123456789ab";
  const cut = {
    status: 200,
    path: "/oauth/token",
    body: `{"access_token":"${fresh}","token_type":"bearer","expires_in":7776000,"refresh_to`,
    contentType: "application/json",
    count: 2,
  };
  await log.withWorld(
    tiny({ loggedIn: EXPIRED, trakt: { faults: { failNext: [cut] } } }),
    async (w) => {
      log.secrets.add(fresh);
      const r = await log.run(w, ["--verbose", "trakt", "sync", "--json"]);
      assert.equal(r.code, 4, r.stderr);
      // Described, never quoted: an /oauth answer is not shown even redacted.
      const said =
        /renewing the login with text that is not JSON \(\d+ bytes, content type application\/json\)/;
      assert.match(r.stderr, said);
      assert.doesNotMatch(r.stderr, /access_token/);
      const status = await log.run(w, ["--verbose", "trakt", "status", "--json"]);
      assert.match(status.stdout, said);
      // No output of this world shows the token: checked with every other run of this file.
    },
  );
});

Deno.test("e2e auth: a token Trakt rejects (401) is refreshed once and the call retried", async () => {
  await log.withWorld(tiny(), async (w) => {
    w.trakt.expireAccessTokens();
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^Added 1 movies and 0 episodes to Trakt/m);
    assert.equal(w.trakt.refreshCount, 1);
    assert.equal(w.trakt.successfulRefreshes, 1);
    assert.equal(w.trakt.log.filter((e) => e.status === 401).length, 1);
    assert.equal(w.trakt.writes().length, 1);
  });
});

for (const failure of ["json400", "empty400", "json401"] satisfies RefreshFailure[]) {
  Deno.test(`e2e auth: a refused refresh (${failure}) exits 3 and asks for trakt auth`, async () => {
    await log.withWorld(tiny({ trakt: { refreshFailure: failure } }), async (w) => {
      const unknown = await seedUnknownTokens(w, { expiresAt: Date.now() - 60_000 });
      log.secrets.add(unknown.accessToken);
      log.secrets.add(unknown.refreshToken);
      const r = await log.run(w, ["trakt", "sync", "--json"]);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, "", "Plex was never read: no summary");
      assert.match(r.stderr, /^error: .*complexionist trakt auth.*$/m);
      assert.equal(w.trakt.refreshCount, 1, "a refused refresh is not retried");
      assert.equal(w.trakt.refusedRefreshes, 1);
      assert.equal(w.trakt.writeAttempts().length, 0);
      assert.equal(w.plex.count("/library/"), 0);
    });
  });
}

Deno.test("e2e auth: a rejected token whose refresh is refused exits 3", async () => {
  await log.withWorld(tiny(), async (w) => {
    // Not expired locally, unknown to Trakt: the first call gets 401, the refresh is refused.
    const unknown = await seedUnknownTokens(w, { expiresAt: Date.now() + 86_400_000 });
    log.secrets.add(unknown.accessToken);
    log.secrets.add(unknown.refreshToken);
    const r = await log.run(w, ["trakt", "status"]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /complexionist trakt auth/);
    assert.equal(w.trakt.refreshCount, 1);
    assert.equal(w.trakt.successfulRefreshes, 0);
  });
});

Deno.test("e2e auth: two processes with one expired token refresh exactly once", async () => {
  for (const args of [["trakt", "sync", "--dry-run"], ["trakt", "status"]]) {
    await log.withWorld(tiny({ loggedIn: EXPIRED }), async (w) => {
      // A slow refresh answer: the second process surely arrives while the first one's
      // refresh is in flight, so only the lease keeps it from spending the token too.
      w.trakt.faults.delayPath = "/oauth/token";
      w.trakt.faults.delayMs = 400;
      const procs = [w.spawn(args, cliEnv()), w.spawn(args, cliEnv())];
      const outs = await Promise.all(procs.map((p) => p.output()));
      const results = outs.map((o) => ({
        code: o.code,
        stdout: new TextDecoder().decode(o.stdout),
        stderr: new TextDecoder().decode(o.stderr),
      }));
      results.forEach((r, i) => log.record(w, args, r, `${args.join(" ")} (process ${i + 1})`));
      for (const r of results) {
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "");
        assert.doesNotMatch(r.stderr, /error/i);
      }
      assert.equal(w.trakt.refreshCount, 1, `${args.join(" ")}: one refresh at Trakt`);
      assert.equal(w.trakt.successfulRefreshes, 1);
      assert.equal(w.trakt.log.filter((e) => e.status === 401).length, 0);
      assert.equal(w.trakt.writeAttempts().length, 0);
      const t = (await storedTokens(w))!;
      assert.ok(t.expiresAt > Date.now());
    });
  }
});

Deno.test("e2e auth: logout revokes the token at Trakt and forgets it; sync then exits 3", async () => {
  await log.withWorld(tiny(), async (w) => {
    const t = (await storedTokens(w))!;
    const r = await log.run(w, ["trakt", "logout"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      /^Disconnected from Trakt \(plexfan\)\. Run `complexionist trakt auth` to connect again$/m,
    );
    const revokes = w.trakt.log.filter((e) => e.path === "/oauth/revoke");
    assert.equal(revokes.length, 1);
    assert.equal((revokes[0]!.body as Record<string, unknown>).token, t.accessToken);
    assert.equal(revokes[0]!.status, 200);
    assert.equal(await storedTokens(w), undefined);
    // The old token is dead at Trakt too.
    const res = await fetch(`${w.traktUrl}/users/settings`, {
      headers: {
        "authorization": `Bearer ${t.accessToken}`,
        "trakt-api-key": CLIENT_ID,
        "trakt-api-version": "2",
        "content-type": "application/json",
        "user-agent": "complexionist-e2e",
      },
    });
    await res.body?.cancel();
    assert.equal(res.status, 401);

    const sync = await log.run(w, ["trakt", "sync"]);
    assert.equal(sync.code, 3, sync.stderr);
    assert.equal(sync.stdout, "");
    assert.match(sync.stderr, /^error: Trakt is not connected\. Run `complexionist trakt auth`$/m);
    assert.equal(w.plex.count("/library/"), 0, "not connected: Plex is not read");

    const again = await log.run(w, ["trakt", "logout"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /not connected/);
    assert.equal(w.trakt.count("/oauth/revoke"), 1);
  });
});

Deno.test("e2e auth: ComPlexionist's token keys are imported once into an empty store, then left alone, also after a logout", async () => {
  await log.withWorld(tiny({ loggedIn: false }), async (w) => {
    const old = w.trakt.issueTokens();
    await Deno.writeTextFile(
      w.configPath,
      `${await Deno.readTextFile(w.configPath)}access_token = ${old.access_token}
` +
        `refresh_token = ${old.refresh_token}
`,
    );
    const first = await log.run(w, ["trakt", "status"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^Imported the Trakt tokens from .+ into the token store\.$/m);
    assert.match(first.stderr, /^Trakt: connected as /m);
    // Unknown expiry counts as expired: the first call renewed them, spending the old pair.
    const renewed = await storedTokens(w);
    assert.ok(renewed && renewed.refreshToken !== old.refresh_token, "renewed on first use");

    const second = await log.run(w, ["trakt", "status"]);
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /Imported/);
    assert.deepEqual(await storedTokens(w), renewed, "the stored login stands");

    // Logged out stays logged out: the keys still in the INI are not imported again.
    assert.equal((await log.run(w, ["trakt", "logout"])).code, 0);
    const after = await log.run(w, ["trakt", "status"]);
    assert.equal(after.code, 0, after.stderr);
    assert.doesNotMatch(after.stderr, /Imported/);
    assert.match(after.stderr, /not connected/);
    assert.equal(await storedTokens(w), undefined);
  });
});

Deno.test("e2e auth: no output of this file shows a secret", () => {
  log.assertNoSecrets();
});
