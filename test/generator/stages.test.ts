import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileFiles } from "../../generator/compile.js";
import { BadInputError } from "../../generator/errors.js";
import { FORMAT_LIMIT, formatFiles } from "../../generator/format.js";
import { loadSpec } from "../../generator/load.js";
import { buildModel } from "../../generator/model.js";
import { apiView } from "../../generator/api-view.js";
import { loadTemplates, renderApiFiles, renderTypes } from "../../generator/render.js";
import { assertReplaceable, recover, writeOutput } from "../../generator/write.js";
import { apiConfig, ROOT } from "./workspace.js";

const dir = mkdtempSync(join(tmpdir(), "xdr-stages-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const petsApi = apiConfig({ name: "pets" });

describe("render", async () => {
  const spec = await loadSpec("test/fixtures/specs/pets.yaml");
  const view = apiView(buildModel(spec, petsApi));
  const templates = await loadTemplates(join(ROOT, "templates"));
  // Golden files show the layout users get: templates print it, prettier is opt-in.
  const files = renderApiFiles(view, await renderTypes(spec.document), templates);
  const file = (name: string) => files.find((f) => f.path === name)!.content;

  it("names the client after the API", () => {
    expect(view).toMatchObject({
      clientType: "PetsClient",
      createFn: "createPetsClient",
      descriptorConst: "PETS_API",
    });
  });
  it.each([
    ["src/pets/client.ts", "client.ts"],
    ["src/pets/operations.ts", "operations.ts"],
    ["docs/pets.md", "pets.md"],
  ])("renders %s as the golden file", async (path, golden) => {
    await expect(file(path)).toMatchFileSnapshot(`golden/pets/${golden}`);
  });
  it.each([
    ["src/pets/client.ts", "client.d.ts"],
    ["src/pets/operations.ts", "operations.d.ts"],
  ])("renders the declarations of %s as the golden file", async (path, golden) => {
    const declaration = files.find((f) => f.path === path)!.declaration!;
    await expect(declaration).toMatchFileSnapshot(`golden/pets/${golden}`);
  });
  it("refuses spec text printed without a helper", async () => {
    mkdirSync(join(dir, "bad-templates"), { recursive: true });
    writeFileSync(join(dir, "bad-templates/client.ts.hbs"), "// {{title}}\n");
    const bad = await loadTemplates(join(ROOT, "templates"), join(dir, "bad-templates"));
    expect(() => bad.render("client.ts.hbs", { ...view, title: 'x"; evil()' })).toThrow(
      /use a helper/,
    );
  });
});

describe("format", () => {
  it.each([
    ["template output", { path: "a.ts", content: "const   a =1", format: true }, "const a = 1;\n"],
    [
      "the types file",
      { path: "types.ts", content: "const   a =1", format: false },
      "const   a =1",
    ],
    [
      "a file past the limit",
      { path: "big.ts", content: "x".repeat(FORMAT_LIMIT + 1), format: true },
      "x".repeat(FORMAT_LIMIT + 1),
    ],
  ])("%s", async (_title, given, want) => {
    expect((await formatFiles([given]))[0]!.content).toBe(want);
  });
  it("names the file a broken template produced", async () => {
    await expect(
      formatFiles([{ path: "src/x.ts", content: "const = ;", format: true }]),
    ).rejects.toThrow(/a template produced invalid typescript for src\/x\.ts/);
  });
});

describe("compile", () => {
  it("emits JavaScript and declarations per file, and the types file as its own declaration", async () => {
    const out = await compileFiles([
      {
        path: "src/a/client.ts",
        content: "export const n: number = 1;\nexport type T = string;\n",
        format: false,
      },
      { path: "src/a/types.ts", content: "export interface paths {}\n", format: false },
      { path: "docs/a.md", content: "# a", format: false },
    ]);
    expect(Object.fromEntries(out.map((f) => [f.path, f.content]))).toEqual({
      "dist/a/client.js": "const n = 1;\nexport {\n  n\n};\n",
      "dist/a/client.d.ts": "export declare const n: number;\nexport type T = string;\n",
      "dist/a/types.d.ts": "export interface paths {}\n",
      "dist/a/types.js": "export {};\n",
    });
  });
  it("says which file needs an annotation", async () => {
    await expect(
      compileFiles([
        { path: "src/a/x.ts", content: "export const f = (a: number) => a;\n", format: false },
      ]),
    ).rejects.toThrow(/cannot compile src\/a\/x\.ts:1/);
  });
});

describe("write", () => {
  it("swaps the new output in whole", async () => {
    const out = join(dir, "out1");
    await writeOutput(out, [{ path: "a/b.txt", content: "one" }], []);
    await writeOutput(out, [{ path: "c.txt", content: "two" }], ["a"]);
    expect(readFileSync(join(out, "a/b.txt"), "utf8")).toBe("one");
    expect(readFileSync(join(out, "c.txt"), "utf8")).toBe("two");
  });
  it.each([
    [
      "puts back output moved aside by an interrupted swap",
      { out: false, old: true },
      { out: "old", old: false },
    ],
    [
      "drops the old copy when the swap had finished",
      { out: true, old: true },
      { out: "new", old: false },
    ],
  ])("%s", async (_title, given, want) => {
    const out = join(dir, `out-${given.out}-${given.old}`);
    const old = join(dir, `.out-${given.out}-${given.old}.old`);
    if (given.out) writeOutputSync(out, "new");
    if (given.old) writeOutputSync(old, "old");
    await recover(out);
    expect(readFileSync(join(out, "f"), "utf8")).toBe(want.out);
    expect(existsSync(old)).toBe(want.old);
  });
  it("refuses a folder it did not write, accepts an empty one or one with only a README", async () => {
    writeOutputSync(join(dir, "foreign"), "mine");
    await expect(assertReplaceable(join(dir, "foreign"))).rejects.toBeInstanceOf(BadInputError);
    mkdirSync(join(dir, "readme-only"));
    writeFileSync(join(dir, "readme-only/README.md"), "#");
    await expect(assertReplaceable(join(dir, "readme-only"))).resolves.toBeUndefined();
    await expect(assertReplaceable(join(dir, "absent"))).resolves.toBeUndefined();
  });
});

function writeOutputSync(folder: string, content: string) {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "f"), content);
}

describe("renderTypes", () => {
  const doc = {
    openapi: "3.0.3",
    info: { title: "t", version: "1" },
    paths: {},
    components: {
      schemas: {
        Any: { type: "object", properties: {}, description: "Go's interface{}" },
        Map: { type: "object", additionalProperties: { type: "string" } },
      },
    },
  };
  it.each([
    ["as a free-form record by default", false, "Any: Record<string, unknown>;"],
    ["as unknown when the API asks for it", true, "Any: unknown;"],
  ])("types an object with no properties %s", async (_title, emptyObjectsAsUnknown, want) => {
    const types = await renderTypes(doc, { emptyObjectsAsUnknown });
    expect(types).toContain(want);
    expect(types).toContain("Map: {\n            [key: string]: string;\n        };");
  });
});

describe("renderTypes for binary strings", () => {
  it("types `format: binary` as Blob, as the runtime sends and returns it", async () => {
    const types = await renderTypes({
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      paths: {},
      components: { schemas: { File: { type: "string", format: "binary" } } },
    });
    expect(types).toContain("File: Blob;");
  });
});
