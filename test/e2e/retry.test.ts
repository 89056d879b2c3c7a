// Retries, Retry-After, timeouts and cancellation, end to end against the simulator's faults.
// Delays are configured tiny (retryDelayMs 1, Retry-After in fractions of a second); assertions
// read the delays the SDK logged, never the wall clock.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  RateLimitError,
  ServerError,
  TimeoutError,
  type Xdr,
} from "../../generated/src/index.js";
import { NEW_JUDGEMENT as judgement, useSimulator } from "./harness.js";

const t = useSimulator();

afterEach(() => {
  vi.restoreAllMocks();
});

/** The operations the table runs: a read-only POST, a GET, and an unsafe POST. */
const ops = {
  "iroh.inspect (POST, x-xdr-safe)": {
    prefix: "/iroh/iroh-inspect/inspect",
    safe: true,
    run: (x: Xdr) => x.iroh.inspect({ content: "cisco.com" }),
  },
  "ctia.judgements.search (GET)": {
    prefix: "/ctia/judgement/search",
    safe: true,
    run: (x: Xdr) => x.ctia.judgements.search({ query: "*" }),
  },
  "ctia.judgements.create (POST)": {
    prefix: "/ctia/judgement",
    safe: false,
    run: (x: Xdr) => x.ctia.judgements.create(judgement),
  },
} as const;
type OpName = keyof typeof ops;
const opNames = Object.keys(ops) as OpName[];

describe("retries", () => {
  it.each([500, 502, 503] as const)("a safe operation is retried after a %i", async (status) => {
    t.sim.faults.serverError = { count: 2, status, path: "/iroh/iroh-inspect" };
    await expect(t.xdr().iroh.inspect({ content: "cisco.com" })).resolves.toHaveLength(1);
    expect(t.hits("/iroh/iroh-inspect")).toBe(3);
    expect(t.capture.entries("xdr request").map((e) => e.status)).toEqual([status, status, 200]);
  });

  it.each(opNames.map((name) => [name, ops[name].safe] as const))(
    "503 on %s: retried = %s",
    async (name, safe) => {
      const op = ops[name];
      t.sim.faults.serverError = { count: 1, status: 503, path: op.prefix };
      if (safe) {
        await op.run(t.xdr());
        expect(t.hits(op.prefix)).toBe(2);
      } else {
        const err = await t.caught(op.run(t.xdr()));
        expect(err).toBeInstanceOf(ServerError);
        expect(err).toMatchObject({ status: 503, operation: "judgements.create" });
        expect(t.hits(op.prefix)).toBe(1);
        expect(t.sim.ctia.table("judgement").size).toBe(0);
      }
    },
  );

  it.each(opNames.map((name) => [name, ops[name].safe] as const))(
    "connection reset on %s: retried = %s",
    async (name, safe) => {
      const op = ops[name];
      t.sim.faults.reset = { count: 1, path: op.prefix };
      if (safe) {
        await op.run(t.xdr());
        expect(t.hits(op.prefix)).toBe(2);
      } else {
        const err = await t.caught(op.run(t.xdr()));
        expect(err).toBeInstanceOf(ConnectionError);
        expect(err.message).toMatch(/^judgements\.create: connection to 127\.0\.0\.1:\d+ failed/);
        expect(t.hits(op.prefix)).toBe(1);
      }
    },
  );

  it("a 429 is retried even on an unsafe POST (it was not processed)", async () => {
    t.sim.faults.rateLimit = { count: 1, retryAfter: 0, path: "/ctia/judgement" };
    await expect(t.xdr().ctia.judgements.create(judgement)).resolves.toMatchObject({
      disposition_name: "Malicious",
    });
    expect(t.hits("/ctia/judgement", "POST")).toBe(2);
    expect(t.sim.ctia.table("judgement").size).toBe(1);
  });

  it("gives up after maxRetries with the last error", async () => {
    t.sim.faults.serverError = { count: 10, path: "/iroh/iroh-inspect" };
    const err = await t.caught(t.xdr({ maxRetries: 3 }).iroh.inspect({ content: "x" }));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 500, code: "internal_error" });
    expect(t.hits("/iroh/iroh-inspect")).toBe(4);
  });

  it("a persistent connection reset on a safe operation ends in ConnectionError", async () => {
    t.sim.faults.reset = { count: 10, path: "/iroh/iroh-inspect" };
    const err = await t.caught(t.xdr({ maxRetries: 1 }).iroh.inspect({ content: "x" }));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.cause).toBeDefined();
    expect(t.hits("/iroh/iroh-inspect")).toBe(2);
  });

  it("backs off exponentially up to maxRetryDelayMs, with at most 25 % jitter", async () => {
    t.sim.faults.serverError = { count: 4, path: "/iroh/iroh-inspect" };
    await t.xdr({ retryDelayMs: 4, maxRetryDelayMs: 10, maxRetries: 4 }).iroh.inspect({
      content: "x",
    });
    const delays = t.capture.entries("xdr retry").map((e) => e.delayMs as number);
    const caps = [4, 8, 10, 10];
    expect(delays).toHaveLength(4);
    delays.forEach((d, i) => {
      expect(d).toBeLessThanOrEqual(caps[i]!);
      expect(d).toBeGreaterThanOrEqual(caps[i]! * 0.75 - 0.5);
    });
  });
});

