// The Redis store against a real redis-server started here (127.0.0.1, a free port, no
// persistence) and stopped at the end: the budget's rules in Redis, then several worker processes
// sharing one budget, one 429 block and one token request. Skipped, with one line saying how to
// install it, where `redis-server` is missing.
import { type ChildProcess, fork } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Budget, type BudgetCall, createBudget } from "../../templates/runtime/budget.js";
import { redisStore } from "../../templates/runtime/budget-redis.js";
import { RateLimitError } from "../../templates/runtime/errors.js";
import { INSTALL_HINT, type RedisServer, hasRedisServer, startRedis } from "./redis-server.js";
import type { Job, Result } from "./worker.js";

const HOUR = 3_600_000;
const WORKERS = 4;
const normal: BudgetCall = { op: "inspect", priority: "normal" };
const low: BudgetCall = { op: "judgements.search", priority: "low" };
const high: BudgetCall = { op: "response.trigger", priority: "high" };
const start: BudgetCall = {
  op: "workflows.start",
  priority: "normal",
  rule: { requests: 10, perMs: 60_000 },
};

if (!hasRedisServer) console.warn(INSTALL_HINT);

let server: RedisServer | undefined;
let redis: Redis;
let keys = 0;
/** A budget of its own per test: a fresh key in the shared Redis. */
const budget = (share: number, extra: object = {}): Budget =>
  createBudget({ share, store: redisStore(redis), key: `t${++keys}`, ...extra });

async function refusal(p: Promise<void>): Promise<RateLimitError & Record<string, unknown>> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RateLimitError);
  return e as RateLimitError & Record<string, unknown>;
}

async function take(b: Budget, call: BudgetCall, n: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    await b.acquire(call, undefined, 0).then(
      () => ok++,
      (e: unknown) => {
        if (!(e instanceof RateLimitError)) throw e;
      },
    );
  }
  return ok;
}

