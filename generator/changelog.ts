// The package's release: its version and changelog, kept in the release state
// (`xdr-codegen.release.json`, see release-state.ts), which is committed so that rendering stays
// a pure function of committed files. `generate` rates a change of a hand-written spec against
// its snapshot, releases what `fetch-spec --accept` rated for a downloaded one (`pending`), bumps
// the version and adds a changelog entry; `check` only reads the state.
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { relative } from "node:path";
import type { ApiConfig, Config } from "./config.js";
import { diffApi, nextVersion, suggestBump, type ApiDiff, type Bump } from "./diff.js";
import { apiSection } from "./diff-report.js";
import { buildSurface, type ApiSurface } from "./diff-surface.js";
import { readLock, verifySpecAgainstLock } from "./fetch-lock.js";
import { loadSpec } from "./load.js";
import type { RenderedFile } from "./render.js";
import {
  decodeSurface,
  encodeSurface,
  inputsHash,
  isLockRecord,
  readRelease,
  releaseFileOf,
  surfaceConfigHash,
  writeRelease,
  type ApiRecord,
  type LockRecord,
  type ReleaseEntry,
  type ReleaseState,
} from "./release-state.js";

export {
  decodeSurface,
  encodeSurface,
  readRelease,
  releaseFileOf,
  type ReleaseEntry,
  type ReleaseState,
} from "./release-state.js";

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
      "changes (and, under SDK, changes of the generated code itself). A breaking change bumps " +
      "the major version (the minor below 1.0.0), an addition the minor, anything else the patch.",
  ];
  for (const entry of state.entries) {
    lines.push("", `## ${entry.version} (${entry.date})`);
    if (entry.notes?.length) lines.push("", "### SDK", "", ...entry.notes.map((n) => `- ${n}`));
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
 * After a spec change: rates each changed hand-written API against its snapshot, takes the
 * changes `fetch-spec --accept` rated for downloaded ones, and when the SDK surface changed,
 * bumps the version by the suggested level and adds one changelog entry. Creates the state for
 * an XDR config that has none (a baseline: no entry). Returns the new entry.
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

  // Changes rated when they were accepted come first: they are older than anything seen now.
  const diffs: ApiDiff[] = (state.pending ?? []).map((p) => p.diff);
  let bump = maxBump((state.pending ?? []).map((p) => p.bump));
  delete state.pending;
  // A state without records is a baseline: every API is recorded, none reported as added.
  const fresh = Object.keys(state.apis).length === 0;
  for (const api of config.apis) {
    if (!fresh && options.only && !options.only.includes(api.name)) continue;
    const recorded = Object.hasOwn(state.apis, api.name) ? state.apis[api.name] : undefined;
    const rated = api.fetch
      ? await rateDownloaded(config, api, recorded, fresh, options)
      : await rateHandWritten(config, api, recorded, fresh, options);
    if (!rated) continue;
    if (rated.diff && rated.diff.changes.length > 0) diffs.push(rated.diff);
    state.apis[api.name] = rated.record;
  }
  if (!options.only) {
    for (const name of Object.keys(state.apis)) {
      if (config.apis.some((a) => a.name === name)) continue;
      const gone = state.apis[name]!;
      const surface = isLockRecord(gone) ? undefined : decodeSurface(gone.surface);
      diffs.push(apiChange(name, surface?.version ?? "", "", "api-removed", surface));
      delete state.apis[name];
    }
  }

  let entry: ReleaseEntry | undefined;
  const changes = diffs.flatMap((d) => d.changes);
  bump = maxBump([bump, suggestBump(changes)]);
  if (bump !== "none") {
    const version = nextVersion(higher(state.version, config.package.version), bump);
    entry = { version, date: today(options.now), bump, apis: mergeDiffs(diffs) };
    state.version = version;
    state.entries = [entry, ...state.entries];
    const breaking = changes.filter((c) => c.breaking).length;
    options.log(
      `${"release".padEnd(12)} ${version.padEnd(10)} ${bump}: ${breaking} breaking, ` +
        `${changes.length - breaking} non-breaking (CHANGELOG.md)`,
    );
  }
  if (JSON.stringify(state) !== before || !existing) await writeRelease(file, state);
  return entry;
}

interface Rated {
  record: ApiRecord;
  diff?: ApiDiff;
}

/** A hand-written spec: its surface now against the snapshot. Undefined: nothing to record. */
async function rateHandWritten(
  config: Config,
  api: ApiConfig,
  recorded: ApiRecord | undefined,
  fresh: boolean,
  options: UpdateReleaseOptions,
): Promise<Rated | undefined> {
  const inputs = await inputsHash(config, api);
  if (recorded && !isLockRecord(recorded) && recorded.inputs === inputs) return undefined;
  const surface = await surfaceNow(api, options);
  if (!surface) return undefined;
  const record = { inputs, surface: encodeSurface(surface) };
  if (recorded && !isLockRecord(recorded)) {
    return { record, diff: diffApi(api.name, decodeSurface(recorded.surface), surface) };
  }
  if (recorded || fresh) return { record };
  return { record, diff: apiChange(api.name, "", surface.version, "api-added", surface) };
}

/**
 * A downloaded spec: its lock and the config fields that shape the SDK against the record. Its
 * document changes were rated at `fetch-spec --accept` (and the record moved with them); a lock
 * that moved without that, or a config change, cannot be compared with a previous surface (none
 * is kept: it would be Cisco's) and is rated breaking, to be safe.
 */
