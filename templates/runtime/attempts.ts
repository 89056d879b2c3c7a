// The request loop: per attempt, auth (+ scope check) → client-side limit → send with a timeout →
// retry or not → parse. A call allocates little and arms at most one timer per attempt.
//
// Bounds of one call: at most 1 + maxRetries attempts, plus one more after a 401 (one token
// refresh); each attempt (token wait, headers and body) ends within timeoutMs.
import {
  ApiError,
  ConnectionError,
  RateLimitError,
  ServerError,
  TimeoutError,
  XdrError,
  apiError,
} from "./errors.js";
import { readBody } from "./bodies.js";
import { reason, safeCause, scrubHeaders } from "./redact.js";
import type { Auth } from "./auth.js";
import type { BudgetCall } from "./budget.js";
import type { Run } from "./internals.js";
import { redirectRefused } from "./response.js";
import {
  abortController,
  aborted,
  backoffMs,
  isRetryableStatus,
  onAbort,
  parseRetryAfter,
  sleep,
} from "./retry.js";
import { send } from "./send.js";
import type { Token } from "./token.js";
import type { ApiDescriptor, Operation, XdrOptions } from "./types.js";

/** The transport's parts and checked settings the loop runs with. */
export interface Loop {
  readonly api: ApiDescriptor;
  readonly o: XdrOptions;
  readonly auth: Auth;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly maxRetryAfterMs: number;
  /** The success body of a named call (response.ts). */
  readonly parse: (op: Operation, res: Response) => Promise<unknown>;
  /** Version drift (response.ts), for APIs whose descriptor names a version header. */
  readonly drift?: (headers: Headers) => void;
  /** Waits for a slot of the operation's client-side limit (retry.ts `limiter`). */
  readonly limit: (op: Operation, signal: AbortSignal | undefined) => Promise<void>;
}

/** What the budget sees of a raw-client request. */
const RAW: Operation = { name: "fetch", method: "GET", path: "", args: "none" };

