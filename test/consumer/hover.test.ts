// What an editor shows when hovering a method call (audit item 15): the per-operation names the
// package exports (`InspectParams`, `JudgementsSearchParams`), not the expanded fields. A plain
// method's signature is printed from its written annotation; a method that takes `fields` is
// generic in the list, so its instantiated signature is printed from the types themselves and
// only a type that carries its alias keeps the name (generator/named-types.ts `namedParams`). So
// does the waitable start, a property typed `WaitableStart<Args | void, Started, Instance>`: its
// type arguments are printed from the types (the audit saw `WaitableStart<void | ({ workflow_id?…`).
// Asked of TypeScript's language service (quick info), as an editor would, in a strict consumer
// linked to generated/.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const DIR = join(ROOT, ".xdr-test-tmp", `hover-${process.pid}`);
const FILE = join(DIR, "consumer.ts");

const CALLS = {
  inspect: `xdr.iroh.inspect({ content: "1.1.1.1" })`,
  search: `xdr.ctia.judgements.search({ query: "x" })`,
  searchFields: `xdr.ctia.judgements.search({ query: "x", fields: ["id"] })`,
  get: `xdr.ctia.judgements.get({ id: "x" })`,
  incidents: `xdr.conure.incidents.search({ fields: ["id"] })`,
  start: `xdr.automation.workflows.start({ workflow_id: "01ZRDJ1X1HJ2D5nHM0DOWmnvmPyESgjfl4G" }, { wait: true })`,
} as const;

/** The waitable start as a value: its hover prints `WaitableStart<…>`'s type arguments. */
const MEMBER = `xdr.automation.workflows.start`;

const SOURCE = [
  `import { createXdr } from "xdr-sdk";`,
  `const xdr = createXdr({ clientId: "id", clientSecret: "secret" });`,
  ...Object.values(CALLS).map((call) => `void ${call};`),
  `void ${MEMBER};`,
  ``,
].join("\n");

let service: ts.LanguageService;

beforeAll(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(join(DIR, "node_modules"), { recursive: true });
  symlinkSync(join(ROOT, "generated"), join(DIR, "node_modules", "xdr-sdk"), "dir");
  writeFileSync(FILE, SOURCE);
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
    types: [],
  };
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [FILE],
    getScriptVersion: () => "1",
    getScriptSnapshot: (f) =>
      ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(readFileSync(f, "utf8")) : undefined,
    getCurrentDirectory: () => DIR,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => ts.sys.fileExists(f),
    readFile: (f) => ts.sys.readFile(f),
    readDirectory: (...a) => ts.sys.readDirectory(...a),
    directoryExists: (d) => ts.sys.directoryExists(d),
    getDirectories: (d) => ts.sys.getDirectories(d),
    realpath: (p) => ts.sys.realpath?.(p) ?? p,
  };
  service = ts.createLanguageService(host);
});

afterAll(() => {
  service?.dispose();
  rmSync(DIR, { recursive: true, force: true });
});

/** The quick info of the method name in `call` (its first line: the signature). */
function hover(call: string): string {
  const at = SOURCE.indexOf(call);
  return hoverAt(at + call.indexOf("(") - 1);
}

function hoverAt(position: number): string {
  const info = service.getQuickInfoAtPosition(FILE, position);
  return ts.displayPartsToString(info?.displayParts ?? []);
}

describe("hovering a method call shows the exported per-operation names", () => {
  it("the consumer compiles", () => {
    const errors = service
      .getSemanticDiagnostics(FILE)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(errors).toEqual([]);
  });

  it("a plain method: its argument and result by name", () => {
    expect(hover(CALLS.inspect)).toBe(
      "(method) IrohClient.inspect(args: InspectParams, options?: RequestOptions): ApiPromise<InspectResponse>",
    );
  });

  it("a paged method taking fields: its argument by name, with or without fields", () => {
    const plain = hover(CALLS.search);
    expect(plain).toMatch(
      /^\(method\) search<undefined>\(args\?: WithFields<JudgementsSearchParams, undefined> \| undefined, options\?: RequestOptions\): PagePromise</,
    );
    expect(hover(CALLS.searchFields)).toMatch(
      /^\(method\) search<readonly \["id"\]>\(args\?: WithFields<JudgementsSearchParams, readonly \["id"\]> \| undefined,/,
    );
    // The argument's fields are not spelled out (they were: `WithFields<{ query?: …`).
    expect(plain.slice(0, plain.indexOf("options?"))).not.toContain("query");
  });

  it("a single-entity method and another API's search taking fields", () => {
    expect(hover(CALLS.get)).toMatch(
      /^\(method\) get<undefined>\(args: WithFields<JudgementsGetParams, undefined>, options\?: RequestOptions\)/,
    );
    expect(hover(CALLS.incidents)).toMatch(/\(args\?: WithFields<IncidentsSearchParams, /);
  });

  it("the waitable start, called: its argument and the instance waited for by name", () => {
    const shown = hover(CALLS.start);
    expect(shown).toContain("(args: void | WorkflowsStartParams, options: WaitOptions & {");
    expect(shown).toContain("=> Promise<InstancesGetResponse> (+1 overload)");
    // Not spelled out (it was: `WaitableStart<void | ({ workflow_id?: string; …`).
    expect(shown).not.toContain("workflow_id");
  });

  it("the waitable start as a value: every type argument by name", () => {
    const at = SOURCE.lastIndexOf(MEMBER) + MEMBER.length - 1;
    expect(hoverAt(at)).toBe(
      "(property) start: WaitableStart<void | WorkflowsStartParams, WorkflowsStartResponse, InstancesGetResponse>",
    );
  });
});