async function rateDownloaded(
  config: Config,
  api: ApiConfig,
  recorded: ApiRecord | undefined,
  fresh: boolean,
  options: UpdateReleaseOptions,
): Promise<Rated | undefined> {
  const lock = await readLock(api.fetch!.lock).catch(() => undefined);
  if (!lock) return undefined; // generate says what is wrong with it
  const record: LockRecord = { lock: lock.sha256, config: surfaceConfigHash(config, api) };
  if (
    isLockRecord(recorded) &&
    recorded.lock === record.lock &&
    recorded.config === record.config
  ) {
    return undefined;
  }
  if (isLockRecord(recorded)) {
    const why =
      recorded.lock !== record.lock
        ? `new document (lock sha256 ${short(recorded.lock)} → ${short(record.lock)}) not rated ` +
          "by `fetch-spec --accept`"
        : "its config changed what the SDK offers (names, scopes, paging…)";
    return { record, diff: unratedChange(api.name, lock.version, why) };
  }
  if (fresh && !recorded) return { record };
  const surface = await surfaceNow(api, options);
  if (!surface) return undefined;
  // A snapshot from before downloaded specs were rated at accept time: one last comparison.
  if (recorded) {
    return { record, diff: diffApi(api.name, decodeSurface(recorded.surface), surface) };
  }
  return { record, diff: apiChange(api.name, "", surface.version, "api-added", surface) };
}

/** The API's surface from its spec; undefined when a downloaded spec is absent or not locked. */
async function surfaceNow(
  api: ApiConfig,
  options: UpdateReleaseOptions,
): Promise<ApiSurface | undefined> {
  if (api.fetch && !(await exists(api.spec))) {
    if (!options.fetchMissingSpec) return undefined;
    await options.fetchMissingSpec(api);
  }
  // A downloaded spec that its lock does not describe is not accepted: generate refuses it
  // (with its own message), and no release may be recorded from it.
  if (api.fetch && !(await verifySpecAgainstLock(api.fetch.lock, api.spec)).ok) return undefined;
  const spec = await loadSpec(relative(process.cwd(), api.spec) || api.spec);
  return buildSurface(spec, api);
}

/**
 * A change that could not be compared with the previous surface: one breaking line, so that a
 * caller pinned with `^` is kept from it until someone looks.
 */
export function unratedChange(api: string, toVersion: string, why: string): ApiDiff {
  return {
    api,
    fromVersion: "",
    toVersion,
    changes: [
      {
        api,
        method: api,
        kind: "unrated",
        message: `${why}; the previous SDK surface could not be compared, so this is rated breaking`,
        impact: "major",
        breaking: true,
      },
    ],
  };
}

const short = (sha: string) => sha.slice(0, 12);

const BUMPS: Bump[] = ["none", "patch", "minor", "major"];
function maxBump(bumps: Bump[]): Bump {
  return bumps.reduce<Bump>((a, b) => (BUMPS.indexOf(b) > BUMPS.indexOf(a) ? b : a), "none");
}

/** One section per API in an entry: a pending change and a config change of one API merge. */
function mergeDiffs(diffs: ApiDiff[]): ApiDiff[] {
  const byApi = new Map<string, ApiDiff>();
  for (const d of diffs) {
    const seen = byApi.get(d.api);
    byApi.set(
      d.api,
      seen
        ? { ...seen, toVersion: d.toVersion, changes: [...seen.changes, ...d.changes] }
        : { ...d, changes: [...d.changes] },
    );
  }
  return [...byApi.values()];
}

/** A whole API added to the package (minor) or removed from it (major): one line, not a list. */
function apiChange(
  api: string,
  fromVersion: string,
  toVersion: string,
  kind: "api-added" | "api-removed",
  surface: ApiSurface | undefined,
): ApiDiff {
  const count = surface ? Object.keys(surface.methods).length : undefined;
  const added = kind === "api-added";
  const methods = count === undefined ? "" : ` (${count} method${count === 1 ? "" : "s"})`;
  return {
    api,
    fromVersion,
    toVersion,
    changes: [
      {
        api,
        method: api,
        kind,
        message: `${added ? "new API" : "API removed"}${methods}`,
        impact: added ? "minor" : "major",
        breaking: !added,
      },
    ],
  };
}

/** Problems `check` reports: an API the state does not know as it is, or an unreleased change. */
export async function releaseProblems(config: Config): Promise<string[]> {
  const state = await readRelease(config);
  if (!state) return [];
  const file = relative(process.cwd(), releaseFileOf(config)!);
  const problems: string[] = [];
  for (const api of config.apis) {
    const recorded = Object.hasOwn(state.apis, api.name) ? state.apis[api.name] : undefined;
    if (api.fetch) {
      const lock = await readLock(api.fetch.lock).catch(() => undefined);
      if (!lock) continue; // check reports the lock itself
      const known =
        isLockRecord(recorded) &&
        recorded.lock === lock.sha256 &&
        recorded.config === surfaceConfigHash(config, api);
      if (!known) {
        problems.push(
          `${file} does not know the current ${api.name} lock or config (accept a new document ` +
            "with fetch-spec --accept, which rates it; then npm run generate)",
        );
      }
      continue;
    }
    if (!(await exists(api.spec))) continue;
    if (isLockRecord(recorded) || recorded?.inputs !== (await inputsHash(config, api))) {
      problems.push(
        `${file} does not know the current ${api.name} spec (run npm run generate to record it, ` +
          "with a version bump if its SDK surface changed)",
      );
    }
  }
  if (state.pending?.length) {
    problems.push(
      `${file} holds a change accepted by fetch-spec and not released yet (run npm run generate)`,
    );
  }
  return problems;
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
