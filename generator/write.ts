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
 * README): `--out .` must never wipe a project. Nor may `--out` name a file (it would be
 * replaced by the package) or a path through one.
 */
export async function assertReplaceable(outDir: string): Promise<void> {
  let entries: string[];
  try {
    if (!(await stat(outDir)).isDirectory()) {
      throw new BadInputError({ file: outDir }, "is a file, not a folder: give --out a folder");
    }
    entries = await readdir(outDir);
  } catch (error) {
    if (error instanceof BadInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    // Not there yet: it is created.
    if (code === "ENOENT") return;
    throw await outputError(outDir, error);
  }
  if (entries.includes(MANIFEST_FILE)) return;
  const foreign = entries.filter((e) => e !== "README.md" && e !== ".gitignore");
  if (foreign.length > 0) {
    throw new BadInputError(
      { file: outDir },
      `refusing to replace this folder: it was not written by xdr-codegen (no ${MANIFEST_FILE}) and holds ${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""}`,
    );
  }
}

/**
 * What a file-system error on the output folder means to the user: a path through a file, no
 * permission, a full or read-only disk are the user's to fix (exit 2), not a bug. Anything
 * else is returned as it is, an internal error.
 */
async function outputError(outDir: string, error: unknown): Promise<unknown> {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOTDIR":
    case "EEXIST": {
      const file = await fileOnPath(outDir);
      return new BadInputError(
        { file: outDir },
        file === undefined
          ? `cannot create this folder (${code})`
          : `cannot create this folder: ${file} is a file, not a folder`,
      );
    }
    case "EACCES":
    case "EPERM":
      return new BadInputError(
        { file: outDir },
        "cannot write here: permission denied (on this folder or the one holding it)",
      );
    case "EROFS":
      return new BadInputError({ file: outDir }, "cannot write here: read-only file system");
    case "ENOSPC":
    case "EDQUOT":
      return new BadInputError({ file: outDir }, "cannot write here: no space left on the disk");
    case "ENAMETOOLONG":
      return new BadInputError({ file: outDir }, "the output path is too long");
    case "ELOOP":
      return new BadInputError({ file: outDir }, "the output path loops through symbolic links");
    default:
      return error;
  }
}

/** The nearest ancestor of `path` (or `path` itself) that exists and is not a folder. */
async function fileOnPath(path: string): Promise<string | undefined> {
  for (let at = path; ; at = dirname(at)) {
    const found = await stat(at).catch(() => undefined);
    if (found && !found.isDirectory()) return at;
    if (dirname(at) === at) return undefined;
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
  try {
    await buildAndSwap(temp, outDir, files, keep);
  } catch (error) {
    // The half-built copy goes; the current output is untouched (or, mid-swap, kept as `.old`
    // for the next run's `recover`).
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw await outputError(outDir, error);
  }
}

async function buildAndSwap(
  temp: string,
  outDir: string,
  files: readonly OutputFile[],
  keep: readonly string[],
): Promise<void> {
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
    try {
      await rename(temp, outDir);
    } catch (error) {
      // The previous output goes back where it was.
      await rename(old, outDir).catch(() => undefined);
      throw error;
    }
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
