// Every error the SDK throws is an `XdrError`. HTTP failures are `ApiError`s, one subclass per
// status family. No message, body, header or cause ever carries a credential: server text is
// scrubbed of every secret the transport knows, in every encoding it may come back in (see
// `redact`), and control characters are neutralised so that server text cannot forge log lines.
// Written to stay small once bundled and minified (see bench/).
import type { RateLimitInfo } from "./types.js";

export class XdrError extends Error {}

/** Bad client options (unknown region, missing credentials, an unsafe base URL…). */
export class ConfigurationError extends XdrError {}

/**
 * A call's arguments or per-call options cannot make a safe request (a path value `..`, a header
 * value with a line break, a negative timeout…): thrown before anything is sent, never retried.
 */
export class UsageError extends XdrError {
  /** The argument or option at fault, e.g. `action_id` or `headers.x-trace`. */
  declare readonly parameter?: string;
  constructor(message: string, parameter?: string) {
    super(message);
    Object.assign(this, { parameter });
  }
}

/** The server could not be reached, or the connection broke (cause: the `fetch` error, scrubbed). */
export class ConnectionError extends XdrError {}

/** No answer within `timeoutMs` (per attempt), or a workflow run outlived `waitTimeoutMs`. */
export class TimeoutError extends XdrError {}

/** The caller's `AbortSignal` fired (cause: its reason). Never retried. */
export class AbortError extends XdrError {}

/** A success body larger than `maxResponseBytes`. Never retried. */
export class ResponseTooLargeError extends XdrError {}

/** The token lacks a scope the operation needs: thrown before anything is sent. */
export class MissingScopeError extends XdrError {
  // `declare`: assigned in the constructor, so no class-field code is emitted for them.
  declare readonly operation: string;
  declare readonly missing: readonly string[];
  declare readonly granted: readonly string[];
  constructor(operation: string, missing: readonly string[], granted: readonly string[]) {
    super(
      clean(
        `${operation} needs the scope${missing[1] ? "s" : ""} ${missing.join(", ")}, ` +
          `which the API client was not granted (granted: ${granted.join(" ") || "none"})`,
      ),
    );
    Object.assign(this, { operation, missing, granted });
  }
}

export interface ApiErrorInit {
  status: number;
  operation: string;
  /** Parsed JSON body, else its text (an excerpt of at most `ERROR_BODY_BYTES`); `undefined` when empty. */
  body?: unknown;
  headers?: Headers;
  message?: string;
  retryAfterMs?: number;
}

/** `X-Request-Id` of an answer. */
export const requestIdOf = (h: Headers): string | undefined => h.get("x-request-id") ?? undefined;

/** The server answered with an error status (or a 2xx body that could not be read). */
export class ApiError extends XdrError {
  declare readonly status: number;
  declare readonly operation: string;
  declare readonly body: unknown;
  declare readonly headers: Headers;
  /** The server's error code, e.g. `jwt_expired`, `invalid_client`. */
  declare readonly code?: string;
  /** `X-Request-Id`: quote it to Cisco support. */
  declare readonly requestId?: string;
  declare readonly rateLimit?: RateLimitInfo;
  constructor(init: ApiErrorInit) {
    const { status, operation, body, headers = new Headers() } = init;
    const b = (body !== null && typeof body === "object" ? body : {}) as Record<string, unknown>;
    const code = typeof b.error === "string" ? b.error : undefined;
    const requestId = requestIdOf(headers);
    let detail = b.error_description ?? b.message ?? b.errors ?? (code ? undefined : body);
    if (detail !== undefined && typeof detail !== "string") detail = JSON.stringify(detail);
    super(
      clean(
        init.message ??
          `${operation} failed: HTTP ${status}${code ? " " + code : ""}` +
            (detail ? ": " + (detail as string).slice(0, 300) : "") +
            (requestId ? ` (request id ${requestId})` : ""),
      ),
    );
    Object.assign(this, {
      status,
      operation,
      body,
      headers,
      code,
      requestId,
      rateLimit: rateLimitOf(headers),
    });
  }
}

/** 400: the server refused the request as malformed. */
export class BadRequestError extends ApiError {}
/** 401, and a token endpoint that refuses the credentials (`code` = its `error`). */
export class AuthenticationError extends ApiError {}
export class PermissionDeniedError extends ApiError {}
export class NotFoundError extends ApiError {}
/** 409: the request conflicts with the current state (e.g. the entity exists already). */
export class ConflictError extends ApiError {}
/** 422: well-formed but semantically invalid. */
export class UnprocessableEntityError extends ApiError {}
export class RateLimitError extends ApiError {
  /** From `Retry-After`, or the wait the client-side limiter would have needed. */
  declare readonly retryAfterMs?: number;
  constructor(init: ApiErrorInit) {
    super(init);
    Object.assign(this, { retryAfterMs: init.retryAfterMs });
  }
}
export class ServerError extends ApiError {}

