// generator/reexports.ts prints a re-exporting module's declarations without TypeScript: it must
// print exactly what ts.transpileDeclaration does, and leave to it whatever it cannot.
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { declarationOf } from "../../generator/compile.js";
import { loadSpec } from "../../generator/load.js";
import { buildModel } from "../../generator/model.js";
import { apiView } from "../../generator/api-view.js";
import { loadTemplates, renderApiFiles, renderTypes } from "../../generator/render.js";
import { reexportDeclaration } from "../../generator/reexports.js";
import { apiConfig, ROOT } from "./workspace.js";

const typescript = (source: string) => declarationOf(ts, "src/a/index.ts", source);

describe("reexportDeclaration", () => {
  it.each([
    ["one list", 'export { a, b } from "./x.js";\n'],
    ["a type-only list", 'export type { A, B } from "./types.js";\n'],
    ["type modifiers and renames", 'export { a as b, type C, type D as E } from "./x.js";\n'],
    ["a trailing comma", 'export {\n  a,\n  type B,\n} from "./x.js";\n'],
    ["one name, trailing comma", 'export {\n  a,\n} from "./x.js";\n'],
    ["export *", 'export * from "../runtime/index.js";\n'],
    ["export * as", 'export * as ns from "./x.js";\n'],
    ["a package path", 'export { a } from "@scope/pkg/sub.js";\n'],
    ["tight spacing", 'export{a,b}from"./x.js";export*from"./y.js";\n'],
    [
      "comments and blank lines",
      [
        "// Generated. Entry point.",
        'export { createClient, API, type Client } from "./client.js";',
        "",
        "  // Named types:",
        "export {",
        "  A,",
        "  // a note inside the list",
        "  type B,",
        '} from "./names.js";',
        'export * from "../runtime/index.js";',
        "",
      ].join("\n"),
    ],
  ])("prints %s as TypeScript does", (_title, source) => {
    expect(reexportDeclaration(source)).toBe(typescript(source));
  });

  it("prints every API entry point a template renders as TypeScript does", async () => {
    const templates = await loadTemplates(join(ROOT, "templates"));
    for (const [name, spec] of [
      ["pets", "test/fixtures/specs/pets.yaml"],
      ["iroh", "specs/iroh.yaml"],
    ] as const) {
      const loaded = await loadSpec(spec);
      const view = apiView(buildModel(loaded, apiConfig({ name, spec })));
      const files = renderApiFiles(view, await renderTypes(loaded.document), templates);
      const index = files.find((f) => f.path === `src/${name}/index.ts`)!.content;
      const ours = reexportDeclaration(index);
      expect(ours, `${name}'s index.ts re-exports only`).toBeDefined();
      expect(ours).toBe(typescript(index));
    }
  });

  it.each([
    ["code", 'export const a: number = 1;\nexport { b } from "./x.js";\n'],
    ["an import", 'import { a } from "./x.js";\nexport { a };\n'],
    ["a local export list", "export { a };\n"],
    ["a block comment", '/** Doc. */\nexport { a } from "./x.js";\n'],
    ["a comment after code", 'export { a } from "./x.js"; // why\n'],
    ["a missing semicolon", 'export { a } from "./x.js"\n'],
    ["an empty list", 'export {} from "./x.js";\n'],
    ["a string name", 'export { "a-b" as c } from "./x.js";\n'],
    ["a name exported twice", 'export { a } from "./x.js";\nexport { b as a } from "./y.js";\n'],
    ["type inside export type", 'export type { type A } from "./x.js";\n'],
    ["export type *", 'export type * from "./x.js";\n'],
    ["a single-quoted path", "export { a } from './x.js';\n"],
    ["CRLF line ends", 'export { a } from "./x.js";\r\n'],
    ["only comments", "// nothing\n"],
  ])("leaves a module with %s to TypeScript", (_title, source) => {
    expect(reexportDeclaration(source)).toBeUndefined();
  });
});
