// The in-memory budget with a fake clock: the share, the lanes, per-operation rules, learning from
// the server (pace, 429 blocks), observable state, logging, and the store failing.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type Budget,
  type BudgetCall,
  type BudgetOptions,
  type BudgetStore,
  createBudget,
  memoryStore,
  priorityOf,
} from "../../templates/runtime/budget.js";
import { memoryTokenStore } from "../../templates/runtime/budget-token.js";
import { AbortError, RateLimitError } from "../../templates/runtime/errors.js";
import type { Operation } from "../../templates/runtime/types.js";

const HOUR = 3_600_000;
const high: BudgetCall = { op: "response.trigger", priority: "high" };
const normal: BudgetCall = { op: "inspect", priority: "normal" };
const low: BudgetCall = { op: "judgements.search", priority: "low" };
const start: BudgetCall = {
  op: "workflows.start",
  priority: "normal",
  rule: { requests: 10, perMs: 60_000 },
};

beforeEach(() => void vi.useFakeTimers({ now: Date.parse("2026-03-01T10:00:00Z") }));
afterEach(() => void vi.useRealTimers());

const budget = (o: Partial<BudgetOptions> = {}): Budget => createBudget({ share: 10, ...o });

/** Calls `acquire` `n` times without waiting; returns how many went. */
async function take(b: Budget, call: BudgetCall, n: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    try {
      await b.acquire(call, undefined, 0);
      ok++;
    } catch (e) {
      if (!(e instanceof RateLimitError)) throw e;
    }
  }
  return ok;
}

/** The error `acquire` rejects with. */
async function refusal(p: Promise<void>): Promise<RateLimitError & Record<string, unknown>> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RateLimitError);
  return e as RateLimitError & Record<string, unknown>;
}

const headers = (limit: number, remaining: number): Headers =>
  new Headers({
    "x-ratelimit-org-limit": String(limit),
    "x-ratelimit-org-remaining": String(remaining),
  });