/**
 * A workflow run ended `failed` or `cancelled`; `instance` is its last state. Only workflow.ts
 * throws it, and names it there: a bundle without workflow waits leaves it out.
 */
export class WorkflowRunError extends XdrError {
  declare readonly instance: unknown;
  declare readonly state: string;
  constructor(id: string, state: string, instance: unknown) {
    super(clean(`Workflow run ${id} ended ${state}`));
    Object.assign(this, { instance, state });
  }
}

// Names live on the prototypes, so that minified bundles keep them and stacks show them.
const classes = [
  XdrError,
  ConfigurationError,
  UsageError,
  ConnectionError,
  TimeoutError,
  AbortError,
  ResponseTooLargeError,
  MissingScopeError,
  ApiError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  ServerError,
];
"XdrError ConfigurationError UsageError ConnectionError TimeoutError AbortError ResponseTooLargeError MissingScopeError ApiError BadRequestError AuthenticationError PermissionDeniedError NotFoundError ConflictError UnprocessableEntityError RateLimitError ServerError"
  .split(" ")
  .forEach((name, i) => (classes[i]!.prototype.name = name));

const BY_STATUS: Record<number, typeof ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The `ApiError` subclass for a status. */
export function apiError(init: ApiErrorInit): ApiError {
  const s = init.status;
  return new (BY_STATUS[s] ?? (s >= 500 ? ServerError : ApiError))(init);
}

export function rateLimitOf(h: Headers): RateLimitInfo | undefined {
  const get = (what: string): number | undefined => {
    const v = h.get(`x-ratelimit-org-${what}`) ?? h.get(`x-ratelimit-group-${what}`);
    return v === null ? undefined : Number(v);
  };
  const limit = get("limit");
  const remaining = get("remaining");
  return limit === undefined && remaining === undefined ? undefined : { limit, remaining };
}

// ---- Scrubbing ---------------------------------------------------------------------------------

/** Secrets shorter than this are only removed where they stand as a whole word (see `redact`). */
const SHORT = 8;
const WORD = /[A-Za-z0-9]/;
/** Base64 of the UTF-8 bytes (btoa alone takes Latin-1 only): HTTP Basic, and a secret's forms. */
export const base64 = (s: string): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(s)));

/** A character as a JSON `\\uXXXX` escape. */
const unicodeEscape = (c: string): string => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");

/**
 * The forms a secret may come back in: as is, JSON-escaped (ASCII-only too), URL-encoded three
 * ways (encodeURIComponent, strict RFC 3986, form encoding with `+`) in either hex case, and
 * base64 (with `Basic `, which is also how `id:secret` is sent; base64url too).
 */
function forms(s: string): Set<string> {
  const json = JSON.stringify(s).slice(1, -1);
  // Lone surrogates only (encodeURIComponent throws on them); a pair stays the character it is.
  const wellFormed = s.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    "\uFFFD",
  );
  const uri = encodeURIComponent(wellFormed);
  const strict = uri.replace(/[!'()*~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  const b64 = base64(s);
  const out = [
    s,
    json,
    json.replace(/[\u007f-\uffff]/g, unicodeEscape),
    b64,
    b64.replace(/=+$/, ""),
    b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
  ];
  for (const u of [uri, strict, new URLSearchParams([["", wellFormed]]).toString().slice(1)]) {
    for (const v of [u, u.replace(/%20/g, "+")]) {
      out.push(
        v,
        v.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      );
    }
  }
  return new Set(out);
}

/**
 * Removes every occurrence of the given secrets, in each of their encodings, from a text. A
 * secret shorter than 8 characters is removed only where it stands as a whole word, so that a
 * one-letter secret cannot mangle the rest of a message.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  for (const s of secrets) {
    if (!s) continue;
    for (const f of forms(s)) {
      if (!f || !text.includes(f)) continue;
      if (f.length >= SHORT) {
        text = text.split(f).join("[redacted]");
        continue;
      }
      let out = "";
      let from = 0;
      for (let i = text.indexOf(f); i >= 0; i = text.indexOf(f, i + 1)) {
        const before = text[i - 1];
        const after = text[i + f.length];
        if (i < from || (before && WORD.test(before)) || (after && WORD.test(after))) continue;
        out += text.slice(from, i) + "[redacted]";
        from = i + f.length;
      }
      text = out + text.slice(from);
    }
  }
  return text;
}

/**
 * Control characters (ANSI escapes, CR/LF, NUL, C1) of server text shown as escapes, so that a
 * message cannot rewrite a terminal or forge a log line.
 */
export function clean(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what it neutralises
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    unicodeEscape,
  );
}

