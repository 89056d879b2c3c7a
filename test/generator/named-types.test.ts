// Names users write: the type names of operations and schemas, the runtime lists of string enums,
// and path parameters renamed to identifiers (generator/naming.ts, path-params.ts, named-types.ts).
import { describe, expect, it } from "vitest";
import type { Config } from "../../generator/config.js";
import { BadInputError } from "../../generator/errors.js";
import type { LoadedSpec, OpenApiDocument } from "../../generator/load.js";
import { buildModel } from "../../generator/model.js";
import { apiNames, runtimeExports } from "../../generator/named-types.js";
import {
  operationTypeNames,
  schemaTypeName,
  schemaTypeNames,
  snakeParamName,
  valuesConstName,
} from "../../generator/naming.js";
import { renamePathParameters } from "../../generator/path-params.js";
import type { ApiView } from "../../generator/api-view.js";
import { packageView } from "../../generator/package-view.js";
import { apiConfig } from "./workspace.js";

describe("snakeParamName", () => {
  const cases: [string, string | undefined][] = [
    ["incident-id", "incident_id"],
    ["module-instance-id", "module_instance_id"],
    ["asset-external-id", "asset_external_id"],
    ["user.name", "user_name"],
    ["a--b", "a_b"],
    // Already identifiers: kept.
    ["id", undefined],
    ["workflow_id", undefined],
    ["basePath", undefined],
    // Not clean enough to become one: stay quoted keys.
    ["-id", undefined],
    ["id-", undefined],
    ["2fa-code", undefined],
    ["incident id", undefined],
    ["идентификатор-x", undefined],
    // Would become a name an argument object cannot safely hold.
    ["__proto-_", undefined],
    ["has-Own-Property", "has_Own_Property"],
    ["to-String", "to_String"],
  ];
  it.each(cases)("%s → %s", (given, want) => {
    expect(snakeParamName(given)).toBe(want);
  });
});

describe("operationTypeNames", () => {
  const cases: [string, { consts: string[]; taken: string[]; want: string[] }][] = [
    ["PascalCase of the descriptor", { consts: ["inspect"], taken: [], want: ["Inspect"] }],
    [
      "dotted names joined",
      { consts: ["enrichDeliberate"], taken: [], want: ["EnrichDeliberate"] },
    ],
    ["a reserved binding's underscore dropped", { consts: ["new_"], taken: [], want: ["New"] }],
    [
      "a runtime name takes the API stem",
      { consts: ["query"], taken: ["QueryParams"], want: ["IrohQuery"] },
    ],
    [
      "either name of the pair taken moves both",
      { consts: ["token"], taken: ["TokenResponse"], want: ["IrohToken"] },
    ],
    [
      "stem taken too: a number",
      {
        consts: ["query"],
        taken: ["QueryParams", "IrohQueryResponse"],
        want: ["Query2"],
      },
    ],
    [
      "two descriptors that differ only in their first letter's case",
      { consts: ["aB", "AB"], taken: [], want: ["AB", "IrohAB"] },
    ],
  ];
  it.each(cases)("%s", (_title, { consts, taken, want }) => {
    const names = operationTypeNames(consts, "Iroh", new Set(taken));
    expect(names).toEqual(want.map((w) => ({ params: w + "Params", response: w + "Response" })));
  });
});

describe("schemaTypeName", () => {
  const cases: [string, string | undefined][] = [
    ["Judgement", "Judgement"],
    ["judgement", "Judgement"],
    ["TLP", "TLP"],
    ["ao.models.Workflow", "AoModelsWorkflow"],
    ["Workflow-Response", "WorkflowResponse"],
    ["snake_case_name", "SnakeCaseName"],
    ["with space", "WithSpace"],
    ["V1Dot2", "V1Dot2"],
    // Left out: machine-made or not Latin.
    ["Body116639InvestigationsTargetsObservables", undefined],
    ["X".repeat(65), undefined],
    ["1stThing", undefined],
    ["_private", undefined],
    ["Schéma", undefined],
    ["a/b", undefined],
    ["", undefined],
  ];
  it.each(cases)("%s → %s", (given, want) => {
    expect(schemaTypeName(given)).toBe(want);
  });
});

