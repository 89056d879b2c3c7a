// The READMEs say only what is true of the generated package: every ```ts block compiles as
// written under strict TypeScript against the package (nothing is declared for it, so a name left
// to the reader, such as `clientId`, fails), the names of "Types by name" are exports of the
// package, and the dependencies and every API's base-URL variable are named. The package README
// is rendered from templates/partials/readme-xdr.hbs, the repository's README is hand-written.
// There is no way to mark a block as a fragment: every one is a program a reader may paste.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRICT_OPTIONS } from "../support/tsc.js";

const ROOT = join(import.meta.dirname, "..", "..");
const GENERATED = join(ROOT, "generated");
const READMES = ["generated/README.md", "README.md"] as const;

const readme = (name: string) => readFileSync(join(ROOT, name), "utf8");

/** The package's APIs: the folders of dist/ that hold a client. */
const APIS = readdirSync(join(GENERATED, "dist"), { withFileTypes: true })
  .filter(
    (d) => d.isDirectory() && readdirSync(join(GENERATED, "dist", d.name)).includes("client.d.ts"),
  )
  .map((d) => d.name);

/** The namespace under which the root exports an API's names (`ctia` → `Ctia`). */
const namespaceOf = (api: string) => api[0]!.toUpperCase() + api.slice(1);

/** Every ```ts block of a README, with the README line its first line is on (1-based). */
function tsBlocks(text: string): { code: string; line: number }[] {
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => ({
    code: m[1]!,
    line: text.slice(0, m.index).split("\n").length + 1,
  }));
}

/** Where each written file came from: a README and the line of the block's first line. */
const origin = new Map<string, { readme: string; line: number }>();
let dir: string;
let program: ts.Program;
/** The names each entry point exports (`""`: the root), read by the type checker. */
const exportsOf = new Map<string, Set<string>>();

