// Client-side rate budget: this client's share of the organisation's limit (XDR: 8000 requests
// per rolling hour, shared by every integration of the org), counted in a sliding window that a
// store keeps (in memory here; `budget-redis.ts` shares it between processes and hosts).
//
// Lanes: the last `reserve` requests of the window are for high-priority calls only (response
// actions, deletions) and the `lowReserve` before them for high and normal, so that a bulk sync
// (low) cannot starve a response action. Learning: below `slowBelow` of the org's remaining
// budget (`X-Ratelimit-Org-Remaining` / `-Limit`), low-priority calls are spaced so that they
// would spend no more than what remains in a window; after a 429 with `Retry-After`, every call
// of the org (every process sharing the store) fails fast with that wait instead of knocking.
//
// The transport imports only this module's types and calls the `Budget` it is given: the code
// comes with the user's `createBudget`, so a bundle that does not use a budget leaves it out.
import { RateLimitError, TimeoutError, rateLimitOf } from "./errors.js";
import { guardLogger } from "./logger.js";
import { aborted, onAbort, sleep } from "./retry.js";
import {
  type SharedToken,
  type SharedTokenOptions,
  type TokenStore,
  sharedToken,
  tokenKey,
} from "./budget-token.js";
import {
  type BudgetStore,
  type TakeRequest,
  type TakeResult,
  type WaitReason,
  memoryStore,
} from "./budget-store.js";
import type { Logger, Operation, RateLimitInfo, RateLimitRule } from "./types.js";

// The store contract and the in-memory store are part of this entry point's API.
export {
  type BudgetStore,
  type StoreState,
  type TakeRequest,
  type TakeResult,
  type WaitReason,
  PACE_TTL_MS,
  memoryStore,
} from "./budget-store.js";

export type Priority = "high" | "normal" | "low";

/** One call, as the budget needs it. */
export interface BudgetCall {
  /** Operation name: in errors and log lines, and the key of its rule's shared window. */
  readonly op: string;
  readonly priority: Priority;
  /** The operation's own limit (`Operation.rateLimit`), e.g. 10 workflow starts per minute. */
  readonly rule?: RateLimitRule;
}

export interface BudgetOptions {
  /** Requests per window this client may send: its share of the org's limit (8000 per hour). */
  share: number;
  /** Default 3 600 000 (XDR's rolling hour). */
  windowMs?: number;
  /** Requests of the share only high-priority calls may use. Default 10 % of `share`. */
  reserve?: number;
  /** Requests below `reserve` that low-priority calls may not use. Default 10 % of `share`. */
  lowReserve?: number;
  /** Remaining fraction of the org's limit under which low-priority calls slow down. Default 0.5. */
  slowBelow?: number;
  /** Default: in memory, this process only. */
  store?: BudgetStore;
  /** The org's budget in the store. Default `org`. */
  key?: string;
  logger?: Logger;
  /**
   * When the store fails (Redis down): `true` (default) lets the call go, with a warning, since
   * the server still enforces its limit; `false` rejects it.
   */
  failOpen?: boolean;
  /** Longest wait for the store's answer (a Redis round trip); then it counts as failed. Default 2 000. */
  storeTimeoutMs?: number;
  /**
   * Where processes share their token (`sharedToken`). Default: the store, when it is also a
   * token store (`redisStore` is), so that one option shares budget and token.
   */
  tokens?: TokenStore;
  /** The lane of a call that names none (`priority` option). Default `priorityOf`. */
  priorityOf?: (op: Operation, page: boolean) => Priority;
  /** Clock of the in-memory store; tests. Default `Date.now`. */
  now?: () => number;
}

export interface BudgetState {
  readonly share: number;
  readonly windowMs: number;
  /** Requests counted in the current window (by every process sharing the store). */
  readonly used: number;
  /** `share - used`, the reserve included. */
  readonly remaining: number;
  /** Per lane: ms until a call could go (0: now). */
  readonly nextFreeMs: Readonly<Record<Priority, number>>;
  /** A 429 blocks the org for this long. */
  readonly blockedMs: number;
  /** Spacing of low-priority calls learned from the server (0: none). */
  readonly paceMs: number;
  /** What the server said last, as seen by this process. */
  readonly server?: RateLimitInfo;
}

/** Thrown by `acquire` when the wait exceeds `maxWaitMs`: nothing was sent. */
export type BudgetError = RateLimitError & {
  readonly clientSide: true;
  readonly reason: WaitReason;
};

