// Logging through `logger`, and credentials kept out of everything the SDK logs or throws, across
// every fault the simulator can inject.
import { describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  clearTokenCache,
  type Xdr,
} from "../../generated/src/index.js";
import type { Simulator } from "../simulator/server.js";
import { CLIENT_SECRET, BASIC, credentials, describeError, useSimulator } from "./harness.js";

const t = useSimulator();

describe("logger", () => {
  it("logs method, path, status, duration and attempt for every attempt, at debug", async () => {
    t.sim.faults.serverError = { count: 1, status: 503, path: "/iroh/iroh-inspect" };
    await t.xdr().iroh.inspect({ content: "cisco.com" });
    expect(t.capture.logs.map((l) => [l.level, l.message])).toEqual([
      ["debug", "xdr token"],
      ["debug", "xdr request"],
      ["debug", "xdr retry"],
      ["debug", "xdr request"],
    ]);
    const attempt = {
      api: "iroh",
      operation: "inspect",
      method: "POST",
      path: "/iroh/iroh-inspect/inspect",
      durationMs: expect.any(Number),
    };
    expect(t.capture.entries("xdr request")).toEqual([
      { ...attempt, status: 503, attempt: 1, error: "ServerError" },
      { ...attempt, status: 200, attempt: 2, error: undefined },
    ]);
    expect(t.capture.entries("xdr token")).toEqual([
      { url: `${t.sim.url}/iroh/oauth2/token`, status: 200, durationMs: expect.any(Number) },
    ]);
    expect(t.capture.entries("xdr retry")).toEqual([
      { operation: "inspect", attempt: 1, delayMs: expect.any(Number) },
    ]);
  });

  it("logs the path without its query, and attempts that got no answer", async () => {
    t.sim.faults.reset = { count: 1, path: "/ctia/judgement/search" };
    await t.xdr().ctia.judgements.search({ query: "observable.value:10.0.0.1", limit: 5 });
    expect(t.capture.entries("xdr request")).toEqual([
      expect.objectContaining({
        api: "ctia",
        method: "GET",
        path: "/ctia/judgement/search",
        status: undefined,
        attempt: 1,
        error: "ConnectionError",
      }),
      expect.objectContaining({ path: "/ctia/judgement/search", status: 200, attempt: 2 }),
    ]);
  });

  it("logs Automation calls under their API, with the path below the base URL", async () => {
    await t.xdr().automation.workflows.list();
    expect(t.capture.entries("xdr request")).toEqual([
      expect.objectContaining({
        api: "automation",
        operation: "workflows.list",
        method: "GET",
        path: "/v1/workflows",
        status: 200,
      }),
    ]);
  });
});

interface Fault {
  name: string;
  arrange(sim: Simulator): void;
  run(xdr: Xdr, sim: Simulator): PromiseLike<unknown>;
  /** The error class, or `null` when the call succeeds despite the fault. */
  expected: (new (...args: never[]) => Error) | null;
  /** The server echoed a credential that had to be scrubbed. */
  echoes?: boolean;
}

const inspect = (x: Xdr) => x.iroh.inspect({ content: "internetbadguys.com" });

