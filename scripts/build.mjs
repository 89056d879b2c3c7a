// Bundles the generator (generator/*.ts) into dist/xdr-codegen.js with esbuild.
// Runs from `npm ci` (prepare) and, with --if-stale, before every npm script that uses the CLI,
// so a fresh clone needs no manual build step and an edit to generator/ is never run stale.
import { build } from "esbuild";
import { readdirSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const outfile = join(root, "dist", "xdr-codegen.js");

function newestSourceMtime() {
  let newest = statSync(join(root, "package.json")).mtimeMs;
  // Recursive: generator/targets/ holds the MCP and CLI targets.
  for (const name of readdirSync(join(root, "generator"), { recursive: true })) {
    newest = Math.max(newest, statSync(join(root, "generator", name)).mtimeMs);
  }
  return newest;
}

if (process.argv.includes("--if-stale") && existsSync(outfile)) {
  if (statSync(outfile).mtimeMs >= newestSourceMtime()) process.exit(0);
}

await build({
  entryPoints: [join(root, "generator", "cli.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  banner: { js: "#!/usr/bin/env node" },
  logLevel: "warning",
});