export interface Budget {
  /**
   * Waits until the call may be sent and counts it; rejects with a `RateLimitError` marked
   * `clientSide: true` (its `retryAfterMs`: the wait) when the wait would exceed `maxWaitMs`,
   * or with `AbortError` when `signal` fires.
   */
  acquire(call: BudgetCall, signal: AbortSignal | undefined, maxWaitMs: number): Promise<void>;
  /**
   * Learns from an answer: its `X-Ratelimit-Org-*` headers, and a 429's `Retry-After` (parsed,
   * ms). Never rejects (a failing store is logged).
   */
  observe(
    headers: Headers,
    status: number,
    retryAfterMs: number | undefined,
    call?: BudgetCall,
  ): Promise<void>;
  state(): Promise<BudgetState>;
  /**
   * The lane of a call that names none: transport asks the budget, so that a bundle without a
   * budget carries no priority code. `page`: a page after the first of a listing.
   */
  priorityOf(op: Operation, page: boolean): Priority;
  /** The store of the cross-process token single-flight, if any. */
  readonly tokens?: TokenStore;
  /**
   * For token.ts, present when `tokens` is: the client's token from the shared store, or one
   * `fetchToken` among all the processes sharing it (see `sharedToken`). token.ts calls it in
   * place of its token request, so that it needs no import of its own.
   */
  readonly shareToken?: (
    client: TokenClient,
    fetchToken: () => Promise<SharedToken>,
    options?: SharedTokenOptions,
  ) => Promise<SharedToken>;
  /** For token.ts after a 401: drops the shared token if it is still `value`. */
  readonly dropToken?: (client: TokenClient, value: string) => Promise<void>;
}

