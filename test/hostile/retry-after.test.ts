// Issue #8, item 8: Retry-After as seconds, decimal seconds, XDR's "3172s" and HTTP dates;
// negative, unparsable or absurd values fall back to the normal backoff (never an immediate
// retry, never a huge retryAfterMs); longer than maxRetryAfterMs → RateLimitError at once.
import { describe, expect, it } from "vitest";
import { RateLimitError, ServerError } from "../../templates/runtime/errors.js";
import { transportFetch } from "../../templates/runtime/raw.js";
import { parseRetryAfter } from "../../templates/runtime/retry.js";
import type { XdrOptions } from "../../templates/runtime/types.js";
import {
  caught,
  inspectOp as inspect,
  irohClient,
  json,
  recorder,
  type Recorder,
  TOKEN,
  timed,
  useServer,
} from "./servers.js";

const srv = useServer();
const INSPECT = "POST /iroh/iroh-inspect/inspect";
const NOW = Date.parse("2026-03-01T10:00:00Z");
const DAY = 86_400_000;

describe("parseRetryAfter", () => {
  it.each<[string, number]>([
    ["0", 0],
    ["2", 2_000],
    ["120", 120_000],
    [" 7 ", 7_000],
    ["1.5", 1_500],
    ["0.25", 250],
    ["0.001", 1],
    ["3172s", 3_172_000],
    ["3172S", 3_172_000],
    ["2.5s", 2_500],
    ["86400", DAY],
  ])("%j → %i ms", (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it("an HTTP date in the future → the time until then", () => {
    expect(parseRetryAfter(new Date(NOW + 90_000).toUTCString(), NOW)).toBe(90_000);
  });

  it("an HTTP date in RFC 850 and asctime forms", () => {
    expect(parseRetryAfter("Sunday, 01-Mar-26 10:01:00 GMT", NOW)).toBe(60_000);
    expect(parseRetryAfter("Sun Mar  1 10:01:00 2026", NOW)).toBeGreaterThanOrEqual(0);
  });

  it.each([
    "-1",
    "-0.5",
    "-3172s",
    "abc",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e3",
    "0x10",
    "12abc",
    "2 seconds",
    "1,5",
    "",
    "   ",
    "86401",
    "99999999999",
    "3000000000000000000000",
    "2300000000s",
  ])("%j → undefined (normal backoff)", (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  it("a date more than a day ahead (e.g. 73 years) → undefined", () => {
    expect(parseRetryAfter(new Date(NOW + 2 * DAY).toUTCString(), NOW)).toBeUndefined();
    expect(parseRetryAfter("Fri, 01 Mar 2099 10:00:00 GMT", NOW)).toBeUndefined();
  });

  it("null → undefined", () => {
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });
});

/** Delays the transport chose before each retry (from its debug log). */
function delays(log: Recorder): number[] {
  return log.lines
    .filter((l) => l.startsWith("xdr retry "))
    .map((l) => (JSON.parse(l.slice("xdr retry ".length)) as { delayMs: number }).delayMs);
}

const client = (log: Recorder, extra: XdrOptions = {}) =>
  irohClient(srv, { logger: log, retryDelayMs: 40, maxRetryDelayMs: 40, ...extra });

/** 429 with `retryAfter` once, then success. */
function once429(retryAfter: string, status = 429) {
  srv.route(INSPECT, (_h, res, n) =>
    n === 1
      ? json(res, status, { error: "slow down" }, { "retry-after": retryAfter })
      : json(res, 200, []),
  );
}

describe("Retry-After on the wire", () => {
  it("waits the decimal seconds given (0.15 → 150 ms), then retries", async () => {
    const log = recorder();
    once429("0.15");
    const { ms } = await timed(client(log).call(inspect, { content: "x" }));
    expect(delays(log)).toEqual([150]);
    expect(ms).toBeGreaterThanOrEqual(140);
    expect(srv.count(INSPECT)).toBe(2);
  });

  it("understands the 's' suffix ('0.1s')", async () => {
    const log = recorder();
    once429("0.1s");
    await client(log).call(inspect, { content: "x" });
    expect(delays(log)).toEqual([100]);
  });

  it("honours Retry-After on a 503 as well", async () => {
    const log = recorder();
    once429("0.05", 503);
    await client(log).call(inspect, { content: "x" });
    expect(delays(log)).toEqual([50]);
  });

  it.each(["-5", "soon", "1e9", "Fri, 01 Mar 2099 10:00:00 GMT", "99999999999", "-0"])(
    "falls back to the normal backoff for %j: never an immediate retry",
    async (value) => {
      const log = recorder();
      once429(value);
      const t0 = performance.now();
      await client(log).call(inspect, { content: "x" });
      const [d] = delays(log);
      // Normal backoff of 40 ms minus up to 25 % jitter.
      expect(d).toBeGreaterThanOrEqual(30);
      expect(d).toBeLessThanOrEqual(40);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    },
  );

  it.each(["-5", "garbage", "99999999999", "Fri, 01 Mar 2099 10:00:00 GMT"])(
    "carries no retryAfterMs on the error for %j (never a 73-year wait)",
    async (value) => {
      srv.route(INSPECT, (_h, res) => json(res, 429, {}, { "retry-after": value }));
      const err = await caught(
        client(recorder(), { maxRetries: 0 }).call(inspect, { content: "x" }),
      );
      expect(err).toBeInstanceOf(RateLimitError);
      expect((err as unknown as RateLimitError).retryAfterMs).toBeUndefined();
    },
  );

  it("'3172s' is above maxRetryAfterMs: RateLimitError at once, retryAfterMs 3 172 000", async () => {
    srv.route(INSPECT, (_h, res) => json(res, 429, {}, { "retry-after": "3172s" }));
    const { ms, error } = await timed(
      client(recorder(), { maxRetries: 5 }).call(inspect, { content: "x" }),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as unknown as RateLimitError).retryAfterMs).toBe(3_172_000);
    expect(srv.count(INSPECT)).toBe(1);
    expect(ms).toBeLessThan(2_000);
  });

  it("a Retry-After just above a small maxRetryAfterMs gives up at once", async () => {
    srv.route(INSPECT, (_h, res) => json(res, 429, {}, { "retry-after": "1" }));
    const err = await caught(
      client(recorder(), { maxRetryAfterMs: 500 }).call(inspect, { content: "x" }),
    );
    expect((err as unknown as RateLimitError).retryAfterMs).toBe(1_000);
    expect(srv.count(INSPECT)).toBe(1);
  });

  it("an HTTP date a little ahead is waited for (bounded) and reported in retryAfterMs", async () => {
    srv.route(INSPECT, (_h, res) =>
      json(res, 429, {}, { "retry-after": new Date(Date.now() + 1_500).toUTCString() }),
    );
    const err = await caught(client(recorder(), { maxRetries: 0 }).call(inspect, { content: "x" }));
    const after = (err as unknown as RateLimitError).retryAfterMs;
    expect(after).toBeGreaterThanOrEqual(0);
    expect(after).toBeLessThanOrEqual(2_500);
  });

  it("an HTTP date ahead beyond maxRetryAfterMs → RateLimitError at once", async () => {
    srv.route(INSPECT, (_h, res) =>
      json(res, 429, {}, { "retry-after": new Date(Date.now() + 3_600_000).toUTCString() }),
    );
    const { ms, error } = await timed(
      client(recorder(), { maxRetries: 3 }).call(inspect, { content: "x" }),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    const after = (error as unknown as RateLimitError).retryAfterMs!;
    expect(after).toBeGreaterThan(3_500_000);
    expect(after).toBeLessThanOrEqual(3_600_000);
    expect(ms).toBeLessThan(2_000);
    expect(srv.count(INSPECT)).toBe(1);
  });

  it("a 503 with an absurd Retry-After is retried with the backoff, then ServerError", async () => {
    srv.route(INSPECT, (_h, res) => json(res, 503, {}, { "retry-after": "-1" }));
    const log = recorder();
    const err = await caught(client(log, { maxRetries: 2 }).call(inspect, { content: "x" }));
    expect(err).toBeInstanceOf(ServerError);
    expect(srv.count(INSPECT)).toBe(3);
    for (const d of delays(log)) expect(d).toBeGreaterThan(0);
  });

  it("the token endpoint's 429 '3172s' → RateLimitError at once", async () => {
    srv.route(TOKEN, (_h, res) => json(res, 429, {}, { "retry-after": "3172s" }));
    const err = await caught(client(recorder(), { maxRetries: 3 }).call(inspect, { content: "x" }));
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as unknown as RateLimitError).retryAfterMs).toBe(3_172_000);
    expect(srv.count(TOKEN)).toBe(1);
  });

  it("the raw client returns a 429 whose '3172s' is too long at once", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res) =>
      json(res, 429, {}, { "retry-after": "3172s" }),
    );
    const { ms } = await timed(
      transportFetch(client(recorder(), { maxRetries: 3 }))(srv.url + "/ctia/judgement/j1"),
    );
    expect(srv.count("GET /ctia/judgement/j1")).toBe(1);
    expect(ms).toBeLessThan(2_000);
  });

  it("the raw client waits a short decimal Retry-After and retries", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res, n) =>
      n === 1 ? json(res, 429, {}, { "retry-after": "0.05" }) : json(res, 200, { id: "j1" }),
    );
    const log = recorder();
    const res = await transportFetch(client(log))(srv.url + "/ctia/judgement/j1");
    expect(res.status).toBe(200);
    expect(delays(log)).toEqual([50]);
  });
});
