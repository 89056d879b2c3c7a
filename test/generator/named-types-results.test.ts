// What the per-method names mean (audit): `<Method>Response` is the success body (what the
// descriptor's call and the raw client return), a paged method's awaited result is
// `<Method>Page`, and a method taking `fields` exports `<Method>Fields` and a `<Method>Params`
// without the projection, so that a call given a `<Method>Params` yields whole entities. First
// the names chosen for a small spec, then a strict consumer of the generated xdr-sdk writing
// `(p: XParams): Promise<XPage | XResponse> => xdr.x(p)` for methods of every kind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadedSpec, OpenApiDocument } from "../../generator/load.js";
import { buildModel } from "../../generator/model.js";
import { apiNames } from "../../generator/named-types.js";
import { compileConsumer } from "../support/tsc.js";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { apiConfig, ROOT } from "./workspace.js";

type Json = Record<string, unknown>;

const ok = (schema: Json) => ({
  responses: { "200": { description: "ok", content: { "application/json": { schema } } } },
});
const THING = { $ref: "#/components/schemas/Thing" };
const FIELDS = {
  name: "fields",
  in: "query",
  schema: { type: "array", items: { type: "string", enum: ["id", "title"] } },
};

const spec: LoadedSpec = {
  file: "spec.yaml",
  document: {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    paths: {
      "/things": {
        get: {
          ...ok({ type: "array", items: THING }),
          "x-xdr-name": "things.search",
          "x-xdr-pagination": "ctia",
          parameters: [FIELDS, { name: "limit", in: "query", schema: { type: "integer" } }],
        },
      },
      "/things/{id}": {
        get: {
          ...ok(THING),
          "x-xdr-name": "things.get",
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string" } },
            FIELDS,
          ],
        },
      },
      "/plain": { get: { ...ok(THING), "x-xdr-name": "plain" } },
      "/start": {
        post: {
          ...ok({ type: "array", items: THING }),
          "x-xdr-name": "runs.start",
          requestBody: {
            content: { "application/json": { schema: { type: "object", properties: {} } } },
          },
        },
      },
      "/runs/{id}": {
        get: {
          ...ok(THING),
          "x-xdr-name": "runs.get",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        },
      },
    },
    components: {
      schemas: {
        Thing: {
          type: "object",
          required: ["id", "title"],
          properties: { id: { type: "string" }, title: { type: "string" } },
        },
      },
    },
  } as unknown as OpenApiDocument,
  openapiVersion: "3.1",
  files: [],
  place: (pointer) => ({ file: "spec.yaml", pointer }),
};

const names = (fixed: string[] = []) =>
  apiNames(
    buildModel(spec, apiConfig({ workflowRun: { start: "runs.start", getInstance: "runs.get" } })),
    "Test",
    ["createTestClient", "TEST_API", "TestClient", ...fixed],
  );

describe("apiNames: the names of each kind of method", () => {
  const byName = new Map([...names().byOperation].map(([op, types]) => [op.name, types] as const));
  it.each([
    [
      "things.search",
      {
        params: "ThingsSearchParams",
        response: "ThingsSearchResponse",
        page: "ThingsSearchPage",
        fields: "ThingsSearchFields",
      },
    ],
    [
      "things.get",
      { params: "ThingsGetParams", response: "ThingsGetResponse", fields: "ThingsGetFields" },
    ],
    ["plain", { response: "PlainResponse" }],
    ["runs.start", { params: "RunsStartParams", response: "RunsStartResponse" }],
  ])("%s", (method, want) => {
    expect(byName.get(method)).toEqual(want);
  });
});