describe("Retry-After", () => {
  it("in seconds: waits what the server asked for, then retries", async () => {
    t.sim.faults.rateLimit = { count: 1, retryAfter: 0.02, path: "/iroh/iroh-inspect" };
    await expect(t.xdr().iroh.inspect({ content: "cisco.com" })).resolves.toHaveLength(1);
    expect(t.capture.entries("xdr retry")).toEqual([
      { operation: "inspect", attempt: 1, delayMs: 20 },
    ]);
    expect(t.hits("/iroh/iroh-inspect")).toBe(2);
  });

  it("as an HTTP date: waits until that time, then retries", async () => {
    // An HTTP date has whole seconds: make "now" 30 ms before one, for the SDK only.
    const at = Math.ceil(Date.now() / 1000) * 1000 + 5_000;
    vi.spyOn(Date, "now").mockReturnValue(at - 30);
    t.sim.faults.rateLimit = {
      count: 1,
      retryAfter: new Date(at).toUTCString(),
      path: "/iroh/iroh-inspect",
    };
    await expect(t.xdr().iroh.inspect({ content: "cisco.com" })).resolves.toHaveLength(1);
    expect(t.capture.entries("xdr retry")).toEqual([
      { operation: "inspect", attempt: 1, delayMs: 30 },
    ]);
  });

  it.each([
    ["3600 (seconds)", 3600, 3_600_000],
    ["an HTTP date an hour ahead", "date", 3_600_000],
  ] as const)(
    "beyond maxRetryAfterMs, %s: RateLimitError at once with retryAfterMs, no wait",
    async (_label, retryAfter, expected) => {
      const header = retryAfter === "date" ? new Date(Date.now() + expected).toUTCString() : 3600;
      t.sim.faults.rateLimit = { count: 1, retryAfter: header, path: "/iroh/iroh-inspect" };
      const err = await t.caught(t.xdr().iroh.inspect({ content: "cisco.com" }));
      expect(err).toBeInstanceOf(RateLimitError);
      const ms = (err as RateLimitError).retryAfterMs!;
      if (retryAfter === "date") {
        // Whole seconds in the header, and the time the request took.
        expect(ms).toBeGreaterThan(expected - 2_000);
        expect(ms).toBeLessThanOrEqual(expected);
      } else {
        expect(ms).toBe(expected);
      }
      expect(err).toMatchObject({ status: 429, operation: "inspect" });
      expect(t.capture.entries("xdr retry")).toEqual([]);
      expect(t.hits("/iroh/iroh-inspect")).toBe(1);
    },
  );

  it("honours a larger maxRetryAfterMs, and a smaller one", async () => {
    t.sim.faults.rateLimit = { count: 1, retryAfter: 0.05, path: "/iroh/iroh-inspect" };
    const err = await t.caught(t.xdr({ maxRetryAfterMs: 40 }).iroh.inspect({ content: "x" }));
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfterMs).toBe(50);
    t.sim.faults.rateLimit = { count: 1, retryAfter: 0.05, path: "/iroh/iroh-inspect" };
    await expect(t.xdr({ maxRetryAfterMs: 50 }).iroh.inspect({ content: "x" })).resolves.toEqual(
      [],
    );
  });

  it("a 429 once retries are used up: RateLimitError carrying retryAfterMs", async () => {
    t.sim.faults.rateLimit = { count: 5, retryAfter: 0, path: "/iroh/iroh-inspect" };
    const err = await t.caught(t.xdr({ maxRetries: 2 }).iroh.inspect({ content: "x" }));
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfterMs).toBe(0);
    expect(t.hits("/iroh/iroh-inspect")).toBe(3);
  });
});

/** A token in the cache, and the log of getting it forgotten. */
async function warm(): Promise<void> {
  await t.xdr().iroh.inspect({ content: "warm" });
  t.capture.logs.length = 0;
}

