// Shared helpers of the benchmark: child processes timed from the outside, medians, peak RSS,
// the scratch folders and the table.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const BENCH = join(ROOT, "bench");
export const CLI = join(ROOT, "dist", "xdr-codegen.js");
/** Git-ignored: the downloaded GitHub spec and scratch projects that must resolve node_modules. */
export const CACHE = join(ROOT, ".bench-cache");
const MAXRSS = join(BENCH, "maxrss.cjs");

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A fresh folder under the OS temp dir (outputs that need no node_modules). */
export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `xdr-bench-${prefix}-`));
}

/** A fresh folder under `.bench-cache/` (projects that resolve the repository's node_modules). */
export function cacheDir(prefix) {
  mkdirSync(CACHE, { recursive: true });
  return mkdtempSync(join(CACHE, `${prefix}-`));
}

export function remove(path) {
  rmSync(path, { recursive: true, force: true });
}

/**
 * Runs `node <args>` to completion. Wall time is measured here, around the whole process (start
 * up, module loading and exit included). With `rss`, the child's own peak RSS is read back.
 * Rejects on a non-zero exit unless `allowFailure`.
 */
export function runNode(
  args,
  { cwd = ROOT, env = {}, rss = false, timeoutMs = 300_000, allowFailure = false } = {},
) {
  const rssFile = rss ? join(tempDir("rss"), "maxrss") : undefined;
  const argv = rss ? ["--require", MAXRSS, ...args] : args;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, argv, {
      cwd,
      env: { ...process.env, ...env, ...(rssFile ? { XDR_BENCH_MAXRSS_FILE: rssFile } : {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      let maxRssKb;
      if (rssFile) {
        if (existsSync(rssFile)) maxRssKb = Number(readFileSync(rssFile, "utf8"));
        remove(join(rssFile, ".."));
      }
      if (code !== 0 && !(allowFailure && code !== null)) {
        const tail = (stderr || stdout).trim().split("\n").slice(-15).join("\n");
        reject(new Error(`node ${args.join(" ")} exited ${code ?? signal}:\n${tail}`));
      } else {
        resolve({ ms, code, stdout, stderr, maxRssKb });
      }
    });
  });
}

/**
 * Runs each of `tasks` once as a warm-up, then `runs` more times, interleaved (A B A B …) so that
 * a slow phase of the shared machine hits both sides alike. Returns the results per task.
 */
export async function interleaved(tasks, runs, { warmup = 1 } = {}) {
  const names = Object.keys(tasks);
  for (let i = 0; i < warmup; i++) for (const n of names) await tasks[n]();
  const results = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < runs; i++) for (const n of names) results[n].push(await tasks[n]());
  return results;
}

export const fmt = {
  s: (ms) => `${(ms / 1000).toFixed(2)} s`,
  ms: (ms) => `${ms.toFixed(0)} ms`,
  us: (us) => `${us.toFixed(1)} µs`,
  mb: (kb) => `${(kb / 1024).toFixed(0)} MB`,
  kb: (bytes) => `${(bytes / 1000).toFixed(1)} kB`,
  x: (r) => `${r.toFixed(2)}×`,
};

/** Prints the result rows as a fixed-width table. */
export function printTable(rows) {
  const head = ["line", "measured", "ratio", "target", "pass"];
  const cells = rows.map((r) => [
    r.line,
    r.measured,
    r.ratio ?? "",
    r.target ?? "",
    r.pass === undefined ? "info" : r.pass ? "PASS" : "FAIL",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => v.padEnd(widths[i])).join(" | ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const c of cells) console.log(line(c));
}
