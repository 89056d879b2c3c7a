import { afterEach, describe, expect, it, vi } from "vitest";
import { AbortError } from "../../templates/runtime/errors.js";
import {
  backoffMs,
  isRetryableStatus,
  parseRetryAfter,
  reserveSlot,
  sleep,
} from "../../templates/runtime/retry.js";

afterEach(() => void vi.useRealTimers());

describe("backoffMs", () => {
  it.each([
    // retry, random, ms
    [0, 0, 500],
    [1, 0, 1000],
    [2, 0, 2000],
    [3, 0, 4000],
    [4, 0, 8000],
    [5, 0, 8000],
    [10, 0, 8000],
    [0, 1, 375],
    [4, 1, 6000],
    [2, 0.5, 1750],
  ])("retry %i with random %d waits %i ms", (retry, random, ms) => {
    expect(backoffMs(retry, 500, 8000, () => random)).toBe(ms);
  });

  it("takes its base and cap from the options", () => {
    expect(backoffMs(3, 2, 10, () => 0)).toBe(10);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-03-01T10:00:00Z");
  it.each([
    ["120", 120_000],
    ["0", 0],
    [" 3557 ", 3_557_000],
    ["1.5", 1500],
    ["Sun, 01 Mar 2026 10:00:30 GMT", 30_000],
    ["Sun, 01 Mar 2026 09:59:00 GMT", 0],
    ["3172s", 3_172_000],
    ["2.5s", 2500],
    ["soon", undefined],
    ["", undefined],
    [null, undefined],
    // nonsense → the normal backoff, never an immediate retry or a 73-year wait
    ["-5", undefined],
    ["-1s", undefined],
    ["12abc", undefined],
    ["1e3", undefined],
    ["Infinity", undefined],
    ["NaN", undefined],
    ["2300000000", undefined],
    ["Sat, 01 Mar 2099 10:00:00 GMT", undefined],
  ])("%j → %j ms", (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});

describe("isRetryableStatus", () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [200, false],
  ])("%i → %s", (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });
});

describe("sleep", () => {
  it("resolves after the delay", async () => {
    vi.useFakeTimers();
    let done = false;
    const p = sleep(1000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
  });

  it("rejects with AbortError when the signal fires, carrying its reason", async () => {
    vi.useFakeTimers();
    const ctrl = new AbortController();
    const p = sleep(60_000, ctrl.signal);
    ctrl.abort(new Error("user cancelled"));
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).cause).toEqual(new Error("user cancelled"));
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects at once on an aborted signal", async () => {
    await expect(sleep(10, AbortSignal.abort())).rejects.toBeInstanceOf(AbortError);
  });
});

describe("reserveSlot (sliding window)", () => {
  const rule = { requests: 2, perMs: 1000 };
  it("grants slots until the window is full, then the time the oldest one frees", () => {
    const times: number[] = [];
    expect(reserveSlot(times, rule, 0, 60_000)).toBe(0);
    expect(reserveSlot(times, rule, 100, 60_000)).toBe(0);
    expect(reserveSlot(times, rule, 200, 60_000)).toBe(800);
    expect(reserveSlot(times, rule, 200, 60_000)).toBe(900);
    expect(times).toEqual([0, 100, 1000, 1100]);
  });

  it("frees slots as the window slides", () => {
    const times = [0, 100];
    expect(reserveSlot(times, rule, 1000, 60_000)).toBe(0);
    expect(times).toEqual([100, 1000]);
  });

  it("reserves nothing when the wait exceeds the maximum", () => {
    const times = [0, 100];
    expect(reserveSlot(times, rule, 200, 500)).toBe(800);
    expect(times).toEqual([0, 100]);
  });
});
