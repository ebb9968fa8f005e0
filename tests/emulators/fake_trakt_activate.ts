/**
 * The emulator's stand-in for https://trakt.tv/activate: a page where a person (the demo's
 * user, or a browser test) enters the code and approves or denies the device login. The real
 * page is Trakt's website, not its API, so this only mimics the choice, not the look.
 */
import type { LoggedRequest } from "./fake_trakt.ts";

type Decide = (userCode: string, decision: "approve" | "deny") => boolean;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string, status = 200): Response {
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>` +
      `<style>body{font:16px system-ui,sans-serif;max-width:30rem;margin:3rem auto}` +
      `button{font:inherit;padding:.4rem 1rem;margin-right:.5rem}</style></head>` +
      `<body><h1>${escape(title)}</h1>${body}</body></html>`,
    { status, headers: { "Content-Type": "text/html; charset=utf-8" } },
  );
}

export function activationPage(entry: LoggedRequest, decide: Decide): Response {
  const code = /^\/activate\/([A-Za-z0-9]+)$/.exec(entry.path)?.[1]?.toUpperCase() ??
    entry.query.get("code")?.toUpperCase();
  if (!code) {
    return page(
      "Activate a device (Trakt emulator)",
      `<form method="get" action="/activate"><label>Code <input name="code" autofocus></label> ` +
        `<button>Continue</button></form>`,
    );
  }
  if (entry.method === "POST") {
    const decision = new URLSearchParams(entry.bodyText).get("decision");
    if (decision !== "approve" && decision !== "deny") {
      return page("Activate", "<p>Choose Yes or No.</p>", 400);
    }
    if (!decide(code, decision)) {
      return page("Activate", `<p>No device is waiting for the code ${escape(code)}.</p>`, 404);
    }
    return page(
      decision === "approve" ? "Device approved" : "Device denied",
      `<p id="result">${
        decision === "approve" ? "complexionist may now use your account." : "Access denied."
      } You can close this tab.</p>`,
    );
  }
  return page(
    "Activate a device (Trakt emulator)",
    `<p>complexionist wants to use your Trakt account. Code: <strong id="code">${
      escape(code)
    }</strong></p>` +
      `<form method="post" action="/activate/${escape(code)}">` +
      `<button name="decision" value="approve">Yes</button>` +
      `<button name="decision" value="deny">No</button></form>`,
  );
}
