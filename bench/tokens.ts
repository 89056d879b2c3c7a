// Line 5 (run by bench/run.mjs under `node --import tsx`): token requests the generated IROH
// client makes against the XDR simulator, (a) for 1000 concurrent calls on a cold cache and
// (b) over a simulated hour with 600 s tokens, on an injected clock. The clock is `Date.now`,
// replaced in this process (the runtime reads it to decide when to refresh), and the
// simulator's `clock` option (it decides when a token has expired). Prints the counts as JSON.
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  startSimulator,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
} from "../test/simulator/server.js";

interface Inspect {
  inspect(args: { content: string }): Promise<unknown[]>;
}
interface IrohModule {
  createIrohClient(options: Record<string, unknown>): Inspect;
  clearTokenCache(): void;
}

const root = fileURLToPath(new URL("..", import.meta.url));
const iroh = (await import(
  pathToFileURL(join(root, "generated", "dist", "iroh", "index.js")).href
)) as IrohModule;

let now = Date.UTC(2026, 0, 1);
const realNow = Date.now;
Date.now = () => now;
const sim = await startSimulator({ clock: () => now, tokenLifetimeSec: 600 });
const options = {
  clientId: DEFAULT_CLIENT_ID,
  clientSecret: DEFAULT_CLIENT_SECRET,
  baseUrls: { iroh: sim.url },
};
const content = "203.0.113.66 internetbadguys.com";

try {
  // (a) 1000 concurrent calls, nothing cached.
  iroh.clearTokenCache();
  sim.reset();
  const client = iroh.createIrohClient(options);
  const answers = await Promise.all(
    Array.from({ length: 1000 }, () => client.inspect({ content })),
  );
  const concurrent = {
    calls: answers.filter((a) => Array.isArray(a) && a.length === 2).length,
    tokenRequests: sim.stats.tokenRequests,
  };

  // (b) one hour: every 10 simulated seconds, 3 concurrent calls (from two clients that share
  // the token cache, as clients made with the same credentials do).
  iroh.clearTokenCache();
  sim.reset();
  const a = iroh.createIrohClient(options);
  const b = iroh.createIrohClient(options);
  const start = now;
  let calls = 0;
  for (let t = 0; t < 3600; t += 10) {
    now = start + t * 1000;
    const batch = await Promise.all([
      a.inspect({ content }),
      b.inspect({ content }),
      a.inspect({ content }),
    ]);
    calls += batch.filter((x) => Array.isArray(x) && x.length === 2).length;
  }
  const hour = { calls, tokenRequests: sim.stats.tokenRequests, simulatedSeconds: 3600 };
  process.stdout.write(JSON.stringify({ concurrent, hour }));
} finally {
  Date.now = realNow;
  await sim.close();
}