export function requestLoop(l: Loop): Run {
  const { api, o, auth, timeoutMs, maxRetries, maxRetryAfterMs, parse, drift, limit } = l;
  const { budget, logger: log, fetch: fetchFn } = o;
  const { authorize, token, secrets } = auth;
  return async (prepare, op, ro) => {
    const b = prepare();
    const raw = b.request;
    const signal = ro?.signal;
    const name = op ? op.name : "fetch";
    const ms = ro?.timeoutMs ?? timeoutMs;
    const max = ro?.maxRetries ?? maxRetries;
    const authorized = op?.auth !== false;
    let retries = 0;
    let reauthed = false;
    /** What the budget is told of this call (built on the first attempt). */
    let call: BudgetCall | undefined;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw aborted(signal);
      const started = Date.now();
      let t: Token | undefined;
      let res: Response | undefined;
      let error: unknown;
      let retryable: boolean;
      let retryAfter: number | undefined;
      let refresh = false;
      let sent = false;
      let keep = false;
      let ctrl: AbortController | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let unlink: (() => void) | undefined;
      try {
        // One controller per attempt, fired by the timer or by the caller's signal (a listener
        // removed after the attempt, rather than AbortSignal.any, which long-lived signals pile
        // up). It bounds the token wait, the headers and the body alike.
        const timed = ms > 0 && ms < Infinity;
        if (timed || signal) ctrl = new AbortController();
        if (timed) timer = setTimeout(abortController, ms, ctrl!);
        if (signal) unlink = onAbort(signal, () => ctrl!.abort());
        if (authorized) t = await authorize(b, op, ctrl?.signal);
        if (budget) {
          call ??= {
            op: name,
            priority:
              ro?.priority ??
              budget.priorityOf(op ?? { ...RAW, method: b.method as "GET", path: b.path }, false),
            rule: op?.rateLimit,
          };
          // Not longer than the attempt may last: a longer wait fails fast, client-side.
          await budget.acquire(
            call,
            ctrl?.signal,
            ms > 0 ? Math.min(ms, maxRetryAfterMs) : maxRetryAfterMs,
          );
        } else if (op?.rateLimit) await limit(op, ctrl?.signal);
        b.init.signal = ctrl?.signal;
        sent = true;
        res = await send(fetchFn, raw ? raw() : b.url, b.init);
        drift?.(res.headers);
        const status = res.status;
        if (budget) {
          const wait = status === 429 ? parseRetryAfter(res.headers.get("retry-after")) : undefined;
          void budget.observe(res.headers, status, wait, call);
        }
        // `send` followed what it could: this one leaves the origin (or loops).
        if (!raw && status >= 300 && status < 400) throw redirectRefused(res, b.url, name, secrets);
        if (res.ok) {
          // The raw path hands the body to the caller: their signal must still reach it.
          keep = !!raw;
          return { data: raw ? undefined : await parse(op!, res), response: res };
        }
        refresh = status === 401 && t !== undefined && !reauthed;
        retryable = refresh || (isRetryableStatus(status) && (b.safe || status === 429));
        retryAfter = refresh ? 0 : parseRetryAfter(res.headers.get("retry-after"));
        if (raw) {
          const giveUp = !refresh && (retries >= max || retryAfter! > maxRetryAfterMs);
          if (!retryable || giveUp) {
            keep = true;
            return { data: undefined, response: res };
          }
          await res.body?.cancel();
        } else {
          error = apiError({
            status,
            operation: name,
            body: await readBody(res, secrets),
            headers: scrubHeaders(res.headers, secrets),
            retryAfterMs: retryAfter,
          });
        }
        if (refresh) {
          reauthed = true;
          token!.invalidate(t!.value);
        }
      } catch (e) {
        error = e;
        if (signal?.aborted) throw aborted(signal);
        const timedOut = ctrl?.signal.aborted === true;
        // The budget refused: its wait is the answer, never a reason to knock again.
        if ((e as { clientSide?: boolean }).clientSide) throw e;
        if (e instanceof XdrError && !(timedOut && !(e instanceof ApiError))) {
          // Failed before sending (token endpoint, limiter): repeating is safe whatever the method.
          if (
            sent ||
            !(
              e instanceof ConnectionError ||
              e instanceof TimeoutError ||
              e instanceof ServerError ||
              e instanceof RateLimitError
            )
          ) {
            throw e;
          }
          retryable = true;
          retryAfter = (e as RateLimitError).retryAfterMs;
        } else {
          // The caller's own failure before sending (an accessToken function that threw).
          if (!sent && !timedOut) throw e;
          error = timedOut
            ? new TimeoutError(
                `${name}: no answer within ${ms} ms${sent ? "" : " (waiting for a token)"}`,
              )
            : new ConnectionError(
                `${name}: connection${hostOf(b.url)} failed (${reason(e, secrets)})`,
                { cause: safeCause(e, secrets) },
              );
          retryable = b.safe || !sent;
        }
      } finally {
        clearTimeout(timer);
        if (!keep) unlink?.();
        log?.debug("xdr request", {
          api: api.name,
          operation: name,
          method: b.method,
          path: b.path,
          status: res?.status,
          durationMs: Date.now() - started,
          attempt,
          error: (error as Error | undefined)?.name,
        });
      }
      if (!retryable) throw error;
      if (!refresh) {
        if (retries >= max || retryAfter! > maxRetryAfterMs) throw error;
        const delay = retryAfter ?? backoffMs(retries, o.retryDelayMs, o.maxRetryDelayMs);
        retries++;
        log?.debug("xdr retry", { operation: name, attempt, delayMs: delay });
        await sleep(delay, signal);
      }
    }
  };
}

/** ` to <host>` of a request URL (checked at creation: never credentials), or nothing. */
function hostOf(url: string | undefined): string {
  try {
    return " to " + new URL(url ?? "").host;
  } catch {
    return "";
  }
}
