// The package's release state: its version, the SDK surface each API had when that version was
// written, and the changelog. It lives beside the config (`xdr-codegen.config.json` →
// `xdr-codegen.release.json`) and is committed, so that rendering stays a pure function of
// committed files: `generate` updates it after a spec change (diff, bump, entry) and `check`
// only reads it. Keeping the last surface as a snapshot means a change can be explained even
// when the previous spec is gone (fetch-spec replaces the Automation document in place).
import { createHash, randomBytes } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import type { ApiConfig, Config } from "./config.js";
import { diffApi, nextVersion, suggestBump, type ApiDiff, type Bump } from "./diff.js";
import { apiSection } from "./diff-report.js";
import { buildSurface, type ApiSurface } from "./diff-surface.js";
import { BadInputError, toPointer } from "./errors.js";
import { verifySpecAgainstLock } from "./fetch-spec.js";
import { loadSpec } from "./load.js";
import type { RenderedFile } from "./render.js";

export interface ReleaseEntry {
  version: string;
  /** YYYY-MM-DD, from SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC). */
  date: string;
  bump: Bump;
  apis: ApiDiff[];
}

export interface ReleaseState {
  version: string;
  /**
   * Per API: a hash of its inputs (spec bytes, API config), and the surface they gave, gzipped
   * and base64-encoded (see {@link encodeSurface}).
   */
  apis: Record<string, { inputs: string; surface: string }>;
  /** Newest first. */
  entries: ReleaseEntry[];
}

/** `foo.config.json` → `foo.release.json`; no release tracking for other configs (`--input`). */
export function releaseFileOf(config: Config): string | undefined {
  const name = basename(config.file);
  if (!name.endsWith(".config.json")) return undefined;
  return join(dirname(config.file), name.replace(/\.config\.json$/, ".release.json"));
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
  const root = obj(raw, []);
  if (typeof root.version !== "string" || !/^\d+\.\d+\.\d+/.test(root.version)) {
    fail(["version"], "expected a semver version such as 1.2.3");
  }
  const apis = obj(root.apis ?? {}, ["apis"]);
  for (const [name, api] of Object.entries(apis)) {
    const a = obj(api, ["apis", name]);
    if (typeof a.inputs !== "string") fail(["apis", name, "inputs"], "expected a string");
    if (typeof a.surface !== "string") fail(["apis", name, "surface"], "expected a string");
  }
  const entries = root.entries ?? [];
  if (!Array.isArray(entries)) fail(["entries"], "expected an array");
  (entries as unknown[]).forEach((e, i) => {
    const entry = obj(e, ["entries", i]);
    if (typeof entry.version !== "string") fail(["entries", i, "version"], "expected a string");
    if (!Array.isArray(entry.apis)) fail(["entries", i, "apis"], "expected an array");
  });
  return {
    version: root.version as string,
    // API names are config keys: a null prototype keeps `constructor` an ordinary name.
    apis: Object.assign(Object.create(null), apis) as ReleaseState["apis"],
    entries: entries as ReleaseEntry[],
  };
}

/**
 * The version `generate` writes: the release state's, unless the config names a higher one (a
 * maintainer's manual bump wins, and the next automatic bump starts from it).
 */
export async function releasedConfig(config: Config): Promise<Config> {
  const state = await readRelease(config);
  if (!state) return config;
  const version = higher(state.version, config.package.version);
  return { ...config, package: { ...config.package, version } };
}

/**
 * What the package files take from the release state (version and entries), for generate's
 * input hash: a new snapshot alone changes no output, so it must not force a regeneration.
 */
export async function releaseHash(config: Config): Promise<string> {
  const state = await readRelease(config);
  return createHash("sha256")
    .update(state ? JSON.stringify([state.version, state.entries]) : "no release state")
    .digest("hex");
}

/** CHANGELOG.md for the package, when the release state has entries. */
export async function changelogFiles(config: Config): Promise<RenderedFile[]> {
  const state = await readRelease(config);
  if (!state || state.entries.length === 0) return [];
  return [{ path: "CHANGELOG.md", content: changelogMarkdown(config, state), format: false }];
}

export function changelogMarkdown(config: Config, state: ReleaseState): string {
  const lines = [
    "# Changelog",
    "",
    `Changes to the API surface of ${config.package.name}, written by xdr-codegen when a spec ` +
      "changes. A breaking change bumps the major version (the minor below 1.0.0), an addition " +
      "the minor, anything else the patch.",
  ];
  for (const entry of state.entries) {
    lines.push("", `## ${entry.version} (${entry.date})`);
    for (const api of entry.apis) {
      if (api.changes.length > 0) lines.push("", ...apiSection(api, "###"));
    }
  }
  return lines.join("\n") + "\n";
}

export interface UpdateReleaseOptions {
  readonly config: Config;
  readonly log: (line: string) => void;
  /** Only these APIs (generate's `[apis…]`); default all. */
  readonly only?: readonly string[];
  readonly fetchMissingSpec?: (api: ApiConfig) => Promise<void>;
  readonly now?: () => Date;
  /** Leave the state alone (watch mode: each save would be a release). */
  readonly skip?: boolean;
}

/**
 * After a spec change: compares each changed API's surface with its snapshot, and when the SDK
 * surface changed, bumps the version by the suggested level and adds a changelog entry. Creates
 * the state for an XDR config that has none (a baseline: no entry). Returns the new entry.
 */
