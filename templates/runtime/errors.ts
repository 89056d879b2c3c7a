// Every error the SDK throws is an `XdrError`. HTTP failures are `ApiError`s, one subclass per
// status family. No message ever carries a credential: the server's text is scrubbed of the
// secret and of the bearer token before it is kept (see `redact`).
// Written to stay small once bundled and minified (see bench/).
import type { RateLimitInfo } from "./types.js";

export class XdrError extends Error {}

/** Bad client options (unknown region, missing credentials, a base URL of another region…). */
export class ConfigurationError extends XdrError {}

/** The server could not be reached, or the connection broke (cause: the `fetch` error). */
export class ConnectionError extends XdrError {}

/** No answer within `timeoutMs` (per attempt), or a workflow run outlived `waitTimeoutMs`. */
export class TimeoutError extends XdrError {}

/** The caller's `AbortSignal` fired (cause: its reason). Never retried. */
export class AbortError extends XdrError {}

/** The token lacks a scope the operation needs: thrown before anything is sent. */
export class MissingScopeError extends XdrError {
  // `declare`: assigned in the constructor, so no class-field code is emitted for them.
  declare readonly operation: string;
  declare readonly missing: readonly string[];
  declare readonly granted: readonly string[];
  constructor(operation: string, missing: readonly string[], granted: readonly string[]) {
    super(
      `${operation} needs the scope${missing[1] ? "s" : ""} ${missing.join(", ")}, ` +
        `which the API client was not granted (granted: ${granted.join(" ") || "none"})`,
    );
    Object.assign(this, { operation, missing, granted });
  }
}

export interface ApiErrorInit {
  status: number;
  operation: string;
  /** Parsed JSON body, else its text; `undefined` when empty. */
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
      init.message ??
        `${operation} failed: HTTP ${status}${code ? " " + code : ""}` +
          (detail ? ": " + (detail as string).slice(0, 300) : "") +
          (requestId ? ` (request id ${requestId})` : ""),
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

/** 401, and any failure of the token endpoint to issue a token (`code` = its `error`). */
export class AuthenticationError extends ApiError {}
export class PermissionDeniedError extends ApiError {}
export class NotFoundError extends ApiError {}
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
    super(`Workflow run ${id} ended ${state}`);
    Object.assign(this, { instance, state });
  }
}

// Names live on the prototypes, so that minified bundles keep them and stacks show them.
const classes = [
  XdrError,
  ConfigurationError,
  ConnectionError,
  TimeoutError,
  AbortError,
  MissingScopeError,
  ApiError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RateLimitError,
  ServerError,
];
"XdrError ConfigurationError ConnectionError TimeoutError AbortError MissingScopeError ApiError AuthenticationError PermissionDeniedError NotFoundError RateLimitError ServerError"
  .split(" ")
  .forEach((name, i) => (classes[i]!.prototype.name = name));

/** The `ApiError` subclass for a status. */
export function apiError(init: ApiErrorInit): ApiError {
  const s = init.status;
  return new (
    s === 401
      ? AuthenticationError
      : s === 403
        ? PermissionDeniedError
        : s === 404
          ? NotFoundError
          : s === 429
            ? RateLimitError
            : s >= 500
              ? ServerError
              : ApiError
  )(init);
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

/** Removes every occurrence of the given secrets from a text. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  for (const s of secrets) if (s) text = text.split(s).join("[redacted]");
  return text;
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

/** Reads an error body: JSON when it parses, else the text; credentials scrubbed. */
export function readBody(
  res: Response,
  secrets: readonly (string | undefined)[],
): Promise<unknown> {
  return res.text().then(
    (text) => parseText(redact(text, secrets)),
    () => undefined,
  );
}
