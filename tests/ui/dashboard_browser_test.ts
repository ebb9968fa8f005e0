/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core) against the
 * emulators: connect through the dialog and the fake Trakt's activation page, preview and sync,
 * read the report and the not-found list, be refused while another sync holds the lock, deny a
 * login, disconnect; and a foreign page cannot drive it. Screenshots of each state are taken;
 * with UPDATE_SCREENSHOTS=1 they replace the ones in docs/.
 *
 * Without Chromium the test is skipped with a message, except under CI=true, where .ci/run
 * installs it and a missing browser is a failure.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { SAMPLE_SECTIONS, sampleLibrary } from "../emulators/sample_library.ts";
import { REPO, type World } from "../helpers/world.ts";
import { CLIENT_SECRET, leakedPart, OutputLog, storedTokens } from "../e2e/e2e_util.ts";
import { PLEX_TOKEN } from "../helpers/world.ts";
import { openStore } from "../../lib/store/store.ts";
import { type RunningUi, startUi } from "./ui_util.ts";

const CHROMIUM = Deno.env.get("COMPLEXIONIST_CHROMIUM") ?? "/usr/bin/chromium";
const haveChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();
const inCi = Deno.env.get("CI") === "true";
if (!haveChromium && !inCi) {
  console.log(
    `dashboard browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or ` +
      "set COMPLEXIONIST_CHROMIUM)",
  );
}

/** The flags the machine notes require: no sandbox as root, no calls to Google's hosts. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const log = new OutputLog();
const shotsDir = Deno.env.get("UPDATE_SCREENSHOTS") === "1"
  ? join(REPO, "docs", "screenshots")
  : await Deno.makeTempDir({ prefix: "complexionist-shots-" });

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
}

/** playwright-core starts Chromium headless with a new, empty profile of its own each time. */
async function withBrowser(fn: (b: Browser) => Promise<void>): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    await fn(browser);
  } finally {
    await browser.close();
  }
}

/** The user code once the dialog shows one (other than `previous`). */
async function shownCode(page: Page, previous?: string): Promise<string> {
  const box = page.locator("#connect-code", { hasText: /^[0-9A-F]{8}$/ });
  await box.waitFor({ timeout: 15_000 });
  let code = (await box.textContent())!.trim();
  while (code === previous) {
    await new Promise((r) => setTimeout(r, 50));
    code = (await box.textContent())!.trim();
  }
  return code;
}

async function dot(page: Page, expected: string): Promise<void> {
  await page.locator(`#dot[data-dot="${expected}"]`).waitFor({ timeout: 15_000 });
}

Deno.test({
  name: "dashboard in Chromium: connect, preview, sync, report, lock, deny, disconnect",
  ignore: !haveChromium && !inCi,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  assert.ok(haveChromium, `CI=true but no Chromium at ${CHROMIUM}: .ci/run installs it`);
  const lib = sampleLibrary();
  await log.withWorld({
    ...lib,
    loggedIn: false,
    trakt: { deviceOutcome: "manual", activationPage: true, deviceInterval: 0.2 },
  }, async (w) => {
    const ui = await startUi(w);
    const answers: string[] = [];
    try {
      await withBrowser(async (browser) => {
        const context = await browser.newContext({ viewport: { width: 1000, height: 1450 } });
        const page = await context.newPage();
        page.on("response", async (r) => {
          if (r.url().startsWith(ui.origin)) answers.push(await r.text().catch(() => ""));
        });
        await page.goto(ui.url);
        await flow(page, w, ui);
        await foreignPageIsRefused(context.newPage(), w, ui);
      });
    } finally {
      const stopped = await ui.stop();
      log.record(w, ["ui", "--no-open"], {
        code: stopped.code,
        stdout: "",
        stderr: stopped.stderr,
      });
      assert.equal(stopped.code, 0, stopped.stderr);
    }
    // Nothing the page was ever sent holds a secret (the tokens of the whole session included).
    await log.harvest(w);
    for (const body of answers) {
      assert.equal(leakedPart(body, log.secrets), undefined, `the page was sent a secret: ${body}`);
    }
    assert.ok(log.secrets.has(PLEX_TOKEN) && log.secrets.has(CLIENT_SECRET));
  });
});

