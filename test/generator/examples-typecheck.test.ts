// Every method of xdr-sdk shows an `@example` call in its JSDoc, and every such call compiles
// under --strict against the package's own declarations: the arguments are realistic and
// typed right (required fields present, enums valid, renamed path parameters), not decoration.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { strictTsc } from "../support/tsc.js";
import { ROOT } from "./workspace.js";

const DIST = join(ROOT, "generated", "dist");
const apis = readdirSync(DIST, { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(join(DIST, d.name)).includes("client.d.ts"))
  .map((d) => d.name);

/** A method declaration: a call signature or a waitable start. */
const METHOD = /^(?:readonly )?[A-Za-z_$"][\w$"]*(?:\((?:args|options)\b|: WaitableStart)/;

/** The `@example` blocks of a client.d.ts, each with the method declaration it documents. */
function examples(api: string): { code: string; method: string }[] {
  const text = readFileSync(join(DIST, api, "client.d.ts"), "utf8");
  const out: { code: string; method: string }[] = [];
  const block = /\/\*\*\n((?:\s*\*.*\n)*?)\s*\*\/\n\s*([^\n]+)/g;
  for (const m of text.matchAll(block)) {
    const lines = m[1]!.split("\n").map((l) => l.replace(/^\s*\* ?/, ""));
    const at = lines.indexOf("@example");
    // Only method declarations (the create function's example builds a client instead).
    if (at < 0 || !METHOD.test(m[2]!)) continue;
    const code = lines
      .slice(at + 1)
      .join("\n")
      .trim();
    out.push({ code, method: m[2]!.trim() });
  }
  return out;
}

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
    let source = `import type { Xdr } from ${JSON.stringify(index)};\n`;
    let n = 0;
    for (const api of apis) {
      for (const { code, method } of examples(api)) {
        source += `// ${api}: ${method.slice(0, 80).replace(/\n/g, " ")}\nexport async function example${n++}(xdr: Xdr): Promise<void> {\n${code}\n  void xdr;\n}\n`;
      }
    }
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
