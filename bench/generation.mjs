// Lines 1–3: generation time (cold process), no-op regeneration, and GitHub's spec at scale.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import {
  BENCH,
  CACHE,
  CLI,
  ROOT,
  fmt,
  interleaved,
  median,
  remove,
  runNode,
  tempDir,
} from "./lib.mjs";

const FLOOR = join(BENCH, "openapi-typescript.mjs");
const GITHUB_PACKAGE = "@octokit/openapi@23.0.2";
const GITHUB_SPEC = join(CACHE, "octokit-openapi-23.0.2", "api.github.com.json");

/**
 * The repository's config with every path made absolute and `output` pointing into `dir`: the
 * spec, lock and mirror paths are relative to the config's folder.
 */
function tempConfig(dir) {
  const config = JSON.parse(readFileSync(join(ROOT, "xdr-codegen.config.json"), "utf8"));
  const abs = (p) => (isAbsolute(p) ? p : resolve(ROOT, p));
  config.output = join(dir, "out");
  // Line 1 compares the SDK with openapi-typescript's types: the MCP and CLI packages, which
  // openapi-typescript has no counterpart for, are left out.
  config.targets = false;
  for (const api of Object.values(config.apis)) {
    api.spec = abs(api.spec);
    if (api.fetch) {
      api.fetch.lock = abs(api.fetch.lock);
      api.fetch.mirrors = (api.fetch.mirrors ?? []).map(abs);
    }
  }
  const file = join(dir, "xdr-codegen.config.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return { file, specs: Object.values(config.apis).map((a) => a.spec), output: config.output };
}

/** Line 1 and line 2. */
export async function generation({ runs }) {
  const dir = tempDir("gen");
  try {
    const config = tempConfig(dir);
    const floorOut = join(dir, "openapi-typescript");
    const t = await interleaved(
      {
        ours: async () => (await runNode([CLI, "generate", "--force", "--config", config.file])).ms,
        floor: async () => (await runNode([FLOOR, floorOut, ...config.specs])).ms,
      },
      runs,
    );
    const ours = median(t.ours);
    const floor = median(t.floor);
    // Line 2: the output is now complete and current, so `generate` has nothing to do.
    const noop = [];
    for (let i = 0; i < runs + 2; i++) {
      const r = await runNode([CLI, "generate", "--config", config.file]);
      if (!/nothing to do/.test(r.stdout)) throw new Error(`expected a no-op, got:\n${r.stdout}`);
      noop.push(r.ms);
    }
    const noopMs = median(noop.slice(1));
    return {
      rows: [
        {
          line: "1 generate the XDR specs (5 APIs), cold process (vs openapi-typescript API, 1 process)",
          measured: `${fmt.s(ours)} vs ${fmt.s(floor)}`,
          ratio: fmt.x(ours / floor),
          target: "≤ 1.50×",
          pass: ours / floor <= 1.5,
        },
        {
          line: "2 no-op regeneration, whole process",
          measured: fmt.ms(noopMs),
          target: "≤ 500 ms",
          pass: noopMs <= 500,
        },
      ],
      detail: { ours: t.ours, floor: t.floor, noop },
      floorTypes: floorOut,
      dir,
    };
  } catch (error) {
    remove(dir);
    throw error;
  }
}

/** GitHub's spec, fetched once into `.bench-cache/` with `npm pack`. */
export function githubSpec() {
  if (existsSync(GITHUB_SPEC)) return GITHUB_SPEC;
  const dir = join(CACHE, "octokit-openapi-23.0.2");
  const unpack = join(CACHE, "octokit-unpack");
  remove(unpack);
  mkdirSync(unpack, { recursive: true });
  console.error(`fetching ${GITHUB_PACKAGE} (npm pack, ~29 MB) into ${dir} …`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const args = ["pack", GITHUB_PACKAGE, "--pack-destination", unpack, "--loglevel=error"];
  const tarball = execFileSync(npm, args, {
    cwd: unpack,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .at(-1);
  execFileSync("tar", ["-xzf", tarball, "package/generated/api.github.com.json"], { cwd: unpack });
  mkdirSync(dir, { recursive: true });
  renameSync(join(unpack, "package/generated/api.github.com.json"), GITHUB_SPEC);
  remove(unpack);
  return GITHUB_SPEC;
}

/** Line 3. */
export async function scale({ runs }) {
  const spec = githubSpec();
  const dir = tempDir("github");
  const out = join(dir, "out");
  const floorOut = join(dir, "openapi-typescript");
  try {
    const t = await interleaved(
      {
        ours: async () => {
          remove(out);
          return runNode([CLI, "generate", "--input", spec, "--name", "github", "--out", out], {
            rss: true,
          });
        },
        floor: async () => {
          remove(floorOut);
          return runNode([FLOOR, floorOut, spec], { rss: true });
        },
      },
      runs,
    );
    const ms = (k) => median(t[k].map((r) => r.ms));
    const rss = (k) => median(t[k].map((r) => r.maxRssKb));
    const timeRatio = ms("ours") / ms("floor");
    const rssRatio = rss("ours") / rss("floor");
    const ops = /(\d+) operations/.exec(t.ours[0].stdout)?.[1] ?? "?";
    return {
      rows: [
        {
          line: `3 GitHub spec (${ops} ops, 13 MB) time, cold process`,
          measured: `${fmt.s(ms("ours"))} vs ${fmt.s(ms("floor"))}`,
          ratio: fmt.x(timeRatio),
          target: "≤ 1.50×",
          pass: timeRatio <= 1.5,
        },
        {
          line: "3 GitHub spec peak RSS (node process)",
          measured: `${fmt.mb(rss("ours"))} vs ${fmt.mb(rss("floor"))}`,
          ratio: fmt.x(rssRatio),
          target: "≤ 1.50×",
          pass: rssRatio <= 1.5,
        },
      ],
      detail: {
        ours: t.ours.map((r) => [Math.round(r.ms), r.maxRssKb]),
        floor: t.floor.map((r) => [Math.round(r.ms), r.maxRssKb]),
      },
    };
  } finally {
    remove(dir);
  }
}
