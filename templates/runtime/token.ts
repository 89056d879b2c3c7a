// OAuth2 client credentials. One cache slot per (token URL, client id, secret) in the process,
// shared by every client made with the same credentials; one token request in flight per slot
// however many calls wait; refreshed ahead of expiry by `min(60 s, lifetime / 2)`.
import {
  AuthenticationError,
  ConnectionError,
  TimeoutError,
  apiError,
  readBody,
} from "./errors.js";
import { abortController, parseRetryAfter } from "./retry.js";
import { parseScopes } from "./scopes.js";
import type { Logger } from "./types.js";

export interface Token {
  readonly value: string;
  /** `Bearer <value>`, built once. */
  readonly header: string;
  /** Granted scopes; `undefined` when the server did not say (the scope check is skipped). */
  readonly scopes: readonly string[] | undefined;
  readonly expiresAt: number;
  readonly refreshAt: number;
  /** Operations already checked against `scopes`. */
  readonly checked: WeakSet<object>;
}

export interface TokenSource {
  /** The cached token, or the one request in flight for a new one. */
  get(): Token | Promise<Token>;
  /** After a 401: forgets `value` if it is still the current token. */
  invalidate(value: string): void;
}

export interface TokenSourceOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  dispatcher?: unknown;
  timeoutMs: number;
  headers?: Record<string, string>;
  logger?: Logger;
}

interface Slot {
  token?: Token;
  pending?: Promise<Token>;
}

const slots = new Map<string, Slot>();

/** Forgets every cached token (tests; or after rotating a secret). */
export function clearTokenCache(): void {
  for (const slot of slots.values()) slot.token = slot.pending = undefined;
  slots.clear();
}

export function tokenSource(o: TokenSourceOptions): TokenSource {
  const key = `${o.tokenUrl}\n${o.clientId}\n${o.clientSecret}`;
  let s = slots.get(key);
  if (!s) slots.set(key, (s = {}));
  const slot = s;
  // btoa takes Latin-1: encode to UTF-8 bytes first.
  const basic =
    "Basic " +
    btoa(String.fromCharCode(...new TextEncoder().encode(`${o.clientId}:${o.clientSecret}`)));
  return {
    get() {
      const t = slot.token;
      if (t && Date.now() < t.refreshAt) return t;
      return (slot.pending ??= requestToken(o, basic).then(
        (token) => {
          slot.pending = undefined;
          return (slot.token = token);
        },
        (e: unknown) => {
          slot.pending = undefined;
          throw e;
        },
      ));
    },
    invalidate(value) {
      if (slot.token?.value === value) slot.token = undefined;
    },
  };
}

const OP = "oauth2.token";

async function requestToken(o: TokenSourceOptions, basic: string): Promise<Token> {
  const sentAt = Date.now();
  const ctrl = new AbortController();
  const ms = o.timeoutMs;
  const timer = ms > 0 && ms < Infinity ? setTimeout(abortController, ms, ctrl) : undefined;
  try {
    let res: Response;
    try {
      res = await (o.fetch ?? fetch)(o.tokenUrl, {
        method: "POST",
        headers: {
          ...o.headers,
          authorization: basic,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: "grant_type=client_credentials",
        signal: ctrl.signal,
        dispatcher: o.dispatcher,
      } as RequestInit);
    } catch (e) {
      throw ctrl.signal.aborted
        ? new TimeoutError(`Token request got no answer within ${ms} ms`)
        : new ConnectionError(`Token request failed: ${reason(e)}`, { cause: e });
    }
    const { ok, status, headers } = res;
    // Scrub error bodies only: a success body is the token itself.
    const body = await readBody(res, ok ? [] : [o.clientSecret, basic]);
    o.logger?.debug("xdr token", { url: o.tokenUrl, status, durationMs: Date.now() - sentAt });
    const fail = (message?: string): AuthenticationError =>
      new AuthenticationError({
        status,
        operation: OP,
        body: message ? undefined : body,
        headers,
        message,
      });
    if (!ok) {
      // A refused client is an authentication failure; 429 and 5xx keep their own (retryable) class.
      if (status === 429 || status >= 500) {
        const retryAfterMs = parseRetryAfter(headers.get("retry-after"));
        throw apiError({ status, operation: OP, body, headers, retryAfterMs });
      }
      throw fail();
    }
    const b = (body ?? {}) as Record<string, unknown>;
    const value = b.access_token;
    if (typeof value !== "string" || !value) {
      throw fail("The token endpoint answered without an access_token");
    }
    if (b.token_type != null && String(b.token_type).toLowerCase() !== "bearer") {
      throw fail(`The token endpoint issued a "${b.token_type}" token; only bearer is supported`);
    }
    const seconds = Number(b.expires_in);
    const lifetime = (seconds > 0 ? seconds : 600) * 1000;
    return {
      value,
      header: "Bearer " + value,
      scopes: parseScopes(b.scope),
      expiresAt: sentAt + lifetime,
      refreshAt: sentAt + lifetime - Math.min(60_000, lifetime / 2),
      checked: new WeakSet(),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The useful part of a `fetch` failure (`ECONNREFUSED`…), never a header. */
export function reason(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  return String(cause?.code ?? cause?.message ?? (e as Error)?.message ?? e);
}
