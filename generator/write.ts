// Stage 5 — write: the whole output folder is built beside the old one and swapped in with two
// renames, so a crash or SIGKILL at any point leaves the previous output (or, between the two
// renames, a `.old` copy that the next run puts back). Bytes are deterministic; a manifest of
// input hashes lets the next run skip what has not changed.
import { createHash } from "node:crypto";
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { BadInputError } from "./errors.js";

export const MANIFEST_FILE = ".xdr-codegen-manifest.json";

/** What the root templates need to know of an API that was not re-rendered this run. */
export interface ApiSummary {
  [key: string]: unknown;
}

export interface ApiManifest {
  /** Hash of every input: spec files, config section, templates, runtime, generator. */
  readonly hash: string;
  /** The spec files read, relative to the output folder, hashed again on the next run. */
  readonly files: readonly string[];
  readonly summary: ApiSummary;
}

export interface Manifest {
  readonly shared: string;
  readonly apis: Readonly<Record<string, ApiManifest>>;
}

export function sha256(...parts: (string | Buffer)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex");
}

const tempPrefix = (outDir: string) => join(dirname(outDir), `.${basename(outDir)}.tmp-`);
const oldPath = (outDir: string) => join(dirname(outDir), `.${basename(outDir)}.old`);

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Finishes or undoes what an interrupted run left: a half-done swap, stale temp folders. */
export async function recover(outDir: string): Promise<void> {
  const old = oldPath(outDir);
  if (await exists(old)) {
    if (await exists(outDir)) await rm(old, { recursive: true, force: true });
    else await rename(old, outDir);
  }
  const prefix = basename(tempPrefix(outDir));
  const siblings = await readdir(dirname(outDir)).catch(() => [] as string[]);
  for (const name of siblings) {
    if (name.startsWith(prefix))
      await rm(join(dirname(outDir), name), { recursive: true, force: true });
  }
}

export async function readManifest(outDir: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(join(outDir, MANIFEST_FILE), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

/**
 * Refuses to replace a folder xdr-codegen did not write (no manifest, and more in it than a
 * README): `--out .` must never wipe a project.
 */
export async function assertReplaceable(outDir: string): Promise<void> {
  const entries = await readdir(outDir).catch(() => undefined);
  if (!entries || entries.includes(MANIFEST_FILE)) return;
  const foreign = entries.filter((e) => e !== "README.md" && e !== ".gitignore");
  if (foreign.length > 0) {
    throw new BadInputError(
      { file: outDir },
      `refusing to replace this folder: it was not written by xdr-codegen (no ${MANIFEST_FILE}) and holds ${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""}`,
    );
  }
}

export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Writes `files`, copies `keep` (paths relative to the current output, files or folders) from
 * the current output, and swaps the result in.
 */
export async function writeOutput(
  outDir: string,
  files: readonly OutputFile[],
  keep: readonly string[],
): Promise<void> {
  const temp = tempPrefix(outDir) + process.pid;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  for (const rel of keep) {
    const from = join(outDir, rel);
    if (await exists(from)) {
      await cp(from, join(temp, rel), { recursive: true, preserveTimestamps: true });
    }
  }
  const dirs = new Set(files.map((f) => dirname(join(temp, f.path))));
  for (const dir of dirs) await mkdir(dir, { recursive: true });
  let written = 0;
  for (const file of files) {
    await writeFile(join(temp, file.path), file.content);
    if (++written === Math.ceil(files.length / 2)) await pausePoint("write");
  }
  await swapIn(temp, outDir);
}

async function swapIn(temp: string, outDir: string): Promise<void> {
  const old = oldPath(outDir);
  if (await exists(outDir)) {
    await rm(old, { recursive: true, force: true });
    await rename(outDir, old);
    await pausePoint("swap");
    await rename(temp, outDir);
    await rm(old, { recursive: true, force: true });
  } else {
    await mkdir(dirname(outDir), { recursive: true });
    await rename(temp, outDir);
  }
}

/**
 * Test seam for the crash-safety tests: with XDR_CODEGEN_TEST_PAUSE=<point> the process stops
 * there (and says so on stderr) until it is killed; with `bug` it throws as a bug would.
 */
async function pausePoint(point: "write" | "swap"): Promise<void> {
  // XDR_CODEGEN_TEST_PAUSE=bug: an unexpected exception, for the test of internal errors.
  if (process.env.XDR_CODEGEN_TEST_PAUSE === "bug" && point === "write") {
    throw new TypeError("simulated bug (XDR_CODEGEN_TEST_PAUSE=bug)");
  }
  if (process.env.XDR_CODEGEN_TEST_PAUSE !== point) return;
  process.stderr.write(`xdr-codegen: paused at ${point}\n`);
  await new Promise(() => setInterval(() => undefined, 1 << 30));
}

/** Every file under `dir`, relative and `/`-separated, with its bytes. */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const result = new Map<string, Buffer>();
  const walk = async (rel: string) => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path);
      else result.set(path, await readFile(join(dir, path)));
    }
  };
  await walk("");
  return result;
}
