/**
 * `fetch-spec` stage: downloads Cisco's Automation OpenAPI document and pins it with a lock file.
 *
 * Sources are tried in order (`from` alone if given; otherwise the lock's `url`, then each
 * configured mirror: fetch-sources.ts). The document is compared with the lock by sha256
 * (fetch-lock.ts); a change is explained (fetch-report.ts, plus the SDK-level `review` hook) and
 * only written when accepted, which is also when the change is rated for the release (the hook's
 * `record`): both documents are at hand only then. Nothing here throws at the user: every
 * outcome is a `FetchSpecResult` with a message.
 *
 * Cisco's document is third-party data: it is written to `outFile` (git-ignored), never committed.
 */
import { serializeLock, readLock, type SpecLock, type SpecSummary } from "./fetch-lock.js";
import { diffAgainstLock, formatDiff, type SpecDiff } from "./fetch-report.js";
import {
  buildSources,
  chooseSource,
  DEFAULT_TIMEOUT_MS,
  findLockedCopy,
  OFFICIAL_AUTOMATION_URL,
  type LockedDocument,
} from "./fetch-sources.js";
import { describeError, writeAtomic, writeIfDifferent } from "./fetch-util.js";

export {
  analyzeSpec,
  readLock,
  serializeLock,
  verifySpecAgainstLock,
  type AnalyzedSpec,
  type SpecLock,
  type SpecSummary,
} from "./fetch-lock.js";
export type { SpecDiff, SpecFieldChange } from "./fetch-report.js";
export {
  DEFAULT_TIMEOUT_MS,
  OFFICIAL_AUTOMATION_URL,
  type LockedDocument,
} from "./fetch-sources.js";

/** A changed document, as the `review` hook sees it. */
export interface SpecChange {
  /** The document the lock describes (what the SDK was generated from), when a copy was found. */
  previous?: LockedDocument;
  next: Buffer;
  before: SpecSummary;
  after: SpecSummary;
}

/** The SDK-level side of a change: a report, and how to record it once accepted. */
export interface SpecReview {
  /** Printed after the HTTP-level summary. */
  report?: string;
  /** Run once an accepted document and its lock are written; returns a line for the message. */
  record?: () => Promise<string | undefined>;
}

export interface FetchSpecOptions {
  /** Lock file, e.g. `specs/automation.lock.json`. */
  lockFile: string;
  /** Downloaded document, e.g. `specs/automation.json` (git-ignored). */
  outFile: string;
  /** `--from PATH_OR_URL`: try only this source. Relative paths resolve against the cwd. */
  from?: string;
  /** Local mirror files only: never contact a URL (tests, air-gapped machines). */
  offline?: boolean;
  /** Fallback copies from the config: URLs, or paths relative to `baseDir`. */
  mirrors: string[];
  /** `--accept`: accept a changed document (rewrite lock and outFile). */
  accept?: boolean;
  /** Per-source timeout for URLs; default 15 000 ms. */
  timeoutMs?: number;
  /** Resolves relative mirror paths (the repository root / config directory). */
  baseDir: string;
  /** Injectable fetch (tests); default the global fetch. */
  fetch?: typeof fetch;
  /** Progress lines; default `console.error`. */
  log?: (line: string) => void;
  /** Clock for `fetchedAt`; default `new Date()`. */
  now?: () => Date;
  /**
   * URL tried first and recorded when no lock exists yet; default {@link OFFICIAL_AUTOMATION_URL}.
   * When the lock exists its `url` is used instead.
   */
  url?: string;
  /** Explains a changed document at the level of the SDK and rates it (wired by the CLI). */
  review?: (change: SpecChange) => Promise<SpecReview>;
}

export type FetchSpecStatus = "unchanged" | "updated" | "changed" | "written";

export interface FetchSpecResult {
  status: FetchSpecStatus;
  /** The source used (`fetchedFrom` form), or "" when no source could be used. */
  source: string;
  exitCode: 0 | 1 | 2;
  /** Human-readable outcome (multi-line for a change or a failure); the CLI prints it. */
  message: string;
  /** Set when the fetched document differs from the lock. */
  diff?: SpecDiff;
}

