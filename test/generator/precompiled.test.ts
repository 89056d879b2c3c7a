// dist/precompiled.json (generator/precompiled.ts): the runtime's compiled output, computed at
// build time. A run must emit exactly what compiling would, and compile whatever the table does
// not hold for the very same text.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileFiles, declarationOf, transpileJs } from "../../generator/compile.js";
import {
  buildPrecompiled,
  readPrecompiled,
  sourceKey,
  type PrecompiledTable,
} from "../../generator/precompiled.js";
import { testingSources, type RenderedFile } from "../../generator/render.js";
import { ROOT } from "./workspace.js";

const dir = mkdtempSync(join(tmpdir(), "xdr-precompiled-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stamp = { build: "b1", typescript: "5.9.3", esbuild: "0.28.2" };
const source = "export const n: number = 1;\n";

describe("readPrecompiled", () => {
  const file = join(dir, "precompiled.json");
  writeFileSync(file, JSON.stringify({ ...stamp, files: { [sourceKey(source)]: { js: "J" } } }));

  it("reads a table stamped like the running generator", async () => {
    const table = await readPrecompiled(file, stamp);
    expect(table?.get(sourceKey(source))).toEqual({ js: "J" });
  });
  it.each([
    ["another build of the generator", { build: "b2" }],
    ["another TypeScript", { typescript: "5.8.0" }],
    ["another esbuild", { esbuild: "0.27.0" }],
  ])("ignores a table written by %s", async (_title, over) => {
    expect(await readPrecompiled(file, { ...stamp, ...over })).toBeUndefined();
  });
  it("ignores a missing or broken file", async () => {
    writeFileSync(join(dir, "broken.json"), "{");
    expect(await readPrecompiled(join(dir, "missing.json"), stamp)).toBeUndefined();
    expect(await readPrecompiled(join(dir, "broken.json"), stamp)).toBeUndefined();
  });
  it("drops entries of the wrong shape: they are compiled again", async () => {
    const odd = join(dir, "odd.json");
    const files = { a: { js: 5 }, b: null, c: { js: "J", dts: 1 }, d: { js: "J", dts: "D" } };
    writeFileSync(odd, JSON.stringify({ ...stamp, files }));
    expect([...((await readPrecompiled(odd, stamp)) ?? [])]).toEqual([
      ["d", { js: "J", dts: "D" }],
    ]);
  });
});

describe("compileFiles with a table", () => {
  // Sentinel output: only a lookup can produce it.
  const table: PrecompiledTable = new Map([
    [sourceKey(source), { js: "// from the table\n", dts: "// declared by the table\n" }],
  ]);

  it("takes a source's output from the table when its text matches", async () => {
    const out = await compileFiles(
      [{ path: "src/runtime/a.ts", content: source, format: false }],
      table,
    );
    expect(out).toEqual([
      { path: "dist/runtime/a.js", content: "// from the table\n", format: false },
      { path: "dist/runtime/a.d.ts", content: "// declared by the table\n", format: false },
    ]);
  });
  it("compiles a source whose text differs (an edited runtime, a template override)", async () => {
    const edited = source.replace("1", "2");
    const out = await compileFiles(
      [{ path: "src/runtime/a.ts", content: edited, format: false }],
      table,
    );
    expect(out.map((f) => f.content)).toEqual([
      "const n = 2;\nexport {\n  n\n};\n",
      "export declare const n: number;\n",
    ]);
  });
  it("declares a source the table holds JavaScript only for", async () => {
    const jsOnly: PrecompiledTable = new Map([[sourceKey(source), { js: "// js\n" }]]);
    const out = await compileFiles(
      [{ path: "src/a/index.ts", content: source, format: false }],
      jsOnly,
    );
    expect(out.map((f) => f.content)).toEqual(["// js\n", "export declare const n: number;\n"]);
  });
  it("keeps the declarations a file was rendered with", async () => {
    const out = await compileFiles(
      [{ path: "src/a/client.ts", content: source, declaration: "// rendered\n", format: false }],
      table,
    );
    expect(out.map((f) => f.content)).toEqual([
      "const n = 1;\nexport {\n  n\n};\n",
      "// rendered\n",
    ]);
  });
});

describe("the runtime's table", () => {
  it(
    "holds what compiling the runtime and testing sources emits",
    { timeout: 60_000 },
    async () => {
      const ts = (await import("typescript")).default;
      const esbuild = await import("esbuild");
      const built = await buildPrecompiled(
        join(ROOT, "templates"),
        { build: "b", typescript: ts.version, esbuild: esbuild.version },
        {
          js: (path, content) => transpileJs({ path, content }),
          dts: (path, content) => declarationOf(ts, path, content),
        },
      );
      const runtime: RenderedFile[] = readdirSync(join(ROOT, "templates", "runtime"))
        .filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts"))
        .map((n) => ({
          path: `src/runtime/${n}`,
          content: readFileSync(join(ROOT, "templates", "runtime", n), "utf8"),
          format: false,
        }));
      // The simulator as a run compiles it: only its entry point is declared.
      const sources = [...runtime, ...(await testingSources(join(ROOT, "templates")))];
      expect(Object.keys(built.files)).toHaveLength(new Set(sources.map((s) => s.content)).size);
      const looked = await compileFiles(sources, new Map(Object.entries(built.files)));
      expect(looked).toEqual(await compileFiles(sources, null));
    },
  );
});
