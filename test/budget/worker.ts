// One "process of the org" for redis.test.ts (run with `node --import tsx`): connects to the test's
// Redis, says `ready`, then runs the jobs it is sent and answers each with its result.
import { Redis } from "ioredis";
import { createBudget } from "../../templates/runtime/budget.js";
import { redisStore } from "../../templates/runtime/budget-redis.js";
import { RateLimitError } from "../../templates/runtime/errors.js";
import { parseRetryAfter } from "../../templates/runtime/retry.js";

export type Job =
  /** `calls` attempts that never wait; each one allowed sends a request to `url`. */
  | { kind: "spend"; key: string; share: number; calls: number; url: string }
  /** One request to `url` (answered 429), then what the budget learns from it. */
  | { kind: "hit"; key: string; share: number; url: string }
  /** The client's token through the shared single-flight. */
  | { kind: "token"; tokenUrl: string };

export interface Result {
  id: number;
  sent?: number;
  refused?: { clientSide: unknown; retryAfterMs?: number; reason: unknown }[];
  status?: number;
  token?: string;
  error?: string;
}

const redis = new Redis(Number(process.env.REDIS_PORT), "127.0.0.1", { lazyConnect: true });
await redis.connect();
const store = redisStore(redis);

async function run(job: Job): Promise<Omit<Result, "id">> {
  if (job.kind === "token") {
    // As token.ts does: the budget's single-flight, which a Redis store provides.
    const budget = createBudget({ share: 1, store });
    const client = { tokenUrl: job.tokenUrl, clientId: "client-1", clientSecret: "s3cr3t" };
    const t = await budget.shareToken!(client, async () => {
      const res = await fetch(job.tokenUrl, { method: "POST" });
      const body = (await res.json()) as { access_token: string; expires_in: number };
      const now = Date.now();
      return {
        value: body.access_token,
        expiresAt: now + body.expires_in * 1000,
        refreshAt: now + body.expires_in * 1000 - 60_000,
      };
    });
    return { token: t.value };
  }
  const budget = createBudget({ share: job.share, reserve: 0, lowReserve: 0, store, key: job.key });
  const call = { op: "inspect", priority: "normal" } as const;
  if (job.kind === "hit") {
    await budget.acquire(call, undefined, 0);
    const res = await fetch(job.url);
    await res.arrayBuffer();
    await budget.observe(
      res.headers,
      res.status,
      parseRetryAfter(res.headers.get("retry-after")),
      call,
    );
    return { status: res.status };
  }
  let sent = 0;
  const refused: NonNullable<Result["refused"]> = [];
  for (let i = 0; i < job.calls; i++) {
    try {
      await budget.acquire(call, undefined, 0);
    } catch (e) {
      if (!(e instanceof RateLimitError)) throw e;
      const { clientSide, reason } = e as RateLimitError & Record<string, unknown>;
      refused.push({ clientSide, retryAfterMs: e.retryAfterMs, reason });
      continue;
    }
    const res = await fetch(job.url);
    await res.arrayBuffer();
    sent++;
  }
  return { sent, refused };
}

process.on("message", (job: (Job & { id: number }) | "exit") => {
  if (job === "exit") {
    void redis.quit().finally(() => process.disconnect());
    return;
  }
  run(job).then(
    (r) => process.send!({ id: job.id, ...r }),
    (e: unknown) => process.send!({ id: job.id, error: String((e as Error)?.stack ?? e) }),
  );
});
process.send!("ready");
