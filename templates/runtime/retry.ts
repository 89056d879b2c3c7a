// Pacing: backoff, `Retry-After`, sleeping, per-attempt timeouts and the client-side limiter.
import { AbortError, RateLimitError } from "./errors.js";
import type { Operation, RateLimitRule } from "./types.js";

/** Delay before retry number `retry` (0-based): `min(base · 2^retry, max)` minus up to 25 %. */
export function backoffMs(
  retry: number,
  baseMs = 500,
  maxMs = 8_000,
  random: () => number = Math.random,
): number {
  return Math.round(Math.min(baseMs * 2 ** retry, maxMs) * (1 - 0.25 * random()));
}

/** Longest `Retry-After` believed (a day); anything longer is nonsense and gets the normal backoff. */
const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * `Retry-After` in ms from `now`: delta-seconds (`120`, `1.5`, and XDR's `3172s`) or an HTTP
 * date. `undefined` (so: the normal backoff, never an immediate retry) when it is missing,
 * negative, unparsable or longer than a day.
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  let ms: number;
  const m = /^(\d{1,9}(?:\.\d+)?)\s*s?$/i.exec(v);
  if (m) ms = Math.ceil(Number(m[1]) * 1000);
  else if (/^[A-Za-z]/.test(v)) {
    // An HTTP date starts with a day name; a bare number with junk is not a date.
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  } else return undefined;
  return ms <= MAX_RETRY_AFTER_MS ? ms : undefined;
}

/** 408, 429 and 5xx: the request may succeed if repeated. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export function aborted(signal: AbortSignal): AbortError {
  return new AbortError("The request was aborted", { cause: signal.reason });
}

/** Calls `fn` once when `signal` fires; returns the undo (a listener, not AbortSignal.any). */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  signal.addEventListener("abort", fn, { once: true });
  return () => signal.removeEventListener("abort", fn);
}

/** Waits `ms`; rejects with `AbortError` when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted(signal));
    const unlink = signal
      ? onAbort(signal, () => {
          clearTimeout(timer);
          reject(aborted(signal));
        })
      : undefined;
    const timer = setTimeout(() => {
      unlink?.();
      resolve();
    }, ms);
  });
}

/** Timer callback: one module-level function, so that arming a timeout allocates no closure. */
export function abortController(controller: AbortController): void {
  controller.abort();
}

/**
 * Reserves the next free slot of a sliding window (`times`: reserved send times, ascending) and
 * returns how long to wait for it. Nothing is reserved when the wait would exceed `maxWaitMs`.
 */
export function reserveSlot(
  times: number[],
  rule: RateLimitRule,
  now: number,
  maxWaitMs: number,
): number {
  while (times.length && times[0]! <= now - rule.perMs) times.shift();
  const at = times.length < rule.requests ? now : times[times.length - rule.requests]! + rule.perMs;
  if (at - now <= maxWaitMs) times.push(at);
  return at - now;
}

/**
 * The client-side limiter of one transport (`Operation.rateLimit`, e.g. Automation's workflow
 * starts): a sliding window per path; waits for a free slot when the wait fits in
 * `maxRetryAfterMs`, else fails at once with a `RateLimitError` (nothing is sent).
 */
export function limiter(
  maxRetryAfterMs: number,
): (op: Operation, signal: AbortSignal | undefined) => Promise<void> {
  const windows = new Map<string, number[]>();
  return async (op: Operation, signal: AbortSignal | undefined): Promise<void> => {
    const rule = op.rateLimit!;
    let times = windows.get(op.path);
    if (!times) windows.set(op.path, (times = []));
    const wait = reserveSlot(times, rule, Date.now(), maxRetryAfterMs);
    if (wait > maxRetryAfterMs) {
      throw new RateLimitError({
        status: 429,
        operation: op.name,
        retryAfterMs: wait,
        message:
          `${op.name}: the limit of ${rule.requests} requests per ${rule.perMs} ms is used up; ` +
          `next slot in ${wait} ms (more than maxRetryAfterMs)`,
      });
    }
    if (wait > 0) await sleep(wait, signal);
  };
}