export async function fetchSpec(options: FetchSpecOptions): Promise<FetchSpecResult> {
  try {
    return await fetchSpecUnsafe(options);
  } catch (err) {
    return {
      status: "changed",
      source: "",
      exitCode: 2,
      message: `fetch-spec failed: ${describeError(err)}`,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Implementation

async function fetchSpecUnsafe(options: FetchSpecOptions): Promise<FetchSpecResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());

  let lock: SpecLock | undefined;
  try {
    lock = await readLock(options.lockFile);
  } catch (err) {
    return fail(describeError(err));
  }

  const { chosen, failures } = await chooseSource(
    buildSources(options, lock),
    fetchImpl,
    timeoutMs,
    log,
  );

  if (!chosen) {
    const hint = options.from
      ? "Check the --from source."
      : "Pass --from PATH_OR_URL to use another copy of the document.";
    return fail(
      [
        `could not fetch the OpenAPI document: every source failed`,
        ...failures.map((f) => `  - ${f}`),
        hint,
      ].join("\n"),
    );
  }

  const { source, bytes, spec } = chosen;
  const after = spec.summary;
  const newLock = (): SpecLock => ({
    url: lock?.url ?? options.url ?? OFFICIAL_AUTOMATION_URL,
    ...after,
    fetchedAt: now().toISOString().slice(0, 10),
    fetchedFrom: source.fetchedFrom,
  });
  const describe = `${after.title || "(untitled)"} ${after.version}, OpenAPI ${after.openapi}, ${after.operations} operations, sha256 ${after.sha256}`;

  // First fetch: create the lock.
  if (!lock) {
    await writeIfDifferent(options.outFile, bytes);
    await writeAtomic(options.lockFile, serializeLock(newLock()));
    return {
      status: "written",
      source: source.fetchedFrom,
      exitCode: 0,
      message: `wrote ${options.outFile} and created ${options.lockFile} (${describe}) from ${source.label}`,
    };
  }

  // Same document as locked: only (re)write the outFile when needed; the lock stays byte-identical.
  if (after.sha256 === lock.sha256) {
    const wrote = await writeIfDifferent(options.outFile, bytes);
    return {
      status: wrote ? "written" : "unchanged",
      source: source.fetchedFrom,
      exitCode: 0,
      message: wrote
        ? `wrote ${options.outFile} (matches ${options.lockFile}: ${describe})`
        : `${options.outFile} is up to date (matches ${options.lockFile}: ${describe})`,
    };
  }

  // Different document: explain, and write only when accepted.
  // Different document: explain (against a copy of the locked one when one can be found), and
  // write only when accepted.
  const previous = await findLockedCopy(
    lock,
    options.outFile,
    options,
    source,
    fetchImpl,
    timeoutMs,
  );
  const diff = await diffAgainstLock(lock, spec, options.outFile, previous);
  const review = await options.review?.({ previous, next: bytes, before: diff.before, after });
  const explanation = [formatDiff(diff, options.lockFile, source), review?.report]
    .filter(Boolean)
    .join("\n");
  if (!options.accept) {
    return {
      status: "changed",
      source: source.fetchedFrom,
      exitCode: 1,
      diff,
      message: [
        explanation,
        `Nothing was written. Review the change, then re-run with --accept to update ` +
          `${options.lockFile} and ${options.outFile}.`,
      ].join("\n"),
    };
  }
  await writeIfDifferent(options.outFile, bytes);
  await writeIfDifferent(options.outFile, bytes);
  await writeAtomic(options.lockFile, serializeLock(newLock()));
  let recorded: string | undefined;
  try {
    recorded = await review?.record?.();
  } catch (err) {
    // The lock is already written: say what is left undone rather than hide the acceptance.
    return fail(
      [
        explanation,
        `Accepted: updated ${options.lockFile} and ${options.outFile}, but the change could not ` +
          `be recorded for the release (${describeError(err)}); generate will treat it as unrated.`,
      ].join("\n"),
    );
  }
  return {
    status: "updated",
    source: source.fetchedFrom,
    exitCode: 0,
    diff,
    message: [
      explanation,
      `Accepted: updated ${options.lockFile} and ${options.outFile}.`,
      recorded,
    ]
      .filter(Boolean)
      .join("\n"),
  };
}

function fail(message: string): FetchSpecResult {
  return { status: "changed", source: "", exitCode: 2, message };
}
