// xdr-sdk/testing's public API driving a real `createXdr` client: every fault kind as a user
// would switch it on, seeding, the request log, and what the test double keeps out of sight.
import { describe, expect, it, vi } from "vitest";
import {
  AuthenticationError,
  ConnectionError,
  createXdr,
  RateLimitError,
  ServerError,
  TimeoutError,
  WorkflowRunError,
  type XdrOptions,
} from "../../generated/src/index.js";
import { rejection, useSimulator } from "./simulator.js";

const sim = useSimulator({ clientId: "faults-client", clientSecret: "faults-S3cret-9vQ" });

/** Tiny backoff, so retries cost milliseconds; the default per-attempt timeout otherwise. */
function client(options: Partial<XdrOptions> = {}) {
  return createXdr({ ...sim().clientOptions(), retryDelayMs: 1, maxRetryDelayMs: 4, ...options });
}

const search = (xdr = client(), options?: { maxRetries?: number; timeoutMs?: number }) =>
  xdr.ctia.judgements.search({ query: "*", limit: 10 }, options);

/** Statuses of the answers to the judgement search, in order. */
const searchStatuses = () =>
  sim()
    .requests.filter((r) => r.path === "/ctia/judgement/search" && !r.query?.includes(LATE))
    .map((r) => r.status);
/** The query of a search that times out client-side (see searchStatuses). */
const LATE = "timed-out-search";

describe("startSimulator", () => {
  it("listens on 127.0.0.1 and hands out everything createXdr needs", () => {
    expect(sim().url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim().tokenUrl).toBe(`${sim().url}/iroh/oauth2/token`);
    expect(sim().credentials).toEqual({
      clientId: "faults-client",
      clientSecret: "faults-S3cret-9vQ",
    });
    expect(sim().clientOptions()).toEqual({
      clientId: "faults-client",
      clientSecret: "faults-S3cret-9vQ",
      baseUrls: { ...sim().baseUrls, token: sim().tokenUrl },
    });
    expect(sim().env()).toMatchObject({
      XDR_CLIENT_ID: "faults-client",
      XDR_TOKEN_URL: sim().tokenUrl,
      XDR_BASE_URL_CONURE: `${sim().url}/conure`,
      XDR_BASE_URL_GLOBAL_INTEL: `${sim().url}/global-intel`,
    });
  });

  it("env(): createXdr() without arguments reaches it", async () => {
    const vars = sim().env();
    Object.assign(process.env, vars);
    try {
      sim().seed.judgements(1);
      const page = await createXdr().ctia.judgements.search({ query: "*", limit: 5 });
      expect(page.items).toHaveLength(1);
    } finally {
      for (const name of Object.keys(vars)) delete process.env[name];
    }
  });

  it("serves seeded data to every API", async () => {
    sim().seed.judgements([{ observable: { type: "ip", value: "198.51.100.7" }, disposition: 2 }]);
    sim().seed.judgements(4);
    sim().seed.conureIncidents(3);
    sim().seed.workflows([
      { id: "definition_workflow_sim_test_ok", title: "Test", outcome: "failed" },
    ]);
    const xdr = client();
    const page = await xdr.ctia.judgements.search({ query: "disposition:2", limit: 100 });
    expect(page.items.map((j) => j.observable.value)).toContain("198.51.100.7");
    let all = 0;
    for await (const _ of xdr.ctia.judgements.search({ query: "*" })) all++;
    expect(all).toBe(5);
    const gi = await xdr.globalIntel.judgements.search({ query: "*", limit: 2 });
    expect(gi.items).toHaveLength(2);
    const run = await xdr.automation.workflows.start({
      workflow_id: "definition_workflow_sim_test_ok",
      input_variables: [],
    });
    expect(run).toBeDefined();
    expect(sim().requests.map((r) => r.api)).toEqual(
      expect.arrayContaining(["token", "ctia", "automation"]),
    );
  });

  it("runs a seeded workflow to the outcome it was given", async () => {
    sim().seed.workflows([{ id: "definition_workflow_01TEST", outcome: "failed" }]);
    const xdr = client();
    const e = await rejection(
      xdr.automation.workflows.start(
        { workflow_id: "definition_workflow_01TEST", input_variables: [] },
        // The simulator ends a run within two polls.
        { wait: true, waitTimeoutMs: 30_000, pollIntervalMs: 1 },
      ),
    );
    expect(e).toBeInstanceOf(WorkflowRunError);
  });
});