describe("schemaTypeNames", () => {
  const cases: [string, { schemas: string[]; taken: string[]; want: [string, string][] }][] = [
    [
      "clean names keep theirs",
      {
        schemas: ["Judgement", "Sighting"],
        taken: [],
        want: [
          ["Judgement", "Judgement"],
          ["Sighting", "Sighting"],
        ],
      },
    ],
    [
      "a runtime name gains Schema",
      {
        schemas: ["RateLimitError"],
        taken: ["RateLimitError"],
        want: [["RateLimitError", "RateLimitErrorSchema"]],
      },
    ],
    [
      "an operation's type gains Schema",
      {
        schemas: ["TokenResponse"],
        taken: ["TokenResponse"],
        want: [["TokenResponse", "TokenResponseSchema"]],
      },
    ],
    [
      "a clean name wins over one that sanitizes to it, wherever it is",
      {
        schemas: ["foo-bar", "FooBar"],
        taken: [],
        want: [
          ["FooBar", "FooBar"],
          ["foo-bar", "FooBarSchema"],
        ],
      },
    ],
    [
      "both forms taken: no name of its own",
      { schemas: ["Thing"], taken: ["Thing", "ThingSchema"], want: [] },
    ],
    ["junk left out", { schemas: ["Body1234Foo", "Ok"], taken: [], want: [["Ok", "Ok"]] }],
  ];
  it.each(cases)("%s", (_title, { schemas, taken, want }) => {
    expect([...schemaTypeNames(schemas, new Set(taken))]).toEqual(want);
  });
});

describe("valuesConstName", () => {
  const cases: [string, string][] = [
    ["ObservableType", "OBSERVABLE_TYPES"],
    ["Severity", "SEVERITIES"],
    ["IncidentStatus", "INCIDENT_STATUSES"],
    ["TLP", "TLPS"],
    ["COAStage", "COA_STAGES"],
    ["Day", "DAYS"],
    ["Box", "BOXES"],
    ["Match", "MATCHES"],
    ["Address", "ADDRESSES"],
    ["Analysis", "ANALYSES"],
    ["Campus", "CAMPUSES"],
    ["AllowedApis", "ALLOWED_APIS"],
    ["Uris", "URIS"],
    ["Repos", "REPOS"],
    ["Schemas", "SCHEMAS"],
    ["Scenarios", "SCENARIOS"],
    ["Ideas", "IDEAS"],
    ["SecurityAdvisoryEcosystems", "SECURITY_ADVISORY_ECOSYSTEMS"],
    ["EnabledRepositories", "ENABLED_REPOSITORIES"],
    ["ActionsDefaultWorkflowPermissions", "ACTIONS_DEFAULT_WORKFLOW_PERMISSIONS"],
  ];
  it.each(cases)("%s → %s", (given, want) => {
    expect(valuesConstName(given)).toBe(want);
  });
});

// ---- Renaming path parameters ------------------------------------------------------------------

type Json = Record<string, unknown>;
const ok = { responses: { 200: { description: "ok" } } };
const pathParam = (name: string) => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string" },
});
const doc = (paths: Json, components: Json = {}): OpenApiDocument =>
  ({ openapi: "3.1.0", info: { title: "t", version: "1" }, paths, components }) as OpenApiDocument;