export async function updateRelease(
  options: UpdateReleaseOptions,
): Promise<ReleaseEntry | undefined> {
  const { config } = options;
  const file = releaseFileOf(config);
  if (file === undefined || options.skip) return undefined;
  const existing = await readRelease(config);
  if (!existing && !config.xdr) return undefined;
  const state: ReleaseState = existing ?? {
    version: config.package.version,
    apis: Object.create(null),
    entries: [],
  };
  const before = JSON.stringify(state);

  const diffs: ApiDiff[] = [];
  // A state without snapshots is a baseline: every API is recorded, none reported as added.
  const fresh = Object.keys(state.apis).length === 0;
  for (const api of config.apis) {
    if (!fresh && options.only && !options.only.includes(api.name)) continue;
    if (api.fetch && !(await exists(api.spec))) {
      if (!options.fetchMissingSpec) continue;
      await options.fetchMissingSpec(api);
    }
    const inputs = await inputsHash(config, api);
    const recorded = Object.hasOwn(state.apis, api.name) ? state.apis[api.name] : undefined;
    if (recorded?.inputs === inputs) continue;
    // A downloaded spec that its lock does not describe is not accepted: generate refuses it
    // (with its own message), and no release may be recorded from it.
    if (api.fetch && !(await verifySpecAgainstLock(api.fetch.lock, api.spec)).ok) continue;
    const spec = await loadSpec(relative(process.cwd(), api.spec) || api.spec);
    const surface = buildSurface(spec, api);
    if (recorded) {
      const diff = diffApi(api.name, decodeSurface(recorded.surface), surface);
      if (diff.changes.length > 0) diffs.push(diff);
    } else if (!fresh) {
      diffs.push(apiChange(api.name, "", surface.version, "api-added", surface));
    }
    state.apis[api.name] = { inputs, surface: encodeSurface(surface) };
  }
  if (!options.only) {
    for (const name of Object.keys(state.apis)) {
      if (config.apis.some((a) => a.name === name)) continue;
      const gone = decodeSurface(state.apis[name]!.surface);
      diffs.push(apiChange(name, gone.version, "", "api-removed", gone));
      delete state.apis[name];
    }
  }

  let entry: ReleaseEntry | undefined;
  const bump = suggestBump(diffs.flatMap((d) => d.changes));
  if (bump !== "none") {
    const version = nextVersion(higher(state.version, config.package.version), bump);
    entry = { version, date: today(options.now), bump, apis: diffs };
    state.version = version;
    state.entries = [entry, ...state.entries];
    const counts = diffs.flatMap((d) => d.changes);
    const breaking = counts.filter((c) => c.breaking).length;
    options.log(
      `${"release".padEnd(12)} ${version.padEnd(10)} ${bump}: ${breaking} breaking, ` +
        `${counts.length - breaking} non-breaking (CHANGELOG.md)`,
    );
  }
  if (JSON.stringify(state) !== before || !existing) await writeState(file, state);
  return entry;
}

/** A whole API added to the package (minor) or removed from it (major): one line, not a list. */
function apiChange(
  api: string,
  fromVersion: string,
  toVersion: string,
  kind: "api-added" | "api-removed",
  surface: ApiSurface,
): ApiDiff {
  const count = Object.keys(surface.methods).length;
  const added = kind === "api-added";
  return {
    api,
    fromVersion,
    toVersion,
    changes: [
      {
        api,
        method: api,
        kind,
        message: `${added ? "new API" : "API removed"} (${count} method${count === 1 ? "" : "s"})`,
        impact: added ? "minor" : "major",
        breaking: !added,
      },
    ],
  };
}

/** Problems `check` reports: an API whose inputs changed since the state was written. */
export async function releaseProblems(config: Config): Promise<string[]> {
  const state = await readRelease(config);
  if (!state) return [];
  const problems: string[] = [];
  for (const api of config.apis) {
    if (!(await exists(api.spec))) continue;
    const recorded = Object.hasOwn(state.apis, api.name) ? state.apis[api.name] : undefined;
    if (recorded?.inputs !== (await inputsHash(config, api))) {
      problems.push(
        `${relative(process.cwd(), releaseFileOf(config)!)} does not know the current ${api.name} ` +
          "spec (run npm run generate to record it, with a version bump if its SDK surface changed)",
      );
    }
  }
  return problems;
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

/** Spec bytes and the API's config, with paths relative to the config so clones agree. */
async function inputsHash(config: Config, api: ApiConfig): Promise<string> {
  const hash = createHash("sha256");
  const rel = (p: string) => relative(config.dir, p).split("\\").join("/");
  const described = {
    ...api,
    spec: rel(api.spec),
    fetch: api.fetch && { ...api.fetch, lock: rel(api.fetch.lock) },
  };
  hash.update(JSON.stringify(described));
  hash.update(await readFile(api.spec).catch(() => Buffer.from("missing")));
  return hash.digest("hex");
}

async function writeState(file: string, state: ReleaseState): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await writeFile(tmp, JSON.stringify(state, null, 2) + "\n");
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

function today(now: (() => Date) | undefined): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const date =
    now?.() ?? (epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date());
  return date.toISOString().slice(0, 10);
}

function higher(a: string, b: string): string {
  const parts = (v: string) => (/^(\d+)\.(\d+)\.(\d+)/.exec(v) ?? []).slice(1, 4).map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0) ? a : b;
  }
  return a;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
