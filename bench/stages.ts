// Where generation time goes, stage by stage (a profile for lines 1 and 3 of the bench; not part
// of `npm run bench`). Runs the generator's own stages from generator/ in one cold process:
//   node --import tsx bench/stages.ts                   the three XDR specs of the config
//   node --import tsx bench/stages.ts --input <spec>    one spec, as `generate --input`
// Module loading is timed apart (first import of each dependency), then per API: load (parse,
// Redocly lint + bundle), model, render types (openapi-typescript), templates, prettier,
// compile (esbuild + ts.transpileDeclaration), and the shared files.
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { compileFiles } from "../generator/compile.js";
import { loadConfig, parseConfig, type Config } from "../generator/config.js";
import { formatFiles } from "../generator/format.js";
import { DEFAULT_TEMPLATES } from "../generator/generate.js";
import { loadSpec } from "../generator/load.js";
import { buildModel } from "../generator/model.js";
import {
  apiView,
  loadTemplates,
  renderApiFiles,
  renderTypes,
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

for (const mod of [
  "@redocly/openapi-core",
  "yaml",
  "openapi-typescript",
  "typescript",
  "prettier",
  "handlebars",
  "esbuild",
]) {
  await time(`import ${mod}`, () => import(mod));
}
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
  const formatted = await time(`${api.name}: prettier`, () => formatFiles(files));
  all.push(...formatted);
  await time(`${api.name}: compile (esbuild + transpileDeclaration)`, () =>
    compileFiles(formatted),
  );
}
const total = performance.now() - started;
for (const [label, ms] of rows) {
  console.log(
    `${ms.toFixed(0).padStart(7)} ms  ${((ms / total) * 100).toFixed(0).padStart(3)} %  ${label}`,
  );
}
console.log(`${total.toFixed(0).padStart(7)} ms        total (after process start)`);
