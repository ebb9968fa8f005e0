// The dashboard's script: it asks the local complexionist for JSON and draws it. Every text from
// the server goes in with textContent, never as HTML: titles come from Plex and could hold markup.
"use strict";

const KEY = new URL(location.href).searchParams.get("key") ?? "";
const $ = (id) => document.getElementById(id);
const n = (x) => Number(x ?? 0).toLocaleString("en-US");
/** "1 movie", "2 movies", "1 episode"… */
const count = (x, one, many = `${one}s`) => `${n(x)} ${Number(x) === 1 ? one : many}`;
const movEp = (c) => `${count(c.movies, "movie")}, ${count(c.episodes, "episode")}`;

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: {
      "X-Complexionist-Key": KEY,
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  let data = {};
  try {
    data = await res.json();
  } catch {
    data = { error: `The dashboard answered HTTP ${res.status}.` };
  }
  return { ok: res.ok, status: res.status, data };
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function facts(dl, rows) {
  dl.replaceChildren();
  for (const [term, value] of rows) {
    if (value === undefined || value === null) continue;
    dl.append(el("dt", term), el("dd", String(value)));
  }
}

function notice(text) {
  const p = $("notice");
  p.textContent = text ?? "";
  p.hidden = !text;
}

function when(iso) {
  if (!iso) return "never";
  const d = new Date(iso);
  return `${d.toLocaleString()} (${ago(Date.now() - d.getTime())})`;
}

function ago(ms) {
  const m = Math.round(ms / 60000);
  if (m < 1) return "just now";
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  return h < 48 ? `${h} h ago` : `${Math.round(h / 24)} days ago`;
}

function idsText(ids) {
  return Object.entries(ids ?? {}).map(([k, v]) => `${k} ${v}`).join(", ");
}

// --- Status -------------------------------------------------------------------------------------

let status;
let job;

async function loadStatus() {
  const r = await api("GET", "/api/status");
  if (!r.ok) {
    // Say so where the status would be: a page stuck on "Loading…" explains nothing.
    $("dot").dataset.dot = "red";
    $("health-text").textContent = `Needs action: ${r.data.error}`;
    return;
  }
  status = r.data;
  $("dot").dataset.dot = status.dot;
  $("dot").title = status.dot;
  const label = { green: "All good", amber: "Needs a look", red: "Needs action" }[status.dot];
  $("health-text").textContent = `${label}: ${status.reasons.join("; ")}`;
  renderTrakt(status.trakt);
  renderServers(status.servers);
  renderRunning();
}

function renderTrakt(t) {
  const details = $("trakt-details");
  $("connect").hidden = t.connected;
  $("disconnect").hidden = !t.connected;
  if (!t.connected) {
    $("trakt-summary").textContent = t.error
      ? `Not connected: ${t.error}`
      : "Not connected. Connect Trakt to sync your collection.";
    details.hidden = true;
    return;
  }
  if (t.error && !t.username) {
    $("trakt-summary").textContent = `Connected, but Trakt could not be reached: ${t.error}`;
    details.hidden = true;
    return;
  }
  $("trakt-summary").textContent = `Connected as ${t.username}`;
  details.hidden = false;
  facts(details, [
    ["Account", t.vip ? "VIP" : "free"],
    [
      "Collection",
      `${movEp(t.collection)} of ${count(t.collection.shows, "show")}`,
    ],
    [
      "Account limit",
      `${n(t.account_limit.headroom)} items left of ${n(t.account_limit.limit)} ` +
      `(${n(t.account_limit.collected)} collected)`,
    ],
    [
      "Token",
      `valid until ${new Date(t.token_expires_at).toLocaleString()}, renewed automatically`,
    ],
  ]);
}

function renderServers(servers) {
  const list = $("server-list");
  list.replaceChildren();
  if (servers.length === 0) {
    list.append(el("p", "No Plex server is configured.", { class: "hint" }));
  }
  for (const s of servers) {
    const box = el("div", undefined, { class: "server", "data-server": s.name });
    const head = el("h3");
    head.append(
      el("span", "", {
        class: "dot",
        "data-dot": s.reachable ? "green" : "red",
        "aria-hidden": "true",
      }),
      el("span", s.name),
    );
    box.append(head);
    const dl = el("dl", undefined, { class: "facts" });
    const last = s.last_sync;
    facts(
      dl,
      [
        ["Address", s.url],
        [
          "Reachable",
          s.reachable ? `yes${s.version ? ` (Plex ${s.version})` : ""}` : `no: ${s.error}`,
        ],
        ["Last sync", last ? `${when(last.at)}: ${last.outcome}` : "never"],
        last?.servers ? ["Counted for", `one run of ${last.servers.join(", ")}`] : [],
        last ? ["Added", movEp(last.added)] : [],
        last ? ["Already on Trakt", movEp(last.existing)] : [],
        last ? ["Not found on Trakt", movEp(last.notFound)] : [],
        last && last.error ? ["Error", last.error] : [],
      ].filter((r) => r.length),
    );
    box.append(dl);
    const items = last?.not_found_items;
    if (items && items.total > 0) box.append(notFoundList(items));
    list.append(box);
  }
}

function notFoundList(items) {
  const details = el("details", undefined, { class: "not-found" });
  details.append(
    el("summary", `Show the ${count(items.total, "item")} Trakt did not find`),
  );
  const ul = el("ul");
  for (const m of items.movies) {
    ul.append(el("li", `${m.title}${m.year ? ` (${m.year})` : ""}: ${idsText(m.ids)}`));
  }
  for (const e of items.episodes) {
    const code = `S${String(e.season).padStart(2, "0")}E${String(e.number).padStart(2, "0")}`;
    ul.append(el("li", `${e.show} ${code}: ${idsText(e.ids)}`));
  }
  const shown = items.movies.length + items.episodes.length;
  if (shown < items.total) ul.append(el("li", `… and ${n(items.total - shown)} more`));
  details.append(ul);
  return details;
}

function renderRunning() {
  const running = status?.running;
  const ours = job?.state === "running";
  $("running").hidden = !running || ours;
  if (running && !ours) {
    const since = running.since ? `, since ${when(running.since)}` : "";
    $("running").textContent = running.disconnecting
      ? `Trakt is being disconnected${since}.`
      : `A sync is running: ${running.owner}${since}.`;
  }
  $("sync-now").disabled = ours || !status?.trakt.connected;
}

// --- Settings -----------------------------------------------------------------------------------

function renderSettings(s) {
  $("config-path").textContent = s.config_path ?? "the config file";
  const rows = [["Config file", s.config_path]];
  if (s.config_error) rows.push(["Error", s.config_error]);
  for (const server of s.servers) {
    rows.push([`Plex server ${server.index}`, `${server.name}: ${server.url}`]);
  }
  if (s.trakt) {
    rows.push(["Trakt app (client id)", s.trakt.client_id ?? "not set"]);
    rows.push(["Trakt API", s.trakt.api_url]);
    rows.push(["Write interval", `${n(s.trakt.write_interval_ms)} ms`]);
  }
  rows.push(["Token store", s.store_path]);
  facts($("settings-facts"), rows);
}

async function loadSettings() {
  const r = await api("GET", "/api/settings");
  if (r.ok) renderSettings(r.data);
}

$("reload").addEventListener("click", async () => {
  const r = await api("POST", "/api/reload");
  if (!r.ok) return notice(r.data.error);
  renderSettings(r.data);
  notice(r.data.config_error ? `The config file has an error: ${r.data.config_error}` : "");
  await loadStatus();
});

// --- Connect and disconnect ---------------------------------------------------------------------

const connectDialog = $("connect-dialog");

function showConnect(c) {
  const pending = c.state === "pending";
  $("connect-pending").hidden = !pending;
  $("connect-message").hidden = pending;
  $("connect-retry").hidden = pending;
  $("connect-close").textContent = pending ? "Cancel" : "Close";
  if (pending) {
    $("connect-link").href = c.link;
    $("connect-link").textContent = c.verification_url;
    $("connect-code").textContent = c.user_code;
    const left = Math.max(0, Math.round((new Date(c.expires_at).getTime() - Date.now()) / 1000));
    $("connect-wait").textContent = `Waiting for you to approve on Trakt… (the code expires in ${
      Math.ceil(left / 60)
    } min)`;
  } else {
    $("connect-message").textContent = c.message ?? "";
  }
}

async function connect() {
  // A second click before the code arrives would only ask for the same code again.
  $("connect").disabled = true;
  $("connect-retry").disabled = true;
  const r = await api("POST", "/api/connect").finally(() => {
    $("connect").disabled = false;
    $("connect-retry").disabled = false;
  });
  if (!r.ok) {
    showConnect({ state: "failed", message: r.data.error });
    if (!connectDialog.open) connectDialog.showModal();
    return;
  }
  showConnect(r.data);
  if (!connectDialog.open) connectDialog.showModal();
  for (let c = r.data; c.state === "pending";) {
    await wait(1000);
    if (!connectDialog.open) return;
    const poll = await api("GET", "/api/connect");
    c = poll.ok ? poll.data : { state: "failed", message: poll.data.error };
    if (c.state === "connected") {
      connectDialog.close();
      notice(`Connected to Trakt as ${c.username}.`);
      await loadStatus();
      return;
    }
    showConnect(c);
  }
}

$("connect").addEventListener("click", connect);
$("connect-retry").addEventListener("click", connect);
$("connect-close").addEventListener("click", async () => {
  await api("POST", "/api/connect/cancel");
  connectDialog.close();
});
connectDialog.addEventListener("cancel", () => void api("POST", "/api/connect/cancel"));

const disconnectDialog = $("disconnect-dialog");
$("disconnect").addEventListener("click", () => disconnectDialog.showModal());
$("disconnect-cancel").addEventListener("click", () => disconnectDialog.close());
$("disconnect-confirm").addEventListener("click", async () => {
  const r = await api("POST", "/api/disconnect");
  disconnectDialog.close();
  if (!r.ok) return notice(r.data.error);
  notice(
    r.data.warning ??
      `Disconnected from Trakt${r.data.username ? ` (${r.data.username})` : ""}.`,
  );
  await loadStatus();
});

// --- Sync now: a preview, then the real sync ------------------------------------------------------

async function startJob(kind) {
  notice("");
  $("preview").hidden = true;
  $("report").hidden = true;
  const r = await api("POST", "/api/jobs", { kind });
  if (!r.ok) return notice(r.data.error);
  job = r.data.job;
  await follow();
}

async function follow() {
  $("progress").hidden = false;
  renderRunning();
  while (job && job.state === "running") {
    renderProgress(job);
    await wait(400);
    job = (await api("GET", "/api/job")).data.job;
  }
  $("progress").hidden = true;
  renderRunning();
  if (!job) return;
  if (job.state !== "done") {
    // Without a report the run's warnings (a server left out, say) still belong on the page.
    const warnings = job.summary ? "" : job.warnings.map((w) => `\n• ${w}`).join("");
    notice((job.error?.message ?? `The ${job.kind} stopped.`) + warnings);
    if (job.summary && job.kind === "sync") renderReport(job);
  } else if (job.kind === "preview") renderPreview(job);
  else renderReport(job);
  await loadStatus();
}

function renderProgress(j) {
  $("progress-text").textContent = j.progress.text;
  const bar = $("progress-bar");
  if (j.progress.total) {
    bar.max = j.progress.total;
    bar.value = j.progress.done;
  } else bar.removeAttribute("value");
  $("progress-log").replaceChildren(...j.log.map((line) => el("li", line)));
}

function renderPreview(j) {
  const s = j.summary;
  const planned = s.planned.movies + s.planned.episodes;
  $("preview").hidden = false;
  $("preview-text").textContent = planned === 0
    ? `Nothing to send: Trakt already has everything it can match (${movEp(s.plex)} on Plex).`
    : `To add: ${count(s.planned.movies, "movie")} and ${count(s.planned.episodes, "episode")}. ` +
      `Already on Trakt: ${movEp(s.existing)}. Skipped (no usable id): ${n(s.skipped.length)}.`;
  $("sync-confirm").hidden = planned === 0;
  $("sync-cancel").textContent = planned === 0 ? "Close" : "Cancel";
}

function renderReport(j) {
  const s = j.summary;
  $("report").hidden = false;
  $("report-title").textContent = j.state === "done" ? "Sync finished" : "Sync stopped";
  const notFound = s.not_found.movies.length + s.not_found.episodes.length;
  facts($("report-facts"), [
    ["Added", movEp(s.added)],
    ["Already on Trakt", movEp(s.existing)],
    ["Not found on Trakt", n(notFound)],
    ["Skipped (no usable id)", n(s.skipped.length)],
    ["Took", `${(s.duration_ms / 1000).toFixed(1)} s`],
  ]);
  $("report-warnings").replaceChildren(...j.warnings.map((w) => el("li", w)));
}

$("sync-now").addEventListener("click", () => startJob("preview"));
$("sync-confirm").addEventListener("click", () => startJob("sync"));
$("sync-cancel").addEventListener("click", () => {
  $("preview").hidden = true;
});

// --- Start --------------------------------------------------------------------------------------

// Now and then, so that a sync of the timer or a terminal shows up without a reload.
setInterval(() => {
  if (document.visibilityState === "visible" && job?.state !== "running") loadStatus();
}, 30_000);

(async () => {
  await Promise.all([loadStatus(), loadSettings()]);
  job = (await api("GET", "/api/job")).data.job;
  if (job?.state === "running") await follow();
})();
