// The cross-process token single-flight against the in-memory token store: each `sharedToken`
// call stands for one process (they share the store, not token.ts's per-process slot).
import { describe, expect, it, vi } from "vitest";
import {
  type SharedToken,
  memoryTokenStore,
  sharedToken,
  tokenKey,
} from "../../templates/runtime/budget-token.js";
import { TimeoutError } from "../../templates/runtime/errors.js";

const token = (value: string, lifetimeMs = 600_000, now = Date.now()): SharedToken => ({
  value,
  scopes: ["inspect:read"],
  expiresAt: now + lifetimeMs,
  refreshAt: now + lifetimeMs - 60_000,
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
}

describe("sharedToken", () => {
  it("makes one token request however many processes ask at once", async () => {
    const store = memoryTokenStore();
    const answer = deferred<SharedToken>();
    const fetchToken = vi.fn(() => answer.promise);
    const all = Array.from({ length: 5 }, () => sharedToken(store, "k", fetchToken));
    await new Promise((r) => setTimeout(r, 30));
    answer.resolve(token("tok-1"));
    const got = await Promise.all(all);
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(new Set(got.map((t) => t.value))).toEqual(new Set(["tok-1"]));
    // Later callers read the stored token.
    expect((await sharedToken(store, "k", fetchToken)).value).toBe("tok-1");
    expect(fetchToken).toHaveBeenCalledTimes(1);
  });

  it("refreshes after refreshAt; meanwhile the valid token keeps serving the others", async () => {
    let clock = Date.now();
    const now = () => clock;
    const store = memoryTokenStore(now);
    await sharedToken(store, "k", async () => token("old", 600_000, clock), { now });
    clock += 540_001; // past refreshAt, before expiresAt
    const answer = deferred<SharedToken>();
    const refreshing = sharedToken(store, "k", () => answer.promise, { now });
    const other = await sharedToken(store, "k", () => Promise.reject(new Error("not me")), {
      now,
    });
    expect(other.value).toBe("old");
    answer.resolve(token("new", 600_000, clock));
    expect((await refreshing).value).toBe("new");
    const next = await sharedToken(store, "k", () => Promise.reject(new Error("no")), { now });
    expect(next.value).toBe("new");
  });

  it("when the holder fails, a waiting process takes over", async () => {
    const store = memoryTokenStore();
    const first = deferred<SharedToken>();
    const holder = sharedToken(store, "k", () => first.promise);
    const second = vi.fn(async () => token("tok-2"));
    const waiter = sharedToken(store, "k", second);
    first.reject(new Error("HTTP 503"));
    await expect(holder).rejects.toThrow("HTTP 503");
    expect((await waiter).value).toBe("tok-2");
    expect(second).toHaveBeenCalledTimes(1);
  });

  it("gives up with TimeoutError when the holder never answers within lockMs", async () => {
    const store = memoryTokenStore();
    await store.acquireTokenLock("k", 10_000);
    await expect(
      sharedToken(store, "k", () => Promise.reject(new Error("not me")), { lockMs: 100 }),
    ).rejects.toBeInstanceOf(TimeoutError);
  });

  it("after a 401, drops the stored token only if it is still the rejected one", async () => {
    const store = memoryTokenStore();
    await sharedToken(store, "k", async () => token("tok-1"));
    await store.dropToken("k", "tok-0");
    expect(await store.getToken("k")).toContain("tok-1");
    await store.dropToken("k", "tok-1");
    expect(await store.getToken("k")).toBeUndefined();
    expect((await sharedToken(store, "k", async () => token("tok-2"))).value).toBe("tok-2");
  });

  it("keys a client by a hash: neither the secret nor the id shows", async () => {
    const a = await tokenKey("https://x/iroh/oauth2/token", "client-1", "s3cr3t");
    const b = await tokenKey("https://x/iroh/oauth2/token", "client-1", "rotated");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("client-1");
  });
});
