// Workflow start + polling, and the client-side limiter on workflow starts.
import { afterEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import {
  AbortError,
  RateLimitError,
  TimeoutError,
  WorkflowRunError,
} from "../../templates/runtime/errors.js";
import { createTransport } from "../../templates/runtime/transport.js";
import type {
  ApiPromise,
  Operation,
  Transport,
  TypedOperation,
  XdrOptions,
} from "../../templates/runtime/types.js";
import { runState, startWorkflowAndWait, waitableStart } from "../../templates/runtime/workflow.js";
import { json, until, useServer } from "./harness.js";

const srv = useServer();
afterEach(() => void vi.useRealTimers());

const automation = () => ({
  name: "automation",
  servers: {
    us: "https://automate.us.security.cisco.com/api",
    eu: "https://automate.eu.security.cisco.com/api",
    apjc: "https://automate.apjc.security.cisco.com/api",
  },
});
const client = (extra: XdrOptions = {}) =>
  createTransport(automation(), {
    accessToken: "t",
    baseUrls: { automation: srv.url + "/api" },
    retryDelayMs: 1,
    ...extra,
  });

const start: Operation = {
  name: "workflows.start",
  method: "POST",
  path: "/v1.1/workflows/start",
  args: "flat",
  queryParams: ["workflow_id"],
  body: "json",
  rateLimit: { requests: 10, perMs: 60_000 },
};
const getInstance: Operation = {
  name: "instances.get",
  method: "GET",
  path: "/v1/instances/{wf_instance_id}",
  args: "flat",
  pathParams: ["wf_instance_id"],
  queryParams: ["detailed"],
  safe: true,
};

/** Start answers 202 [{ id, status }]; the instance walks through `states`. */
function workflowServer(states: string[]) {
  srv.route("POST /api/v1.1/workflows/start", (_h, res) =>
    json(res, 202, [{ id: "inst-1", definition_id: "w1", status: { state: "created" } }]),
  );
  srv.route("GET /api/v1/instances/inst-1", (_h, res, n) =>
    json(res, 200, {
      id: "inst-1",
      status: { state: states[Math.min(n, states.length) - 1] },
      output: { verdict: "done" },
    }),
  );
}

const fast = { pollIntervalMs: 1, maxPollIntervalMs: 2 };

describe("startWorkflowAndWait", () => {
  it("starts, polls the instance by id until success, and returns it", async () => {
    workflowServer(["running", "running", "success"]);
    const run = await startWorkflowAndWait(
      client(),
      start,
      getInstance,
      { workflow_id: "w1", input_variables: [] },
      fast,
    );
    expect(run).toEqual({
      id: "inst-1",
      status: { state: "success" },
      output: { verdict: "done" },
    });
    expect(srv.count("GET /api/v1/instances/inst-1")).toBe(3);
    expect(srv.hits[0]!.url).toBe("/api/v1.1/workflows/start?workflow_id=w1");
    expect(srv.hits[0]!.body).toBe('{"input_variables":[]}');
  });

  it.each(["failed", "cancelled", "canceled", "FAILED"])(
    "throws WorkflowRunError carrying the instance when the run ends %s",
    async (state) => {
      workflowServer(["running", state]);
      const err = (await startWorkflowAndWait(client(), start, getInstance, {}, fast).catch(
        (e: unknown) => e,
      )) as WorkflowRunError;
      expect(err).toBeInstanceOf(WorkflowRunError);
      expect(err.state).toBe(state.toLowerCase());
      expect(err.instance).toMatchObject({ id: "inst-1", status: { state } });
      expect(err.message).toBe(`Workflow run inst-1 ended ${state.toLowerCase()}`);
    },
  );

  it("throws TimeoutError after waitTimeoutMs", async () => {
    workflowServer(["running"]);
    const err = await startWorkflowAndWait(
      client(),
      start,
      getInstance,
      {},
      {
        ...fast,
        waitTimeoutMs: 20,
      },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    // Under load the deadline may pass before the start has answered: either way it is named.
    expect((err as Error).message).toMatch(
      /^(Workflow run inst-1 still (created|running) after|[\w.]+: no workflow run started within) 20 ms$/,
    );
  });

  it("stops polling when the signal fires", async () => {
    workflowServer(["running"]);
    const ctrl = new AbortController();
    const p = startWorkflowAndWait(
      client(),
      start,
      getInstance,
      {},
      {
        pollIntervalMs: 5,
        maxPollIntervalMs: 5,
        signal: ctrl.signal,
      },
    );
    await until(() => srv.count("GET /api/v1/instances/inst-1") >= 2);
    ctrl.abort();
    await expect(p).rejects.toBeInstanceOf(AbortError);
  });

  it("polls with backoff: ×1.5 from pollIntervalMs up to maxPollIntervalMs", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const t0 = Date.now();
    const polls: number[] = [];
    const fake = {
      call: (o: Operation) => {
        if (o === start) return Promise.resolve([{ id: "i", status: { state: "created" } }]);
        polls.push(Date.now() - t0);
        return Promise.resolve({ status: { state: polls.length === 8 ? "success" : "running" } });
      },
    } as unknown as Transport;
    const p = startWorkflowAndWait(fake, start, getInstance, {}, {});
    await vi.advanceTimersByTimeAsync(60_000);
    await p;
    const gaps = polls.map((t, i) => t - (polls[i - 1] ?? 0));
    expect(gaps).toEqual([1000, 1500, 2250, 3375, 5063, 7595, 10000, 10000]);
  });

  it("reads the first id of the start response and fills the one path parameter", async () => {
    const calls: unknown[] = [];
    const fake = {
      call: (o: Operation, args: unknown) => {
        calls.push(args);
        return Promise.resolve(
          o === start
            ? [{ id: "first", status: { state: "success" } }, { id: "second" }]
            : { id: "first", status: { state: "Success" } },
        );
      },
    } as unknown as Transport;
    await startWorkflowAndWait(fake, start, getInstance, { workflow_id: "w" }, {});
    expect(calls).toEqual([{ workflow_id: "w" }, { wf_instance_id: "first" }]);
  });
});

describe("waitableStart", () => {
  const typedStart = start as TypedOperation<{ workflow_id: string }, { id: string }[]>;
  const typedGet = getInstance as TypedOperation<{ wf_instance_id: string }, { output: object }>;

  it("without wait: the start response", async () => {
    workflowServer(["success"]);
    const startMethod = waitableStart(client(), typedStart, typedGet);
    const started = startMethod({ workflow_id: "w1" });
    expectTypeOf(started).toEqualTypeOf<ApiPromise<{ id: string }[]>>();
    expect(await started).toEqual([
      { id: "inst-1", definition_id: "w1", status: { state: "created" } },
    ]);
    expect(srv.count("GET /api/v1/instances/inst-1")).toBe(0);
  });

  it("with { wait: true }: the final instance", async () => {
    workflowServer(["running", "success"]);
    const startMethod = waitableStart(client(), typedStart, typedGet);
    const run = startMethod({ workflow_id: "w1" }, { wait: true, ...fast });
    expectTypeOf(run).toEqualTypeOf<Promise<{ output: object }>>();
    expect(await run).toMatchObject({ id: "inst-1", output: { verdict: "done" } });
  });
});

describe("runState", () => {
  it.each([
    [{ status: { state: "Running" } }, "running"],
    [{ state: "success" }, "success"],
    [{}, ""],
    [undefined, ""],
  ])("%j → %j", (instance, state) => {
    expect(runState(instance)).toBe(state);
  });
});

describe("client-side limiter (Operation.rateLimit)", () => {
  const limited: Operation = { ...start, rateLimit: { requests: 2, perMs: 60_000 } };
  const START = "POST /api/v1.1/workflows/start";

  it("waits for a free slot of the sliding window", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    srv.route(START, (_h, res) => json(res, 202, [{ id: "i" }]));
    const t = client({ timeoutMs: 0 });
    await t.call(limited, {} as never);
    await t.call(limited, {} as never);
    const third = t.call(limited, {} as never);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(srv.count(START)).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    await third;
    expect(srv.count(START)).toBe(3);
  });

  it("throws RateLimitError at once when the wait exceeds maxRetryAfterMs", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    srv.route(START, (_h, res) => json(res, 202, [{ id: "i" }]));
    const t = client({ maxRetryAfterMs: 1000 });
    await t.call(limited, {} as never);
    await t.call(limited, {} as never);
    const err = (await t.call(limited, {} as never).catch((e: unknown) => e)) as RateLimitError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(60_000);
    expect(err.message).toMatch(/limit of 2 requests per 60000 ms is used up/);
    expect(srv.count(START)).toBe(2);
  });

  it("keeps one window per client", async () => {
    srv.route(START, (_h, res) => json(res, 202, [{ id: "i" }]));
    const a = client({ maxRetryAfterMs: 0 });
    const b = client({ maxRetryAfterMs: 0 });
    await a.call(limited, {} as never);
    await a.call(limited, {} as never);
    await expect(a.call(limited, {} as never)).rejects.toBeInstanceOf(RateLimitError);
    await expect(b.call(limited, {} as never)).resolves.toEqual([{ id: "i" }]);
  });
});
