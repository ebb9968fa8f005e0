/**
 * ssh-style warning for a config file other users can read or change: it holds tokens, and a
 * writable one could point api_url elsewhere and collect them.
 */

/** Quotes a path for a POSIX shell when it needs it. */
function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./~+-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

/**
 * On POSIX, a warning when group or others have any access to the file (mode & 0o077);
 * undefined when the mode is fine, on Windows, or when the file cannot be inspected.
 */
export function configPermissionsWarning(path: string): string | undefined {
  if (Deno.build.os === "windows") return undefined;
  let mode: number | null;
  try {
    mode = Deno.statSync(path).mode;
  } catch {
    return undefined;
  }
  if (mode === null || (mode & 0o077) === 0) return undefined;
  const octal = (mode & 0o777).toString(8).padStart(4, "0");
  const what = (mode & 0o044) !== 0 ? "readable" : "accessible";
  return `${path} is ${what} by other users (mode ${octal}); it holds your Plex token and ` +
    `Trakt app secret. Run: chmod 600 ${shellQuote(path)}`;
}
