/**
 * `fetch-spec` stage: downloads Cisco's Automation OpenAPI document and pins it with a lock file.
 *
 * Sources are tried in order (`from` alone if given; otherwise the lock's `url`, then each
 * configured mirror). The first source whose content is an OpenAPI 3.x JSON document wins.
 * The document is compared with the lock by sha256; a change is explained and only written when
 * accepted. Nothing here throws at the user: every outcome is a `FetchSpecResult` with a message.
 *
 * Cisco's document is third-party data: it is written to `outFile` (git-ignored), never committed.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The "Download the Automation OpenAPI Specification" link of Cisco's Automation API guide. */
export const OFFICIAL_AUTOMATION_URL =
  "https://pubhub.devnetcloud.com/media/cisco-xdr-api-docs/docs/reference/automation/rest_api_1_0_0.json";

export const DEFAULT_TIMEOUT_MS = 15_000;

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** How many added/removed operations the message lists (the full lists are in `diff`). */
const MAX_LISTED_OPERATIONS = 40;

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
  /** Explains a changed document at the level of the SDK (wired to `diff` by the CLI). */
  explain?: (currentFile: string, next: Buffer) => Promise<string | undefined>;
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

/** What the lock records about a document (besides where it came from). */
export interface SpecSummary {
  sha256: string;
  size: number;
  openapi: string;
  title: string;
  version: string;
  operations: number;
}

export interface SpecLock extends SpecSummary {
  url: string;
  fetchedAt: string;
  fetchedFrom: string;
}

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

/** A parsed, validated OpenAPI document with its summary and sorted operation keys. */
export interface AnalyzedSpec {
  summary: SpecSummary;
  operationKeys: string[];
}

type Source =
  | { kind: "url"; url: string; label: string; fetchedFrom: string }
  | { kind: "file"; file: string; label: string; fetchedFrom: string };

type Attempt =
  { ok: true; bytes: Buffer } | { ok: false; verb: "unreachable" | "rejected"; reason: string };

// ---------------------------------------------------------------------------------------------
// Public API

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

export async function verifySpecAgainstLock(
  lockFile: string,
  specFile: string,
): Promise<{ ok: boolean; message: string }> {
  let lock: SpecLock | undefined;
  try {
    lock = await readLock(lockFile);
  } catch (err) {
    return { ok: false, message: describeError(err) };
  }
  if (!lock) {
    return { ok: false, message: `${lockFile} is missing; run npm run fetch-spec to create it` };
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(specFile);
  } catch (err) {
    if (errorCode(err) === "ENOENT") {
      return { ok: false, message: `${specFile} is missing; run npm run fetch-spec` };
    }
    return { ok: false, message: `cannot read ${specFile}: ${describeError(err)}` };
  }
  const sha = sha256(bytes);
  if (sha !== lock.sha256) {
    return {
      ok: false,
      message:
        `${specFile} does not match ${lockFile}: sha256 ${sha} (file) vs ${lock.sha256} (lock); ` +
        `run npm run fetch-spec (add --accept to take the new document)`,
    };
  }
  return {
    ok: true,
    message: `${specFile} matches ${lockFile} (sha256 ${lock.sha256}, ${lock.operations} operations)`,
  };
}