beforeAll(() => {
  mkdirSync(join(ROOT, ".xdr-test-tmp"), { recursive: true });
  // Inside the repository: vitest and @types/node (for `process`) resolve from its node_modules.
  dir = mkdtempSync(join(ROOT, ".xdr-test-tmp", "readme-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(GENERATED, join(dir, "node_modules", "xdr-sdk"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  const files: string[] = [];
  for (const name of READMES) {
    tsBlocks(readme(name)).forEach((block, i) => {
      const file = join(dir, `${name.replace(/\W/g, "-")}-${i}.ts`);
      writeFileSync(file, block.code);
      origin.set(file, { readme: name, line: block.line });
      files.push(file);
    });
  }
  // One more file that imports every entry point, for the checker to list their exports.
  const entries = ["", ...APIS.map((api) => `/${api}`)];
  const exportsFile = join(dir, "exports.ts");
  // And what the README says of Conure's observable types, as type assertions.
  writeFileSync(
    exportsFile,
    entries.map((e, i) => `import * as E${i} from "xdr-sdk${e}";\nexport { E${i} };\n`).join("") +
      [
        'import type { Conure, ObservableType } from "xdr-sdk";',
        "type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2",
        "  ? true",
        "  : false;",
        "export const shared: Same<Conure.ObservableTypeRequest, ObservableType> = true;",
        'export const none: Same<Exclude<Conure.ObservableType, ObservableType>, "none"> = true;',
        "",
      ].join("\n"),
  );
  // Node's types for `process`, as a reader's project has them; skipLibCheck: vitest's
  // declarations are not ours to check (the package's are, by test/generator/xdr-package.test.ts).
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    { ...STRICT_OPTIONS, types: ["node"], skipLibCheck: true, exactOptionalPropertyTypes: true },
    dir,
  );
  if (errors.length) throw new Error(errors.map((e) => e.messageText).join("\n"));
  // A block as the README had them: `clientId` left to the reader. The check must reject it.
  const probe = join(dir, "probe.ts");
  writeFileSync(probe, 'import { createXdr } from "xdr-sdk";\ncreateXdr({ clientId });\n');
  program = ts.createProgram([...files, exportsFile, probe], options);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(exportsFile)!;
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
    const module = checker.getSymbolAtLocation(statement.moduleSpecifier);
    if (!module) throw new Error(`${specifier} does not resolve`);
    const names = new Set(checker.getExportsOfModule(module).map((s) => s.name));
    exportsOf.set(specifier.slice("xdr-sdk/".length), names);
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the README examples", () => {
  it.each(READMES)("%s: every ```ts block compiles as written under strict TypeScript", (name) => {
    const mine = [...origin].filter(([, o]) => o.readme === name).map(([file]) => file);
    expect(mine.length).toBeGreaterThan(0);
    const errors = mine.flatMap((file) =>
      ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
        const at =
          d.file && d.start !== undefined
            ? d.file.getLineAndCharacterOfPosition(d.start)
            : undefined;
        const line = origin.get(file)!.line + (at?.line ?? 0);
        return `${name}:${line} (${relative(ROOT, file)}): TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
      }),
    );
    expect(errors).toEqual([]);
  });

  it("the check sees an undeclared name", () => {
    // A block like the README's before: `clientId` left to the reader (TS18004).
    const file = program.getSourceFile(join(dir, "probe.ts"))!;
    const codes = ts.getPreEmitDiagnostics(program, file).map((d) => d.code);
    expect(codes).toContain(18004);
  });
});

describe("what the package README claims", () => {
  const text = readme("generated/README.md");

  it("names only exported types under 'Types by name'", () => {
    const section = text.split(/^### Types by name$/m)[1]!.split(/^#{2,3} /m)[0]!;
    // `Ctia.Judgement`, `Oauth2TokenParams`, `OBSERVABLE_TYPES`… (the words `Params`,
    // `Response` and `Schema` stand for suffixes).
    const names = [...section.matchAll(/`((?:[A-Z]\w*\.)?[A-Z]\w*)`/g)]
      .map((m) => m[1]!)
      .filter((n) => !["Params", "Response", "Schema"].includes(n));
    const all = [...exportsOf.values()];
    const missing = names.filter((n) => {
      const [ns, type] = n.includes(".") ? n.split(".") : [undefined, n];
      if (ns === undefined) return !all.some((names) => names.has(type!));
      const api = APIS.find((a) => namespaceOf(a) === ns);
      return api === undefined || !exportsOf.get(api)!.has(type!) || !exportsOf.get("")!.has(ns);
    });
    expect(missing).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(["Oauth2TokenParams", "Conure.ObservableType"]));
  });

  it("describes Conure's observable types as they are: the shared 63 for requests, plus none", () => {
    const file = program.getSourceFile(join(dir, "exports.ts"))!;
    const errors = ts
      .getPreEmitDiagnostics(program, file)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, " "));
    expect(errors).toEqual([]);
    expect(text).toMatch(/`Conure\.ObservableTypeRequest`/);
    expect(text).toMatch(/`Conure\.ObservableType`, what its answers carry, adds `"none"`/);
  });

  it("names every dependency of package.json, optional ones included", () => {
    const pkg = JSON.parse(readFileSync(join(GENERATED, "package.json"), "utf8"));
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies });
    expect(deps).toEqual(expect.arrayContaining(["openapi-fetch", "undici"]));
    for (const dep of deps) expect(text).toContain(`(https://www.npmjs.com/package/${dep})`);
  });

  it("says that the token cache outlives sim.clear(), and shows clearTokenCache() in afterEach", () => {
    const testing = text.split(/^## Testing your automation$/m)[1]!.split(/^## /m)[0]!;
    expect(testing).toMatch(/afterEach\(\(\) => \{[^}]*clearTokenCache\(\)/);
    expect(testing).toMatch(/`sim\.clear\(\)` does not touch that cache/);
  });
});

describe.each(READMES)("%s", (name) => {
  it("names the base-URL variable of every API", () => {
    const text = readme(name);
    expect(APIS.length).toBeGreaterThanOrEqual(5);
    for (const api of APIS) {
      const variable = `XDR_BASE_URL_${api.replace(/[A-Z]/g, "_$&").toUpperCase()}`;
      expect(text, variable).toContain(`\`${variable}\``);
    }
  });
});
