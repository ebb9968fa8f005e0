/**
 * One sync at a time, across processes: a second `trakt sync` while another runs is refused with
 * exit 75 and says who holds the lock (a preview, which writes nothing, still runs), and so is a
 * logout; once the first ends, syncs run again.
 */
import assert from "node:assert/strict";
import { syntheticLibrary } from "../emulators/synthetic.ts";
import { writeSyncLock } from "../../lib/store/testdata/util.ts";
import { cliEnv, iniText, OutputLog, parseJson, storedTokens, until } from "./e2e_util.ts";

const log = new OutputLog();

Deno.test({
  name: "sync lock: a second sync while one runs exits 75 naming the first; afterwards syncs run",
  ignore: Deno.build.os === "windows",
}, async () => {
  const lib = syntheticLibrary({
    seed: 5,
    movies: 320,
    shows: 0,
    episodesPerShow: 0,
    collectedFraction: 0,
  });
  // 3 s between writes: the first process sits between batch 1 and batch 2.
  const slow = iniText().replace("write_interval_ms = 0", "write_interval_ms = 3000");
  await log.withWorld({ ...lib, ini: slow }, async (w) => {
    const first = w.spawn(["trakt", "sync", "--json"], cliEnv());
    const firstOut = first.output();
    await until("the first batch", () => w.trakt.writes().length === 1);

    for (const args of [["trakt", "sync"], ["trakt", "sync", "--json", "--full"]]) {
      const second = await log.run(w, args);
      assert.equal(second.code, 75, second.stderr);
      assert.match(second.stderr, /Another sync is already running/);
      assert.match(second.stderr, /`complexionist trakt sync` \(pid \d+\)/);
      // What to expect if that run was killed: its lock lapses soon (30 s leases, renewed).
      assert.match(second.stderr, /If that run was killed .* lapses within ([1-9]|[12]\d|30) s/);
      assert.equal(second.stdout, "", "no report: nothing was read");
    }
    // Logging out would make the running sync fail half-way: refused too, the login kept.
    const logout = await log.run(w, ["trakt", "logout"]);
    assert.equal(logout.code, 75, logout.stderr);
    assert.match(logout.stderr, /A sync is running \(`complexionist trakt sync` \(pid \d+\)\)/);
    assert.ok(await storedTokens(w), "still logged in");
    // Status tells of it, in both forms.
    const status = await log.run(w, ["trakt", "status"]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stderr,
      /^A sync is running now: `complexionist trakt sync` \(pid \d+\), since /m,
    );
    assert.doesNotMatch(status.stderr, /Last sync: never/);
    const statusJson = await log.run(w, ["trakt", "status", "--json"]);
    const running = (parseJson("status", statusJson.stdout) as {
      sync_running?: { owner: string; since: string };
    }).sync_running;
    assert.match(running?.owner ?? "", /`complexionist trakt sync` \(pid \d+\)/);
    const preview = await log.run(w, ["trakt", "sync", "--dry-run", "--json"]);
    assert.equal(preview.code, 0, preview.stderr);
    assert.equal((parseJson("preview", preview.stdout) as { dry_run: boolean }).dry_run, true);
    assert.equal(w.trakt.writes().length, 1, "the refused runs and the preview sent nothing");

    const done = await firstOut;
    assert.equal(done.code, 0, new TextDecoder().decode(done.stderr));
    const s = parseJson("first", new TextDecoder().decode(done.stdout)) as {
      added: { movies: number };
    };
    assert.equal(s.added.movies, 320);

    const after = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(after.code, 0, after.stderr);
    assert.deepEqual((parseJson("after", after.stdout) as { planned: unknown }).planned, {
      movies: 0,
      episodes: 0,
    });
  });
});

Deno.test({
  name: "sync lock: a sync whose lock was taken over (it stalled past the lease) stops, exit 75",
  ignore: Deno.build.os === "windows",
}, async () => {
  const lib = syntheticLibrary({
    seed: 6,
    movies: 1500,
    shows: 0,
    episodesPerShow: 0,
    collectedFraction: 0,
  });
  // Six batches 3 s apart: the run outlives the first renewal of its lock (at 10 s).
  const slow = iniText().replace("write_interval_ms = 0", "write_interval_ms = 3000");
  await log.withWorld({ ...lib, ini: slow }, async (w) => {
    const child = w.spawn(["trakt", "sync", "--json"], cliEnv());
    const output = child.output();
    await until("the first batch", () => w.trakt.writes().length === 1);
    // What a second process does once a stalled holder's lease has expired: take it.
    await writeSyncLock(w.storePath, {
      owner: "the next run (pid 1)",
      since: Date.now(),
      attempt: "taken-over",
      expiresAt: Date.now() + 120_000,
    });
    const out = await output;
    const r = {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
    log.record(w, ["trakt", "sync", "--json"], r);
    assert.equal(r.code, 75, r.stderr);
    assert.match(r.stderr, /another sync took over/);
    const s = parseJson("taken over", r.stdout) as { added: { movies: number } };
    assert.ok(s.added.movies >= 250 && s.added.movies < 1500, `stopped early: ${s.added.movies}`);
    assert.equal(w.trakt.collectedMovies().length, s.added.movies, "the report is what was sent");
  });
});
