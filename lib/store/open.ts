/**
 * Opening the store with private file modes (design §5): the folder is created 0700 and the KV
 * file is created 0600 BEFORE Deno.openKv opens it, because SQLite gives its -wal and -shm files
 * the database file's mode. Nothing is left to the umask. Windows has no POSIX modes: skipped.
 */
import { dirname, resolve } from "node:path";
import { UsageError } from "../errors.ts";
import { retryLocked, StoreBusyError, StoreWriteError } from "./locked.ts";

const POSIX = Deno.build.os !== "windows";

/** What SQLite (through Deno KV) says of a file that is not, or no longer, a KV database. */
const DAMAGED = /not a database|malformed|corrupt|encrypted|Invalid column type/i;

/** Builds the message for a store that cannot be opened: the path, the cause, the fixes. */
function openError(path: string, err: unknown): UsageError {
  const reason = err instanceof Error ? err.message : String(err);
  if (DAMAGED.test(reason)) {
    return new UsageError(
      `The token store ${path} is damaged or is not a complexionist store (${reason}). Move ` +
        "it aside (keep it, for the record), then run `complexionist trakt auth` to log in " +
        "again: the next sync compares everything, and nothing on Trakt is lost",
      { cause: err },
    );
  }
  return new UsageError(
    `Cannot open the token store ${path}: ${reason}. Check that you own this file and its ` +
      "folder and can write to both (folder 0700, file 0600), or choose another file with " +
      "`token_store = PATH` under [trakt] in complexionist.ini or $COMPLEXIONIST_STORE",
    { cause: err },
  );
}

async function exists(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/**
 * Creates the folder (0700) and the empty KV file (0600) when missing, and tightens a KV file
 * (and its -wal/-shm) left readable by group or others. A folder that already existed is left
 * as it is: it may be the user's home or a systemd StateDirectory with its own policy.
 */
export async function prepareStoreFiles(path: string): Promise<void> {
  const dir = dirname(resolve(path));
  if (!(await exists(dir))) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode passes through the umask; set it exactly.
    if (POSIX) await Deno.chmod(dir, 0o700);
  }
  // An empty file is a valid empty SQLite database; creating it here fixes its mode.
  const file = await Deno.open(path, { create: true, write: true, mode: 0o600 });
  file.close();
  if (!POSIX) return;
  for (const p of [path, `${path}-wal`, `${path}-shm`]) {
    const info = await exists(p);
    if (info?.mode != null && (info.mode & 0o077) !== 0) await Deno.chmod(p, 0o600);
  }
}

/**
 * Prepares the files and opens the Deno KV database at `path`. Any failure becomes a UsageError
 * that names the path and the fix; a store locked too long by another process is a
 * StoreBusyError. `openStore` (store.ts) wraps the result in a Store.
 */
export async function openKvFile(path: string): Promise<Deno.Kv> {
  try {
    await prepareStoreFiles(path);
    // Opening runs SQLite's schema setup, which a second process can find locked too.
    return await retryLocked(() => Deno.openKv(path), { path });
  } catch (err) {
    if (err instanceof StoreBusyError) throw err;
    // Opening has its own advice (ownership, another path): give it SQLite's own words.
    throw openError(path, err instanceof StoreWriteError ? err.cause : err);
  }
}
