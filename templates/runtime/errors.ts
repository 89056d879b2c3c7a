// Every error the SDK throws is an `XdrError`. HTTP failures are `ApiError`s, one subclass per
// status family. No message, body, header or cause ever carries a credential: server text is
// scrubbed of every secret the transport knows, in every encoding it may come back in (see
// redact.ts), and control characters are neutralised so that server text cannot forge log lines.
// Error bodies are bounded excerpts (bodies.ts). Written to stay small once bundled and minified
// (see bench/).
import { clean } from "./redact.js";
import type { RateLimitInfo } from "./types.js";

/**
 * The base of every error the SDK throws: `catch (e) { if (e instanceof XdrError) … }` tells
 * them from anything else. Messages never hold a secret, a token or a credential.
 */
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
            (status === 429 && init.retryAfterMs !== undefined
              ? ` (retry after ${Math.ceil(init.retryAfterMs / 1000)} s)`
              : "") +
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
/** 403: the token is valid but lacks the right (often a scope the API client was not given). */
export class PermissionDeniedError extends ApiError {}
/** 404: no such entity (or the path does not exist on this host/region). */
export class NotFoundError extends ApiError {}
/** 409: the request conflicts with the current state (e.g. the entity exists already). */
export class ConflictError extends ApiError {}
/** 422: well-formed but semantically invalid. */
export class UnprocessableEntityError extends ApiError {}
/**
 * 429 once retries are spent, a `Retry-After` longer than `maxRetryAfterMs`, or the client-side
 * limiter/budget refusing to wait: `retryAfterMs` says how long to wait before trying again.
 */
export class RateLimitError extends ApiError {
  /** From `Retry-After`, or the wait the client-side limiter would have needed. */
  declare readonly retryAfterMs?: number;
  constructor(init: ApiErrorInit) {
    super(init);
    Object.assign(this, { retryAfterMs: init.retryAfterMs });
  }
}
/** 5xx once retries are spent (or at once for an operation that is not safe to repeat). */
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

// Scrubbing and bounded reads live in their own modules; these names stay importable from here.
export { base64, clean, reason, redact, redactDeep, safeCause, scrubHeaders } from "./redact.js";
export {
  ERROR_BODY_BYTES,
  EXCERPT_MARGIN,
  excerpt,
  parseText,
  readBody,
  readText,
  readUpTo,
} from "./bodies.js";
