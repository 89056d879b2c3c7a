// The release state file (`xdr-codegen.config.json` → `xdr-codegen.release.json`): its shape, how
// it is read (every mistake one BadInputError with the file and a JSON pointer) and written.
//
// It is committed, so it must hold nothing taken from a downloaded (third-party) document:
// - a hand-written spec (iroh, ctia, conure and the APIs derived from them) keeps a snapshot of
//   its SDK surface, so that `generate` can rate the next change of the spec;
// - a downloaded spec (Automation) keeps only the sha256 of its lock (already in the committed
//   lock file) and a hash of our own config section. Its changes are rated by `fetch-spec
//   --accept`, the one moment both documents are at hand, and wait in `pending` for `generate`.
import { createHash, randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type { ApiConfig, Config } from "./config.js";
import type { ApiDiff, Bump } from "./diff.js";
import type { ApiSurface } from "./diff-surface.js";
import { BadInputError, toPointer } from "./errors.js";

export interface ReleaseEntry {
  version: string;
  /** YYYY-MM-DD, from SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC). */
  date: string;
  bump: Bump;
  apis: ApiDiff[];
  /**
   * Changes no spec diff can see, written by the maintainer who made them: the generated code's
   * own surface (a type, an entry point). Listed first in the changelog entry.
   */
  notes?: string[];
}

/** A hand-written spec: a hash of its inputs and the surface they gave (see encodeSurface). */
export interface SnapshotRecord {
  inputs: string;
  surface: string;
}

/** A downloaded spec: the lock's sha256 and a hash of the config fields that shape the SDK. */
export interface LockRecord {
  lock: string;
  config: string;
}

export type ApiRecord = SnapshotRecord | LockRecord;

/** A change rated by `fetch-spec --accept`, released by the next `generate`. */
export interface PendingChange {
  bump: Bump;
  diff: ApiDiff;
}

export interface ReleaseState {
  version: string;
  apis: Record<string, ApiRecord>;
  /** Oldest first; absent (not written) when empty. */
  pending?: PendingChange[];
  /** Newest first. */
  entries: ReleaseEntry[];
}

export const isLockRecord = (r: ApiRecord | undefined): r is LockRecord =>
  r !== undefined && "lock" in r;

/** `foo.config.json` → `foo.release.json`; no release tracking for other configs (`--input`). */
export function releaseFileOf(config: Config): string | undefined {
  const name = basename(config.file);
  if (!name.endsWith(".config.json")) return undefined;
  return join(dirname(config.file), name.replace(/\.config\.json$/, ".release.json"));
}

/** Whether releases are tracked: a state file exists, or the config is XDR's (then one is made). */
export async function tracksReleases(config: Config): Promise<boolean> {
  return releaseFileOf(config) !== undefined && (config.xdr || !!(await readRelease(config)));
}

export async function readRelease(config: Config): Promise<ReleaseState | undefined> {
  const file = releaseFileOf(config);
  if (file === undefined) return undefined;
  const shown = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new BadInputError({ file: shown }, `cannot read the release state: ${String(error)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BadInputError({ file: shown }, `malformed JSON: ${(error as Error).message}`);
  }
  const fail = (path: (string | number)[], reason: string): never => {
    throw new BadInputError({ file: shown, pointer: toPointer(path) }, reason);
  };
  const obj = (v: unknown, path: (string | number)[]) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : fail(path, "expected an object");
  const str = (v: unknown, path: (string | number)[]) =>
    typeof v !== "string" && fail(path, "expected a string");
  const root = obj(raw, []);
  if (typeof root.version !== "string" || !/^\d+\.\d+\.\d+/.test(root.version)) {
    fail(["version"], "expected a semver version such as 1.2.3");
  }
  const apis = obj(root.apis ?? {}, ["apis"]);
  for (const [name, api] of Object.entries(apis)) {
    const a = obj(api, ["apis", name]);
    for (const key of "lock" in a ? ["lock", "config"] : ["inputs", "surface"]) {
      str(a[key], ["apis", name, key]);
    }
  }
  const list = (key: "entries" | "pending") => {
    const value = root[key] ?? [];
    return Array.isArray(value) ? (value as unknown[]) : fail([key], "expected an array");
  };
  const entries = list("entries");
  entries.forEach((e, i) => {
    const entry = obj(e, ["entries", i]);
    str(entry.version, ["entries", i, "version"]);
    if (!Array.isArray(entry.apis)) fail(["entries", i, "apis"], "expected an array");
    if (entry.notes !== undefined) {
      if (!Array.isArray(entry.notes)) fail(["entries", i, "notes"], "expected an array");
      (entry.notes as unknown[]).forEach((n, j) => str(n, ["entries", i, "notes", j]));
    }
  });
  const pending = list("pending");
  pending.forEach((p, i) => {
    const change = obj(p, ["pending", i]);
    str(change.bump, ["pending", i, "bump"]);
    const diff = obj(change.diff, ["pending", i, "diff"]);
    str(diff.api, ["pending", i, "diff", "api"]);
    if (!Array.isArray(diff.changes)) fail(["pending", i, "diff", "changes"], "expected an array");
  });
  return {
    version: root.version as string,
    // API names are config keys: a null prototype keeps `constructor` an ordinary name.
    apis: Object.assign(Object.create(null), apis) as ReleaseState["apis"],
    ...(pending.length > 0 ? { pending: pending as PendingChange[] } : {}),
    entries: entries as ReleaseEntry[],
  };
}

/** Stable key order (version, apis, pending, entries), two-space JSON, final newline. */
export async function writeRelease(file: string, state: ReleaseState): Promise<void> {
  const ordered = {
    version: state.version,
    apis: Object.fromEntries(Object.keys(state.apis).map((k) => [k, state.apis[k]])),
    ...(state.pending?.length ? { pending: state.pending } : {}),
    entries: state.entries,
  };
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await writeFile(tmp, JSON.stringify(ordered, null, 2) + "\n");
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * The whole surface of CTIA is 1.6 MB of JSON (its entities repeat under 250 methods) and 90 KB
 * gzipped: a snapshot is machine state, so it is kept small rather than readable.
 */
export function encodeSurface(surface: ApiSurface): string {
  return gzipSync(JSON.stringify(surface), { level: 9 }).toString("base64");
}

export function decodeSurface(encoded: string): ApiSurface {
  const surface = JSON.parse(
    gunzipSync(Buffer.from(encoded, "base64")).toString("utf8"),
  ) as ApiSurface;
  // Method names and field names come from specs: keep them off Object.prototype.
  return { ...surface, methods: Object.assign(Object.create(null), surface.methods) };
}

/** The API's config section, with paths relative to the config so that clones agree. */
function portableSection(config: Config, api: ApiConfig): Record<string, unknown> {
  const rel = (p: string) => relative(config.dir, p).split("\\").join("/");
  return {
    ...api,
    spec: rel(api.spec),
    fetch: api.fetch && { ...api.fetch, lock: rel(api.fetch.lock) },
  };
}

/** A hand-written spec's inputs: its bytes and the API's config section. */
export async function inputsHash(config: Config, api: ApiConfig): Promise<string> {
  const hash = createHash("sha256");
  hash.update(JSON.stringify(portableSection(config, api)));
  hash.update(await readFile(api.spec).catch(() => Buffer.from("missing")));
  return hash.digest("hex");
}

/**
 * A downloaded spec's config, without the fields that cannot change its SDK surface (where the
 * spec comes from, hosts, retry safety, rate limits, the docs title): a change of what is left
 * (names, scopes, paging, derive…) is a change for callers that `generate` must rate.
 */
export function surfaceConfigHash(config: Config, api: ApiConfig): string {
  const section = portableSection(config, api);
  for (const key of ["spec", "fetch", "servers", "safe", "rateLimits", "title"]) {
    delete section[key];
  }
  return createHash("sha256").update(JSON.stringify(section)).digest("hex");
}