describe("the share", () => {
  it("lets `share` calls through per window, then refuses with the wait, marked client-side", async () => {
    const b = budget({ share: 5, reserve: 0, lowReserve: 0 });
    expect(await take(b, normal, 5)).toBe(5);
    const e = await refusal(b.acquire(normal, undefined, 60_000));
    expect(e).toMatchObject({
      status: 429,
      operation: "inspect",
      retryAfterMs: HOUR,
      clientSide: true,
      reason: "budget",
    });
    expect(e.message).toContain("budget of 5 normal-priority requests per 3600000 ms is used up");
  });

  it("slides: a slot frees when the oldest call leaves the window", async () => {
    const b = budget({ share: 2, reserve: 0, lowReserve: 0, windowMs: 10_000 });
    await b.acquire(normal, undefined, 0);
    vi.advanceTimersByTime(4_000);
    await b.acquire(normal, undefined, 0);
    // The first call leaves the window 6 s from now, the second 10 s from now.
    expect((await refusal(b.acquire(normal, undefined, 0))).retryAfterMs).toBe(6_000);
    vi.advanceTimersByTime(6_000);
    await b.acquire(normal, undefined, 0);
    expect((await refusal(b.acquire(normal, undefined, 0))).retryAfterMs).toBe(4_000);
  });

  it("waits for a slot when the wait is within maxWaitMs", async () => {
    const b = budget({ share: 1, reserve: 0, lowReserve: 0, windowMs: 1_000 });
    await b.acquire(normal, undefined, 0);
    let done = false;
    const p = b.acquire(normal, undefined, 5_000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
    expect((await b.state()).used).toBe(1);
  });

  it("counts the time already waited against maxWaitMs", async () => {
    const b = budget({ share: 1, reserve: 0, lowReserve: 0, windowMs: 1_000 });
    await b.acquire(normal, undefined, 0);
    // Two waiters for one slot: the loser would need another second, beyond its 1.5 s.
    const first = b.acquire(normal, undefined, 1_500);
    const second = refusal(b.acquire(normal, undefined, 1_500));
    await vi.advanceTimersByTimeAsync(1_000);
    await first;
    expect((await second).retryAfterMs).toBe(1_000);
  });

  it("stops waiting when the signal fires", async () => {
    const b = budget({ share: 1, reserve: 0, lowReserve: 0 });
    await b.acquire(normal, undefined, 0);
    const ctrl = new AbortController();
    const p = b.acquire(normal, ctrl.signal, HOUR).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    ctrl.abort();
    expect(await p).toBeInstanceOf(AbortError);
    expect((await b.state()).used).toBe(1);
  });

  it("refuses bad settings", () => {
    expect(() => createBudget({ share: 0 })).toThrow(RangeError);
    expect(() => createBudget({ share: 10, reserve: 5, lowReserve: 5 })).toThrow(RangeError);
    expect(() => createBudget({ share: 1.5 })).toThrow(RangeError);
  });
});

describe("lanes", () => {
  it("keeps `reserve` for high priority and `lowReserve` more from low priority", async () => {
    const b = budget({ share: 10, reserve: 2, lowReserve: 3 });
    expect(await take(b, low, 10)).toBe(5);
    expect(await take(b, normal, 10)).toBe(3);
    expect(await take(b, high, 10)).toBe(2);
    const s = await b.state();
    expect(s).toMatchObject({ used: 10, remaining: 0 });
  });

  it("lets a response action through while a bulk sync has spent its lanes", async () => {
    const b = budget({ share: 100 });
    expect(await take(b, low, 1000)).toBe(80);
    expect(await take(b, normal, 1000)).toBe(10);
    const e = await refusal(b.acquire(low, undefined, 0));
    expect(e.message).toContain("budget of 80 low-priority requests");
    await b.acquire(high, undefined, 0);
    expect((await b.state()).nextFreeMs).toEqual({ high: 0, normal: HOUR, low: HOUR });
  });

  it("defaults: reserves of 10 % each", async () => {
    const b = budget({ share: 8000 });
    expect(await take(b, low, 7000)).toBe(6400);
  });

  it("priorityOf: high for response triggers and deletions, low for further pages, else normal", () => {
    const op = (method: Operation["method"], path: string, extra = {}): Operation => ({
      name: "x",
      method,
      path,
      args: "flat",
      ...extra,
    });
    expect(priorityOf(op("POST", "/iroh/iroh-response/respond/trigger/{m}/{a}"))).toBe("high");
    expect(priorityOf(op("DELETE", "/ctia/judgement/{id}"))).toBe("high");
    expect(priorityOf(op("POST", "/iroh/iroh-response/respond/observables"))).toBe("normal");
    expect(priorityOf(op("GET", "/ctia/judgement/search"))).toBe("normal");
    expect(priorityOf(op("GET", "/ctia/judgement/search"), true)).toBe("low");
    expect(priorityOf({ ...op("GET", "/x"), priority: "high" as const })).toBe("high");
    // The budget answers for transport, with the client's own policy when it has one.
    expect(budget().priorityOf(op("DELETE", "/x"), false)).toBe("high");
    expect(budget({ priorityOf: () => "low" }).priorityOf(op("DELETE", "/x"), false)).toBe("low");
  });
});

describe("per-operation rules", () => {
  it("paces an operation's own limit, apart from the share", async () => {
    const b = budget({ share: 100 });
    expect(await take(b, start, 15)).toBe(10);
    const e = await refusal(b.acquire(start, undefined, 1_000));
    expect(e).toMatchObject({ reason: "rule", retryAfterMs: 60_000 });
    expect(e.message).toContain("limit of 10 requests per 60000 ms is used up");
    await b.acquire(normal, undefined, 0);
    // Within maxWaitMs it waits for the window to slide.
    const p = b.acquire(start, undefined, 60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    await p;
    expect((await b.state()).used).toBe(12);
  });
});

describe("learning from the server", () => {
  it("after a 429, every call of the org fails fast with the server's wait", async () => {
    const b = budget({ share: 100 });
    await b.observe(new Headers(), 429, HOUR, normal);
    for (const call of [high, normal, low, start]) {
      const e = await refusal(b.acquire(call, undefined, 60_000));
      expect(e).toMatchObject({ reason: "blocked", retryAfterMs: HOUR, clientSide: true });
    }
    expect((await b.state()).blockedMs).toBe(HOUR);
    vi.advanceTimersByTime(HOUR);
    await b.acquire(normal, undefined, 0);
  });

  it("a short block is waited out; a longer block in place stays", async () => {
    const b = budget({ share: 100 });
    await b.observe(new Headers(), 429, 10_000);
    await b.observe(new Headers(), 429, 2_000);
    const p = b.acquire(normal, undefined, 60_000);
    await vi.advanceTimersByTimeAsync(10_000);
    await p;
  });

  it("a 429 of an operation with its own rule blocks that operation only", async () => {
    const b = budget({ share: 100 });
    await b.observe(headers(8000, 5000), 429, 30_000, start);
    expect((await refusal(b.acquire(start, undefined, 0))).reason).toBe("blocked");
    await b.acquire(normal, undefined, 0);
    // …unless the org's budget is spent.
    await b.observe(headers(8000, 0), 429, HOUR, start);
    expect((await refusal(b.acquire(normal, undefined, 0))).retryAfterMs).toBe(HOUR);
  });

  it("ignores answers without Retry-After or other than 429", async () => {
    const b = budget({ share: 100 });
    await b.observe(new Headers(), 429, undefined);
    await b.observe(new Headers(), 503, 5_000);
    await b.acquire(normal, undefined, 0);
  });

  it("slows low priority as the org's remaining budget falls, and lets it go again", async () => {
    const b = budget({ share: 8000 });
    await b.observe(headers(8000, 6000), 200, undefined);
    expect(await take(b, low, 3)).toBe(3);
    // 1000 left of 8000: low-priority calls are spaced by an hour / 1000.
    await b.observe(headers(8000, 1000), 200, undefined);
    expect(await take(b, low, 3)).toBe(1);
    const e = await refusal(b.acquire(low, undefined, 0));
    expect(e).toMatchObject({ reason: "pace", retryAfterMs: 3_600 });
    expect(await take(b, normal, 3)).toBe(3);
    const s = await b.state();
    expect(s).toMatchObject({ paceMs: 3_600, server: { limit: 8000, remaining: 1000 } });
    expect(s.nextFreeMs).toEqual({ high: 0, normal: 0, low: 3_600 });
    const p = b.acquire(low, undefined, 5_000);
    await vi.advanceTimersByTimeAsync(3_600);
    await p;
    await b.observe(headers(8000, 7000), 200, undefined);
    expect(await take(b, low, 3)).toBe(3);
  });

  it("scales the pace to the client's share of the org's limit", async () => {
    const b = budget({ share: 2000 });
    await b.observe(headers(8000, 800), 200, undefined);
    // Our quarter of 800 is 200 per hour: one per 18 s.
    expect((await b.state()).paceMs).toBe(18_000);
  });
});

describe("observability", () => {
  it("logs a debug line when a call waits or is refused, and on a block", async () => {
    const debug = vi.fn();
    const b = budget({ share: 1, reserve: 0, lowReserve: 0, logger: { debug } });
    await b.acquire(normal, undefined, 0);
    expect(debug).not.toHaveBeenCalled();
    await refusal(b.acquire(normal, undefined, 0));
    expect(debug).toHaveBeenCalledWith("xdr budget", {
      operation: "inspect",
      priority: "normal",
      reason: "budget",
      used: 1,
      limit: 1,
      waitMs: HOUR,
      denied: true,
    });
    await b.observe(new Headers(), 429, 60_000, normal);
    expect(debug).toHaveBeenLastCalledWith("xdr budget block", {
      operation: "inspect",
      scope: "org",
      blockedMs: 60_000,
    });
  });

  it("reports used, remaining and the next free slot per lane", async () => {
    const b = budget({ share: 10, reserve: 1, lowReserve: 1, windowMs: 60_000 });
    await take(b, low, 8);
    vi.advanceTimersByTime(20_000);
    await take(b, high, 1);
    expect(await b.state()).toEqual({
      share: 10,
      windowMs: 60_000,
      used: 9,
      remaining: 1,
      nextFreeMs: { high: 0, normal: 40_000, low: 40_000 },
      blockedMs: 0,
      paceMs: 0,
      server: undefined,
    });
  });
});

describe("the token store", () => {
  it("is the budget store's when it is also a token store, else none", () => {
    expect(budget().tokens).toBeUndefined();
    const both = { ...memoryStore(), ...memoryTokenStore() };
    expect(budget({ store: both }).tokens).toBe(both);
    const tokens = memoryTokenStore();
    expect(budget({ tokens }).tokens).toBe(tokens);
    expect(budget().shareToken).toBeUndefined();
  });

  it("shares a token per client through the store, and drops it after a 401", async () => {
    vi.useRealTimers();
    const tokens = memoryTokenStore();
    const a = budget({ tokens });
    const b = budget({ tokens });
    const client = { tokenUrl: "https://x/token", clientId: "id", clientSecret: "s" };
    const t = (value: string) => ({
      value,
      expiresAt: Date.now() + 600_000,
      refreshAt: Date.now() + 540_000,
    });
    const fetchToken = vi.fn(async () => t("tok-1"));
    const got = await Promise.all([
      a.shareToken!(client, fetchToken),
      b.shareToken!(client, fetchToken),
    ]);
    expect(got.map((x) => x.value)).toEqual(["tok-1", "tok-1"]);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    // Another client id has its own token.
    await a.shareToken!({ ...client, clientId: "other" }, fetchToken);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    await b.dropToken!(client, "tok-1");
    expect((await a.shareToken!(client, async () => t("tok-2"))).value).toBe("tok-2");
  });
});

describe("a failing store", () => {
  const broken: BudgetStore = {
    take: () => Promise.reject(new Error("ECONNREFUSED")),
    block: () => Promise.reject(new Error("ECONNREFUSED")),
    pace: () => Promise.reject(new Error("ECONNREFUSED")),
    state: () => Promise.reject(new Error("ECONNREFUSED")),
  };

  it("lets calls go by default, with a warning; observe never rejects", async () => {
    const warn = vi.fn();
    const b = budget({ store: broken, logger: { debug: vi.fn(), warn } });
    await b.acquire(normal, undefined, 0);
    await b.observe(headers(8000, 10), 429, 1_000);
    expect(warn).toHaveBeenCalledWith("xdr budget store failed", {
      during: "acquire",
      error: "ECONNREFUSED",
    });
    expect(warn).toHaveBeenCalledWith("xdr budget store failed", {
      during: "observe",
      error: "ECONNREFUSED",
    });
  });

  it("gives a store that does not answer storeTimeoutMs, then lets the call go", async () => {
    const warn = vi.fn();
    const silent: BudgetStore = { ...broken, take: () => new Promise(() => {}) };
    const b = budget({ store: silent, storeTimeoutMs: 500, logger: { debug: vi.fn(), warn } });
    const p = b.acquire(normal, undefined, 0);
    await vi.advanceTimersByTimeAsync(500);
    await p;
    expect(warn).toHaveBeenCalledWith("xdr budget store failed", {
      during: "acquire",
      error: "budget store: no answer within 500 ms",
    });
  });

  it("stops waiting for the store when the signal fires", async () => {
    const silent: BudgetStore = { ...broken, take: () => new Promise(() => {}) };
    const ctrl = new AbortController();
    const p = budget({ store: silent }).acquire(normal, ctrl.signal, 0);
    ctrl.abort();
    await expect(p).rejects.toBeInstanceOf(AbortError);
  });

  it("refuses calls with failOpen: false", async () => {
    const b = budget({ store: broken, failOpen: false });
    await expect(b.acquire(normal, undefined, 0)).rejects.toThrow("ECONNREFUSED");
  });
});
