// Automation workflow runs, end to end: start, then poll the instance until it ends.
import { describe, expect, it } from "vitest";
import {
  AbortError,
  RateLimitError,
  TimeoutError,
  WorkflowRunError,
} from "../../generated/src/index.js";
import { SIM_WORKFLOW_IDS } from "../simulator/server.js";
import { inputVariable, useSimulator } from "./harness.js";

const t = useSimulator();

const FAST = { wait: true, pollIntervalMs: 1, maxPollIntervalMs: 4 } as const;
const POLL = "/api/v1/instances/";

interface InstanceView {
  id: string;
  status: { state: string; details?: { message?: string } };
  output?: Record<string, unknown>;
}

describe("workflows.start(…, { wait: true })", () => {
  it("polls the run until it succeeds and resolves to the final instance", async () => {
    const run = (await t.xdr().automation.workflows.start(
      {
        workflow_id: SIM_WORKFLOW_IDS.enrichAndBlock,
        input_variables: [inputVariable("observable_value", "internetbadguys.com")],
      },
      FAST,
    )) as InstanceView;
    expect(run.status.state).toBe("success");
    expect(run.id).toMatch(/^workflow_instance_/);
    expect(run.output).toEqual({
      result: "completed",
      observable_value: "internetbadguys.com",
      observable_type: "domain",
    });
    // created → running → success: the simulator ends a run on its second poll.
    expect(t.hits("/api/v1/workflows/start", "POST")).toBe(1);
    expect(t.hits(POLL, "GET")).toBe(2);
    expect(t.sim.automation.instances.get(run.id)?.state).toBe("success");
  });

  it("a hung poll is given up after the client's timeoutMs and retried, not waited out", async () => {
    // The first poll hangs for a minute; the client's per-attempt timeout (not the wait's
    // 5-minute deadline) ends it, and the poll, a GET, is sent again. 3 s: ample for the start
    // and the other polls on a loaded machine.
    t.sim.faults.slow = { count: 1, delayMs: 60_000, path: POLL };
    const run = (await t.xdr({ timeoutMs: 3_000, retryDelayMs: 1 }).automation.workflows.start(
      {
        workflow_id: SIM_WORKFLOW_IDS.enrichAndBlock,
        input_variables: [inputVariable("observable_value", "internetbadguys.com")],
      },
      FAST,
    )) as InstanceView;
    expect(run.status.state).toBe("success");
    expect(t.hits(POLL, "GET")).toBe(3);
  });

  it.each([
    ["failed", SIM_WORKFLOW_IDS.fail, "Simulated failure: the target answered 500"],
    ["cancelled", SIM_WORKFLOW_IDS.cancel, "The run was cancelled by the simulator"],
  ])("a run that ends %s: WorkflowRunError carrying the instance", async (state, id, detail) => {
    const err = await t.caught(t.xdr().automation.workflows.start({ workflow_id: id }, FAST));
    expect(err).toBeInstanceOf(WorkflowRunError);
    const e = err as WorkflowRunError;
    expect(e.state).toBe(state);
    expect(e.message).toMatch(new RegExp(`^Workflow run workflow_instance_\\w+ ended ${state}$`));
    const instance = e.instance as InstanceView;
    expect(instance.status.state).toBe(state);
    expect(instance.status.details?.message).toContain(detail);
    expect(e.message).toContain(instance.id);
  });

  it("a run cancelled through the API while it is being waited for", async () => {
    const sim = await t.startExtra({ instanceSteps: 1_000_000 });
    let cancel: Promise<unknown> | undefined;
    const xdr = t.xdr(
      {
        logger: {
          debug(message, fields) {
            t.capture.logger.debug(message, fields);
            // On the first poll, cancel the run with another call.
            if (message === "xdr request" && fields?.operation === "instances.get") {
              cancel ??= xdr.automation.instances.cancel({
                wf_instance_id: String(fields.path).split("/").pop()!,
              });
            }
          },
        },
      },
      sim,
    );
    const err = await t.caught(
      xdr.automation.workflows.start({ workflow_id: SIM_WORKFLOW_IDS.hello }, FAST),
    );
    await cancel;
    expect(err).toBeInstanceOf(WorkflowRunError);
    expect((err as WorkflowRunError).state).toBe("cancelled");
    expect(((err as WorkflowRunError).instance as InstanceView).status.details?.message).toBe(
      "The run was cancelled by the API client",
    );
  });

  it("a run that does not end within waitTimeoutMs: TimeoutError", async () => {
    const sim = await t.startExtra({ instanceSteps: 1_000_000 });
    const err = await t.caught(
      t
        .xdr({}, sim)
        .automation.workflows.start(
          { workflow_id: SIM_WORKFLOW_IDS.hello },
          { ...FAST, waitTimeoutMs: 1_000 },
        ),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    // The deadline covers the token and the start too: on a loaded machine it may pass before
    // the run has started; either way the message says which.
    expect(err.message).toMatch(
      /^(Workflow run workflow_instance_\w+ still running after|workflows\.start: no workflow run started within) 1000 ms$/,
    );
    if (err.message.startsWith("Workflow run")) expect(t.hits(POLL, "GET", sim)).toBeGreaterThan(0);
  });

  it("the caller's signal stops the wait", async () => {
    const sim = await t.startExtra({ instanceSteps: 1_000_000 });
    const ac = new AbortController();
    const xdr = t.xdr(
      {
        logger: {
          debug(message, fields) {
            t.capture.logger.debug(message, fields);
            if (fields?.operation === "instances.get") ac.abort();
          },
        },
      },
      sim,
    );
    const err = await t.caught(
      xdr.automation.workflows.start(
        { workflow_id: SIM_WORKFLOW_IDS.hello },
        { ...FAST, signal: ac.signal },
      ),
    );
    expect(err).toBeInstanceOf(AbortError);
    expect(t.hits(POLL, "GET", sim)).toBe(1);
  });

  it("polls survive a transient 503 (instances.get is safe to repeat)", async () => {
    const xdr = t.xdr();
    t.sim.faults.serverError = { count: 1, status: 503, path: POLL };
    const run = (await xdr.automation.workflows.start(
      { workflow_id: SIM_WORKFLOW_IDS.hello },
      FAST,
    )) as InstanceView;
    expect(run.status.state).toBe("success");
    expect(t.hits(POLL, "GET")).toBe(3);
  });
});

describe("workflows.start without wait, and instances.get", () => {
  it("resolves to the start response; the run can then be read by id", async () => {
    const xdr = t.xdr();
    const started = await xdr.automation.workflows.start({ workflow_id: SIM_WORKFLOW_IDS.hello });
    expect(started).toEqual([
      expect.objectContaining({
        definition_id: SIM_WORKFLOW_IDS.hello,
        status: { state: "created" },
      }),
    ]);
    const id = (started as { id: string }[])[0]!.id;
    const first = (await xdr.automation.instances.get({ wf_instance_id: id })) as InstanceView;
    const second = (await xdr.automation.instances.get({ wf_instance_id: id })) as InstanceView;
    expect([first.status.state, second.status.state]).toEqual(["running", "success"]);
  });
});

describe("the start limit (10 per minute per org)", () => {
  it("the 11th start within a minute fails at once on the client: nothing sent", async () => {
    const xdr = t.xdr({ maxRetryAfterMs: 1_000 });
    for (let i = 0; i < 10; i++) {
      await xdr.automation.workflows.start({ workflow_id: SIM_WORKFLOW_IDS.hello });
    }
    const err = await t.caught(
      xdr.automation.workflows.start({ workflow_id: SIM_WORKFLOW_IDS.hello }),
    );
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.message).toMatch(/the limit of 10 requests per 60000 ms is used up/);
    expect((err as RateLimitError).retryAfterMs).toBeGreaterThan(50_000);
    expect((err as RateLimitError).retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(t.hits("/api/v1/workflows/start")).toBe(10);
  });

  it("the server's 429 for the same org: RateLimitError with its Retry-After, no wait", async () => {
    const a = t.xdr({ maxRetryAfterMs: 1_000 });
    for (let i = 0; i < 10; i++) {
      await a.automation.workflows.start({ workflow_id: SIM_WORKFLOW_IDS.hello });
    }
    // Another client object (its own client-side window), same API client: the server refuses.
    const b = t.xdr({ maxRetryAfterMs: 1_000 });
    const err = await t.caught(
      b.automation.workflows.start({ workflow_id: SIM_WORKFLOW_IDS.hello }),
    );
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, operation: "workflows.start" });
    // Whole seconds until the oldest start leaves the server's window.
    expect((err as RateLimitError).retryAfterMs).toBeGreaterThan(50_000);
    expect((err as RateLimitError).retryAfterMs! % 1000).toBe(0);
    expect(t.hits("/api/v1/workflows/start")).toBe(11);
    expect(t.sim.automation.instances.size).toBe(10);
  });
});
