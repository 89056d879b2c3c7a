import { describe, expect, it } from "vitest";
import { BadInputError } from "../../generator/errors.js";
import { loadSpec, type LoadedSpec } from "../../generator/load.js";
import { buildModel } from "../../generator/model.js";
import type { OperationModel } from "../../generator/model-types.js";
import { apiConfig } from "./workspace.js";

const api = apiConfig;

const pick = (op: OperationModel) => ({
  method: op.method,
  path: op.path,
  args: op.args,
  argsOptional: op.argsOptional,
  body: op.body,
  response: op.response,
  scopes: op.scopes,
  auth: op.auth,
  safe: op.safe,
  paging: op.paging,
});

describe("buildModel on the 3.0 fixture (names derived from paths)", async () => {
  const model = buildModel(await loadSpec("test/fixtures/specs/pets.yaml"), api());
  const byName = new Map(model.operations.map((o) => [o.name, pick(o)]));
  const cases: [string, ReturnType<typeof pick>][] = [
    [
      "pets.list",
      {
        method: "GET",
        path: "/v1/pets",
        args: "flat",
        argsOptional: true,
        body: undefined,
        response: "json",
        scopes: [],
        auth: false,
        safe: true,
        paging: "links",
      },
    ],
    [
      "pets.create",
      {
        method: "POST",
        path: "/v1/pets",
        args: "flat",
        argsOptional: false,
        body: "json",
        response: "json",
        scopes: [],
        auth: false,
        safe: false,
        paging: undefined,
      },
    ],
    [
      "pets.get",
      {
        method: "GET",
        path: "/v1/pets/{petId}",
        args: "flat",
        argsOptional: false,
        body: undefined,
        response: "json",
        scopes: [],
        auth: false,
        safe: true,
        paging: undefined,
      },
    ],
    [
      "pets.delete",
      {
        method: "DELETE",
        path: "/v1/pets/{petId}",
        args: "flat",
        argsOptional: false,
        body: undefined,
        response: "none",
        scopes: [],
        auth: false,
        safe: true,
        paging: undefined,
      },
    ],
    [
      "pets.putTags",
      {
        method: "PUT",
        path: "/v1/pets/{petId}/tags",
        args: "split",
        argsOptional: false,
        body: "json",
        response: "none",
        scopes: [],
        auth: false,
        safe: true,
        paging: undefined,
      },
    ],
    [
      "pets.batch",
      {
        method: "POST",
        path: "/v1/pets/batch",
        args: "body",
        argsOptional: false,
        body: "json",
        response: "json",
        scopes: [],
        auth: false,
        safe: false,
        paging: undefined,
      },
    ],
    [
      "health.list",
      {
        method: "GET",
        path: "/v1/health",
        args: "none",
        argsOptional: false,
        body: undefined,
        response: "text",
        scopes: [],
        auth: false,
        safe: true,
        paging: undefined,
      },
    ],
  ];
  it.each(cases)("%s", (name, want) => expect(byName.get(name)).toEqual(want));

  it("expands server variables and uses the one server for every region", () => {
    expect(model.servers).toEqual({
      us: "https://pets.example.com/api",
      eu: "https://pets.example.com/api",
      apjc: "https://pets.example.com/api",
    });
  });
  it("groups operations by the dots in their names", () => {
    expect(model.root.groups.map((g) => g.name)).toEqual(["health", "pets"]);
  });
});

