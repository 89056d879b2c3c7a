/**
 * Where a downloaded spec comes from: the lock's URL, then each configured mirror (a URL or a
 * local file), or `--from` alone. The first source whose content is an OpenAPI 3.x JSON document
 * wins; every failure is kept as one line (`unreachable`/`rejected` and why) for the message.
 * Also finds a copy of the document the lock describes (the one the SDK was generated from), so
 * that a change can be rated even on a fresh clone where no copy was downloaded yet.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeSpec, type AnalyzedSpec, type SpecLock } from "./fetch-lock.js";
import { describeError, errorCode, isRecord, sha256 } from "./fetch-util.js";

/** The "Download the Automation OpenAPI Specification" link of Cisco's Automation API guide. */
export const OFFICIAL_AUTOMATION_URL =
  "https://pubhub.devnetcloud.com/media/cisco-xdr-api-docs/docs/reference/automation/rest_api_1_0_0.json";

export const DEFAULT_TIMEOUT_MS = 15_000;

/** The options that decide which sources are tried (a subset of `FetchSpecOptions`). */
export interface SourceOptions {
  from?: string;
  offline?: boolean;
  mirrors: string[];
  baseDir: string;
  url?: string;
}

export type Source =
  | { kind: "url"; url: string; label: string; fetchedFrom: string }
  | { kind: "file"; file: string; label: string; fetchedFrom: string };

type Attempt =
  { ok: true; bytes: Buffer } | { ok: false; verb: "unreachable" | "rejected"; reason: string };

export interface ChosenSource {
  source: Source;
  bytes: Buffer;
  spec: AnalyzedSpec;
}

/** The first usable source, or the reason each one failed. */
export async function chooseSource(
  sources: Source[],
  fetchImpl: typeof fetch,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<{ chosen?: ChosenSource; failures: string[] }> {
  const failures: string[] = [];
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
    return { chosen: { source, bytes: attempt.bytes, spec }, failures };
  }
  return { failures };
}

/** A document the lock describes, with where it was found. */
export interface LockedDocument {
  bytes: Buffer;
  label: string;
}

/**
 * A copy of the locked document: the current out file when it matches, else any source (lock URL
 * unless offline, then mirrors; `--from` does not narrow this search) whose bytes match the lock's
 * sha256. Best effort: a source that fails is skipped silently, since the fetch itself succeeded.
 */
export async function findLockedCopy(
  lock: SpecLock,
  outFile: string,
  options: SourceOptions,
  skip: Source,
  fetchImpl: typeof fetch,
  timeoutMs: number,
): Promise<LockedDocument | undefined> {
  const current = await readFile(outFile).catch(() => undefined);
  if (current && sha256(current) === lock.sha256) return { bytes: current, label: outFile };
  for (const source of buildSources({ ...options, from: undefined }, lock)) {
    if (source.label === skip.label) continue;
    const attempt = await loadSource(source, fetchImpl, timeoutMs);
    if (attempt.ok && sha256(attempt.bytes) === lock.sha256) {
      return { bytes: attempt.bytes, label: source.label };
    }
  }
  return undefined;
}

function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

export function buildSources(options: SourceOptions, lock: SpecLock | undefined): Source[] {
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
