// Where generation time goes, stage by stage (a profile for lines 1 and 3 of the bench; not part
// of `npm run bench`). Runs the generator's own stages from generator/ in one cold process:
//   node --import tsx bench/stages.ts                   the three XDR specs of the config
//   node --import tsx bench/stages.ts --input <spec>    one spec, as `generate --input`
// Module loading is timed apart (first load of each dependency; the bundled CLI takes the
// CommonJS ones with require, see scripts/build.mjs), then per API: load (parse, Redocly lint +
// bundle), model, render types (openapi-typescript), templates, prettier (only with
// `"format": "prettier"`, as `generate`), compile (esbuild + declarations), and last the
// runtime and simulator sources (looked up in dist/precompiled.json when it is current, as the
// bundled CLI does; a source that misses is compiled).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { compileFiles } from "../generator/compile.js";
import { loadConfig, parseConfig, type Config } from "../generator/config.js";
import { formatFiles } from "../generator/format.js";
import { DEFAULT_TEMPLATES } from "../generator/generate.js";
import { loadSpec } from "../generator/load.js";
import { buildModel } from "../generator/model.js";
import { PRECOMPILED_FILE, readPrecompiled } from "../generator/precompiled.js";
import { apiView } from "../generator/api-view.js";
import {
  loadTemplates,
  renderApiFiles,
  renderTypes,
  testingSources,
  type RenderedFile,
} from "../generator/render.js";

const started = performance.now();
const rows: [string, number][] = [];
async function time<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const t = performance.now();
  const result = await fn();
  rows.push([label, performance.now() - t]);
  return result;
}

const { values } = parseArgs({ options: { input: { type: "string" } } });
const root = join(import.meta.dirname, "..");
const config: Config = values.input
  ? parseConfig(
      {
        output: "/nonexistent",
        package: { name: "x", version: "0.0.0" },
        apis: { x: { spec: resolve(values.input) } },
      },
      "--input",
      process.cwd(),
    )
  : await loadConfig(join(root, "xdr-codegen.config.json"));

const require = createRequire(import.meta.url);
for (const mod of ["typescript", "openapi-typescript", "@redocly/openapi-core"]) {
  await time(`require ${mod}`, () => require(mod) as unknown);
}
// generator/*.ts imports them (the bundle does not): loaded here, not inside the first API's row.
await time("import typescript, openapi-typescript, Redocly (ESM, as under tsx)", () =>
  Promise.all([
    import("typescript"),
    import("openapi-typescript"),
    import("@redocly/openapi-core"),
  ]),
);
for (const mod of ["js-yaml", "handlebars", "esbuild"]) {
  await time(`import ${mod}`, () => import(mod));
}
if (config.format === "prettier") await time("import prettier", () => import("prettier"));
const templates = await time("load templates", () => loadTemplates(DEFAULT_TEMPLATES));
const all: RenderedFile[] = [];
for (const api of config.apis) {
  const spec = await time(`${api.name}: load (parse, lint, bundle)`, () => loadSpec(api.spec));
  const model = await time(`${api.name}: model`, () => buildModel(spec, api, config.tokenUrls));
  const view = await time(`${api.name}: view`, () => apiView(model));
  const types = await time(`${api.name}: types (openapi-typescript)`, () =>
    renderTypes(model.document, { emptyObjectsAsUnknown: api.emptyObjectsAsUnknown }),
  );
  const files = await time(`${api.name}: templates`, () => renderApiFiles(view, types, templates));
  const formatted =
    config.format === "prettier"
      ? await time(`${api.name}: prettier`, () => formatFiles(files))
      : files;
  all.push(...formatted);
  await time(`${api.name}: compile (esbuild + declarations)`, () => compileFiles(formatted, null));
}
const shared = await time("runtime + testing: read", () => sharedSources());
const table = await time("runtime + testing: read dist/precompiled.json", () => precompiled());
await time(
  `runtime + testing: compile (${table ? "precompiled table" : "no current table: compiled"})`,
  () => compileFiles(shared, table ?? null),
);
const total = performance.now() - started;
for (const [label, ms] of rows) {
  console.log(
    `${ms.toFixed(0).padStart(7)} ms  ${((ms / total) * 100).toFixed(0).padStart(3)} %  ${label}`,
  );
}
console.log(`${total.toFixed(0).padStart(7)} ms        total (after process start)`);

/** The runtime and simulator sources, as `generate` compiles them. */
async function sharedSources(): Promise<RenderedFile[]> {
  const { readdir, readFile } = await import("node:fs/promises");
  const dir = join(DEFAULT_TEMPLATES, "runtime");
  const names = (await readdir(dir)).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts"));
  const runtime = await Promise.all(
    names.sort().map(async (name) => ({
      path: `src/runtime/${name}`,
      content: await readFile(join(dir, name), "utf8"),
      format: false,
    })),
  );
  return [...runtime, ...(config.xdr ? await testingSources(DEFAULT_TEMPLATES) : [])];
}

/**
 * dist/precompiled.json if written by the installed TypeScript and esbuild. Under tsx there is
 * no bundle to match its build stamp against: entries are still only used for identical text.
 */
async function precompiled() {
  const file = join(root, "dist", PRECOMPILED_FILE);
  let build: string;
  try {
    build = (JSON.parse(readFileSync(file, "utf8")) as { build: string }).build;
  } catch {
    return undefined;
  }
  const ts = require("typescript") as typeof import("typescript");
  const esbuild = await import("esbuild");
  return readPrecompiled(file, { build, typescript: ts.version, esbuild: esbuild.version });
}
