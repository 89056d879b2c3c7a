// Automation: start a workflow, then poll its run until a terminal state.
import { ConfigurationError, TimeoutError, WorkflowRunError, XdrError, clean } from "./errors.js";
import { abortController, onAbort, sleep } from "./retry.js";
import type {
  ArgsOf,
  Operation,
  RequestOptions,
  ResultOf,
  Transport,
  WaitableStart,
  WaitOptions,
} from "./types.js";

// Named here rather than in errors.ts, the only module that throws it (see there).
WorkflowRunError.prototype.name = "WorkflowRunError";

const TERMINAL = new Set(["success", "failed", "cancelled", "canceled"]);

/** `status.state` of a run (or `state`), lower-cased; `""` when absent. */
export function runState(instance: unknown): string {
  const i = instance as { status?: { state?: unknown }; state?: unknown } | undefined;
  const s = i?.status?.state ?? i?.state;
  return typeof s === "string" ? s.toLowerCase() : "";
}

/**
 * Starts a run with `start` (its response: an array of `{ id, status: { state } }`), then polls
 * `getInstance` (its one path parameter gets the id) every `pollIntervalMs` (×1.5, up to
 * `maxPollIntervalMs`) until the run ends. Resolves to the final instance on `success`; throws
 * `WorkflowRunError` on `failed`/`cancelled`, `TimeoutError` once `waitTimeoutMs` has passed
 * since the call: the start, every poll (with its retries) and every pause share that deadline.
 */
export async function startWorkflowAndWait<G extends Operation>(
  t: Transport,
  start: Operation,
  getInstance: G,
  args: unknown,
  options: WaitOptions = {},
): Promise<ResultOf<G>> {
  const param = getInstance.pathParams?.[0];
  if (!param) throw new ConfigurationError(`${getInstance.name} has no path parameter for the id`);
  const timeout = options.waitTimeoutMs ?? 300_000;
  const deadline = Date.now() + timeout;
  const caller = options.signal;
  // One signal for the whole wait: the caller's, or the deadline, whichever fires first.
  const ctrl = new AbortController();
  const timer = setTimeout(abortController, timeout, ctrl);
  const unlink = caller ? onAbort(caller, () => ctrl.abort()) : undefined;
  let id: unknown;
  let state = "";
  /**
   * Per-request options. Each attempt keeps its own timeout (the call's, else the client's), so a
   * hung poll is given up and retried rather than spending the whole wait; a `timeoutMs` of the
   * call is cut to what is left of the wait. The wait's deadline ends any attempt (the signal).
   */
  const bounded = (): RequestOptions => {
    const left = Math.max(1, deadline - Date.now());
    const { timeoutMs } = options;
    return {
      ...options,
      signal: ctrl.signal,
      // undefined: the client's; 0: none (the deadline still holds).
      timeoutMs: timeoutMs && Math.min(timeoutMs, left),
    };
  };
  try {
    const started: unknown = await t.call(start, args as never, bounded());
    const first = (Array.isArray(started) ? started[0] : started) as { id?: unknown } | undefined;
    id = first?.id;
    if (typeof id !== "string" && typeof id !== "number") {
      throw new XdrError(`${start.name}: the response names no workflow run id`);
    }
    let interval = options.pollIntervalMs ?? 1_000;
    const maxInterval = options.maxPollIntervalMs ?? 10_000;
    state = runState(first);
    let wait = TERMINAL.has(state) ? 0 : interval;
    for (let poll = 1; ; poll++) {
      await sleep(Math.min(wait, Math.max(0, deadline - Date.now())), ctrl.signal);
      const instance: unknown = await t.call(getInstance, { [param]: id } as never, bounded());
      state = runState(instance);
      options.onPoll?.({
        id: String(id),
        state,
        poll,
        elapsedMs: timeout - (deadline - Date.now()),
        instance,
      });
      if (state === "success") return instance as ResultOf<G>;
      if (TERMINAL.has(state)) throw new WorkflowRunError(String(id), state, instance);
      wait = interval = Math.min(Math.round(interval * 1.5), maxInterval);
    }
  } catch (e) {
    if (caller?.aborted || !ctrl.signal.aborted) throw e;
    throw new TimeoutError(
      clean(
        id === undefined
          ? `${start.name}: no workflow run started within ${timeout} ms`
          : `Workflow run ${String(id)} still ${state || "unknown"} after ${timeout} ms`,
      ),
    );
  } finally {
    clearTimeout(timer);
    unlink?.();
  }
}

/** The `start(args, { wait?: true })` method of a generated client. */
export function waitableStart<S extends Operation, G extends Operation>(
  t: Transport,
  start: S,
  getInstance: G,
): WaitableStart<ArgsOf<S>, ResultOf<S>, ResultOf<G>> {
  return ((args: ArgsOf<S>, options?: RequestOptions & { wait?: boolean }) =>
    options?.wait
      ? startWorkflowAndWait(t, start, getInstance, args, options)
      : t.call(start, args, options)) as WaitableStart<ArgsOf<S>, ResultOf<S>, ResultOf<G>>;
}