/** A text as JSON when it parses, else as is; `undefined` when empty. */
export function parseText(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** How much of an error body is kept on `ApiError.body` (bytes); the rest is never read. */
export const ERROR_BODY_BYTES = 65_536;

/**
 * Reads at most `limit` bytes of a body, then cancels the rest (a 200 MB error page is never
 * held in memory). `more`: the body went on past `limit`.
 */
export async function readUpTo(
  res: Response,
  limit: number,
): Promise<{ blob: Blob; more: boolean }> {
  const reader = res.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let more = false;
  for (;;) {
    const r = await reader?.read();
    if (!r || r.done) break;
    const { value } = r;
    const take = Math.min(value.byteLength, limit - size);
    chunks.push(value.subarray(0, take));
    size += take;
    if (take < value.byteLength || size >= limit) {
      // A peek for one more byte tells a body of exactly `limit` bytes from a longer one.
      more = take < value.byteLength || !(await reader!.read()).done;
      void reader!.cancel().catch(() => undefined);
      break;
    }
  }
  return { blob: new Blob(chunks as BlobPart[]), more };
}

/** `readUpTo` as text (UTF-8; a character cut at the limit becomes U+FFFD). */
export async function readText(
  res: Response,
  limit: number,
): Promise<{ text: string; more: boolean }> {
  const { blob, more } = await readUpTo(res, limit);
  return { text: await blob.text(), more };
}

/** Strings anywhere in a parsed body, scrubbed (a JSON-escaped secret is plain once parsed). */
export function redactDeep(value: unknown, secrets: Iterable<string | undefined>): unknown {
  if (typeof value === "string") return redact(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty: a key "__proto__" stays a key, never the prototype.
      Object.defineProperty(out, redact(k, secrets), {
        value: redactDeep(v, secrets),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/**
 * What is kept of an error body read with `readText(res, limit + EXCERPT_MARGIN)`: scrubbed
 * before the cut (so no cut keeps the head of a secret), as JSON when it parses whole, else the
 * text (with `…` when cut).
 */
export function excerpt(
  text: string,
  more: boolean,
  limit: number,
  secrets: Iterable<string | undefined>,
): unknown {
  const scrubbed = redact(text, secrets);
  if (more || scrubbed.length > limit) return scrubbed.slice(0, limit) + "…";
  return redactDeep(parseText(scrubbed), secrets);
}

/** Read past an excerpt's limit, so that a secret across the cut is whole when scrubbed. */
export const EXCERPT_MARGIN = 8_192;

/**
 * Reads an error body: a bounded excerpt (`ERROR_BODY_BYTES`), scrubbed. A body that breaks off
 * while being read keeps what arrived.
 */
export async function readBody(
  res: Response,
  secrets: Iterable<string | undefined>,
): Promise<unknown> {
  try {
    const { text, more } = await readText(res, ERROR_BODY_BYTES + EXCERPT_MARGIN);
    return excerpt(text, more, ERROR_BODY_BYTES, secrets);
  } catch {
    return undefined;
  }
}

/** Response headers with every secret scrubbed from their values. */
export function scrubHeaders(h: Headers, secrets: Iterable<string | undefined>): Headers {
  const out = new Headers();
  h.forEach((v, k) => out.append(k, redact(v, secrets)));
  return out;
}

/**
 * A `fetch` failure made safe to keep as a `cause`: undici's messages can quote a header value
 * (a token) verbatim. Keeps the name, the scrubbed message and the error code.
 */
export function safeCause(e: unknown, secrets: Iterable<string | undefined>): Error {
  const err = e as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
  const inner = err?.cause as { code?: unknown; message?: unknown } | undefined;
  const copy = new Error(clean(redact(String(err?.message ?? e), secrets)));
  copy.name = String(err?.name ?? "Error");
  copy.stack = copy.name + ": " + copy.message;
  const code = err?.code ?? inner?.code;
  if (code !== undefined) Object.assign(copy, { code: clean(redact(String(code), secrets)) });
  return copy;
}

/** The useful part of a `fetch` failure (`ECONNREFUSED`…), scrubbed and on one line. */
export function reason(e: unknown, secrets: Iterable<string | undefined>): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  return clean(
    redact(String(cause?.code ?? cause?.message ?? (e as Error)?.message ?? e), secrets),
  );
}
