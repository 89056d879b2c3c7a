// Line 9: type-check cost at scale. A strict consumer making the same two calls on GitHub's API
// (1 223 operations), once through the standalone client `generate --input … --name github`
// writes, once through openapi-typescript's output and openapi-fetch; `tsc --noEmit
// --extendedDiagnostics` without skipLibCheck (every declaration of both packages is checked).
// CPU time of tsc (the target: wall time follows the load of a shared machine; "Total time" is
// printed beside it), peak RSS of the tsc process, and instantiations, as ratios of medians.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { githubSpec } from "./generation.mjs";
import {
  BENCH,
  CLI,
  ROOT,
  cacheDir,
  fmt,
  interleaved,
  median,
  remove,
  runNode,
  tempDir,
} from "./lib.mjs";

const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const USAGE = join(BENCH, "usage.cjs");

const OURS = `import { createGithubClient } from "github";

const github = createGithubClient({ accessToken: "token" });

export async function main(): Promise<string[]> {
  const repo = await github.repos.get({ owner: "octokit", repo: "rest.js" });
  const issues = await github.issues.listForRepo({ owner: "octokit", repo: "rest.js", state: "open" });
  return [repo.full_name, ...issues.map((i) => i.title)];
}
`;

const OPENAPI_FETCH = `import createClient from "openapi-fetch";
import type { paths } from "./ot/api.github.com.js";

const github = createClient<paths>({
  baseUrl: "https://api.github.com",
  headers: { Authorization: "Bearer token" },
});

export async function main(): Promise<string[]> {
  const { data: repo } = await github.GET("/repos/{owner}/{repo}", {
    params: { path: { owner: "octokit", repo: "rest.js" } },
  });
  const { data: issues = [] } = await github.GET("/repos/{owner}/{repo}/issues", {
    params: { path: { owner: "octokit", repo: "rest.js" }, query: { state: "open" } },
  });
  return [repo?.full_name ?? "", ...issues.map((i) => i.title)];
}
`;

function project(dir, source) {
  writeFileSync(join(dir, "consumer.ts"), source);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: [],
      },
      files: ["consumer.ts"],
    }),
  );
}

async function tsc(dir) {
  const usageDir = tempDir("usage");
  const usageFile = join(usageDir, "usage.json");
  const r = await runNode(
    ["--require", USAGE, TSC, "-p", join(dir, "tsconfig.json"), "--extendedDiagnostics"],
    { allowFailure: true, env: { XDR_BENCH_USAGE_FILE: usageFile } },
  );
  const usage = JSON.parse(readFileSync(usageFile, "utf8"));
  remove(usageDir);
  const text = r.stdout + r.stderr;
  const number = (label) => Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(text)?.[1]);
  const errors = text
    .split("\n")
    .filter((l) => /error TS\d+/.test(l))
    .map((l) => l.slice(l.lastIndexOf("/") + 1));
  return {
    totalMs: number("Total time") * 1000,
    checkMs: number("Check time") * 1000,
    instantiations: number("Instantiations"),
    maxRssKb: usage.maxRssKb,
    cpuMs: usage.cpuMs,
    errors,
  };
}

/** Line 9. */
export async function typecheckScale({ runs }) {
  const spec = githubSpec();
  const dir = cacheDir("typecheck-scale");
  try {
    const ours = join(dir, "ours");
    const of = join(dir, "openapi-fetch");
    mkdirSync(join(ours, "node_modules"), { recursive: true });
    mkdirSync(join(of, "ot"), { recursive: true });
    const pkg = join(dir, "github");
    await runNode([CLI, "generate", "--input", spec, "--name", "github", "--out", pkg]);
    symlinkSync(pkg, join(ours, "node_modules", "github"), "dir");
    await runNode([join(BENCH, "openapi-typescript.mjs"), join(of, "ot"), spec]);
    project(ours, OURS);
    project(of, OPENAPI_FETCH);
    const t = await interleaved({ ours: () => tsc(ours), of: () => tsc(of) }, runs);
    const m = (k, field) => median(t[k].map((r) => r[field]));
    const errors = [...new Set([...t.ours, ...t.of].flatMap((r) => r.errors))];
    const wall = m("ours", "totalMs") / m("of", "totalMs");
    const time = m("ours", "cpuMs") / m("of", "cpuMs");
    const rss = m("ours", "maxRssKb") / m("of", "maxRssKb");
    const inst = m("ours", "instantiations") / m("of", "instantiations");
    const rows = [
      {
        line: "9 tsc, 2 calls on GitHub's API (1 223 ops), full lib check: CPU time of tsc",
        measured: `${fmt.ms(m("ours", "cpuMs"))} vs ${fmt.ms(m("of", "cpuMs"))}`,
        ratio: fmt.x(time),
        target: "≤ 1.00×",
        pass: time <= 1,
      },
      {
        line: `9 … "Total time" (wall; check ${fmt.ms(m("ours", "checkMs"))} vs ${fmt.ms(m("of", "checkMs"))})`,
        measured: `${fmt.ms(m("ours", "totalMs"))} vs ${fmt.ms(m("of", "totalMs"))}`,
        ratio: fmt.x(wall),
      },
      {
        line: "9 … peak RSS of tsc",
        measured: `${fmt.mb(m("ours", "maxRssKb"))} vs ${fmt.mb(m("of", "maxRssKb"))}`,
        ratio: fmt.x(rss),
        target: "≤ 1.00×",
        pass: rss <= 1,
      },
      {
        line: "9 … instantiations",
        measured: `${(m("ours", "instantiations") / 1000).toFixed(0)}k vs ${(m("of", "instantiations") / 1000).toFixed(0)}k`,
        ratio: fmt.x(inst),
      },
      {
        line: "9 tsc errors",
        measured: errors.length ? `${errors.length}: ${errors[0]}` : "none",
        target: "none",
        pass: errors.length === 0,
      },
    ];
    return { rows, detail: t };
  } finally {
    remove(dir);
  }
}
