// Line 4, the measured side (a child process): sequential calls of IROH inspect, as the generated
// named method, as bare openapi-fetch and as raw fetch, against `<url>` or a stubbed fetch.
// Prints `{ mode: [µs per call, one per round] }` as JSON.
//   node bench/calls.mjs http <base url> <calls per round> <rounds>
//   node bench/calls.mjs stub - <calls per round> <rounds>
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import createClient from "openapi-fetch";
import { ROOT } from "./lib.mjs";

export const INSPECT_PATH = "/iroh/iroh-inspect/inspect";
export const INSPECT_ANSWER = JSON.stringify([
  { type: "ip", value: "203.0.113.66" },
  { type: "domain", value: "internetbadguys.com" },
]);

async function main() {
  const [transport, url, perRound, rounds] = process.argv.slice(2);
  const { createIrohClient } = await import(
    pathToFileURL(join(ROOT, "generated", "dist", "iroh", "index.js")).href
  );
  const base = transport === "http" ? url : "http://127.0.0.1:9";
  const stub = async () =>
    new Response(INSPECT_ANSWER, { status: 200, headers: { "content-type": "application/json" } });
  const doFetch = transport === "http" ? fetch : stub;
  const content = "203.0.113.66 internetbadguys.com";

  const named = createIrohClient({
    accessToken: "t",
    baseUrls: { iroh: base },
    ...(transport === "http" ? {} : { fetch: stub }),
  });
  const bare = createClient({
    baseUrl: base,
    headers: { Authorization: "Bearer t" },
    ...(transport === "http" ? {} : { fetch: stub }),
  });
  const check = (data) => {
    if (!Array.isArray(data) || data.length !== 2) throw new Error("unexpected answer");
  };
  const modes = {
    named: async () => check(await named.inspect({ content })),
    "openapi-fetch": async () => check((await bare.POST(INSPECT_PATH, { body: { content } })).data),
    fetch: async () => {
      const res = await doFetch(base + INSPECT_PATH, {
        method: "POST",
        headers: { authorization: "Bearer t", "content-type": "application/json" },
        body: JSON.stringify({ content }),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      check(await res.json());
    },
  };
  const n = Number(perRound);
  const result = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
  // Round 0 is the warm-up (JIT, connection pool), dropped.
  for (let round = 0; round <= Number(rounds); round++) {
    for (const [mode, call] of Object.entries(modes)) {
      const started = performance.now();
      for (let i = 0; i < n; i++) await call();
      if (round > 0) result[mode].push(((performance.now() - started) * 1000) / n);
    }
  }
  process.stdout.write(JSON.stringify(result));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