describe("faults, through a real client", () => {
  it("429 with Retry-After in seconds: the client waits, retries once, and succeeds", async () => {
    sim().faults.rateLimit({ retryAfter: "0.01" });
    await search();
    expect(searchStatuses()).toEqual([429, 200]);
  });

  it("429 with a numeric Retry-After", async () => {
    sim().faults.rateLimit({ retryAfter: 0, times: 2 });
    await search();
    expect(searchStatuses()).toEqual([429, 429, 200]);
  });

  it("429 with an HTTP date beyond maxRetryAfterMs: RateLimitError at once, with the wait", async () => {
    const date = new Date(Date.now() + 120_000).toUTCString();
    sim().faults.rateLimit({ retryAfter: date });
    const e = await rejection(search());
    expect(e).toBeInstanceOf(RateLimitError);
    const wait = (e as RateLimitError).retryAfterMs!;
    expect(wait).toBeGreaterThan(60_000);
    expect(wait).toBeLessThanOrEqual(121_000);
    expect(searchStatuses()).toEqual([429]);
  });

  it("429 with an HTTP date in the past: retried at once", async () => {
    sim().faults.rateLimit({ retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT" });
    await search();
    expect(searchStatuses()).toEqual([429, 200]);
  });

  it("429 with a garbage Retry-After: the normal backoff, then success", async () => {
    sim().faults.rateLimit({ retryAfter: "soon, maybe" });
    await search();
    expect(searchStatuses()).toEqual([429, 200]);
  });

  it("429 on every attempt: RateLimitError after 1 + maxRetries attempts", async () => {
    sim().faults.rateLimit({ retryAfter: "0", times: Infinity, api: "ctia" });
    expect(await rejection(search(client(), { maxRetries: 1 }))).toBeInstanceOf(RateLimitError);
    expect(searchStatuses()).toEqual([429, 429]);
  });

  it("refuses a Retry-After no HTTP header can carry", () => {
    expect(() => sim().faults.rateLimit({ retryAfter: "1\r\nX-Evil: 1" })).toThrow(TypeError);
  });

  it("5xx once: retried; on every attempt: ServerError with the status", async () => {
    sim().faults.serverError({ status: 503 });
    await search();
    expect(searchStatuses()).toEqual([503, 200]);
    sim().clear();
    sim().faults.serverError({ status: 500, times: Infinity });
    const e = await rejection(search(client(), { maxRetries: 2 }));
    expect(e).toBeInstanceOf(ServerError);
    expect((e as ServerError).status).toBe(500);
    expect(searchStatuses()).toEqual([500, 500, 500]);
    expect(() => sim().faults.serverError({ status: 404 })).toThrow(RangeError);
    expect(() => sim().faults.reset({ api: "toString" as never })).toThrow(RangeError);
    expect(() => sim().faults.reset({ times: 0 })).toThrow(RangeError);
  });

  it("token expiry: one refresh, then the call succeeds", async () => {
    const xdr = client();
    await search(xdr);
    sim().faults.expireTokens();
    await search(xdr);
    expect(
      sim()
        .requests.filter((r) => r.api === "token")
        .map((r) => r.status),
    ).toEqual([200, 200]);
    expect(searchStatuses()).toEqual([200, 401, 200]);
  });

  it("revocation: AuthenticationError, never a loop; clear() lets the client back in", async () => {
    const xdr = client();
    await search(xdr);
    sim().faults.revokeTokens();
    expect(await rejection(search(xdr))).toBeInstanceOf(AuthenticationError);
    expect(
      sim()
        .requests.filter((r) => r.api === "token")
        .map((r) => r.status),
    ).toEqual([200, 400]);
    expect(searchStatuses()).toEqual([200, 401]);
    sim().faults.clear();
    await search(xdr);
  });

  it("slow answers: TimeoutError with a small timeout", async () => {
    sim().faults.slow({ ms: 10_000, times: Infinity, api: "ctia" });
    // Its own query: on a busy machine the server may log this request after the test ended,
    // and the next test must not count it as one of its own.
    const late = client({ timeoutMs: 50 }).ctia.judgements.search(
      { query: LATE, limit: 10 },
      { maxRetries: 0 },
    );
    expect(await rejection(late)).toBeInstanceOf(TimeoutError);
  });

  it("slow answers within the timeout succeed", async () => {
    sim().faults.slow({ ms: 20, api: "ctia" });
    await search();
    expect(searchStatuses()).toEqual([200]);
  });

  it("connection reset once: retried; every time: ConnectionError", async () => {
    sim().faults.reset({ api: "ctia" });
    await search();
    expect(searchStatuses()).toEqual([undefined, 200]);
    sim().clear();
    sim().faults.reset({ times: Infinity, path: "/ctia/judgement" });
    expect(await rejection(search(client(), { maxRetries: 1 }))).toBeInstanceOf(ConnectionError);
    expect(searchStatuses()).toEqual([undefined, undefined]);
  });

  it("faults reach the token endpoint only when asked to", async () => {
    sim().faults.serverError({ times: Infinity });
    sim().faults.clear();
    sim().faults.serverError({ api: "token", status: 502 });
    await search();
    expect(
      sim()
        .requests.filter((r) => r.api === "token")
        .map((r) => r.status),
    ).toEqual([502, 200]);
  });
});

describe("what the test double shows", () => {
  it("logs nothing and keeps no credential or token in its request log", async () => {
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
      vi.spyOn(console, m),
    );
    const stderr = vi.spyOn(process.stderr, "write");
    const stdout = vi.spyOn(process.stdout, "write");
    try {
      sim().faults.rateLimit({ retryAfter: "0" });
      await search();
      sim().faults.revokeTokens();
      await rejection(search());
      for (const spy of [...spies, stderr, stdout]) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of [...spies, stderr, stdout]) spy.mockRestore();
    }
    const log = JSON.stringify(sim().requests);
    expect(log).not.toContain("faults-S3cret-9vQ");
    expect(log).not.toContain(Buffer.from("faults-client:faults-S3cret-9vQ").toString("base64"));
    expect(sim().requests.every((r) => Object.keys(r).every((k) => k !== "headers"))).toBe(true);
  });
});