describe.skipIf(!hasRedisServer)(hasRedisServer ? "Redis store" : INSTALL_HINT, () => {
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.port, "127.0.0.1");
  });

  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });

  describe("in one process", () => {
    it("keeps the lanes: reserve for high, lowReserve more from low", async () => {
      const b = budget(10, { reserve: 2, lowReserve: 3 });
      expect(await take(b, low, 10)).toBe(5);
      expect(await take(b, normal, 10)).toBe(3);
      expect(await take(b, high, 10)).toBe(2);
      const e = await refusal(b.acquire(high, undefined, 0));
      expect(e).toMatchObject({ reason: "budget", clientSide: true });
      // Redis's clock: the wait is an hour less the few ms the test took.
      expect(e.retryAfterMs).toBeGreaterThan(HOUR - 60_000);
      expect(e.retryAfterMs).toBeLessThanOrEqual(HOUR);
      const s = await b.state();
      expect(s).toMatchObject({ used: 10, remaining: 0, blockedMs: 0, paceMs: 0 });
      expect(s.nextFreeMs.low).toBeGreaterThan(HOUR - 60_000);
    });

    it("waits for a slot to slide out of the window", async () => {
      const b = budget(2, { reserve: 0, lowReserve: 0, windowMs: 200 });
      expect(await take(b, normal, 3)).toBe(2);
      await b.acquire(normal, undefined, 10_000);
      expect((await b.state()).used).toBeLessThanOrEqual(2);
    });

    it("paces an operation's own rule, and blocks it alone after its 429", async () => {
      const b = budget(100);
      expect(await take(b, start, 12)).toBe(10);
      expect((await refusal(b.acquire(start, undefined, 0))).reason).toBe("rule");
      await b.acquire(normal, undefined, 0);
      const other = budget(100);
      await other.observe(new Headers({ "x-ratelimit-org-remaining": "42" }), 429, 30_000, start);
      expect((await refusal(other.acquire(start, undefined, 0))).reason).toBe("blocked");
      await other.acquire(normal, undefined, 0);
    });

    it("blocks the org after a 429 and keeps the longer block", async () => {
      const b = budget(100);
      await b.observe(new Headers(), 429, HOUR);
      await b.observe(new Headers(), 429, 1_000);
      const e = await refusal(b.acquire(high, undefined, 60_000));
      expect(e).toMatchObject({ reason: "blocked", clientSide: true });
      expect(e.retryAfterMs).toBeGreaterThan(HOUR - 60_000);
      expect((await b.state()).blockedMs).toBeGreaterThan(HOUR - 60_000);
    });

    it("spaces low-priority calls as the org's remaining budget falls", async () => {
      const b = budget(8000);
      await b.observe(
        new Headers({ "x-ratelimit-org-limit": "8000", "x-ratelimit-org-remaining": "1000" }),
        200,
        undefined,
      );
      await b.acquire(low, undefined, 0);
      const e = await refusal(b.acquire(low, undefined, 0));
      expect(e.reason).toBe("pace");
      // An hour / 1000, less the time since the first call (Redis's clock).
      expect(e.retryAfterMs).toBeGreaterThan(0);
      expect(e.retryAfterMs).toBeLessThanOrEqual(3_600);
      await b.acquire(normal, undefined, 0);
      expect((await b.state()).paceMs).toBe(3_600);
    });

    it("keeps a token, one lock holder, and drops the token a 401 rejected", async () => {
      const store = redisStore(redis);
      const t = {
        value: "tok-1",
        expiresAt: Date.now() + 600_000,
        refreshAt: Date.now() + 540_000,
      };
      const first = await store.acquireTokenLock("c1", 10_000);
      expect(first).toBeTruthy();
      expect(await store.acquireTokenLock("c1", 10_000)).toBeUndefined();
      await store.putToken("c1", JSON.stringify(t), 600_000);
      await store.releaseTokenLock("c1", "someone else");
      expect(await store.acquireTokenLock("c1", 10_000)).toBeUndefined();
      await store.releaseTokenLock("c1", first!);
      expect(await store.acquireTokenLock("c1", 10_000)).toBeTruthy();
      expect(JSON.parse((await store.getToken("c1"))!)).toEqual(t);
      expect(await redis.pttl("xdr-sdk:token:{c1}")).toBeGreaterThan(590_000);
      await store.dropToken("c1", "tok-0");
      expect(await store.getToken("c1")).toBeDefined();
      await store.dropToken("c1", "tok-1");
      expect(await store.getToken("c1")).toBeUndefined();
    });

    it("runs its scripts by SHA and sends them again after SCRIPT FLUSH", async () => {
      const b = budget(5, { reserve: 0, lowReserve: 0 });
      await b.acquire(normal, undefined, 0);
      await redis.script("FLUSH");
      await b.acquire(normal, undefined, 0);
      expect((await b.state()).used).toBe(2);
      const stored = await redis.keys(`xdr-sdk:{t${keys}}:*`);
      expect(stored).toContain(`xdr-sdk:{t${keys}}:w`);
    });
  });

  describe("shared by worker processes", () => {
    const workers: ChildProcess[] = [];
    const pending = new Map<number, (r: Result) => void>();
    let http: Server;
    let base: string;
    const hits = new Map<string, number>();
    let jobs = 0;

    beforeAll(async () => {
      http = createServer((req, res) => {
        const path = req.url!;
        hits.set(path, (hits.get(path) ?? 0) + 1);
        if (path === "/limited") {
          res.writeHead(429, { "retry-after": "3600", "x-ratelimit-org-remaining": "0" });
          res.end();
        } else if (path === "/token") {
          // Slow enough that every worker asks while the first request is in flight.
          setTimeout(() => {
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ access_token: `tok-${hits.get(path)}`, expires_in: 600 }));
          }, 200);
        } else {
          res.writeHead(200, { "content-type": "application/json" });
          res.end("{}");
        }
      });
      await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
      base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      const ready: Promise<void>[] = [];
      for (let i = 0; i < WORKERS; i++) {
        const w = fork(join(import.meta.dirname, "worker.ts"), {
          execArgv: ["--import", "tsx"],
          env: { ...process.env, REDIS_PORT: String(server!.port) },
          stdio: ["ignore", "inherit", "inherit", "ipc"],
        });
        workers.push(w);
        ready.push(
          new Promise((resolve, reject) => {
            w.once("exit", (code) => reject(new Error(`worker exited (${code})`)));
            w.on("message", (m: Result | "ready") => {
              if (m === "ready") return resolve();
              pending.get(m.id)?.(m);
            });
          }),
        );
      }
      await Promise.all(ready);
    });

    afterAll(async () => {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.exitCode !== null || !w.connected) return resolve();
              w.removeAllListeners("exit");
              w.once("exit", () => resolve());
              w.send("exit");
              // A worker stuck on Redis must not outlive the test.
              setTimeout(() => w.kill("SIGKILL"), 5_000).unref();
            }),
        ),
      );
      await new Promise((r) => http?.close(r));
    });

    const send = (w: ChildProcess, job: Job): Promise<Result> => {
      const id = ++jobs;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        w.send({ ...job, id });
      }).then((r) => {
        const result = r as Result;
        if (result.error) throw new Error(result.error);
        return result;
      });
    };

    it("send at most the budget of N between them", async () => {
      const N = 25;
      const results = await Promise.all(
        workers.map((w) =>
          send(w, { kind: "spend", key: "spend", share: N, calls: 20, url: base + "/api" }),
        ),
      );
      const sent = results.reduce((n, r) => n + r.sent!, 0);
      expect(hits.get("/api")).toBe(N);
      expect(sent).toBe(N);
      const refused = results.flatMap((r) => r.refused!);
      expect(refused).toHaveLength(WORKERS * 20 - N);
      for (const r of refused) expect(r).toMatchObject({ clientSide: true, reason: "budget" });
    });

    it("honour a 429 block that one of them saw", async () => {
      const [first, ...others] = workers;
      const hit = await send(first!, {
        kind: "hit",
        key: "block",
        share: 100,
        url: base + "/limited",
      });
      expect(hit.status).toBe(429);
      const results = await Promise.all(
        others.map((w) =>
          send(w, { kind: "spend", key: "block", share: 100, calls: 1, url: base + "/limited" }),
        ),
      );
      expect(hits.get("/limited")).toBe(1);
      for (const r of results) {
        expect(r.sent).toBe(0);
        expect(r.refused).toHaveLength(1);
        const [refused] = r.refused!;
        expect(refused).toMatchObject({ clientSide: true, reason: "blocked" });
        expect(refused!.retryAfterMs).toBeGreaterThan(HOUR - 60_000);
        expect(refused!.retryAfterMs).toBeLessThanOrEqual(HOUR);
      }
    });

    it("make one token request in total", async () => {
      const results = await Promise.all(
        workers.map((w) => send(w, { kind: "token", tokenUrl: base + "/token" })),
      );
      expect(hits.get("/token")).toBe(1);
      expect(results.map((r) => r.token)).toEqual(Array(WORKERS).fill("tok-1"));
    });
  });
});
