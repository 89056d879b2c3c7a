/**
 * The lock of a downloaded spec (`specs/automation.lock.json`): what a document must be to be
 * trusted (its sha256, size and a summary), how the lock file is read and written, and whether a
 * file on disk is the document the lock describes. Only our summary of Cisco's document is kept
 * here (title, version, counts, checksum), never its content.
 */
import { readFile } from "node:fs/promises";
import { describeError, errorCode, isRecord, sha256 } from "./fetch-util.js";

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

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

/** A parsed, validated OpenAPI document with its summary and sorted operation keys. */
export interface AnalyzedSpec {
  summary: SpecSummary;
  operationKeys: string[];
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

/** What a lock says of its document, without where and when it was fetched. */
export function summaryOf(lock: SpecSummary): SpecSummary {
  const { sha256, size, openapi, title, version, operations } = lock;
  return { sha256, size, openapi, title, version, operations };
}

/** The lock file text: stable key order, 2-space JSON, trailing newline. */
export function serializeLock(lock: SpecLock): string {
  const ordered: SpecLock = {
    url: lock.url,
    ...summaryOf(lock),
    fetchedAt: lock.fetchedAt,
    fetchedFrom: lock.fetchedFrom,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
