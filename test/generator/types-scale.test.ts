// The per-operation types are written out as indexed access types (generator/type-exprs.ts) so
// that a consumer's full lib check evaluates no conditional type per operation (bench line 9).
// They must mean exactly what the runtime's helpers (`FlatArgs`, `SplitArgs`, `BodyArg`,
// `Success` in templates/runtime/types.ts) compute: compared here, in both directions, on every
// operation of the XDR specs and of public example specs, by one strict tsc run.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configOf } from "../../generator/api.js";
import { loadConfig, type ApiConfig } from "../../generator/config.js";
import { deriveSpec } from "../../generator/derive.js";
import { loadSpec } from "../../generator/load.js";
import { buildModel } from "../../generator/model.js";
import type { ApiModel } from "../../generator/model-types.js";
import { renderTypes } from "../../generator/render.js";
import { operationTarget, paramsTypeExpr, responseTypeExpr } from "../../generator/type-exprs.js";
import { strictTsc } from "../support/tsc.js";
import { ROOT } from "./workspace.js";

const OUT = join(ROOT, ".xdr-test-tmp/types-scale");
const EXAMPLES = join(ROOT, "node_modules/@readme/oas-examples");
const PUBLIC = [
  "3.0/json/petstore.json",
  "3.0/json/file-uploads.json",
  "3.0/json/form-data.json",
  "3.0/json/http-status-codes.json",
  "3.0/json/polymorphism.json",
  "3.1/json/parameters-style.json",
  "3.1/json/readme.json",
];
const HELPER = { flat: "FlatArgs", split: "SplitArgs", body: "BodyArg" } as const;

/** The helper section of the runtime's types.ts: it imports nothing. */
function helpers(): string {
  const source = readFileSync(join(ROOT, "templates/runtime/types.ts"), "utf8");
  const start = source.indexOf("// ---- Type helpers");
  const end = source.indexOf("// ---- Options");
  if (start < 0 || end < start) throw new Error("types.ts: helper section markers moved");
  return source.slice(start, end);
}

/** One module per API: `Same<helper, expression>` for the argument and result of each operation. */
function comparisons(model: ApiModel): { text: string; count: number } {
  const lines = [
    'import type { paths } from "./types.js";',
    'import type { FlatArgs, SplitArgs, BodyArg, Success } from "../helpers.js";',
    "type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;",
  ];
  let count = 0;
  for (const op of model.operations) {
    const target = operationTarget(op);
    const label = JSON.stringify(`${op.method} ${op.path}`);
    if (op.args !== "none") {
      const helper = `${HELPER[op.args]}<${target}>`;
      lines.push(
        `export const a${count}: [${label}, Same<${helper}, ${paramsTypeExpr(model, op)}>] = [${label}, true];`,
      );
    }
    const result = responseTypeExpr(model, op);
    // A binary answer is a Blob and a text one a string (what the runtime returns), which
    // Success<> cannot tell from the spec's schema.
    if (op.response === "json" || op.response === "none")
      lines.push(
        `export const r${count}: [${label}, Same<Success<${target}>, ${result}>] = [${label}, true];`,
      );
    count++;
  }
  return { text: lines.join("\n") + "\n", count };
}

async function writeApi(dir: string, api: ApiConfig): Promise<number> {
  const spec = deriveSpec(await loadSpec(api.spec), api.derive);
  const model = buildModel(spec, api);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "types.ts"),
    await renderTypes(model.document, { emptyObjectsAsUnknown: api.emptyObjectsAsUnknown }),
  );
  const { text, count } = comparisons(model);
  writeFileSync(join(dir, "check.ts"), text);
  return count;
}

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe("per-operation types as indexed access types", () => {
  it("mean what FlatArgs/SplitArgs/BodyArg/Success mean, on every operation", async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, "helpers.ts"), helpers());
    const apis: ApiConfig[] = [];
    const xdr = await loadConfig(join(ROOT, "xdr-codegen.config.json"));
    apis.push(...xdr.apis.filter((a) => existsSync(a.spec)));
    for (const rel of PUBLIC) {
      const name = rel.replace(/\W+/g, "-").replace(/-json$/, "");
      const config = await configOf({ input: join(EXAMPLES, rel), name, out: OUT, cwd: ROOT });
      apis.push(...config.apis);
    }
    const files: string[] = [];
    let operations = 0;
    for (const [i, api] of apis.entries()) {
      const dir = join(OUT, `api${i}`);
      operations += await writeApi(dir, api);
      files.push(join(dir, "check.ts"));
    }
    expect(apis.length).toBeGreaterThanOrEqual(PUBLIC.length + 4);
    expect(operations).toBeGreaterThan(600);
    const r = strictTsc(OUT, { files });
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  }, 240_000);
});
