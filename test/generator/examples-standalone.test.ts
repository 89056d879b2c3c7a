// The `@example` of every method of a standalone package compiles under --strict against the
// package's declarations: test/fixtures/examples-standalone.yaml holds the spec shapes whose
// examples once did not (corpus audit: 163 of 7,896 broken in 37 of 202 packages), namely an
// enum or a list behind `allOf: [{ $ref }, { description }]`, a binary field (a Blob), a
// required object deeper than the old depth bound (then `{}`), a `default` that makes a named
// schema's property required, spec values outside their enum or of another type, and a
// `oneOf` beside the schema's own type or properties (GitHub), and a path parameter renamed
// `id_path`.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../generator/api.js";
import { exampleBlocks, examplesModule } from "./example-blocks.js";
import { ROOT } from "./workspace.js";
import { strictTsc } from "../support/tsc.js";

mkdirSync(join(ROOT, ".xdr-test-tmp"), { recursive: true });
const dir = mkdtempSync(join(ROOT, ".xdr-test-tmp", "examples-standalone-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let result: Awaited<ReturnType<typeof generate>> | Error;
beforeAll(async () => {
  copyFileSync(join(ROOT, "test/fixtures/examples-standalone.yaml"), join(dir, "spec.yaml"));
  result = await generate({ input: "spec.yaml", name: "examples", out: "out", cwd: dir }).catch(
    (error: unknown) => error as Error,
  );
}, 180_000);

describe("examples of a standalone package", () => {
  it("generate", () => {
    expect(result).toEqual({ generated: ["examples"], unchanged: [] });
  });

  it("show values of each field's type", () => {
    const text = readFileSync(join(dir, "out/dist/examples/client.d.ts"), "utf8");
    const calls = exampleBlocks(text).map((e) => e.code);
    const call = (method: string) => calls.find((c) => c.includes(`client.${method}(`)) ?? "";
    // The enum's value and the list's objects through the allOf wrapper; the spec's default
    // "10" is no integer and the example "low | high" no value of its enum; the payment
    // method's `type` has a default, so its type requires it.
    expect(call("reports.create")).toContain(
      '{ Format: "CSV", Tags: [{ Key: "example", Value: "example" }], Kind: "alpha", Size: 20, Level: "low", Filter: {}, Payment: { applePayToken: "example", type: "applepay" } }',
    );
    expect(call("upload.create")).toContain('{ file: new Blob(["example"]) }');
    expect(call("rawApi.replace")).toContain('(new Blob(["example"]))');
    // Required six levels down: filled, not `{}`.
    expect(call("deep.create")).toContain(
      'metricTrigger: { metricName: "example", operator: "Equals" }, scaleAction: { cooldown: "example", direction: "Increase" }',
    );
    // openapi-typescript makes a named schema's property with a default required.
    expect(call("settings.replace")).toContain('{ allow_no_referrer: false, mode: "fast" }');
    expect(call("things.list")).toContain('{ status: "CSV", limit: 20 }');
    // A oneOf beside the schema's own type or properties: a branch of that type, merged.
    expect(call("contexts.create")).toContain('(["example"])');
    // The path's `id`, renamed beside the query's, still gets an id's value.
    expect(call("items.get")).toContain(
      '{ id_path: "8d148239-8fda-4fe8-973e-3f181396101f", id: "8d148239-8fda-4fe8-973e-3f181396101f" }',
    );
    expect(call("checkRuns.create")).toContain(
      '{ name: "Example", status: "completed", conclusion: "success" }',
    );
  });

  it("type-check under --strict, each example against the declarations", () => {
    const examples = exampleBlocks(
      readFileSync(join(dir, "out/dist/examples/client.d.ts"), "utf8"),
    );
    expect(examples.length).toBe(9);
    writeFileSync(
      join(dir, "out/consumer.ts"),
      `import type { ExamplesClient } from "./dist/examples/index.js";\n` +
        examplesModule(examples, "client", "ExamplesClient"),
    );
    const tsc = strictTsc(join(dir, "out"), {
      include: ["src/**/*.ts", "dist/**/*.d.ts", "consumer.ts"],
    });
    expect(tsc.output).toBe("");
    expect(tsc.status).toBe(0);
  }, 180_000);
});
