/**
 * What a fetched document changes compared with its lock, in HTTP terms: checksum, size, version
 * fields and the operations (`METHOD /path`) added or removed. The SDK-level report (what the
 * change does to callers' code) comes from the `review` hook of `fetchSpec`; this is the part
 * that needs nothing but the two documents.
 */
import { readFile } from "node:fs/promises";
import {
  analyzeSpec,
  summaryOf,
  type AnalyzedSpec,
  type SpecLock,
  type SpecSummary,
} from "./fetch-lock.js";
import type { LockedDocument, Source } from "./fetch-sources.js";
import { describeError, errorCode } from "./fetch-util.js";

/** How many added/removed operations the message lists (the full lists are in `diff`). */
const MAX_LISTED_OPERATIONS = 40;

export interface SpecFieldChange {
  field: "sha256" | "size" | "openapi" | "title" | "version" | "operations";
  before: string | number;
  after: string | number;
}

export interface SpecDiff {
  before: SpecSummary;
  after: SpecSummary;
  /** Fields whose value differs, in lock key order. */
  changes: SpecFieldChange[];
  /** True when the operation lists below were computed (the current outFile was readable). */
  operationsCompared: boolean;
  /** `METHOD /path` keys, sorted; empty when not compared. */
  operationsAdded: string[];
  operationsRemoved: string[];
  /** Why the operations could not be compared, or a caveat about the comparison. */
  note?: string;
}

/**
 * Compares the fetched document with the lock, and its operations with the previous document:
 * `locked` (a copy matching the lock) when one was found, else whatever the out file holds.
 */
export async function diffAgainstLock(
  lock: SpecLock,
  spec: AnalyzedSpec,
  outFile: string,
  locked?: LockedDocument,
): Promise<SpecDiff> {
  const before = summaryOf(lock);
  const after = spec.summary;
  const fields: SpecFieldChange["field"][] = [
    "sha256",
    "size",
    "openapi",
    "title",
    "version",
    "operations",
  ];
  const changes: SpecFieldChange[] = fields
    .filter((f) => before[f] !== after[f])
    .map((f) => ({ field: f, before: before[f], after: after[f] }));

  const diff: SpecDiff = {
    before,
    after,
    changes,
    operationsCompared: false,
    operationsAdded: [],
    operationsRemoved: [],
  };
  let current: Buffer;
  let label = outFile;
  if (locked) {
    current = locked.bytes;
    label = locked.label;
  } else {
    try {
      current = await readFile(outFile);
    } catch (err) {
      diff.note =
        errorCode(err) === "ENOENT"
          ? `${outFile} is absent, so only counts are compared`
          : `cannot read ${outFile} (${describeError(err)}), so only counts are compared`;
      return diff;
    }
  }
  let previous: AnalyzedSpec;
  try {
    previous = analyzeSpec(current);
  } catch (err) {
    diff.note = `${label} is unusable (${describeError(err)}), so only counts are compared`;
    return diff;
  }
  const prev = new Set(previous.operationKeys);
  const next = new Set(spec.operationKeys);
  diff.operationsCompared = true;
  diff.operationsAdded = spec.operationKeys.filter((k) => !prev.has(k));
  diff.operationsRemoved = previous.operationKeys.filter((k) => !next.has(k));
  if (previous.summary.sha256 !== lock.sha256) {
    diff.note = `${label} does not match the lock (sha256 ${previous.summary.sha256}); operations are compared with it anyway`;
  } else if (label !== outFile) {
    diff.note = `operations are compared with the locked document from ${label}`;
  }
  return diff;
}

export function formatDiff(diff: SpecDiff, lockFile: string, source: Source): string {
  const { before, after } = diff;
  const lines = [
    `The OpenAPI document from ${source.label} differs from ${lockFile}:`,
    `  sha256      ${before.sha256} → ${after.sha256}`,
    `  size        ${before.size} → ${after.size} bytes`,
  ];
  const counts = diff.operationsCompared
    ? ` (+${diff.operationsAdded.length} added, -${diff.operationsRemoved.length} removed)`
    : "";
  lines.push(`  operations  ${before.operations} → ${after.operations}${counts}`);
  for (const field of ["openapi", "title", "version"] as const) {
    if (before[field] !== after[field]) {
      lines.push(
        `  ${field.padEnd(10)}  ${JSON.stringify(before[field])} → ${JSON.stringify(after[field])}`,
      );
    }
  }
  const list = (label: string, keys: string[]): void => {
    if (keys.length === 0) return;
    lines.push(`  ${label}:`);
    for (const k of keys.slice(0, MAX_LISTED_OPERATIONS)) lines.push(`    ${k}`);
    if (keys.length > MAX_LISTED_OPERATIONS) {
      lines.push(`    … and ${keys.length - MAX_LISTED_OPERATIONS} more`);
    }
  };
  list("operations added", diff.operationsAdded);
  list("operations removed", diff.operationsRemoved);
  if (diff.operationsCompared && !diff.operationsAdded.length && !diff.operationsRemoved.length) {
    lines.push("  no operations added or removed (content changed within operations or schemas)");
  }
  if (diff.note) lines.push(`  note: ${diff.note}`);
  return lines.join("\n");
}