describe("renamePathParameters", () => {
  const cases: [string, { paths: Json; components?: Json; want: string[] }][] = [
    [
      "hyphenated placeholder and parameter renamed together",
      {
        paths: {
          "/incident/{incident-id}": { get: { ...ok, parameters: [pathParam("incident-id")] } },
        },
        want: ["/incident/{incident_id}"],
      },
    ],
    [
      "path-level parameters and every method",
      {
        paths: {
          "/a/{x-y}/b/{z}": {
            parameters: [pathParam("x-y"), pathParam("z")],
            get: ok,
            delete: ok,
          },
        },
        want: ["/a/{x_y}/b/{z}"],
      },
    ],
    [
      "collision with a query parameter of the same operation: kept",
      {
        paths: {
          "/a/{x-y}": {
            get: { ...ok, parameters: [pathParam("x-y"), { name: "x_y", in: "query" }] },
          },
        },
        want: ["/a/{x-y}"],
      },
    ],
    [
      "collision with a query parameter of another method of the path: kept",
      {
        paths: {
          "/a/{x-y}": {
            parameters: [pathParam("x-y")],
            get: ok,
            post: { ...ok, parameters: [{ name: "x_y", in: "header" }] },
          },
        },
        want: ["/a/{x-y}"],
      },
    ],
    [
      "two placeholders with one snake name: the first renamed",
      {
        paths: {
          "/a/{x-y}/{x.y}": { get: { ...ok, parameters: [pathParam("x-y"), pathParam("x.y")] } },
        },
        want: ["/a/{x_y}/{x.y}"],
      },
    ],
    [
      "the renamed path exists already: kept",
      {
        paths: {
          "/a/{x-y}": { get: { ...ok, parameters: [pathParam("x-y")] } },
          "/a/{x_y}": { post: { ...ok, parameters: [pathParam("x_y")] } },
        },
        want: ["/a/{x-y}", "/a/{x_y}"],
      },
    ],
    [
      "a reserved result: kept",
      {
        paths: { "/a/{__proto-_}": { get: { ...ok, parameters: [pathParam("__proto-_")] } } },
        want: ["/a/{__proto-_}"],
      },
    ],
    [
      "a declaration that does not match the template: left for the model to report",
      {
        paths: { "/a/{x-y}": { get: ok } },
        want: ["/a/{x-y}"],
      },
    ],
    [
      "parameter by $ref",
      {
        paths: {
          "/a/{x-y}": { get: { ...ok, parameters: [{ $ref: "#/components/parameters/XY" }] } },
        },
        components: { parameters: { XY: pathParam("x-y") } },
        want: ["/a/{x_y}"],
      },
    ],
  ];
  it.each(cases)("%s", (_title, { paths, components, want }) => {
    const input = doc(paths, components);
    const before = JSON.stringify(input);
    const { document, original } = renamePathParameters(input);
    expect(Object.keys(document.paths)).toEqual(want);
    // The input is never edited (a shared components.parameters entry least of all).
    expect(JSON.stringify(input)).toBe(before);
    for (const [next, old] of original) {
      expect(Object.keys(paths)).toContain(old);
      expect(want).toContain(next);
    }
  });

  it("renames the parameter where the operation declares it, copying a $ref'd one", () => {
    const { document } = renamePathParameters(
      doc(
        { "/a/{x-y}": { get: { ...ok, parameters: [{ $ref: "#/components/parameters/XY" }] } } },
        { parameters: { XY: pathParam("x-y") } },
      ),
    );
    const get = document.paths["/a/{x_y}"]!.get as Json;
    expect(get.parameters).toEqual([pathParam("x_y")]);
    expect((document.components as Json).parameters).toEqual({ XY: pathParam("x-y") });
  });
});

describe("buildModel with renamed path parameters", () => {
  const api = apiConfig;
  const spec = (paths: Json): LoadedSpec => ({
    file: "spec.yaml",
    document: doc(paths),
    openapiVersion: "3.1",
    files: [],
    place: (pointer) => ({ file: "spec.yaml", pointer }),
  });

  it("takes identifiers, keeps the spec's path for config keys and messages", () => {
    const model = buildModel(
      spec({
        "/v1/incident/{incident-id}/link/{entity-type}/{entity-id}": {
          post: { ...ok, parameters: ["incident-id", "entity-type", "entity-id"].map(pathParam) },
        },
      }),
      api({
        names: {
          "POST /v1/incident/{incident-id}/link/{entity-type}/{entity-id}": "incidents.link",
        },
        safe: ["POST /v1/incident/{incident-id}/link/{entity-type}/{entity-id}"],
      }),
    );
    const [op] = model.operations;
    expect(op).toMatchObject({
      name: "incidents.link",
      safe: true,
      path: "/v1/incident/{incident_id}/link/{entity_type}/{entity_id}",
      pathParams: ["incident_id", "entity_type", "entity_id"],
      pointer: "#/paths/~1v1~1incident~1{incident-id}~1link~1{entity-type}~1{entity-id}/post",
    });
    expect(Object.keys(model.document.paths)).toEqual([op!.path]);
  });

  it("keeps a name a body field has: the argument stays flat", () => {
    const model = buildModel(
      spec({
        "/a/{x-y}": {
          post: {
            ...ok,
            parameters: [pathParam("x-y")],
            requestBody: {
              content: {
                "application/json": {
                  schema: { type: "object", properties: { x_y: { type: "string" } } },
                },
              },
            },
          },
        },
      }),
      api(),
    );
    expect(model.operations[0]).toMatchObject({ path: "/a/{x-y}", args: "flat" });
  });

  it("reports a malformed path in the spec's words", () => {
    expect(() => buildModel(spec({ "/a/{x-y}": { get: ok } }), api())).toThrow(
      new BadInputError(
        { file: "spec.yaml", pointer: "#/paths/~1a~1{x-y}/get" },
        '"{x-y}" in the path template "/a/{x-y}" is not declared as a path parameter',
      ),
    );
  });
});

// ---- The names of one API ----------------------------------------------------------------------