/** Parses and validates an OpenAPI 3.x JSON document; throws an Error whose message is the reason. */
export function analyzeSpec(bytes: Buffer): AnalyzedSpec {
  let doc: unknown;
  try {
    let text = bytes.toString("utf8");
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON: ${describeError(err)}`, { cause: err });
  }
  if (!isRecord(doc)) throw new Error("not an OpenAPI document: JSON is not an object");
  const openapi = doc["openapi"];
  if (typeof openapi !== "string") {
    if (typeof doc["swagger"] === "string") {
      throw new Error(`not an OpenAPI 3.x document: it is Swagger ${doc["swagger"]}`);
    }
    throw new Error('not an OpenAPI document: no "openapi" version field');
  }
  if (!/^3\.\d+(\.\d+)?$/.test(openapi)) {
    throw new Error(`not an OpenAPI 3.x document: "openapi" is ${JSON.stringify(openapi)}`);
  }
  const paths = doc["paths"];
  if (!isRecord(paths)) throw new Error('not an OpenAPI document: no "paths" object');
  const operationKeys: string[] = [];
  for (const [p, item] of Object.entries(paths)) {
    if (!isRecord(item)) continue;
    for (const method of HTTP_METHODS) {
      if (isRecord(item[method])) operationKeys.push(`${method.toUpperCase()} ${p}`);
    }
  }
  operationKeys.sort();
  const info = isRecord(doc["info"]) ? doc["info"] : {};
  return {
    summary: {
      sha256: sha256(bytes),
      size: bytes.length,
      openapi,
      title: typeof info["title"] === "string" ? info["title"] : "",
      version: typeof info["version"] === "string" ? info["version"] : "",
      operations: operationKeys.length,
    },
    operationKeys,
  };
}

/** Reads a lock file: `undefined` when missing; throws (with the file named) when invalid. */
export async function readLock(lockFile: string): Promise<SpecLock | undefined> {
  let text: string;
  try {
    text = await readFile(lockFile, "utf8");
  } catch (err) {
    if (errorCode(err) === "ENOENT") return undefined;
    throw new Error(`cannot read lock file ${lockFile}: ${describeError(err)}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`invalid lock file ${lockFile}: not JSON (${describeError(err)})`, {
      cause: err,
    });
  }
  if (!isRecord(raw)) throw new Error(`invalid lock file ${lockFile}: not a JSON object`);
  const problems: string[] = [];
  const str = (k: string): string => {
    const v = raw[k];
    if (typeof v !== "string" || v === "") problems.push(`"${k}" must be a non-empty string`);
    return typeof v === "string" ? v : "";
  };
  const anyStr = (k: string): string => {
    const v = raw[k];
    if (typeof v !== "string") problems.push(`"${k}" must be a string`);
    return typeof v === "string" ? v : "";
  };
  const num = (k: string): number => {
    const v = raw[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      problems.push(`"${k}" must be a non-negative integer`);
    }
    return typeof v === "number" ? v : 0;
  };
  const lock: SpecLock = {
    url: str("url"),
    sha256: str("sha256"),
    size: num("size"),
    openapi: str("openapi"),
    title: anyStr("title"),
    version: anyStr("version"),
    operations: num("operations"),
    fetchedAt: str("fetchedAt"),
    fetchedFrom: str("fetchedFrom"),
  };
  if (lock.sha256 && !/^[0-9a-f]{64}$/.test(lock.sha256)) {
    problems.push('"sha256" must be 64 lowercase hex digits');
  }
  if (problems.length > 0) {
    throw new Error(`invalid lock file ${lockFile}: ${problems.join("; ")}`);
  }
  return lock;
}

