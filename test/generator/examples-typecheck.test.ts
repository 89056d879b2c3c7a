// Every method of xdr-sdk shows an `@example` call in its JSDoc, and every such call compiles
// under --strict against the package's own declarations: the arguments are realistic and
// typed right (required fields present, enums valid, renamed path parameters), not decoration.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { strictTsc } from "../support/tsc.js";
import { exampleBlocks, examplesModule, METHOD } from "./example-blocks.js";
import { ROOT } from "./workspace.js";

const DIST = join(ROOT, "generated", "dist");
const apis = readdirSync(DIST, { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(join(DIST, d.name)).includes("client.d.ts"))
  .map((d) => d.name);

/** The `@example` blocks of one API's client.d.ts. */
const examples = (api: string) =>
  exampleBlocks(readFileSync(join(DIST, api, "client.d.ts"), "utf8"));

/** Methods declared in a client.d.ts. */
function methodCount(api: string): number {
  const text = readFileSync(join(DIST, api, "client.d.ts"), "utf8");
  return text.split("\n").filter((line) => METHOD.test(line.trim())).length;
}

mkdirSync(join(ROOT, ".xdr-test-tmp"), { recursive: true });
const dir = mkdtempSync(join(ROOT, ".xdr-test-tmp", "examples-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("@example of every generated method", () => {
  it.each(apis)("%s: every method has one", (api) => {
    const found = examples(api);
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBe(methodCount(api));
  });

  it("every example compiles under --strict against the package", () => {
    const index = join(DIST, "index.js").replace(/\\/g, "/");
    const all = apis.flatMap((api) => examples(api));
    const source =
      `import type { Xdr } from ${JSON.stringify(index)};\n` + examplesModule(all, "xdr", "Xdr");
    writeFileSync(join(dir, "examples.ts"), source);
    const { output, status } = strictTsc(dir, {
      files: ["examples.ts"],
      compilerOptions: { skipLibCheck: true, noUnusedLocals: false },
    });
    expect(
      output
        .split("\n")
        .filter((l) => l.includes("error TS"))
        .slice(0, 20),
    ).toEqual([]);
    expect(status).toBe(0);
  });
});