describe("runtimeExports", () => {
  it("reads the runtime's export names through its export * (types included)", () => {
    const names = runtimeExports();
    for (const name of [
      "ApiError",
      "RateLimitError",
      "createTransport",
      "QueryParams",
      "ArgsOf",
      "Operation",
    ]) {
      expect(names.has(name), name).toBe(true);
    }
  });
});

describe("apiNames", () => {
  const model = buildModel(
    {
      file: "spec.yaml",
      document: doc(
        {
          "/token": { post: { ...ok, operationId: "token", "x-xdr-name": "token" } },
          "/query": {
            get: { ...ok, "x-xdr-name": "query", parameters: [{ name: "q", in: "query" }] },
          },
        },
        {
          schemas: {
            TokenResponse: { type: "object" },
            RateLimitError: { type: "object" },
            ObservableType: { type: "string", enum: ["ip", "domain", "ip"] },
            Count: { type: "integer", enum: [1, 2] },
            Body116639Junk: { type: "object" },
            Ecosystem: { type: "string", enum: ["npm"] },
            Ecosystems: { type: "string", enum: ["npm", "pip"] },
          },
        },
      ),
      openapiVersion: "3.1",
      files: [],
      place: (pointer) => ({ file: "spec.yaml", pointer }),
    },
    apiConfig(),
  );
  const names = apiNames(model, "Test", ["createTestClient", "TEST_API", "TestClient"]);

  it("names operations first, then schemas around them and the runtime", () => {
    expect([...names.byOperation.values()]).toEqual([
      { params: "TestQueryParams", response: "TestQueryResponse" },
      { response: "TokenResponse" },
    ]);
    expect([...names.schemas]).toEqual([
      ["TokenResponse", "TokenResponseSchema"],
      ["RateLimitError", "RateLimitErrorSchema"],
      ["ObservableType", "ObservableType"],
      ["Count", "Count"],
      ["Ecosystem", "Ecosystem"],
      ["Ecosystems", "Ecosystems"],
    ]);
  });

  it("lists the values of string enums only, once each", () => {
    expect(names.view.lists).toEqual([
      expect.objectContaining({
        name: "OBSERVABLE_TYPES",
        type: "ObservableType",
        literal: '["ip", "domain"]',
      }),
      expect.objectContaining({ name: "ECOSYSTEMS", type: "Ecosystem" }),
      // An already-plural schema name meets the plural of another: a suffix, not a lost list.
      expect.objectContaining({ name: "ECOSYSTEMS_VALUES", type: "Ecosystems" }),
    ]);
    expect(names.view.valueExports).toEqual([
      "OBSERVABLE_TYPES",
      "ECOSYSTEMS",
      "ECOSYSTEMS_VALUES",
    ]);
  });
});

describe("packageView: the root's names", () => {
  const view = (name: string, stem: string, rootNames: string[] = []) =>
    ({
      name,
      stem,
      createFn: `create${stem}Client`,
      clientType: `${stem}Client`,
      descriptorConst: `${name.toUpperCase()}_API`,
      rootNames,
    }) as unknown as ApiView;
  const config = {
    package: { name: "sdk", version: "1.0.0", description: "" },
    xdr: true,
  } as unknown as Config;
  const cases: [
    string,
    { apis: ApiView[]; namespaces: string[]; rootNames?: { from: string; names: string } },
  ][] = [
    ["one API: its names flat, no namespace", { apis: [view("pets", "Pets")], namespaces: [] }],
    [
      "several: a namespace each, the vocabulary from the first API that has it",
      {
        apis: [
          view("iroh", "Iroh", ["OBSERVABLE_TYPES", "type ObservableType"]),
          view("ctia", "Ctia", ["OBSERVABLE_TYPES", "type ObservableType"]),
        ],
        namespaces: ["Iroh", "Ctia"],
        rootNames: { from: "iroh", names: "OBSERVABLE_TYPES, type ObservableType" },
      },
    ],
    [
      "a stem the root exports already gets no namespace",
      {
        apis: [view("xdr", "Xdr"), view("apiError", "ApiError"), view("pets", "Pets")],
        namespaces: ["Pets"],
      },
    ],
  ];
  it.each(cases)("%s", (_title, { apis, namespaces, rootNames }) => {
    const pkg = packageView(config, apis, "generate");
    expect(pkg.singleApi).toBe(apis.length === 1);
    expect(pkg.namespaces.map((n) => n.stem)).toEqual(namespaces);
    expect(pkg.rootNames).toEqual(rootNames);
  });
});