describe("buildModel on the 3.1 fixture (x-xdr extensions)", async () => {
  const spec = await loadSpec("test/fixtures/specs/intel.json");
  const model = buildModel(spec, api());
  const byName = new Map(model.operations.map((o) => [o.name, pick(o)]));
  const cases: [string, Partial<ReturnType<typeof pick>>][] = [
    [
      "inspect",
      { args: "flat", argsOptional: false, safe: true, scopes: ["intel:read"], auth: true },
    ],
    ["judgements.search", { args: "flat", argsOptional: true, paging: "ctia", safe: true }],
    // `id` is a path parameter and a body property: the body goes under `body`.
    ["judgements.update", { args: "split", scopes: ["intel:write"] }],
    ["oauth2.token", { auth: false, scopes: [], body: "form", argsOptional: true }],
  ];
  it.each(cases)("%s", (name, want) => expect(byName.get(name)).toMatchObject(want));

  it("takes servers per region from x-xdr-region, without trailing slashes", () => {
    expect(model.servers.apjc).toBe("https://intel.apjc.example.com");
  });
  it("takes the token URL from the client-credentials flow", () => {
    expect(model.tokenUrls?.eu).toBe("https://intel.example.com/oauth2/token");
  });
  it("lets the config override scopes, names, safety and paging", () => {
    const over = buildModel(
      spec,
      api({
        scopes: ["ao"],
        names: { "GET /intel/judgement/search": "judgements.find", inspect: "text.inspect" },
        safe: ["PUT /intel/judgement/{id}"],
        paging: { "GET /intel/judgement/search": "links" },
        rateLimits: { "POST /intel/inspect": { requests: 10, perMs: 60000 } },
      }),
    );
    const ops = new Map(over.operations.map((o) => [o.name, o]));
    expect([...ops.keys()].sort()).toEqual([
      "judgements.find",
      "judgements.update",
      "oauth2.token",
      "text.inspect",
    ]);
    expect(ops.get("text.inspect")).toMatchObject({
      scopes: ["ao"],
      rateLimit: { requests: 10, perMs: 60000 },
    });
    expect(ops.get("judgements.find")?.paging).toBe("links");
  });
});

describe("argument optionality", async () => {
  const config = await import("../../generator/config.js");
  const cfg = await config.loadConfig("xdr-codegen.config.json");
  const ctia = cfg.apis.find((a) => a.name === "ctia")!;
  const model = buildModel(await loadSpec(ctia.spec), ctia);
  it("honours `required` beside `allOf` (a new judgement needs its fields)", () => {
    const create = model.operations.find((o) => o.name === "judgements.create")!;
    expect(create).toMatchObject({ args: "flat", argsOptional: false });
  });
});

