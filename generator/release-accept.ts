// The `review` hook of `fetch-spec` (wired by the CLI): explains a changed downloaded document at
// the level of the SDK and, once the change is accepted, rates it in the release state.
//
// Why here and not in `generate`: the release state is committed and may keep nothing taken from
// Cisco's document, so no snapshot of the Automation surface exists to compare with later. The
// one moment both documents are at hand is acceptance: the previous one (the out file, or any
// copy whose bytes match the lock) and the new one. What is recorded is ours: the bump level and
// the SDK-level changes (method and argument names of our SDK), waiting in `pending` for the
// next `generate`, which bumps the version and writes them into CHANGELOG.md.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { unratedChange } from "./changelog.js";
import type { ApiConfig, Config } from "./config.js";
import { diffApi, suggestBump, type ApiDiff } from "./diff.js";
import { makeReport, reportMarkdown } from "./diff-report.js";
import { buildSurface, type ApiSurface } from "./diff-surface.js";
import { BadInputError } from "./errors.js";
import type { SpecChange, SpecReview } from "./fetch-spec.js";
import { loadSpec } from "./load.js";
import {
  isLockRecord,
  readRelease,
  releaseFileOf,
  surfaceConfigHash,
  tracksReleases,
  writeRelease,
  type ReleaseState,
} from "./release-state.js";

/** `fetchSpec`'s `review` option for one API of a config. */
export function specReviewer(
  config: Config,
  api: ApiConfig,
): (change: SpecChange) => Promise<SpecReview> {
  return async (change) => {
    let diff: ApiDiff | undefined;
    let report: string;
    if (!change.previous) {
      report =
        "(no SDK-level report: no copy of the locked document was found to compare with; " +
        "accepted, the change is rated breaking)";
    } else {
      try {
        diff = await diffDocuments(api, change.previous.bytes, change.next);
        const from = relative(process.cwd(), change.previous.label) || change.previous.label;
        const markdown = reportMarkdown(makeReport(from, "the fetched document", [diff]));
        // Blank lines around it: it sits between fetch-spec's plain-text lines.
        report = `\n${markdown.trimEnd()}\n`;
      } catch (error) {
        // An explanation that fails must not hide the change itself.
        report = `(no SDK-level report: ${error instanceof Error ? error.message : String(error)})`;
      }
    }
    const rated =
      diff ??
      unratedChange(
        api.name,
        change.after.version,
        `new document (lock sha256 ${change.before.sha256.slice(0, 12)} → ` +
          `${change.after.sha256.slice(0, 12)}) accepted without the previous one at hand`,
      );
    return { report, record: () => recordAccepted(config, api, rated, change.after.sha256) };
  };
}

/**
 * Records an accepted document: the API's lock in the release state, and its rated change in
 * `pending` when the SDK surface changed. Returns a line for fetch-spec's message.
 */
export async function recordAccepted(
  config: Config,
  api: ApiConfig,
  diff: ApiDiff,
  lockSha256: string,
): Promise<string | undefined> {
  if (!(await tracksReleases(config))) return undefined;
  const file = releaseFileOf(config)!;
  const state: ReleaseState = (await readRelease(config)) ?? {
    version: config.package.version,
    apis: Object.create(null),
    entries: [],
  };
  // A state without records is a baseline for generate to write: leave it one.
  if (Object.keys(state.apis).length > 0) {
    const recorded = Object.hasOwn(state.apis, api.name) ? state.apis[api.name] : undefined;
    state.apis[api.name] = {
      lock: lockSha256,
      // A config change not generated yet stays visible to generate, which rates it.
      config: isLockRecord(recorded) ? recorded.config : surfaceConfigHash(config, api),
    };
  }
  const bump = suggestBump(diff.changes);
  if (bump !== "none") state.pending = [...(state.pending ?? []), { bump, diff }];
  await writeRelease(file, state);
  const shown = relative(process.cwd(), file) || file;
  return bump === "none"
    ? `No change to the SDK surface: ${shown} records the new lock; no version bump.`
    : `Rated ${bump}: recorded in ${shown}; the next generate bumps the version and adds it to CHANGELOG.md.`;
}

/** The SDK-level diff of two documents of one API (both loaded as spec files, for the loader). */
async function diffDocuments(api: ApiConfig, before: Buffer, after: Buffer): Promise<ApiDiff> {
  const dir = await mkdtemp(join(tmpdir(), "xdr-codegen-diff-"));
  try {
    const surface = async (bytes: Buffer, what: string): Promise<ApiSurface> => {
      // fetch-spec takes JSON only, but an explanation need not: YAML loads too.
      const ext = /^\s*\{/.test(bytes.subarray(0, 64).toString("utf8")) ? "json" : "yaml";
      const file = join(dir, `${api.name}-${randomBytes(4).toString("hex")}.${ext}`);
      await writeFile(file, bytes);
      try {
        return buildSurface(await loadSpec(file), api);
      } catch (error) {
        // The temporary file's name would mean nothing to the reader.
        if (!(error instanceof BadInputError)) throw error;
        const where = error.place.pointer ? ` (${error.place.pointer})` : "";
        throw new Error(`${what}${where}: ${error.reason}`, { cause: error });
      }
    };
    const [a, b] = [
      await surface(before, "the locked document"),
      await surface(after, "the fetched document"),
    ];
    return diffApi(api.name, a, b);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
