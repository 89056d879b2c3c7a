// Issue #8, item 7: the caller's signal reaches the raw client's body read; a workflow wait
// never overruns waitTimeoutMs by more than a small margin; one call makes at most
// 1 + maxRetries attempts, plus one after a 401 refresh.
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  RateLimitError,
  ServerError,
  TimeoutError,
  UsageError,
  WorkflowRunError,
} from "../../templates/runtime/errors.js";
import { transportFetch } from "../../templates/runtime/raw.js";
import { createTransport } from "../../templates/runtime/transport.js";
import type { Operation, WaitProgress, XdrOptions } from "../../templates/runtime/types.js";
import { startWorkflowAndWait } from "../../templates/runtime/workflow.js";
import {
  caught,
  createIncident,
  getJudgement,
  inspectOp as inspect,
  irohApi,
  irohClient,
  json,
  rawClient,
  timed,
  TOKEN,
  until,
  useServer,
} from "./servers.js";

const srv = useServer();
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Generous slack for a loaded 2-core machine. */
const MARGIN = 2_000;

describe("raw client: the caller's signal reaches the body read", () => {
  /** Headers and the start of a body, then nothing. */
  function stallsInBody() {
    const state = { headers: false, closed: false };
    srv.route("GET /ctia/judgement/j1", (_h, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":"j1", "pad": "');
      state.headers = true;
      res.on("close", () => (state.closed = true));
    });
    return state;
  }
  const t = () =>
    createTransport(irohApi(), {
      accessToken: "t",
      baseUrls: { iroh: srv.url },
      retryDelayMs: 1,
      timeoutMs: 30_000,
    });

  it("aborts raw.GET while it reads the body (headers already in)", async () => {
    const s = stallsInBody();
    const ctrl = new AbortController();
    const p = caught(
      rawClient(t()).GET("/ctia/judgement/{id}", {
        params: { path: { id: "j1" } },
        signal: ctrl.signal,
      }),
    );
    await until(() => s.headers);
    await pause(50);
    const t0 = performance.now();
    ctrl.abort();
    const err = await p;
    expect(performance.now() - t0).toBeLessThan(MARGIN);
    expect(err.name).toBe("AbortError");
    await until(() => s.closed);
  });

  it("aborts res.text() of transportFetch after the headers arrived", async () => {
    const s = stallsInBody();
    const ctrl = new AbortController();
    const res = await transportFetch(t())(srv.url + "/ctia/judgement/j1", { signal: ctrl.signal });
    expect(res.status).toBe(200);
    const body = caught(res.text());
    await pause(30);
    ctrl.abort();
    const { ms, error } = await timed(body.then((e) => Promise.reject(e)));
    expect(error?.name).toBe("AbortError");
    expect(ms).toBeLessThan(MARGIN);
    await until(() => s.closed);
  });

  it("an already-aborted signal sends nothing", async () => {
    stallsInBody();
    const err = await caught(
      rawClient(t()).GET("/ctia/judgement/{id}", {
        params: { path: { id: "j1" } },
        signal: AbortSignal.abort(),
      }),
    );
    expect(err.name).toBe("AbortError");
    expect(srv.hits).toHaveLength(0);
  });
});