describe("buildModel rejects names it cannot use", () => {
  const fake = (paths: Record<string, unknown>): LoadedSpec => ({
    file: "spec.yaml",
    document: {
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
      paths,
    } as LoadedSpec["document"],
    openapiVersion: "3.1",
    files: [],
    place: (pointer) => ({ file: "spec.yaml", pointer }),
  });
  const op = (name?: string) => ({
    ...(name ? { "x-xdr-name": name } : {}),
    responses: { 200: { description: "ok" } },
  });
  const cases: [string, { given: Record<string, unknown>; want: string }][] = [
    [
      "duplicate explicit names",
      {
        given: { "/a": { get: op("things.get") }, "/b": { get: op("things.get") } },
        want: 'spec.yaml (#/paths/~1b/get): duplicate operation name "things.get" (also GET /a); set x-xdr-name or a "names" override in the config',
      },
    ],
    [
      "a name that is both an operation and a group",
      {
        given: { "/a": { get: op("health") }, "/b": { get: op("health.module") } },
        want: 'spec.yaml (#/paths/~1b/get): "health.module" uses "health" as a group, but it is also an operation',
      },
    ],
    [
      "a name that is not an identifier",
      {
        given: { "/a": { get: op("x.get-all") } },
        want: 'spec.yaml (#/paths/~1a/get): operation name "x.get-all" is not usable: "get-all" is not a plain identifier or is reserved',
      },
    ],
    [
      "a reserved name",
      {
        given: { "/a": { get: op("raw") } },
        want: 'spec.yaml (#/paths/~1a/get): operation name "raw" is not usable: "raw" is not a plain identifier or is reserved',
      },
    ],
    [
      "a path template variable that is not declared",
      {
        given: { "/a/{id}": { get: op() } },
        want: 'spec.yaml (#/paths/~1a~1{id}/get): "{id}" in the path template "/a/{id}" is not declared as a path parameter',
      },
    ],
  ];
  it.each(cases)("%s", (_title, { given, want }) => {
    const error = (() => {
      try {
        buildModel(fake(given), api());
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toBe(want);
  });
});

describe("query parameter styles", () => {
  const spec: LoadedSpec = {
    file: "spec.yaml",
    document: {
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
      paths: {
        "/a": {
          get: {
            parameters: [
              { name: "plain", in: "query", schema: { type: "array" } },
              { name: "exploded", in: "query", style: "form", explode: true, schema: {} },
              { name: "csv", in: "query", explode: false, schema: { type: "array" } },
              { name: "pipes", in: "query", style: "pipeDelimited", schema: {} },
              { name: "spaces", in: "query", style: "spaceDelimited", explode: false, schema: {} },
              { name: "filter", in: "query", style: "deepObject", explode: true, schema: {} },
              { name: "__proto__", in: "query", explode: false, schema: {} },
              { name: "h", in: "header", explode: false, schema: {} },
            ],
            responses: { 200: { description: "ok" } },
          },
        },
      },
    } as LoadedSpec["document"],
    openapiVersion: "3.1",
    files: [],
    place: (pointer) => ({ file: "spec.yaml", pointer }),
  };

  it("records every style but OpenAPI's default (form, exploded), as name and style pairs", () => {
    const [a] = buildModel(spec, api()).operations;
    expect(a!.queryStyles).toEqual([
      ["csv", "comma"],
      ["pipes", "pipe"],
      ["spaces", "space"],
      ["filter", "deepObject"],
      ["__proto__", "comma"],
    ]);
  });
});

describe("request and response media types", () => {
  const body = (type: string, schema: unknown) => ({
    requestBody: { content: { [type]: { schema } } },
    responses: { 200: { description: "ok" } },
  });
  const specOf = (operation: Record<string, unknown>): LoadedSpec => ({
    file: "spec.yaml",
    document: {
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
      paths: { "/a": { post: operation } },
    } as LoadedSpec["document"],
    openapiVersion: "3.1",
    files: [],
    place: (pointer) => ({ file: "spec.yaml", pointer }),
  });
  const object = { type: "object", properties: { a: { type: "string" } } };

  const cases: [string, { given: Record<string, unknown>; want: Record<string, unknown> }][] = [
    ["application/json", { given: body("application/json", object), want: { body: "json" } }],
    [
      "a +json type is sent under its own name",
      {
        given: body("application/merge-patch+json", object),
        want: { body: "json", contentType: "application/merge-patch+json" },
      },
    ],
    ["an object declared */* is JSON", { given: body("*/*", object), want: { body: "json" } }],
    [
      "plain JSON wins over a +json type listed first (ASP.NET's json-patch+json)",
      {
        given: {
          requestBody: {
            content: {
              "application/json-patch+json": { schema: object },
              "application/json": { schema: object },
              "text/json": { schema: object },
            },
          },
          responses: { 200: { description: "ok" } },
        },
        want: { body: "json" },
      },
    ],
    [
      "text/json is JSON",
      { given: body("text/json", object), want: { body: "json", contentType: "text/json" } },
    ],
    [
      "bytes declared */* stay bytes",
      { given: body("*/*", { type: "string", format: "binary" }), want: { body: "binary" } },
    ],
    [
      "NDJSON is no JSON body",
      { given: body("application/x-ndjson", { type: "string" }), want: { body: "binary" } },
    ],
    [
      "an NDJSON answer is text (lines of JSON), not one JSON document",
      {
        given: {
          responses: {
            200: { description: "ok", content: { "application/x-ndjson": { schema: {} } } },
          },
        },
        want: { response: "text" },
      },
    ],
    [
      "a `default` answer, the only one declared, is the success's",
      {
        given: {
          responses: {
            default: { description: "ok", content: { "application/json": { schema: {} } } },
          },
        },
        want: { response: "json" },
      },
    ],
    [
      "`default` beside a 2xx is the errors'",
      {
        given: {
          responses: {
            204: { description: "none" },
            default: { description: "error", content: { "application/json": { schema: {} } } },
          },
        },
        want: { response: "none" },
      },
    ],
  ];
  it.each(cases)("%s", (_title, { given, want }) => {
    const [a] = buildModel(specOf(given), api()).operations;
    expect(a).toMatchObject(want);
    if (!("contentType" in want)) expect(a!.contentType).toBeUndefined();
  });
});