async function flow(page: Page, w: World, ui: RunningUi): Promise<void> {
  // Not connected: red, with the reason, and only Connect offered.
  await dot(page, "red");
  await page.getByText("Not connected. Connect Trakt").waitFor();
  assert.equal(await page.locator("#disconnect").isVisible(), false);
  assert.equal(await page.locator("#sync-now").isDisabled(), true);
  await page.locator('[data-server="Main Server"]').getByText("yes (Plex").waitFor();
  await page.locator("#settings-facts").getByText(w.configPath).waitFor();
  await page.locator("#settings-facts").getByText("test-client-id").waitFor();
  await shot(page, "1-not-connected");

  // Connect: the dialog shows the code and the activation link; approving on the (fake) Trakt
  // page closes it with the username.
  await page.locator("#connect").click();
  const code = await shownCode(page);
  const link = page.locator("#connect-link");
  assert.equal(await link.getAttribute("href"), `${w.traktUrl}/activate/${code}`);
  assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
  await shot(page, "2-connect-dialog");
  const [trakt] = await Promise.all([page.context().waitForEvent("page"), link.click()]);
  await trakt.getByText(code).waitFor();
  await trakt.getByRole("button", { name: "Yes" }).click();
  await trakt.locator("#result").waitFor();
  // No Referer may carry the dashboard's key to the activation site.
  const activation = w.trakt.log.find((e) => e.path === `/activate/${code}`)!;
  assert.equal(activation.headers.referer, undefined, "no Referer to Trakt");
  await trakt.close();
  await page.locator("#connect-dialog").waitFor({ state: "hidden", timeout: 15_000 });
  await page.getByText("Connected to Trakt as plexfan.").waitFor();
  await page.getByText("Connected as plexfan").waitFor();
  await dot(page, "amber"); // connected, never synced
  assert.ok(await storedTokens(w), "the login is stored");

  // Sync now: a preview first (nothing written), then the real sync with its report.
  const writesBefore = w.trakt.writes().length;
  await page.locator("#sync-now").click();
  await page.locator("#preview").waitFor({ timeout: 20_000 });
  const preview = (await page.locator("#preview-text").textContent())!;
  assert.match(preview, /To add: 14 movies and 30 episodes/);
  assert.equal(w.trakt.writes().length, writesBefore, "the preview sends nothing");
  await shot(page, "3-preview");
  await page.locator("#sync-confirm").click();
  await page.locator("#report").waitFor({ timeout: 30_000 });
  assert.equal(await page.locator("#report-title").textContent(), "Sync finished");
  const report = (await page.locator("#report-facts").textContent())!;
  assert.match(report, /Added13 movies, 30 episodes/);
  assert.match(report, /Not found on Trakt1/);
  assert.equal(w.trakt.writes().length, writesBefore + 1, "one batch sent");
  assert.equal(w.trakt.collectedMovies().length, 15);
  await dot(page, "green");
  const server = page.locator('[data-server="Main Server"]');
  await server.getByText("success").waitFor();
  await server.locator("details.not-found summary").click();
  const notFound = (await server.locator("details.not-found li").allTextContents()).join("\n");
  const [, title] = /^(.+) \(\d{4}\): (?:imdb tt\d+|tmdb \d+)/.exec(notFound) ?? [];
  assert.ok(title, `the not-found movie with its year and ids: ${notFound}`);
  // The same item Trakt answered "not found" for in the sync's own report.
  const { data } = await ui.api("GET", "/api/job");
  const reported = data.job.summary.not_found.movies.map((m: { title: string }) => m.title);
  assert.deepEqual(reported, [title.replace(/ \(\d{4}\)$/, "")]);
  await shot(page, "4-synced");

  // A new movie on Plex while another process holds the sync lock: the preview still runs
  // (it writes nothing), the sync is refused and says who is running.
  w.plex.addMovie(SAMPLE_SECTIONS.movies, {
    ratingKey: "990001",
    title: "A New Arrival",
    year: 2026,
    addedAt: Math.floor(Date.now() / 1000),
    ids: { tmdb: 990001, imdb: "tt9990001" },
  });
  const store = await openStore(w.storePath);
  const held = await store.acquireSyncLock("`complexionist trakt sync` (pid 4242)");
  assert.ok(!("busy" in held));
  try {
    await page.reload();
    await page.getByText("A sync is running: `complexionist trakt sync` (pid 4242)").waitFor();
    await page.locator("#sync-now").click();
    await page.locator("#preview").waitFor({ timeout: 20_000 });
    assert.match(
      (await page.locator("#preview-text").textContent())!,
      /To add: 1 movie and 0 episodes/,
    );
    const writes = w.trakt.writes().length;
    await page.locator("#sync-confirm").click();
    await page.getByText(
      /Another sync is already running \(`complexionist trakt sync` \(pid 4242\)/,
    )
      .waitFor({ timeout: 15_000 });
    assert.equal(w.trakt.writes().length, writes, "the refused sync sent nothing");
    await shot(page, "5-refused-while-another-sync-runs");
  } finally {
    await held.release();
    store.close();
  }

  // Disconnect asks first; then the token is revoked at Trakt and forgotten here.
  await page.reload();
  await page.locator("#disconnect").click();
  await page.locator("#disconnect-dialog").waitFor();
  await page.locator("#disconnect-cancel").click();
  assert.ok(await storedTokens(w), "cancel keeps the login");
  await page.locator("#disconnect").click();
  await shot(page, "6-disconnect-confirm");
  await page.locator("#disconnect-confirm").click();
  await page.getByText("Disconnected from Trakt (plexfan).").waitFor();
  await dot(page, "red");
  assert.equal(await storedTokens(w), undefined, "the token is forgotten");
  assert.equal(w.trakt.log.filter((e) => e.path === "/oauth/revoke" && e.status === 200).length, 1);

  // A login denied on Trakt: the dialog says so and offers to try again.
  await page.locator("#connect").click();
  const again = await shownCode(page, code);
  assert.ok(w.trakt.decideDevice(again, "deny"));
  await page.getByText("The connection was denied on Trakt.").waitFor({ timeout: 15_000 });
  assert.equal(await page.locator("#connect-retry").isVisible(), true);
  await shot(page, "7-connect-denied");
  // Try again gets a new code; Close ends the flow without a login.
  await page.locator("#connect-retry").click();
  const third = await shownCode(page, again);
  assert.notEqual(third, again);
  await page.locator("#connect-close").click();
  await page.locator("#connect-dialog").waitFor({ state: "hidden" });
  assert.equal(w.trakt.decideDevice(third, "approve"), true, "the code was still pending");
  await new Promise((r) => setTimeout(r, 600)); // a cancelled flow must not pick it up
  assert.equal(await storedTokens(w), undefined, "a closed dialog never completes a login");

  // Reload reads the edited file: a renamed server shows up; a broken file is reported.
  const original = await Deno.readTextFile(w.configPath);
  await Deno.writeTextFile(w.configPath, original.replace("name = Main Server", "name = Den"));
  await page.locator("#reload").click();
  await page.locator("#settings-facts").getByText(`Den: ${w.plexUrl}`).waitFor();
  await page.locator('[data-server="Den"]').waitFor();
  await Deno.writeTextFile(w.configPath, original.replace("[trakt]", "[trakt\n"));
  await page.locator("#reload").click();
  await page.locator("#notice").getByText(/The config file has an error: .*complexionist\.ini/)
    .waitFor();
  await dot(page, "red");
  await Deno.writeTextFile(w.configPath, original);
  await page.locator("#reload").click();
  await page.locator('[data-server="Main Server"]').waitFor();
  assert.equal(await page.locator("#notice").isVisible(), false);
}

/** A page of another origin (the fake Trakt's) that knows the key still cannot use it. */
async function foreignPageIsRefused(
  pending: Promise<Page>,
  w: World,
  ui: RunningUi,
): Promise<void> {
  // Log in again behind the page's back, so a successful attack would show.
  const store = await openStore(w.storePath);
  await store.saveTokens({
    accessToken: "a".repeat(64),
    refreshToken: "b".repeat(64),
    createdAt: Date.now(),
    expiresAt: Date.now() + 86_400_000,
    scope: "public",
  });
  store.close();
  const page = await pending;
  await page.goto(`${w.traktUrl}/activate`);
  const result = await page.evaluate(async ({ origin, key }) => {
    const out: string[] = [];
    for (
      const init of [
        { method: "POST", headers: { "X-Complexionist-Key": key } },
        { method: "POST", mode: "no-cors" as RequestMode },
      ]
    ) {
      try {
        const r = await fetch(`${origin}/api/disconnect?key=${key}`, init);
        out.push(`status ${r.status} ${r.type}`);
      } catch (e) {
        out.push(`error ${e}`);
      }
    }
    return out;
  }, { origin: ui.origin, key: ui.key });
  assert.equal(result.length, 2);
  assert.ok(await storedTokens(w), `the foreign page disconnected nothing (${result.join("; ")})`);
  await page.close();
}
