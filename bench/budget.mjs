// Line 8: the rate budget (issue #13). Runs test/budget/bench.ts: µs per in-memory `acquire`
// against the per-call line (target ≤ 5 %), µs per `acquire` against redis-server on loopback,
// and what 4 processes × 1000 calls send against a shared budget of 500.
import { runNode } from "./lib.mjs";

export async function budget() {
  const { stdout } = await runNode(["--import", "tsx", "test/budget/bench.ts"], {
    timeoutMs: 600_000,
  });
  const out = JSON.parse(stdout.slice(stdout.indexOf("{")));
  const share =
    typeof out.namedCallUsPerCall === "number"
      ? out.memoryUsPerCall / out.namedCallUsPerCall
      : undefined;
  const four = out.fourProcesses;
  return {
    rows: [
      {
        line: "8 budget in memory: acquire per call vs a named call (stubbed fetch)",
        measured: `${out.memoryUsPerCall} µs vs ${out.namedCallUsPerCall} µs`,
        ratio: share === undefined ? "" : `${(share * 100).toFixed(1)} %`,
        target: "≤ 5 %",
        pass: share !== undefined && share <= 0.05,
      },
      {
        line: "8 budget in Redis (loopback): acquire per call",
        measured: out.redisUsPerCall === undefined ? String(out.redis) : `${out.redisUsPerCall} µs`,
      },
      {
        line: "8 budget of 500 shared by 4 processes × 1000 calls: requests sent",
        measured: four
          ? `${four.received} sent, ${four.refused} refused client-side`
          : String(out.redis),
        target: four ? "≤ 500" : undefined,
        pass: four ? four.received <= 500 : undefined,
      },
    ],
    detail: out,
  };
}