describe("timeouts", () => {
  it("no answer within timeoutMs: TimeoutError", async () => {
    // The timeout covers the token wait too: get the token first, so that it is the answer
    // that does not come.
    await warm();
    t.sim.faults.slow = { count: 5, delayMs: 60_000, path: "/iroh/iroh-inspect" };
    const err = await t.caught(
      t.xdr({ maxRetries: 0 }).iroh.inspect({ content: "x" }, { timeoutMs: 500 }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe("inspect: no answer within 500 ms");
    // The warm-up and at most one attempt (on a loaded machine the timeout may fire before the
    // request arrives): never a retry with maxRetries: 0.
    expect(t.hits("/iroh/iroh-inspect")).toBeLessThanOrEqual(2);
  });

  it("the timeout is per attempt: a safe operation is retried after one", async () => {
    await warm();
    t.sim.faults.slow = { count: 1, delayMs: 60_000, path: "/iroh/iroh-inspect" };
    await expect(
      t.xdr().iroh.inspect({ content: "cisco.com" }, { timeoutMs: 1_000 }),
    ).resolves.toHaveLength(1);
    expect(t.capture.entries("xdr request").map((e) => e.error)).toEqual([
      "TimeoutError",
      undefined,
    ]);
  });

  it("a per-call timeoutMs overrides the client's", async () => {
    await warm();
    t.sim.faults.slow = { count: 1, delayMs: 60_000, path: "/ctia/judgement" };
    const err = await t.caught(
      t.xdr({ timeoutMs: 60_000 }).ctia.judgements.create(judgement, { timeoutMs: 500 }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(t.hits("/ctia/judgement", "POST")).toBeLessThanOrEqual(1); // unsafe: not repeated
  });

  it("a slow token endpoint times out too", async () => {
    t.sim.faults.slow = { count: 5, delayMs: 60_000, path: "/iroh/oauth2" };
    const err = await t.caught(
      t.xdr({ timeoutMs: 30, maxRetries: 0 }).iroh.inspect({ content: "x" }),
    );
    // An endpoint that does not answer is a timeout, not a refusal of the credentials.
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).not.toBeInstanceOf(AuthenticationError);
    expect(err.message).toMatch(/no answer within 30 ms/);
  });
});

describe("cancellation", () => {
  it("an already aborted signal: AbortError, nothing sent", async () => {
    const reason = new Error("user gave up");
    const err = await t.caught(
      t.xdr().iroh.inspect({ content: "x" }, { signal: AbortSignal.abort(reason) }),
    );
    expect(err).toBeInstanceOf(AbortError);
    expect(err.cause).toBe(reason);
    expect(t.sim.stats.requests).toEqual([]);
  });

  it("aborting while the request is held by the server: AbortError, not retried", async () => {
    t.sim.faults.slow = { count: 5, delayMs: 60_000, path: "/iroh/iroh-inspect" };
    const ac = new AbortController();
    const p = t.xdr().iroh.inspect({ content: "x" }, { signal: ac.signal });
    while (t.hits("/iroh/iroh-inspect") === 0) await new Promise((r) => setImmediate(r));
    ac.abort();
    const err = await t.caught(p);
    expect(err).toBeInstanceOf(AbortError);
    expect(t.hits("/iroh/iroh-inspect")).toBe(1);
  });

  it("aborting during the wait between retries ends the wait", async () => {
    t.sim.faults.serverError = { count: 1, path: "/iroh/iroh-inspect" };
    const ac = new AbortController();
    // Long backoff: the test only ends early because the abort ends the wait.
    const xdr = t.xdr({
      retryDelayMs: 60_000,
      maxRetryDelayMs: 60_000,
      logger: {
        debug: (message, fields) => {
          t.capture.logger.debug(message, fields);
          if (message === "xdr retry") ac.abort();
        },
      },
    });
    const err = await t.caught(xdr.iroh.inspect({ content: "x" }, { signal: ac.signal }));
    expect(err).toBeInstanceOf(AbortError);
    expect(t.hits("/iroh/iroh-inspect")).toBe(1);
  });

  it("aborting while waiting for the token: AbortError", async () => {
    t.sim.faults.slow = { count: 1, delayMs: 60_000, path: "/iroh/oauth2" };
    const ac = new AbortController();
    const p = t.xdr().iroh.inspect({ content: "x" }, { signal: ac.signal });
    while (t.sim.stats.tokenRequests === 0) await new Promise((r) => setImmediate(r));
    ac.abort();
    expect(await t.caught(p)).toBeInstanceOf(AbortError);
    expect(t.hits("/iroh/iroh-inspect")).toBe(0);
  });
});