describe("apiNames: the types and docs behind the names", () => {
  const view = names().view.operations;
  const type = (name: string) => view.find((o) => o.name === name);
  const FIELD_MAP = 'K extends "fields" ? undefined';

  it.each<[string, { name: string; type?: string[]; notType?: string[]; doc?: string[] }]>([
    [
      "a paged method's Response is the body of one page; its Page is what awaiting gives",
      {
        name: "ThingsSearchResponse",
        type: ['paths["/things"]["get"]["responses"]["200"]["content"]["application/json"]'],
        doc: ["The body of one page of `test.things.search`", "gives `ThingsSearchPage`"],
      },
    ],
    [
      "the Page: the runtime's Page of the body's items",
      {
        name: "ThingsSearchPage",
        type: ["Page<PageItem<ThingsSearchResponse>>"],
        doc: ["What awaiting `test.things.search` resolves to"],
      },
    ],
    [
      "a Params taking fields holds no projection",
      {
        name: "ThingsSearchParams",
        type: [FIELD_MAP],
        doc: ["Without a `fields` projection", "`WithFields<ThingsSearchParams, F>`"],
      },
    ],
    [
      "the Fields: what fields may list, from the full argument",
      { name: "ThingsSearchFields", type: ['FieldList<paths["/things"]["get"]'] },
    ],
    [
      "a plain method's Response is what it resolves to",
      { name: "PlainResponse", doc: ["What `test.plain` resolves to"] },
    ],
    [
      "the waitable start's argument is a mapped copy (named in a hover), fields untouched",
      { name: "RunsStartParams", type: ["[K in keyof ("], notType: [FIELD_MAP] },
    ],
    [
      "the waitable start's result array holds mapped copies of its item",
      { name: "RunsStartResponse", type: ["[number])[K] }[]"] },
    ],
    [
      "the run instance it waits for is a mapped copy",
      { name: "RunsGetResponse", type: ["{ [K in keyof ("] },
    ],
  ])("%s", (_title, want) => {
    const found = type(want.name);
    expect(found).toBeDefined();
    for (const part of want.type ?? []) expect(found!.type).toContain(part);
    for (const part of want.notType ?? []) expect(found!.type).not.toContain(part);
    for (const part of want.doc ?? []) expect(found!.doc).toContain(part);
  });

  it("imports the runtime helpers the names use", () => {
    expect(names().view.helpers).toBe("FieldList, Page, PageItem");
  });
});

describe("apiNames: a waitable start answering different bodies", () => {
  it("keeps the union of its 2xx bodies (no copy of one of them)", () => {
    const document = structuredClone(spec.document) as unknown as Json;
    const start = ((document.paths as Json)["/start"] as Json).post as Json;
    (start.responses as Json)["202"] = ok(THING).responses["200"];
    const model = buildModel(
      { ...spec, document: document as unknown as OpenApiDocument },
      apiConfig({ workflowRun: { start: "runs.start", getInstance: "runs.get" } }),
    );
    const view = apiNames(model, "Test", []).view.operations;
    expect(view.find((o) => o.name === "RunsStartResponse")?.type).toBe(
      'paths["/start"]["post"]["responses"]["200"]["content"]["application/json"] | ' +
        'paths["/start"]["post"]["responses"]["202"]["content"]["application/json"]',
    );
  });
});

describe("apiNames: a taken extra name", () => {
  const taken = names(["ThingsSearchPage", "ThingsSearchFields"]);
  const search = [...taken.byOperation].find(([op]) => op.name === "things.search")![1];

  it("a taken Page name is left out", () => {
    expect(search.page).toBeUndefined();
    expect(taken.view.typeExports).not.toContain("ThingsSearchPage");
  });

  it("a taken Fields name: the argument keeps its fields, as before these names", () => {
    expect(search.fields).toBeUndefined();
    expect(taken.view.typeExports).not.toContain("ThingsSearchFields");
    const params = taken.view.operations.find((o) => o.name === "ThingsSearchParams");
    expect(params?.type).not.toContain('K extends "fields"');
    expect(params?.doc).not.toContain("Without a `fields` projection");
  });
});

// ---- The generated xdr-sdk ---------------------------------------------------------------------

const PATTERNS = {
  "CTIA, paged, taking fields": [
    "JudgementsSearchParams, JudgementsSearchPage",
    "ctia",
    "(p: JudgementsSearchParams): Promise<JudgementsSearchPage> => xdr.ctia.judgements.search(p)",
  ],
  "CTIA, paged": [
    "NotesSearchParams, NotesSearchPage",
    "ctia",
    "(p: NotesSearchParams): Promise<NotesSearchPage> => xdr.ctia.notes.search(p)",
  ],
  "CTIA, one entity, taking fields": [
    "JudgementsGetParams, JudgementsGetResponse",
    "ctia",
    "(p: JudgementsGetParams): Promise<JudgementsGetResponse> => xdr.ctia.judgements.get(p)",
  ],
  "Conure, paged, taking fields": [
    "IncidentsSearchParams, IncidentsSearchPage",
    "conure",
    "(p: IncidentsSearchParams): Promise<IncidentsSearchPage> => xdr.conure.incidents.search(p)",
  ],
  "IROH, paged, taking fields": [
    "PrivateIntelIncidentsSearchParams, PrivateIntelIncidentsSearchPage",
    "iroh",
    "(p: PrivateIntelIncidentsSearchParams): Promise<PrivateIntelIncidentsSearchPage> => xdr.iroh.privateIntel.incidents.search(p)",
  ],
  "Automation, paged": [
    "WorkflowsSearchParams, WorkflowsSearchPage",
    "automation",
    "(p: WorkflowsSearchParams): Promise<WorkflowsSearchPage> => xdr.automation.workflows.search(p)",
  ],
  "IROH, plain": [
    "InspectParams, InspectResponse",
    "iroh",
    "(p: InspectParams): Promise<InspectResponse> => xdr.iroh.inspect(p)",
  ],
  "Automation, the waitable start": [
    "WorkflowsStartParams, WorkflowsStartResponse, InstancesGetResponse",
    "automation",
    "(p: WorkflowsStartParams): Promise<WorkflowsStartResponse> => xdr.automation.workflows.start(p)",
  ],
  "Automation, the waitable start, waiting": [
    "WorkflowsStartParams as WaitParams, InstancesGetResponse as Instance",
    "automation",
    "(p: WaitParams): Promise<Instance> => xdr.automation.workflows.start(p, { wait: true })",
  ],
  "the Page's items are whole entities": [
    "JudgementsSearchParams as P, Judgement",
    "ctia",
    "async (p: P): Promise<Judgement[]> => (await xdr.ctia.judgements.search(p)).items",
  ],
  "the descriptor's result is the Response": [
    "JudgementsSearchResponse as Body",
    "ctia",
    "(r: ResultOf<typeof judgementsSearch>): Body => r",
  ],
  "the descriptor's argument takes fields (it returns the body as sent)": [
    "JudgementsSearchFields as DescriptorFields",
    "ctia",
    '({ query: "*", fields: ["id"] }) satisfies ArgsOf<typeof judgementsSearch> as DescriptorFields | object',
  ],
  "a projection is written with WithFields and checked against the Fields": [
    "JudgementsSearchParams as Q, JudgementsSearchFields",
    "ctia",
    'async (p: WithFields<Q, readonly ["id"]>) => { const f: JudgementsSearchFields = ["id"]; const page = await xdr.ctia.judgements.search(p); return [f, page.items[0]?.id satisfies string | undefined]; }',
  ],
} as const;