describe("named calls: each attempt, body included, ends within timeoutMs", () => {
  const JUDGEMENT = "GET /ctia/judgement/j1";
  const t = (extra: XdrOptions = {}) =>
    createTransport(irohApi(), {
      accessToken: "t",
      baseUrls: { iroh: srv.url },
      retryDelayMs: 1,
      ...extra,
    });

  it("a body that stalls after the headers → TimeoutError within timeoutMs", async () => {
    srv.route(JUDGEMENT, (_h, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":');
    });
    const { ms, error } = await timed(
      t({ timeoutMs: 150, maxRetries: 0 }).call(getJudgement, { id: "j1" }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(150 + MARGIN);
  });

  it("a body that drips one byte at a time cannot stretch an attempt past timeoutMs", async () => {
    srv.route(JUDGEMENT, (_h, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(" ")), 20);
      res.on("close", () => clearInterval(drip));
    });
    const { ms, error } = await timed(
      t({ timeoutMs: 200, maxRetries: 1 }).call(getJudgement, { id: "j1" }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(2 * 200 + MARGIN);
    expect(srv.count(JUDGEMENT)).toBe(2);
  });

  it("the caller's abort ends a long Retry-After sleep at once", async () => {
    srv.route(JUDGEMENT, (_h, res) => json(res, 503, {}, { "retry-after": "30" }));
    const ctrl = new AbortController();
    const p = timed(t({ maxRetries: 3 }).call(getJudgement, { id: "j1" }, { signal: ctrl.signal }));
    await until(() => srv.count(JUDGEMENT) === 1);
    await pause(30);
    ctrl.abort();
    const { ms, error } = await p;
    expect(error).toBeInstanceOf(AbortError);
    expect(ms).toBeLessThan(MARGIN + 500);
    expect(srv.count(JUDGEMENT)).toBe(1);
  });

  it("the caller's abort while the answer is awaited ends the call at once, never retried", async () => {
    srv.route(JUDGEMENT, () => undefined);
    const ctrl = new AbortController();
    const p = timed(t({ maxRetries: 3 }).call(getJudgement, { id: "j1" }, { signal: ctrl.signal }));
    await until(() => srv.count(JUDGEMENT) === 1);
    ctrl.abort();
    const { ms, error } = await p;
    expect(error).toBeInstanceOf(AbortError);
    expect(ms).toBeLessThan(MARGIN);
    await pause(30);
    expect(srv.count(JUDGEMENT)).toBe(1);
  });
});

describe("workflow waits end within waitTimeoutMs + a small margin", () => {
  const automation = (extra: XdrOptions = {}) =>
    createTransport(
      {
        name: "automation",
        servers: {
          us: "https://automate.us.security.cisco.com/api",
          eu: "https://automate.eu.security.cisco.com/api",
          apjc: "https://automate.apjc.security.cisco.com/api",
        },
      },
      { accessToken: "t", baseUrls: { automation: srv.url + "/api" }, retryDelayMs: 1, ...extra },
    );
  const start: Operation = {
    name: "workflows.start",
    method: "POST",
    path: "/v1.1/workflows/start",
    args: "flat",
    queryParams: ["workflow_id"],
    body: "json",
  };
  const getInstance: Operation = {
    name: "instances.get",
    method: "GET",
    path: "/v1/instances/{wf_instance_id}",
    args: "flat",
    pathParams: ["wf_instance_id"],
    safe: true,
  };
  const START = "POST /api/v1.1/workflows/start";
  const POLL = "GET /api/v1/instances/inst-1";
  const started = () =>
    srv.route(START, (_h, res) => json(res, 202, [{ id: "inst-1", status: { state: "created" } }]));
  const running = (res: ServerResponse) =>
    json(res, 200, { id: "inst-1", status: { state: "running" } });

  async function waitFor(
    waitTimeoutMs: number,
    extra: Parameters<typeof startWorkflowAndWait>[4] = {},
    client = automation(),
  ) {
    return timed(
      startWorkflowAndWait(
        client,
        start,
        getInstance,
        { workflow_id: "w1" },
        {
          waitTimeoutMs,
          pollIntervalMs: 10,
          maxPollIntervalMs: 20,
          ...extra,
        },
      ),
    );
  }

  it("a poll request that never answers → TimeoutError at the deadline", async () => {
    started();
    srv.route(POLL, () => undefined);
    const { ms, error } = await waitFor(300);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(300 + MARGIN);
  });

  it("a start request that never answers → TimeoutError at the deadline", async () => {
    srv.route(START, () => undefined);
    const { ms, error } = await waitFor(250);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(250 + MARGIN);
  });

  it("a run that stays running → TimeoutError at the deadline, with progress reported", async () => {
    started();
    srv.route(POLL, (_h, res) => running(res));
    const polls: WaitProgress[] = [];
    const { ms, error } = await waitFor(300, { onPoll: (p) => void polls.push(p) });
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error!.message).toContain("inst-1");
    expect(ms).toBeLessThan(300 + MARGIN);
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.map((p) => p.poll)).toEqual(polls.map((_, i) => i + 1));
    expect(polls.every((p) => p.state === "running" && p.id === "inst-1")).toBe(true);
  });

  it("a long client timeoutMs does not stretch a poll past the deadline", async () => {
    started();
    srv.route(POLL, () => undefined);
    const { ms, error } = await waitFor(300, {}, automation({ timeoutMs: 60_000 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(300 + MARGIN);
  });

  it("a long poll interval does not stretch the wait past the deadline", async () => {
    started();
    srv.route(POLL, (_h, res) => running(res));
    const { ms, error } = await waitFor(300, { pollIntervalMs: 60_000, maxPollIntervalMs: 60_000 });
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(300 + MARGIN);
  });

  it("a poll answered 429 with a long Retry-After does not stretch the wait", async () => {
    started();
    srv.route(POLL, (_h, res) => json(res, 429, {}, { "retry-after": "30" }));
    const { ms, error } = await waitFor(300);
    expect(error instanceof TimeoutError || error instanceof RateLimitError).toBe(true);
    expect(ms).toBeLessThan(300 + MARGIN);
  });

  it("polls answered 503 with a long backoff do not stretch the wait", async () => {
    started();
    srv.route(POLL, (_h, res) => json(res, 503, {}));
    const { ms, error } = await waitFor(
      300,
      {},
      automation({ retryDelayMs: 20_000, maxRetries: 5 }),
    );
    expect(error instanceof TimeoutError || error instanceof ServerError).toBe(true);
    expect(ms).toBeLessThan(300 + MARGIN);
  });

  it("slow polls (each a little under the deadline) still end in time", async () => {
    started();
    srv.route(POLL, (_h, res) => setTimeout(() => running(res), 150));
    const { ms, error } = await waitFor(400);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(400 + MARGIN);
  });

  it("the caller's abort ends the wait with AbortError, not TimeoutError", async () => {
    started();
    srv.route(POLL, (_h, res) => running(res));
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 80);
    const { ms, error } = await waitFor(60_000, { signal: ctrl.signal });
    expect(error).toBeInstanceOf(AbortError);
    expect(ms).toBeLessThan(80 + MARGIN);
  });

  it("a start answer naming the run '..' does not make the poll reach another resource", async () => {
    srv.route(START, (_h, res) => json(res, 202, [{ id: "..", status: { state: "created" } }]));
    srv.route("GET /api/v1", (_h, res) => json(res, 200, { status: { state: "success" } }));
    srv.route("GET /api/v1/", (_h, res) => json(res, 200, { status: { state: "success" } }));
    const { error } = await waitFor(2_000);
    expect(error).toBeInstanceOf(UsageError);
    expect(srv.hits.filter((h) => h.method === "GET" && !h.path.includes("inst-1"))).toHaveLength(
      0,
    );
  });

  it("a start answer naming the run '../../x' polls one encoded segment", async () => {
    srv.route(START, (_h, res) =>
      json(res, 202, [{ id: "../../x", status: { state: "created" } }]),
    );
    srv.route("GET /api/v1/instances/..%2F..%2Fx", (_h, res) =>
      json(res, 200, { status: { state: "success" } }),
    );
    const { error } = await waitFor(2_000);
    expect(error).toBeUndefined();
    expect(srv.hits.find((h) => h.method === "GET" && !h.path.includes("inst-1"))?.url).toBe(
      "/api/v1/instances/..%2F..%2Fx",
    );
  });

  it("a run that fails → WorkflowRunError, not a timeout", async () => {
    started();
    srv.route(POLL, (_h, res) => json(res, 200, { id: "inst-1", status: { state: "failed" } }));
    const { error } = await waitFor(5_000);
    expect(error).toBeInstanceOf(WorkflowRunError);
  });
});

describe("attempts of one call: 1 + maxRetries, plus one after a 401 refresh", () => {
  const INSPECT = "POST /iroh/iroh-inspect/inspect";
  const apiHits = () => srv.hits.filter((h) => h.path !== "/iroh/oauth2/token").length;

  it.each([0, 1, 2, 4])("maxRetries %i: a 500 every time → %i + 1 attempts", async (max) => {
    srv.route(INSPECT, (_h, res) => json(res, 500, {}));
    const err = await caught(irohClient(srv, { maxRetries: max }).call(inspect, { content: "x" }));
    expect(err).toBeInstanceOf(ServerError);
    expect(srv.count(INSPECT)).toBe(1 + max);
  });

  it("the default is 3 attempts (maxRetries 2)", async () => {
    srv.route(INSPECT, (_h, res) => json(res, 503, {}));
    await caught(irohClient(srv).call(inspect, { content: "x" }));
    expect(srv.count(INSPECT)).toBe(3);
  });

  it("a per-call maxRetries overrides the client's", async () => {
    srv.route(INSPECT, (_h, res) => json(res, 500, {}));
    await caught(
      irohClient(srv, { maxRetries: 5 }).call(inspect, { content: "x" }, { maxRetries: 1 }),
    );
    expect(srv.count(INSPECT)).toBe(2);
  });

  it("a 401 first, then 503s: 1 + maxRetries + 1 attempts and 2 token requests", async () => {
    srv.route(INSPECT, (_h, res, n) =>
      n === 1 ? json(res, 401, { error: "jwt_expired" }) : json(res, 503, {}),
    );
    const err = await caught(irohClient(srv, { maxRetries: 2 }).call(inspect, { content: "x" }));
    expect(err).toBeInstanceOf(ServerError);
    expect(srv.count(INSPECT)).toBe(4);
    expect(srv.count(TOKEN)).toBe(2);
  });

  it("500, 500, 401, 500 with maxRetries 2: 4 attempts", async () => {
    srv.route(INSPECT, (_h, res, n) =>
      n === 3 ? json(res, 401, { error: "jwt_expired" }) : json(res, 500, {}),
    );
    await caught(irohClient(srv, { maxRetries: 2 }).call(inspect, { content: "x" }));
    expect(srv.count(INSPECT)).toBe(4);
  });

  it("only one refresh per call: a second 401 is thrown as AuthenticationError", async () => {
    srv.route(INSPECT, (_h, res) => json(res, 401, { error: "jwt_expired" }));
    const err = await caught(irohClient(srv, { maxRetries: 5 }).call(inspect, { content: "x" }));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(srv.count(INSPECT)).toBe(2);
    expect(srv.count(TOKEN)).toBe(2);
  });

  it("a ready-made accessToken gets no refresh: a 401 is one attempt", async () => {
    srv.route(INSPECT, (_h, res) => json(res, 401, { error: "jwt_expired" }));
    const t = createTransport(irohApi(), { accessToken: "t", baseUrls: { iroh: srv.url } });
    await caught(t.call(inspect, { content: "x" }));
    expect(srv.count(INSPECT)).toBe(1);
  });

  it("timeouts count as attempts: 1 + maxRetries requests, then TimeoutError", async () => {
    srv.route(INSPECT, () => undefined);
    const err = await caught(
      irohClient(srv, { maxRetries: 2, timeoutMs: 50 }).call(inspect, { content: "x" }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    await until(() => srv.count(INSPECT) === 3);
    await pause(30);
    expect(srv.count(INSPECT)).toBe(3);
  });

  it("token endpoint failures share the same budget of attempts", async () => {
    srv.route(TOKEN, (_h, res, n) =>
      n === 1
        ? json(res, 503, {})
        : json(res, 200, { access_token: "ok", token_type: "bearer", expires_in: 600 }),
    );
    srv.route(INSPECT, (_h, res) => json(res, 500, {}));
    await caught(irohClient(srv, { maxRetries: 2 }).call(inspect, { content: "x" }));
    // Attempt 1 fails at the token endpoint; attempts 2 and 3 reach the API.
    expect(srv.count(TOKEN)).toBe(2);
    expect(srv.count(INSPECT)).toBe(2);
  });

  it("an unsafe POST is not repeated after a 500", async () => {
    srv.route("POST /ctia/incident", (_h, res) => json(res, 500, {}));
    await caught(irohClient(srv, { maxRetries: 3 }).call(createIncident, { title: "x" }));
    expect(srv.count("POST /ctia/incident")).toBe(1);
  });

  it("an unsafe POST is not repeated after the connection broke once it was sent", async () => {
    srv.route("POST /ctia/incident", (_h, res) => void res.socket?.destroy());
    const err = await caught(
      irohClient(srv, { maxRetries: 3 }).call(createIncident, { title: "x" }),
    );
    expect(err).toBeInstanceOf(ConnectionError);
    expect(srv.count("POST /ctia/incident")).toBe(1);
  });

  it("a safe GET reset every time: 1 + maxRetries attempts, ConnectionError", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res) => void res.socket?.destroy());
    const err = await caught(irohClient(srv, { maxRetries: 2 }).call(getJudgement, { id: "j1" }));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(srv.count("GET /ctia/judgement/j1")).toBe(3);
  });

  it("the raw client makes 1 + maxRetries attempts and returns the last 500", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res) => json(res, 500, {}));
    const t = irohClient(srv, { maxRetries: 2 });
    const res = await transportFetch(t)(srv.url + "/ctia/judgement/j1");
    expect(res.status).toBe(500);
    expect(srv.count("GET /ctia/judgement/j1")).toBe(3);
  });

  it("the raw client refreshes once after a 401, then returns the second 401", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res) => json(res, 401, {}));
    const res = await transportFetch(irohClient(srv, { maxRetries: 2 }))(
      srv.url + "/ctia/judgement/j1",
    );
    expect(res.status).toBe(401);
    expect(srv.count("GET /ctia/judgement/j1")).toBe(2);
    expect(apiHits()).toBe(2);
  });
});
