// SDK errors as data (for MCP `isError` results and CLI stderr) and as exit codes. Duck-typed on
// the error's `name`, so that this module works with any copy of xdr-sdk (and in unit tests
// without one).
import { scrub } from "./env.js";

export interface Failure {
  /** `RateLimitError`, `NotFoundError`…, or `Error` for anything else. */
  readonly error: string;
  readonly message: string;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  /** For 429: how long to wait before trying again. */
  readonly retryAfterMs?: number;
  /** For `MissingScopeError`: the scopes the API client lacks. */
  readonly missingScopes?: readonly string[];
  readonly hint?: string;
}

/** Exit codes of the `xdr` CLI, by error class. */
export const EXIT_CODES: Readonly<Record<string, number>> = {
  UsageError: 2,
  ConfigurationError: 3,
  AuthenticationError: 4,
  PermissionDeniedError: 5,
  MissingScopeError: 5,
  NotFoundError: 6,
  RateLimitError: 7,
  ServerError: 8,
  ConnectionError: 9,
  TimeoutError: 9,
  AbortError: 9,
  ApiError: 10,
  WorkflowRunError: 11,
};

/** Bad arguments: exit code 2, never sent to XDR. */
export class UsageError extends Error {
  override name = "UsageError";
}

export function exitCodeOf(error: unknown): number {
  const name = (error as { name?: unknown } | null)?.name;
  return (typeof name === "string" && Object.hasOwn(EXIT_CODES, name) && EXIT_CODES[name]) || 1;
}

const HINTS: Readonly<Record<string, string>> = {
  ConfigurationError: "Check XDR_CLIENT_ID, XDR_CLIENT_SECRET, XDR_REGION and XDR_BASE_URL_*.",
  AuthenticationError: "The API client credentials were refused: check them and the region.",
  MissingScopeError: "Grant the scope to the API client in XDR (Administration → API Clients).",
  PermissionDeniedError: "The API client lacks a scope or the org a licence for this operation.",
  RateLimitError: "Rate limited: wait retryAfterMs before calling again.",
};

export function describeError(error: unknown, secrets: readonly string[]): Failure {
  const e = (error ?? {}) as Record<string, unknown>;
  const name = typeof e.name === "string" && e.name ? e.name : "Error";
  const message = scrub(error instanceof Error ? error.message : String(error), secrets);
  const pick = <T>(key: string, type: string): T | undefined =>
    typeof e[key] === type ? (e[key] as T) : undefined;
  const missing = Array.isArray(e.missing) ? (e.missing as string[]) : undefined;
  const failure: Failure = {
    error: name,
    message: message.slice(0, 1000),
    ...opt("status", pick<number>("status", "number")),
    ...opt("code", pick<string>("code", "string")),
    ...opt("requestId", pick<string>("requestId", "string")),
    ...opt("retryAfterMs", pick<number>("retryAfterMs", "number")),
    ...opt("missingScopes", missing),
    ...opt("hint", Object.hasOwn(HINTS, name) ? HINTS[name] : undefined),
  };
  return failure;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