/** Whose token: the store key is a hash of the three. */
export interface TokenClient {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

const HOUR = 3_600_000;

/**
 * The default lane of an operation: `op.priority` when the model gives one, else high for
 * response actions and deletions, low for the pages after the first of a listing, else normal.
 */
export function priorityOf(
  op: Operation & { readonly priority?: Priority },
  page?: boolean,
): Priority {
  return (
    op.priority ??
    (op.method === "DELETE" || op.path.includes("/respond/trigger/")
      ? "high"
      : page
        ? "low"
        : "normal")
  );
}

/**
 * A client-side share of the organisation's rate limit, for `createXdr({ budget })`: calls wait
 * (by priority lane) or fail with `RateLimitError` instead of spending the org's quota, and pace
 * learned from 429 answers is shared. In memory by default; pass a store from
 * `xdr-sdk/budget-redis` to share one budget between processes.
 *
 * @example
 * const budget = createBudget({ share: 2000 });
 * const xdr = createXdr({ budget });
 */
export function createBudget(o: BudgetOptions): Budget {
  const { share, windowMs: W = HOUR, slowBelow = 0.5, key = "org" } = o;
  const log = guardLogger(o.logger);
  const reserve = o.reserve ?? Math.floor(share / 10);
  const lowReserve = o.lowReserve ?? Math.floor(share / 10);
  const now = o.now ?? Date.now;
  const store = o.store ?? memoryStore(now);
  const failOpen = o.failOpen ?? true;
  const storeTimeoutMs = o.storeTimeoutMs ?? 2_000;
  if (!(Number.isInteger(share) && share > 0 && W > 0 && reserve >= 0 && lowReserve >= 0)) {
    throw new RangeError("budget: share must be an integer > 0, windowMs > 0, reserves ≥ 0");
  }
  if (reserve + lowReserve >= share) {
    throw new RangeError("budget: reserve + lowReserve must leave low-priority calls a share");
  }
  /** Ceilings per lane, in the order high, normal, low. */
  const limits = [share, share - reserve, share - reserve - lowReserve] as const;
  let server: RateLimitInfo | undefined;
  /** The pace this process wrote last, and when: it rewrites only on a change (one write, not one per answer). */
  let pace: number | undefined;
  let pacedAt = 0;

  /** A store's answer, bounded by `storeTimeoutMs` and the caller's signal. */
  const bounded = <T>(p: Promise<T>, signal?: AbortSignal): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        unlink?.();
      };
      const fail = (e: unknown): void => {
        done();
        reject(e);
      };
      const timer = setTimeout(
        () => fail(new TimeoutError(`budget store: no answer within ${storeTimeoutMs} ms`)),
        storeTimeoutMs,
      );
      const unlink = signal && onAbort(signal, () => fail(aborted(signal)));
      p.then((v) => {
        done();
        resolve(v);
      }, fail);
    });
  const storeFailed = (e: unknown, what: string): void =>
    log?.warn?.("xdr budget store failed", { during: what, error: (e as Error)?.message ?? e });

  const tokens =
    o.tokens ?? ("acquireTokenLock" in store ? (store as BudgetStore & TokenStore) : undefined);
  /** Store keys per client, hashed once (Web Crypto is asynchronous). */
  const tokenKeys = new Map<string, Promise<string>>();
  const keyOf = (c: TokenClient): Promise<string> => {
    const id = JSON.stringify([c.tokenUrl, c.clientId, c.clientSecret]);
    let k = tokenKeys.get(id);
    if (!k) tokenKeys.set(id, (k = tokenKey(c.tokenUrl, c.clientId, c.clientSecret)));
    return k;
  };

  return {
    tokens,
    ...(tokens && {
      shareToken: async (client, fetchToken, options) =>
        sharedToken(tokens, await keyOf(client), fetchToken, options),
      dropToken: async (client, value) => tokens.dropToken(await keyOf(client), value),
    }),
    priorityOf: o.priorityOf ?? priorityOf,
    async acquire(call, signal, maxWaitMs) {
      const rule = call.rule;
      const p = call.priority;
      const limit = limits[p === "high" ? 0 : p === "normal" ? 1 : 2];
      const request: TakeRequest = {
        key,
        windowMs: W,
        limit,
        low: p === "low",
        rule: rule && { key: call.op, requests: rule.requests, perMs: rule.perMs },
      };
      /** When the first wait began: the clock is read only once a call has to wait. */
      let started: number | undefined;
      for (;;) {
        if (signal?.aborted) throw aborted(signal);
        let result: TakeResult | Promise<TakeResult>;
        try {
          result = store.take(request);
          // The in-memory store answers synchronously: no extra tick on the way of every call.
          if (result instanceof Promise) result = await bounded(result, signal);
        } catch (e) {
          if (signal?.aborted) throw aborted(signal);
          storeFailed(e, "acquire");
          if (failOpen) return;
          throw e;
        }
        const [wait, reason, used] = result;
        if (wait <= 0) return;
        const t = now();
        started ??= t;
        const denied = wait > maxWaitMs - (t - started);
        log?.debug("xdr budget", {
          operation: call.op,
          priority: p,
          reason,
          used,
          limit,
          waitMs: wait,
          denied,
        });
        if (denied) throw deny(call, wait, reason, limit, W);
        await sleep(wait, signal);
      }
    },

    async observe(headers, status, retryAfterMs, call) {
      try {
        const info = rateLimitOf(headers);
        if (info) {
          server = info;
          const { limit: l, remaining: r } = info;
          // Spend no faster than what remains would last a window, scaled to our share of it.
          const p =
            l! > 0 && r! >= 0 && r! < l! * slowBelow
              ? Math.ceil(W / Math.max(1, r! * Math.min(1, share / l!)))
              : 0;
          const t = now();
          if (
            pace === undefined ||
            (p === 0) !== (pace === 0) ||
            Math.abs(p - pace) > pace / 5 ||
            t - pacedAt > 30_000
          ) {
            if (p !== pace) log?.debug("xdr budget pace", { paceMs: p, ...info });
            pace = p;
            pacedAt = t;
            await bounded(Promise.resolve(store.pace(key, p)));
          }
        }
        if (status === 429 && retryAfterMs! > 0) {
          // A 429 of an operation with its own rule is that rule's, unless the org is spent.
          const org = !call?.rule || info?.remaining === 0;
          log?.debug("xdr budget block", {
            operation: call?.op,
            scope: org ? "org" : "operation",
            blockedMs: retryAfterMs,
          });
          await bounded(
            Promise.resolve(store.block(key, retryAfterMs!, org ? undefined : call!.op)),
          );
        }
      } catch (e) {
        storeFailed(e, "observe");
      }
    },

    async state() {
      const s = await store.state(key, W, limits);
      const low = Math.max(s.next[2]!, s.nextLowMs);
      return {
        share,
        windowMs: W,
        used: s.used,
        remaining: Math.max(0, share - s.used),
        nextFreeMs: {
          high: Math.max(s.next[0]!, s.blockedMs),
          normal: Math.max(s.next[1]!, s.blockedMs),
          low: Math.max(low, s.blockedMs),
        },
        blockedMs: s.blockedMs,
        paceMs: s.paceMs,
        server,
      };
    },
  };
}

function deny(
  call: BudgetCall,
  wait: number,
  reason: WaitReason,
  limit: number,
  W: number,
): BudgetError {
  const { op, rule } = call;
  const detail =
    reason === "blocked"
      ? `the server refused a call of the org with 429: calls are held back client-side`
      : reason === "rule"
        ? `the limit of ${rule!.requests} requests per ${rule!.perMs} ms is used up`
        : reason === "pace"
          ? `low-priority calls are slowed down as the org's remaining budget falls`
          : `the client-side budget of ${limit} ${call.priority}-priority requests per ${W} ms is used up`;
  const e = new RateLimitError({
    status: 429,
    operation: op,
    retryAfterMs: wait,
    message: `${op}: ${detail}; next slot in ${wait} ms (more than the wait allowed)`,
  });
  return Object.assign(e, { clientSide: true as const, reason });
}
