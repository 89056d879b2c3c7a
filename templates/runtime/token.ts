// OAuth2 client credentials. One cache slot per (token URL, client id, secret) in the process,
// shared by every client made with the same credentials; one token request in flight per slot
// however many calls wait. A token is refreshed ahead of expiry by `min(60 s, lifetime / 2)`;
// while the cached token is still valid a failed refresh never fails a call: the token keeps
// serving and the refresh is tried again with backoff.
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  TimeoutError,
  apiError,
} from "./errors.js";
import { parseText, readText, EXCERPT_MARGIN, excerpt } from "./bodies.js";
import { base64, reason, redact, safeCause, scrubHeaders } from "./redact.js";
import { abortController, aborted, backoffMs, onAbort, parseRetryAfter } from "./retry.js";
import { drain, locationOf, send } from "./send.js";
import { parseScopes } from "./scopes.js";
import type { Budget } from "./budget.js";
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
  /**
   * The cached token, or the one request in flight for a new one. `signal`: this caller's
   * interest; when every waiting caller has given up, the request is cancelled.
   */
  get(signal?: AbortSignal): Token | Promise<Token>;
  /** After a 401: forgets `value` if it is still the current token. */
  invalidate(value: string): void;
  /** What must never be shown: the secret, the Basic credential, every token issued. */
  readonly secrets: ReadonlySet<string>;
}

export interface TokenSourceOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  dispatcher?: unknown;
  /** Bound of one token request (connect, headers and body). */
  timeoutMs: number;
  headers?: Record<string, string>;
  logger?: Logger;
  /**
   * A budget whose store shares tokens between processes (`redisStore`): one token request per
   * client id across every process, not per process.
   */
  shared?: Pick<Budget, "shareToken" | "dropToken">;
}

interface Pending {
  readonly promise: Promise<Token>;
  readonly ctrl: AbortController;
  /** Callers waiting; a background refresh has none and is never cancelled by them leaving. */
  waiters: number;
  readonly background: boolean;
}

interface Slot {
  token?: Token;
  pending?: Pending;
  /** Failed refreshes in a row, and when the next may start (refresh window only). */
  failures: number;
  retryAt: number;
  readonly secrets: Set<string>;
}

const slots = new Map<string, Slot>();

/** Forgets every cached token (tests; or after rotating a secret). */
export function clearTokenCache(): void {
  for (const slot of slots.values()) slot.token = slot.pending = undefined;
  slots.clear();
}

/** Why a token request was cancelled: every caller waiting for it gave up. */
const ABANDONED = "abandoned";

export function tokenSource(o: TokenSourceOptions): TokenSource {
  // JSON: no id or secret (with a newline, say) can make two credentials share a slot.
  const key = JSON.stringify([o.tokenUrl, o.clientId, o.clientSecret]);
  const pair = `${o.clientId}:${o.clientSecret}`;
  const basic = "Basic " + base64(pair);
  let s = slots.get(key);
  if (!s)
    slots.set(
      key,
      (s = { failures: 0, retryAt: 0, secrets: new Set([o.clientSecret, pair, basic]) }),
    );
  const slot = s;

  const client = { tokenUrl: o.tokenUrl, clientId: o.clientId, clientSecret: o.clientSecret };
  const share = o.shared?.shareToken;
  const start = (background: boolean): Pending => {
    const ctrl = new AbortController();
    const fetchToken = (): Promise<Token> => requestToken(o, basic, ctrl, slot.secrets);
    const got = share
      ? share(client, fetchToken, { lockMs: o.timeoutMs || undefined, signal: ctrl.signal }).then(
          (t): Token =>
            t.value === slot.token?.value
              ? slot.token
              : {
                  value: t.value,
                  header: "Bearer " + t.value,
                  scopes: t.scopes,
                  expiresAt: t.expiresAt,
                  refreshAt: t.refreshAt,
                  checked: new WeakSet(),
                },
        )
      : fetchToken();
    const promise = got.then(
      (token) => {
        if (background && token === slot.token) {
          // Another process holds the refresh: ask the store again a little later, not per call.
          slot.pending = undefined;
          slot.retryAt = Date.now() + backoffMs(0);
          return token;
        }
        slot.pending = undefined;
        slot.failures = slot.retryAt = 0;
        slot.secrets.add(token.value);
        return (slot.token = token);
      },
      (e: unknown) => {
        slot.pending = undefined;
        if (ctrl.signal.reason !== ABANDONED) {
          slot.retryAt = Date.now() + backoffMs(slot.failures++);
        }
        throw e;
      },
    );
    const p: Pending = { promise, ctrl, waiters: 0, background };
    if (background) {
      promise.catch((e: unknown) =>
        o.logger?.debug("xdr token refresh failed; the current token stays in use", {
          url: o.tokenUrl,
          error: (e as Error).name,
        }),
      );
    }
    return (slot.pending = p);
  };

  return {
    secrets: slot.secrets,
    get(signal) {
      const t = slot.token;
      const now = Date.now();
      if (t && now < t.refreshAt) return t;
      if (t && now < t.expiresAt) {
        if (!slot.pending && now >= slot.retryAt) start(true);
        return t;
      }
      return wait(slot.pending ?? start(false), signal);
    },
    invalidate(value) {
      if (slot.token?.value === value) slot.token = undefined;
      void o.shared?.dropToken?.(client, value).catch(() => undefined);
    },
  };
}

