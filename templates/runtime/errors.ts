// Every error the SDK throws is an `XdrError`. HTTP failures are `ApiError`s, one subclass per
// status family. No message ever carries a credential: the server's text is scrubbed of the
// secret and of the bearer token before it is kept (see `redact`).
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
  readonly operation: string;
  readonly missing: readonly string[];
  readonly granted: readonly string[];
  constructor(operation: string, missing: readonly string[], granted: readonly string[]) {
    super(
      `${operation} needs the scope${missing.length > 1 ? "s" : ""} ${missing.join(", ")}, ` +
        `which the API client was not granted (granted: ${granted.join(" ") || "none"})`,
    );
    this.operation = operation;
    this.missing = missing;
    this.granted = granted;
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

/** The server answered with an error status (or a 2xx body that could not be read). */
export class ApiError extends XdrError {
  readonly status: number;
  readonly operation: string;
  readonly body: unknown;
  readonly headers: Headers;
  /** The server's error code, e.g. `jwt_expired`, `invalid_client`. */
  readonly code?: string;
  /** `X-Request-Id`: quote it to Cisco support. */
  readonly requestId?: string;
  readonly rateLimit?: RateLimitInfo;
  constructor(init: ApiErrorInit) {
    const headers = init.headers ?? new Headers();
    const body = init.body;
    const b = (body !== null && typeof body === "object" ? body : {}) as Record<string, unknown>;
    const code = typeof b.error === "string" ? b.error : undefined;
    const requestId = headers.get("x-request-id") ?? undefined;
    let detail = b.error_description ?? b.message ?? b.errors ?? (code ? undefined : body);
    if (detail !== undefined && typeof detail !== "string") detail = JSON.stringify(detail);
    super(
      init.message ??
        `${init.operation} failed: HTTP ${init.status}${code ? ` ${code}` : ""}` +
          (detail ? `: ${(detail as string).slice(0, 300)}` : "") +
          (requestId ? ` (request id ${requestId})` : ""),
    );
    this.status = init.status;
    this.operation = init.operation;
    this.body = body;
    this.headers = headers;
    this.code = code;
    this.requestId = requestId;
    this.rateLimit = rateLimitOf(headers);
  }
}

/** 401, and any failure of the token endpoint to issue a token (`code` = its `error`). */
export class AuthenticationError extends ApiError {}
export class PermissionDeniedError extends ApiError {}
export class NotFoundError extends ApiError {}
export class RateLimitError extends ApiError {
  /** From `Retry-After`, or the wait the client-side limiter would have needed. */
  readonly retryAfterMs?: number;
  constructor(init: ApiErrorInit) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}
export class ServerError extends ApiError {}

/** A workflow run ended `failed` or `cancelled`; `instance` is its last state. */
export class WorkflowRunError extends XdrError {
  readonly instance: unknown;
  readonly state: string;
  constructor(id: string, state: string, instance: unknown) {
    super(`Workflow run ${id} ended ${state}`);
    this.instance = instance;
    this.state = state;
  }
}

// Names live on the prototypes, so that minified bundles keep them and stacks show them.
const names: [{ prototype: Error }, string][] = [
  [XdrError, "XdrError"],
  [ConfigurationError, "ConfigurationError"],
  [ConnectionError, "ConnectionError"],
  [TimeoutError, "TimeoutError"],
  [AbortError, "AbortError"],
  [MissingScopeError, "MissingScopeError"],
  [ApiError, "ApiError"],
  [AuthenticationError, "AuthenticationError"],
  [PermissionDeniedError, "PermissionDeniedError"],
  [NotFoundError, "NotFoundError"],
  [RateLimitError, "RateLimitError"],
  [ServerError, "ServerError"],
  [WorkflowRunError, "WorkflowRunError"],
];
for (const [c, n] of names) c.prototype.name = n;

/** The `ApiError` subclass for a status. */
export function apiError(init: ApiErrorInit): ApiError {
  const s = init.status;
  const C =
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
              : ApiError;
  return new C(init);
}

export function rateLimitOf(h: Headers): RateLimitInfo | undefined {
  const limit = h.get("x-ratelimit-org-limit") ?? h.get("x-ratelimit-group-limit");
  const remaining = h.get("x-ratelimit-org-remaining") ?? h.get("x-ratelimit-group-remaining");
  if (limit === null && remaining === null) return undefined;
  return {
    limit: limit === null ? undefined : Number(limit),
    remaining: remaining === null ? undefined : Number(remaining),
  };
}

/** Removes every occurrence of the given secrets from a text. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  for (const s of secrets) if (s) text = text.split(s).join("[redacted]");
  return text;
}

/** Reads an error body: JSON when it parses, else the text; credentials scrubbed. */
export async function readBody(
  res: Response,
  secrets: readonly (string | undefined)[],
): Promise<unknown> {
  let text: string;
  try {
    text = redact(await res.text(), secrets);
  } catch {
    return undefined;
  }
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