const faults: Fault[] = [
  {
    name: "401 then a fresh token",
    arrange: (s) => (s.faults.unauthorized = { count: 1 }),
    run: inspect,
    expected: null,
  },
  {
    name: "401 twice",
    arrange: (s) => (s.faults.unauthorized = { count: 2 }),
    run: inspect,
    expected: AuthenticationError,
  },
  {
    name: "an API error body quoting the bearer token",
    arrange: (s) => (s.faults.echoCredentials = { count: 1, status: 403 }),
    run: inspect,
    expected: PermissionDeniedError,
    echoes: true,
  },
  {
    name: "an API 500 quoting the bearer token, retried until it gives up",
    arrange: (s) => (s.faults.echoCredentials = { count: 5, status: 500 }),
    run: inspect,
    expected: ServerError,
    echoes: true,
  },
  {
    name: "a token endpoint quoting the Basic credentials",
    arrange: (s) => (s.faults.echoCredentials = { count: 1, status: 400, path: "/iroh/oauth2" }),
    run: inspect,
    expected: AuthenticationError,
    echoes: true,
  },
  {
    name: "a ready-made accessToken quoted back",
    arrange: (s) => (s.faults.echoCredentials = { count: 1, status: 401 }),
    run: (_x, s) =>
      t
        .xdr({ accessToken: s.issueToken(), clientId: undefined, clientSecret: undefined })
        .iroh.inspect({ content: "x" }),
    expected: AuthenticationError,
    echoes: true,
  },
  {
    name: "a token endpoint refusing the client",
    arrange: (s) => (s.faults.tokenFailure = { count: 1, status: 400 }),
    run: inspect,
    expected: AuthenticationError,
  },
  {
    name: "a token endpoint failing with 500",
    arrange: (s) => (s.faults.tokenFailure = { count: 5 }),
    run: inspect,
    expected: ServerError,
  },
  {
    name: "a 429 with Retry-After 3600",
    arrange: (s) => (s.faults.rateLimit = { count: 1, retryAfter: 3600 }),
    run: inspect,
    expected: RateLimitError,
  },
  {
    name: "a 502 HTML page",
    arrange: (s) => (s.faults.serverError = { count: 5, status: 502 }),
    run: (x) => x.ctia.judgements.search({ query: "*" }),
    expected: ServerError,
  },
  {
    name: "connection resets",
    arrange: (s) => (s.faults.reset = { count: 5, path: "/iroh/iroh-inspect" }),
    run: inspect,
    expected: ConnectionError,
  },
  {
    name: "a connection reset at the token endpoint",
    arrange: (s) => (s.faults.reset = { count: 5, path: "/iroh/oauth2" }),
    run: inspect,
    expected: ConnectionError,
  },
  {
    name: "a slow answer",
    arrange: (s) => (s.faults.slow = { count: 5, delayMs: 60_000, path: "/iroh/iroh-inspect" }),
    run: (x) => x.iroh.inspect({ content: "x" }, { timeoutMs: 20 }),
    expected: TimeoutError,
  },
  {
    name: "malformed JSON",
    arrange: (s) => (s.faults.malformedJson = { count: 1, path: "/iroh/iroh-inspect" }),
    run: inspect,
    expected: ApiError,
  },
  {
    name: "malformed JSON from the token endpoint",
    arrange: (s) => (s.faults.malformedJson = { count: 1, path: "/iroh/oauth2" }),
    run: inspect,
    expected: AuthenticationError,
  },
];

describe("no credential in logs or errors", () => {
  it("across every fault: the secret, its Basic form and the tokens never show", async () => {
    const errors: unknown[] = [];
    for (const f of faults) {
      t.sim.reset();
      clearTokenCache();
      f.arrange(t.sim);
      const p = f.run(t.xdr({ maxRetries: 1 }), t.sim);
      if (f.expected === null) {
        await p;
        continue;
      }
      const err = await t.caught(p).catch((e: Error) => {
        throw new Error(`${f.name}: ${e.message}`);
      });
      expect(err, f.name).toBeInstanceOf(f.expected);
      errors.push(err);
      if (f.echoes) expect(describeError(err), f.name).toContain("[redacted]");
    }
    expect(errors).toHaveLength(faults.filter((f) => f.expected).length);

    const secrets = credentials([t.sim]);
    expect(secrets).toContain(CLIENT_SECRET);
    expect(secrets).toContain(BASIC);
    expect(secrets.length).toBeGreaterThan(5); // tokens were issued along the way
    const printed = [
      ...t.capture.allLogs.map((l) => JSON.stringify(l)),
      ...errors.map((e) => describeError(e)),
    ].join("\n");
    for (const s of secrets) expect(printed.includes(s)).toBe(false);
  });
});