/** The lock file text: stable key order, 2-space JSON, trailing newline. */
export function serializeLock(lock: SpecLock): string {
  const ordered: SpecLock = {
    url: lock.url,
    sha256: lock.sha256,
    size: lock.size,
    openapi: lock.openapi,
    title: lock.title,
    version: lock.version,
    operations: lock.operations,
    fetchedAt: lock.fetchedAt,
    fetchedFrom: lock.fetchedFrom,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
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

  const sources = buildSources(options, lock);
  const failures: string[] = [];
  let chosen: { source: Source; bytes: Buffer; spec: AnalyzedSpec } | undefined;
  for (const source of sources) {
    const attempt = await loadSource(source, fetchImpl, timeoutMs);
    if (!attempt.ok) {
      log(`trying ${source.label} … ${attempt.verb} (${attempt.reason})`);
      failures.push(`${source.label}: ${attempt.verb} (${attempt.reason})`);
      continue;
    }
    let spec: AnalyzedSpec;
    try {
      spec = analyzeSpec(attempt.bytes);
    } catch (err) {
      const reason = describeError(err);
      log(`trying ${source.label} … rejected (${reason})`);
      failures.push(`${source.label}: rejected (${reason})`);
      continue;
    }
    log(`using ${source.label}`);
    chosen = { source, bytes: attempt.bytes, spec };
    break;
  }

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
  const diff = await diffAgainstLock(lock, spec, options.outFile);
  const sdkReport = await options.explain?.(options.outFile, bytes);
  const explanation = [formatDiff(diff, options, source), sdkReport].filter(Boolean).join("\n");
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
  await writeAtomic(options.lockFile, serializeLock(newLock()));
  return {
    status: "updated",
    source: source.fetchedFrom,
    exitCode: 0,
    diff,
    message: [explanation, `Accepted: updated ${options.lockFile} and ${options.outFile}.`].join(
      "\n",
    ),
  };
}

function fail(message: string): FetchSpecResult {
  return { status: "changed", source: "", exitCode: 2, message };
}

function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

function buildSources(options: FetchSpecOptions, lock: SpecLock | undefined): Source[] {
  const mirrorFiles = new Map<string, string>();
  for (const m of options.mirrors) {
    if (!isUrl(m)) mirrorFiles.set(resolveFile(m, options.baseDir), m);
  }
  const urlSource = (url: string, label = url): Source => ({
    kind: "url",
    url,
    label,
    fetchedFrom: url,
  });

  if (options.from !== undefined) {
    const from = options.from;
    if (isUrl(from)) return [urlSource(from)];
    const file = resolveFile(from, process.cwd());
    const configured = mirrorFiles.get(file);
    const fetchedFrom = configured !== undefined ? `mirror: ${configured}` : `file: ${from}`;
    return [{ kind: "file", file, label: fetchedFrom, fetchedFrom }];
  }

  const sources: Source[] = options.offline
    ? []
    : [urlSource(lock?.url ?? options.url ?? OFFICIAL_AUTOMATION_URL)];
  for (const m of options.mirrors) {
    if (options.offline && isUrl(m)) continue;
    if (isUrl(m)) {
      sources.push(urlSource(m, `mirror: ${m}`));
    } else {
      const label = `mirror: ${m}`;
      sources.push({
        kind: "file",
        file: resolveFile(m, options.baseDir),
        label,
        fetchedFrom: label,
      });
    }
  }
  return sources;
}

function resolveFile(p: string, base: string): string {
  if (/^file:/i.test(p)) return fileURLToPath(p);
  return path.resolve(base, p);
}

async function loadSource(
  source: Source,
  fetchImpl: typeof fetch,
  timeoutMs: number,
): Promise<Attempt> {
  if (source.kind === "file") {
    try {
      return { ok: true, bytes: await readFile(source.file) };
    } catch (err) {
      const code = errorCode(err);
      if (code === "ENOENT") return unreachable(`file not found: ${source.file}`);
      if (code === "EISDIR") return unreachable(`is a directory: ${source.file}`);
      return unreachable(`cannot read ${source.file}: ${describeError(err)}`);
    }
  }
  try {
    const res = await fetchImpl(source.url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: "application/json" },
      redirect: "follow",
    });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      return unreachable(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`);
    }
    return { ok: true, bytes: Buffer.from(await res.arrayBuffer()) };
  } catch (err) {
    return unreachable(describeFetchError(err, timeoutMs));
  }
}

function unreachable(reason: string): Attempt {
  return { ok: false, verb: "unreachable", reason };
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  const name = isRecord(err) && typeof err["name"] === "string" ? err["name"] : "";
  if (name === "TimeoutError" || name === "AbortError") return `timed out after ${timeoutMs} ms`;
  const cause = isRecord(err) ? err["cause"] : undefined;
  const code = errorCode(cause) ?? errorCode(err);
  const known: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    ENOTFOUND: "host not found",
    EAI_AGAIN: "DNS lookup failed",
    ETIMEDOUT: "connection timed out",
    EHOSTUNREACH: "host unreachable",
    ENETUNREACH: "network unreachable",
    UND_ERR_SOCKET: "connection closed by the server",
    UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  };
  if (code) return `${known[code] ?? describeError(cause ?? err)} (${code})`;
  if (cause !== undefined) return `${describeError(err)}: ${describeError(cause)}`;
  return describeError(err);
}

async function diffAgainstLock(
  lock: SpecLock,
  spec: AnalyzedSpec,
  outFile: string,
): Promise<SpecDiff> {
  const before: SpecSummary = {
    sha256: lock.sha256,
    size: lock.size,
    openapi: lock.openapi,
    title: lock.title,
    version: lock.version,
    operations: lock.operations,
  };
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
  try {
    current = await readFile(outFile);
  } catch (err) {
    diff.note =
      errorCode(err) === "ENOENT"
        ? `${outFile} is absent, so only counts are compared`
        : `cannot read ${outFile} (${describeError(err)}), so only counts are compared`;
    return diff;
  }
  let previous: AnalyzedSpec;
  try {
    previous = analyzeSpec(current);
  } catch (err) {
    diff.note = `${outFile} is unusable (${describeError(err)}), so only counts are compared`;
    return diff;
  }
  const prev = new Set(previous.operationKeys);
  const next = new Set(spec.operationKeys);
  diff.operationsCompared = true;
  diff.operationsAdded = spec.operationKeys.filter((k) => !prev.has(k));
  diff.operationsRemoved = previous.operationKeys.filter((k) => !next.has(k));
  if (previous.summary.sha256 !== lock.sha256) {
    diff.note = `${outFile} does not match the lock (sha256 ${previous.summary.sha256}); operations are compared with it anyway`;
  }
  return diff;
}

function formatDiff(diff: SpecDiff, options: FetchSpecOptions, source: Source): string {
  const { before, after } = diff;
  const lines = [
    `The OpenAPI document from ${source.label} differs from ${options.lockFile}:`,
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

/** Writes `bytes` atomically unless the file already holds exactly them. Returns whether it wrote. */
async function writeIfDifferent(file: string, bytes: Buffer): Promise<boolean> {
  try {
    const existing = await readFile(file);
    if (existing.equals(bytes)) return false;
  } catch (err) {
    if (errorCode(err) !== "ENOENT") throw err;
  }
  await writeAtomic(file, bytes);
  return true;
}

/** Writes a temp file in the same directory, then renames it over `file`. */
async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = path.join(
    dir,
    `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new Error(`cannot write ${file}: ${describeError(err)}`, { cause: err });
  }
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function errorCode(err: unknown): string | undefined {
  return isRecord(err) && typeof err["code"] === "string" ? err["code"] : undefined;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
