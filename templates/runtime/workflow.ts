// Automation: start a workflow, then poll its run until a terminal state.
import { ConfigurationError, TimeoutError, WorkflowRunError, XdrError } from "./errors.js";
import { sleep } from "./retry.js";
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
 * `WorkflowRunError` on `failed`/`cancelled`, `TimeoutError` when the run is still going
 * `waitTimeoutMs` after it started.
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
  const started: unknown = await t.call(start, args as never, options);
  const deadline = Date.now() + timeout;
  const first = (Array.isArray(started) ? started[0] : started) as { id?: unknown } | undefined;
  const id = first?.id;
  if (typeof id !== "string" && typeof id !== "number") {
    throw new XdrError(`${start.name}: the response names no workflow run id`);
  }
  let interval = options.pollIntervalMs ?? 1_000;
  const maxInterval = options.maxPollIntervalMs ?? 10_000;
  let wait = TERMINAL.has(runState(first)) ? 0 : interval;
  let state = runState(first);
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new TimeoutError(`Workflow run ${id} still ${state || "unknown"} after ${timeout} ms`);
    }
    await sleep(Math.min(wait, left), options.signal);
    const instance: unknown = await t.call(getInstance, { [param]: id } as never, options);
    state = runState(instance);
    if (state === "success") return instance as ResultOf<G>;
    if (TERMINAL.has(state)) throw new WorkflowRunError(String(id), state, instance);
    wait = interval = Math.min(Math.round(interval * 1.5), maxInterval);
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