const NEGATIVE = {
  "a Params holds no projection": [
    "JudgementsSearchParams as NoFields",
    "ctia",
    '(): NoFields => ({ query: "*", fields: ["id"] })',
  ],
  "a projected item lacks the fields not listed": [
    "JudgementsSearchParams as R",
    "ctia",
    'async (p: WithFields<R, readonly ["id"]>) => (await xdr.ctia.judgements.search(p)).items[0]?.disposition',
  ],
} as const;

/** One consumer: each case is an exported const on its own line, tagged with its title. */
function consumer(): { source: string; lines: Map<string, number> } {
  const lines = new Map<string, number>();
  const out = [
    `import { createXdr, type ArgsOf, type ResultOf, type WithFields } from "xdr-sdk";`,
    `import { judgementsSearch } from "xdr-sdk/ctia/operations";`,
  ];
  const all = [
    ...Object.entries(PATTERNS).map(([t, c]) => [t, c, false] as const),
    ...Object.entries(NEGATIVE).map(([t, c]) => [t, c, true] as const),
  ];
  all.forEach(([, [names, entry]], i) => {
    const aliased = names
      .split(", ")
      .map((n) => (n.includes(" as ") ? `${n}${i}` : `${n} as ${n}${i}`))
      .join(", ");
    out.push(`import type { ${aliased} } from "xdr-sdk/${entry}";`);
  });
  out.push(`const xdr = createXdr({ clientId: "id", clientSecret: "secret" });`);
  all.forEach(([title, [names, , code], negative], i) => {
    let text: string = code;
    for (const n of names.split(", ")) {
      const local = n.includes(" as ") ? n.split(" as ")[1]! : n;
      text = text.replace(new RegExp(`\\b${local}\\b`, "g"), `${local}${i}`);
    }
    if (negative) out.push("// @ts-expect-error");
    lines.set(title, out.length + 1);
    out.push(`export const case${i} = ${text};`);
  });
  return { source: out.join("\n") + "\n", lines };
}

describe("the names in a strict consumer of xdr-sdk", () => {
  const DIR = join(ROOT, ".xdr-test-tmp", `named-results-${process.pid}`);
  const { source, lines } = consumer();
  let output = "";
  beforeAll(() => {
    output = compileConsumer(DIR, source).output;
  }, 240_000);
  afterAll(() => rmSync(DIR, { recursive: true, force: true }));

  const errorsAt = (line: number) =>
    output.split("\n").filter((l) => l.includes(`consumer.ts(${line},`));

  it("imports every name", () => {
    expect(output.split("\n").filter((l) => /TS2305|TS2614|TS2724/.test(l))).toEqual([]);
  });

  it.each(Object.keys(PATTERNS))("%s: compiles", (title) => {
    expect(errorsAt(lines.get(title)!)).toEqual([]);
  });

  it.each(Object.keys(NEGATIVE))("%s: an error where expected", (title) => {
    // The `@ts-expect-error` above the line holds: no "unused directive" error on it.
    expect(errorsAt(lines.get(title)! - 1)).toEqual([]);
  });

  it("nothing else fails", () => {
    expect(output).toBe("");
  });
});
