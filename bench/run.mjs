// `npm run bench`: the performance targets of xdr-codegen and the SDK it generates, as one table
// (line / measured / ratio / target / pass). Exits 1 when a target is missed. Times are medians
// of several runs after a warm-up, interleaved with their baseline; the machine may be shared,
// so absolute figures are printed beside every ratio.
//
//   npm run bench                     all lines (about 4 minutes on 2 cores)
//   npm run bench -- --only 4,6       some lines
//   npm run bench -- --runs 5         runs per process measurement (default 3; line 7: runs + 2)
//   npm run bench -- --json FILE      also write every sample as JSON
//
// The GitHub spec of line 3 is downloaded once (`npm pack @octokit/openapi@23.0.2`) into
// .bench-cache/, which also holds short-lived scratch projects; both are git-ignored.
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { budget } from "./budget.mjs";
import { bundle } from "./bundle.mjs";
import { generation, scale } from "./generation.mjs";
import { CLI, ROOT, printTable, remove, runNode } from "./lib.mjs";
import { calls, tokens } from "./runtime.mjs";
import { typecheck } from "./typecheck.mjs";
import { typecheckScale } from "./typecheck-scale.mjs";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    runs: { type: "string", default: "3" },
    json: { type: "string" },
    quick: { type: "boolean", default: false },
  },
});
const only = values.only ? new Set(values.only.split(",").map((s) => s.trim())) : undefined;
const want = (line) => !only || only.has(String(line));
const runs = Math.max(1, Number(values.runs));

const started = performance.now();
const rows = [];
const detail = {};
const section = async (name, fn) => {
  const t = performance.now();
  process.stderr.write(`bench: ${name} …`);
  try {
    const r = await fn();
    rows.push(...r.rows);
    detail[name] = r.detail;
    process.stderr.write(` ${((performance.now() - t) / 1000).toFixed(0)} s\n`);
    return r;
  } catch (error) {
    process.stderr.write(" failed\n");
    rows.push({
      line: `${name}: could not run`,
      measured: String(error.message).split("\n")[0],
      pass: false,
    });
    detail[name] = String(error.stack ?? error);
    console.error(error);
    return undefined;
  }
};

// The SDK under test: generated/ as `npm run generate` leaves it (a no-op when current; on a
// clean clone this also downloads the Automation spec).
await section("prepare generated/", async () => {
  await runNode([CLI, "generate"], { cwd: ROOT });
  return { rows: [] };
});

let floorTypes;
let genDir;
if (want(1) || want(2)) {
  const r = await section("lines 1-2 generation", () => generation({ runs }));
  floorTypes = r?.floorTypes;
  genDir = r?.dir;
}
if (want(3)) await section("line 3 GitHub spec", () => scale({ runs }));
if (want(4)) await section("line 4 per-call overhead", () => calls({ quick: values.quick }));
if (want(5)) await section("line 5 token requests", () => tokens());
if (want(6)) await section("line 6 bundle size", () => bundle());
if (want(7)) {
  await section("line 7 type-check", () => typecheck({ runs: runs + 2, floorTypes }));
}
if (want(8)) await section("line 8 rate budget", () => budget());
if (want(9)) await section("line 9 type-check at scale", () => typecheckScale({ runs }));
if (genDir) remove(genDir);

console.log();
printTable(rows);
const failed = rows.filter((r) => r.pass === false);
console.log(
  `\n${failed.length ? `${failed.length} target(s) missed` : "all targets met"} ` +
    `(${((performance.now() - started) / 1000).toFixed(0)} s, node ${process.version}, ` +
    `${(await import("node:os")).cpus().length} cores)`,
);
if (values.json) writeFileSync(values.json, JSON.stringify({ rows, detail }, null, 2));
process.exitCode = failed.length ? 1 : 0;
