// Budget measurements for `npm run bench` (issue #13), runnable alone:
//   node --import tsx test/budget/bench.ts
// Prints one JSON object: µs per `acquire` in memory (budget.ts bundled by esbuild as users get
// it, not through tsx's loader) against the per-call line of bench/calls.mjs (a named call on a
// stubbed fetch), µs per `acquire` against redis-server on loopback, and the requests 4 processes
// × 1000 calls send against a shared budget of 500.
import { fork, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import type { BudgetCall } from "../../templates/runtime/budget.js";
import { createBudget } from "../../templates/runtime/budget.js";
import { redisStore } from "../../templates/runtime/budget-redis.js";
import { hasRedisServer, startRedis } from "./redis-server.js";
import type { Job, Result } from "./worker.js";

const call: BudgetCall = { op: "inspect", priority: "normal" };

async function perCall(n: number, fn: () => Promise<void>): Promise<number> {
  for (let i = 0; i < Math.min(n, 2_000); i++) await fn(); // warm-up
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - started) * 1000) / n;
}

const round = (x: number): number => Math.round(x * 100) / 100;
const out: Record<string, unknown> = {};

const ROOT = join(import.meta.dirname, "..", "..");
const scratch = mkdtempSync(join(tmpdir(), "xdr-budget-bench-"));
try {
  const outfile = join(scratch, "budget.mjs");
  await build({
    entryPoints: [join(ROOT, "templates/runtime/budget.ts")],
    bundle: true,
    format: "esm",
    target: "es2022",
    outfile,
    logLevel: "silent",
  });
  const bundled = (await import(
    pathToFileURL(outfile).href
  )) as typeof import("../../templates/runtime/budget.js");
  const memory = bundled.createBudget({ share: 1e9 });
  out.memoryUsPerCall = round(
    await perCall(100_000, () => memory.acquire(call, undefined, 60_000)),
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const line = spawnSync(
  process.execPath,
  [join(ROOT, "bench/calls.mjs"), "stub", "-", "2000", "3"],
  {
    cwd: ROOT,
    encoding: "utf8",
  },
);
if (line.status === 0) {
  const named = (JSON.parse(line.stdout) as Record<string, number[]>).named!;
  const median = [...named].sort((a, b) => a - b)[Math.floor(named.length / 2)]!;
  out.namedCallUsPerCall = round(median);
  out.memoryShareOfCall = `${round(((out.memoryUsPerCall as number) / median) * 100)} %`;
} else {
  out.namedCallUsPerCall = "unavailable (run npm run generate first)";
}

if (!hasRedisServer) {
  out.redis = "skipped: install redis-server";
} else {
  const server = await startRedis();
  const redis = new Redis(server.port, "127.0.0.1");
  try {
    const b = createBudget({ share: 1e9, store: redisStore(redis), key: "bench" });
    out.redisUsPerCall = round(await perCall(5_000, () => b.acquire(call, undefined, 60_000)));

    const hits = { n: 0 };
    const http = createServer((_req, res) => {
      hits.n++;
      res.end("{}");
    });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api`;
    const workers = Array.from({ length: 4 }, () =>
      fork(join(import.meta.dirname, "worker.ts"), {
        execArgv: ["--import", "tsx"],
        env: { ...process.env, REDIS_PORT: String(server.port) },
      }),
    );
    await Promise.all(workers.map((w) => new Promise((r) => w.once("message", r))));
    const started = performance.now();
    const results = await Promise.all(
      workers.map(
        (w, i) =>
          new Promise<Result>((resolve) => {
            w.on("message", (m: Result) => resolve(m));
            const job: Job = { kind: "spend", key: "bench-4x1000", share: 500, calls: 1000, url };
            w.send({ ...job, id: i });
          }),
      ),
    );
    out.fourProcesses = {
      budget: 500,
      calls: 4000,
      sent: results.reduce((n, r) => n + (r.sent ?? 0), 0),
      received: hits.n,
      refused: results.reduce((n, r) => n + (r.refused?.length ?? 0), 0),
      ms: Math.round(performance.now() - started),
    };
    for (const w of workers) w.send("exit");
    await Promise.all(workers.map((w) => new Promise((r) => w.once("exit", r))));
    await new Promise((r) => http.close(r));
  } finally {
    await redis.quit();
    await server.stop();
  }
}
console.log(JSON.stringify(out, null, 2));
