import assert from "node:assert/strict";
import type { LastSync } from "../store/store.ts";
import { healthOf } from "./health.ts";

const now = Date.UTC(2026, 10, 24, 12);
const day = 24 * 3600_000;

function sync(outcome: LastSync["outcome"], serverName = "Main", error?: string): LastSync {
  return {
    at: now - 3600_000,
    serverName,
    outcome,
    added: { movies: 1, episodes: 2 },
    existing: { movies: 0, episodes: 0 },
    notFound: { movies: 0, episodes: 0 },
    skipped: 0,
    ...(error ? { error } : {}),
  };
}

Deno.test("health: the dot's colour for each case", () => {
  const ok = { connected: true, tokenExpiresAt: now + 5 * day, now };
  const cases: [string, Parameters<typeof healthOf>[0], string, RegExp][] = [
    ["connected, synced", { ...ok, lastSyncs: [sync("success")] }, "green", /succeeded/],
    ["not connected", { connected: false, now, lastSyncs: [sync("success")] }, "red", /not conn/],
    [
      "last sync failed",
      { ...ok, lastSyncs: [sync("success", "A"), sync("failed", "B", "Plex unreachable")] },
      "red",
      /"B" failed: Plex unreachable/,
    ],
    ["partial", { ...ok, lastSyncs: [sync("partial")] }, "amber", /partial/],
    ["interrupted", { ...ok, lastSyncs: [sync("interrupted")] }, "amber", /interrupted/],
    [
      "removal refused",
      {
        ...ok,
        lastSyncs: [{
          ...sync("success"),
          removal: {
            planned: { movies: 60, episodes: 0 },
            removed: { movies: 0, episodes: 0 },
            refused: "60 items would be removed",
          },
        }],
      },
      "amber",
      /"Main" refused to remove anything: 60 items/,
    ],
    ["never synced", { ...ok, lastSyncs: [] }, "amber", /^no sync has run yet$/],
    [
      "only a preview stored (as 0.1.0 stored them)",
      { ...ok, lastSyncs: [sync("dry-run")] },
      "amber",
      /^the last run on record was a preview \(--dry-run\); no sync since$/,
    ],
    [
      "token expiring",
      { ...ok, tokenExpiresAt: now + 3 * 3600_000, lastSyncs: [sync("success")] },
      "amber",
      /expires in 3 h/,
    ],
    [
      "login refused",
      { connected: false, traktError: "Trakt refused to renew the login", now, lastSyncs: [] },
      "red",
      /not connected: Trakt refused to renew/,
    ],
    [
      "Trakt unreachable",
      { ...ok, traktError: "HTTP 503", lastSyncs: [sync("success")] },
      "red",
      /could not be reached: HTTP 503/,
    ],
  ];
  for (const [name, input, dot, reason] of cases) {
    const h = healthOf(input);
    assert.equal(h.dot, dot, name);
    assert.match(h.reasons.join("; "), reason, name);
  }
});

Deno.test("health: red keeps the amber reasons too, red ones first", () => {
  const h = healthOf({ connected: false, now, lastSyncs: [sync("partial")] });
  assert.equal(h.dot, "red");
  assert.deepEqual(h.reasons.length, 2);
  assert.match(h.reasons[0]!, /not connected/);
});
