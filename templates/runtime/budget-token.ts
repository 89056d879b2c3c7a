// One token request per client id across processes: the token module asks `sharedToken` instead of
// the token endpoint when a shared store is configured. The first process takes a lock (with a
// lifetime, so that a crashed holder frees it) and requests the token; the others poll the store
// until the token appears. In one process, token.ts's own single-flight already makes concurrent
// calls share one `sharedToken` call.
//
// The store holds the bearer token itself: it must be as private as the client secret (a Redis
// reachable only by the integration's hosts).
import { TimeoutError } from "./errors.js";
import { sleep } from "./retry.js";

/** What processes share of a token: `Token` without its per-process parts. Times: epoch ms. */
export interface SharedToken {
  readonly value: string;
  readonly scopes?: readonly string[];
  readonly expiresAt: number;
  readonly refreshAt: number;
}

/** Implemented by `redisStore` (budget-redis.ts) and `memoryTokenStore`. */
export interface TokenStore {
  getToken(key: string): Promise<string | undefined>;
  /** Keeps `value` for `ttlMs`. */
  putToken(key: string, value: string, ttlMs: number): Promise<void>;
  /** A lock id when this caller got the lock (held for at most `ttlMs`), else `undefined`. */
  acquireTokenLock(key: string, ttlMs: number): Promise<string | undefined>;
  /** Releases the lock if `lock` still holds it. */
  releaseTokenLock(key: string, lock: string): Promise<void>;
  /** Forgets the stored token if it is still the one whose `value` is given (after a 401). */
  dropToken(key: string, value: string): Promise<void>;
}

export interface SharedTokenOptions {
  /** Longest a token request may take: the lock's lifetime, and the longest wait for another's. Default 30 000. */
  lockMs?: number;
  signal?: AbortSignal;
  /** Default `Date.now`. */
  now?: () => number;
}

/**
 * The store's token for `key` while it is before its `refreshAt`; else one process (the one that
 * gets the lock) calls `fetchToken` and shares the result. While another process refreshes, a
 * token not yet expired keeps serving.
 */
export async function sharedToken(
  store: TokenStore,
  key: string,
  fetchToken: () => Promise<SharedToken>,
  o: SharedTokenOptions = {},
): Promise<SharedToken> {
  const { lockMs = 30_000, signal, now = Date.now } = o;
  const deadline = now() + lockMs;
  let poll = 20;
  for (;;) {
    const cached = parse(await store.getToken(key));
    if (cached && now() < cached.refreshAt) return cached;
    const lock = await store.acquireTokenLock(key, lockMs);
    if (lock) {
      try {
        // Another process may have stored a token between our read and our lock.
        const again = parse(await store.getToken(key));
        if (again && now() < again.refreshAt) return again;
        const token = await fetchToken();
        const ttl = token.expiresAt - now();
        if (ttl > 0) await store.putToken(key, JSON.stringify(token), ttl);
        return token;
      } finally {
        // A failed release only delays the others until the lock expires.
        await store.releaseTokenLock(key, lock).catch(() => undefined);
      }
    }
    if (cached && now() < cached.expiresAt) return cached;
    if (now() >= deadline) {
      throw new TimeoutError(`No token from the process refreshing it within ${lockMs} ms`);
    }
    await sleep(poll, signal);
    poll = Math.min(poll * 2, 250);
  }
}

function parse(text: string | undefined): SharedToken | undefined {
  if (!text) return undefined;
  try {
    const t = JSON.parse(text) as SharedToken;
    return typeof t?.value === "string" && t.expiresAt > 0 ? t : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The store key of a client's token: a SHA-256 of the token URL, client id and secret, so that
 * neither the secret nor the id shows in the store and a rotated secret gets its own slot.
 */
export async function tokenKey(
  tokenUrl: string,
  clientId: string,
  clientSecret: string,
): Promise<string> {
  const bytes = new TextEncoder().encode(`${tokenUrl}\n${clientId}\n${clientSecret}`);
  const digest = await subtle().digest("SHA-256", bytes);
  return hex(digest);
}

/** Web Crypto, typed here because the runtime is checked both with DOM and with Node types. */
export interface Subtle {
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
}
export function subtle(): Subtle {
  const s = (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
  if (!s) throw new TypeError("Web Crypto (globalThis.crypto.subtle) is not available");
  return s;
}
export function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A `TokenStore` in one process: for tests, and for code written against the interface. */
export function memoryTokenStore(now: () => number = Date.now): TokenStore {
  const values = new Map<string, { value: string; until: number }>();
  let ids = 0;
  const live = (k: string): string | undefined => {
    const v = values.get(k);
    return v && v.until > now() ? v.value : undefined;
  };
  return {
    getToken: async (key) => live(key),
    putToken: async (key, value, ttlMs) => void values.set(key, { value, until: now() + ttlMs }),
    async acquireTokenLock(key, ttlMs) {
      const k = key + "\0lock";
      if (live(k)) return undefined;
      const id = String(++ids);
      values.set(k, { value: id, until: now() + ttlMs });
      return id;
    },
    async releaseTokenLock(key, lock) {
      if (live(key + "\0lock") === lock) values.delete(key + "\0lock");
    },
    async dropToken(key, value) {
      if (parse(live(key))?.value === value) values.delete(key);
    },
  };
}