/** One caller's wait for a pending request: leaves on its signal, cancels it when last to go. */
function wait(p: Pending, signal: AbortSignal | undefined): Promise<Token> {
  if (!signal) {
    p.waiters++;
    return p.promise.finally(() => p.waiters--);
  }
  if (signal.aborted) return Promise.reject(aborted(signal));
  p.waiters++;
  return new Promise<Token>((resolve, reject) => {
    let left = false;
    const leave = (): void => {
      if (left) return;
      left = true;
      unlink();
      if (--p.waiters === 0 && !p.background) p.ctrl.abort(ABANDONED);
    };
    const unlink = onAbort(signal, () => {
      reject(aborted(signal));
      leave();
    });
    p.promise.then(resolve, reject).finally(leave);
  });
}

const OP = "oauth2.token";
/** Largest token response read. */
const TOKEN_BODY_BYTES = 65_536;

async function requestToken(
  o: TokenSourceOptions,
  basic: string,
  ctrl: AbortController,
  secrets: ReadonlySet<string>,
): Promise<Token> {
  const sentAt = Date.now();
  const ms = o.timeoutMs;
  const timer = ms > 0 && ms < Infinity ? setTimeout(abortController, ms, ctrl) : undefined;
  const broken = (what: string, e: unknown): Error =>
    ctrl.signal.aborted
      ? new TimeoutError(`Token request got no answer within ${ms} ms`)
      : new ConnectionError(`Token request failed${what}: ${reason(e, secrets)}`, {
          cause: safeCause(e, secrets),
        });
  try {
    let res: Response;
    try {
      // Credentials go to the configured origin only: `send` follows same-origin 307/308 alone.
      res = await send(
        o.fetch,
        o.tokenUrl,
        {
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
          redirect: "manual",
        },
        true,
      );
    } catch (e) {
      throw broken("", e);
    }
    if (res.type === "opaqueredirect" || (res.status >= 300 && res.status < 400)) {
      drain(res);
      const next = locationOf(res, o.tokenUrl);
      throw new ApiError({
        status: res.status,
        operation: OP,
        headers: scrubHeaders(res.headers, secrets),
        message:
          `${OP}: the token endpoint redirected (HTTP ${res.status}) to ` +
          (next?.origin === new URL(o.tokenUrl).origin
            ? "the same origin without keeping the method"
            : (next?.origin ?? "nowhere usable")) +
          `; credentials are only sent to the configured URL: set baseUrls.token to the final one`,
      });
    }
    const { ok, status } = res;
    const headers = scrubHeaders(res.headers, secrets);
    let text: string;
    let more: boolean;
    try {
      ({ text, more } = await readText(res, TOKEN_BODY_BYTES + EXCERPT_MARGIN));
    } catch (e) {
      // Reset or timeout mid-body: a transient failure, retried like any other.
      throw broken(" while reading the answer", e);
    }
    o.logger?.debug("xdr token", { url: o.tokenUrl, status, durationMs: Date.now() - sentAt });
    more ||= text.length > TOKEN_BODY_BYTES;
    // Scrub error bodies only: a success body is the token itself.
    const body = ok ? parseText(text) : excerpt(text, more, TOKEN_BODY_BYTES, secrets);
    /** `why`: what the token endpoint did wrong; none: it refused the client (its body tells). */
    const fail = (why?: string): AuthenticationError =>
      new AuthenticationError({
        status,
        operation: OP,
        body: why ? undefined : body,
        headers,
        message: why && `${OP}: the token endpoint ${why}`,
      });
    if (!ok) {
      // A refused client is an authentication failure; 408, 429 and 5xx keep their own
      // (retryable) classes: the credentials may be fine.
      if (status === 408 || status === 429 || status >= 500) {
        const retryAfterMs = parseRetryAfter(headers.get("retry-after"));
        throw apiError({ status, operation: OP, body, headers, retryAfterMs });
      }
      throw fail();
    }
    if (more) throw fail(`answered with more than ${TOKEN_BODY_BYTES} bytes`);
    const b = (body ?? {}) as Record<string, unknown>;
    const value = b.access_token;
    if (typeof value !== "string" || !value) {
      throw fail("answered without an access_token");
    }
    if (!/^[\x21-\x7e]+$/.test(value)) {
      throw fail("issued an access_token that is not a valid header value");
    }
    if (b.token_type != null && String(b.token_type).toLowerCase() !== "bearer") {
      throw fail(
        `issued a "${redact(String(b.token_type), [value])}" token; only bearer is supported`,
      );
    }
    const seconds = Number(b.expires_in);
    const lifetime = (seconds > 0 ? Math.min(seconds, 86_400 * 365) : 600) * 1000;
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
