/**
 * Status handling shared by every Trakt call: turns answers into typed errors with a next
 * step, and checks JSON against its schema at the boundary.
 */
import type { z } from "zod";
import { AccountLimitError, AuthError, RemoteError, UsageError } from "../errors.ts";
import type { HttpResponse } from "../http/client.ts";
import { cloudflareRayId, describeBody } from "../http/errors_body.ts";

type Models = typeof import("./models.ts");

/**
 * The answer's JSON checked against `schema`. `byHand`, where given, is a faster reader of the
 * same schema that may give up (undefined); zod then decides and names any problem.
 */
export function parseTraktJson<T extends z.ZodType>(
  res: HttpResponse,
  schema: T,
  what: string,
  byHand?: (data: unknown) => z.infer<T> | undefined,
): z.infer<T> {
  const data = jsonOf(res, what);
  const fast = byHand?.(data);
  return fast !== undefined ? fast : shaped(data, schema, what, res.status);
}

/**
 * `parseTraktJson` with the schema picked from models.ts, which is loaded (and zod with it,
 * about 7 MiB of memory) only when `byHand` gives up or there is none: a sync reads every
 * answer by hand unless one is malformed.
 */
export async function readTraktJson<T extends z.ZodType>(
  res: HttpResponse,
  pick: (models: Models) => T,
  what: string,
  byHand?: (data: unknown) => z.infer<T> | undefined,
): Promise<z.infer<T>> {
  const data = jsonOf(res, what);
  const fast = byHand?.(data);
  return fast !== undefined
    ? fast
    : shaped(data, pick(await import("./models.ts")), what, res.status);
}

function jsonOf(res: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(res.text);
  } catch {
    throw new RemoteError(
      `Trakt answered ${what} with ${
        describeBody(res.text, res.headers.get("content-type"))
      } instead of JSON (HTTP ${res.status}). Try again later; if it persists, check https://status.trakt.tv`,
      "trakt",
      res.status,
    );
  }
}

function shaped<T extends z.ZodType>(
  data: unknown,
  schema: T,
  what: string,
  status: number,
): z.infer<T> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "unknown";
    throw new RemoteError(
      `Trakt's answer to ${what} does not have the expected shape (${where}). ` +
        `Try again later; if it persists, report it with --verbose output`,
      "trakt",
      status,
    );
  }
  return parsed.data;
}

/**
 * Cloudflare's own HTML page (403, 429, 5xx with a Ray ID) in front of Trakt, as the error to
 * report (trakt-api.md §11): not Trakt's verdict on the request, whatever the status says.
 */
export function cloudflareBlock(res: HttpResponse, what: string): RemoteError | undefined {
  const { status, headers, text } = res;
  const ray = status === 403 || status === 429 || status >= 500
    ? cloudflareRayId(headers, text)
    : undefined;
  if (!ray || !/html/i.test(headers.get("content-type") ?? "")) return undefined;
  const rayId = ray === "unknown" ? "" : `, Ray ID ${ray}`;
  if (status >= 500) {
    // 520–524 and Cloudflare's own 5xx pages: Trakt's servers did not answer it, nothing was
    // blocked (trakt-api.md §10 treats them as 502–504).
    return new RemoteError(
      `Trakt did not answer ${what}: its Cloudflare front answered for it (HTTP ${status}` +
        `${rayId}). Try again later; Trakt's status is at https://status.trakt.tv`,
      "trakt",
      status,
    );
  }
  return new RemoteError(
    `Trakt's Cloudflare blocked ${what} (HTTP ${status}${rayId}). ` +
      `Wait and try again; if it persists, contact Trakt support${rayId ? " with the Ray ID" : ""}`,
    "trakt",
    status,
  );
}

/** Throws the typed error for a non-success status of an API (not OAuth) call. */
export function throwForStatus(res: HttpResponse, what: string): never {
  const { status, headers, text } = res;
  const blocked = cloudflareBlock(res, what);
  if (blocked) throw blocked;
  switch (status) {
    case 401:
      throw new AuthError(
        `Trakt refused the stored login for ${what} (HTTP 401). Run \`complexionist trakt auth\``,
      );
    case 403:
      throw new UsageError(
        `Trakt refused the app credentials for ${what} (HTTP 403). Check [trakt] client_id in ` +
          "complexionist.ini (or $TRAKT_CLIENT_ID, which overrides it) against " +
          "https://app.trakt.tv/settings/apps",
      );
    case 420: {
      const limit = Number(headers.get("x-account-limit") ?? NaN);
      const vip = headers.get("x-vip-user") === "true";
      throw new AccountLimitError(
        `Trakt refused ${what}: the account's collection limit${
          Number.isFinite(limit) ? ` of ${limit} items` : ""
        } is reached (HTTP 420). ${
          vip ? "Remove items from the collection" : "Upgrade to Trakt VIP or remove items"
        } (${headers.get("x-upgrade-url") ?? "https://app.trakt.tv/vip"})`,
        Number.isFinite(limit) ? limit : undefined,
      );
    }
    case 423:
      throw new AuthError(
        `Trakt says the account is ${
          headers.get("x-account-deactivated") === "true" ? "deactivated" : "locked"
        } (HTTP 423). Contact Trakt support (https://trakt.tv/support)`,
      );
    case 412:
    case 422:
    case 400:
      throw new RemoteError(
        `Trakt rejected ${what} as malformed (HTTP ${status}: ${
          describeBody(text, headers.get("content-type"))
        }). This is a bug in complexionist: please report it with --verbose output`,
        "trakt",
        status,
      );
    default:
      throw new RemoteError(
        `Trakt failed ${what} (HTTP ${status}: ${
          describeBody(text, headers.get("content-type"))
        }). Try again later; Trakt's status is at https://status.trakt.tv`,
        "trakt",
        status,
      );
  }
}
