// The `@example` of generated methods: realistic arguments from the spec (examples, defaults,
// enums, formats), then from parameter names, then from types; required fields always present.
import { describe, expect, it } from "vitest";
import { exampleArgs, exampleCall, literal, memberPaths } from "../../generator/examples.js";
import type { ApiModel, GroupModel, OperationModel } from "../../generator/model-types.js";

import { operationModel } from "./operation-model.js";

type Json = Record<string, unknown>;

const op = operationModel;

const api = (paths: Json, schemas: Json = {}) =>
  ({ document: { openapi: "3.1.0", paths, components: { schemas } } }) as unknown as Pick<
    ApiModel,
    "document"
  >;

describe("exampleArgs", () => {
  it.each<[string, { paths: Json; schemas?: Json; op: OperationModel; want: unknown }]>([
    [
      "a path parameter named after an incident",
      {
        paths: {
          "/incident/{incident_id}": {
            get: {
              parameters: [
                { name: "incident_id", in: "path", required: true, schema: { type: "string" } },
              ],
            },
          },
        },
        op: op({ path: "/incident/{incident_id}", method: "GET" }),
        want: { incident_id: "incident-0a38949f-d192-4d30-91ae-e593c1f57c14" },
      },
    ],
    [
      "the spec's example wins over the name",
      {
        paths: {
          "/x/{id}": {
            parameters: [
              {
                name: "id",
                in: "path",
                required: true,
                schema: { type: "string" },
                example: "x-42",
              },
            ],
            get: {},
          },
        },
        op: op({ path: "/x/{id}", method: "GET" }),
        want: { id: "x-42" },
      },
    ],
    [
      "an enum holding the value the name suggests shows that value, else its first",
      {
        paths: {
          "/v": {
            get: {
              parameters: [
                {
                  name: "observable_type",
                  in: "query",
                  required: true,
                  schema: { enum: ["acudid", "domain", "ip"] },
                },
                {
                  name: "disposition",
                  in: "query",
                  required: true,
                  schema: { enum: ["Clean", "Malicious"] },
                },
              ],
            },
          },
        },
        op: op({ path: "/v", method: "GET" }),
        want: { observable_type: "domain", disposition: "Clean" },
      },
    ],
    [
      "nothing required: two telling query parameters at most",
      {
        paths: {
          "/s": {
            get: {
              parameters: [
                { name: "sort_by", in: "query", schema: { type: "string" } },
                { name: "limit", in: "query", schema: { type: "integer" } },
                { name: "query", in: "query", schema: { type: "string" } },
                { name: "status", in: "query", schema: { type: "string" } },
              ],
            },
          },
        },
        op: op({ path: "/s", method: "GET", argsOptional: true }),
        want: { limit: 20, query: "status:Open" },
      },
    ],
    [
      "a body: required fields through allOf and $ref, formats, an observable pair",
      {
        paths: {
          "/j": {
            post: {
              requestBody: {
                content: {
                  "application/json": { schema: { $ref: "#/components/schemas/NewJudgement" } },
                },
              },
            },
          },
        },
        schemas: {
          Base: {
            type: "object",
            required: ["source"],
            properties: { source: { type: "string" }, type: { type: "string" } },
          },
          NewJudgement: {
            allOf: [{ $ref: "#/components/schemas/Base" }],
            required: ["observable", "valid_time", "type"],
            properties: {
              type: { enum: ["judgement"] },
              observable: {
                type: "object",
                properties: { type: { enum: ["acudid", "domain"] }, value: { type: "string" } },
              },
              valid_time: {
                type: "object",
                required: ["start_time"],
                properties: { start_time: { type: "string", format: "date-time" } },
              },
              notes: { type: "string" },
            },
          },
        },
        op: op({ path: "/j", method: "POST", body: "json" }),
        want: {
          source: "xdr-sdk",
          type: "judgement",
          observable: { type: "domain", value: "internetbadguys.com" },
          valid_time: { start_time: "2026-11-30T09:00:00.000Z" },
        },
      },
    ],
    [
      "split arguments keep the body apart",
      {
        paths: {
          "/t/{id}": {
            put: {
              parameters: [
                {
                  name: "id",
                  in: "path",
                  required: true,
                  schema: { type: "string", format: "uuid" },
                },
              ],
              requestBody: {
                content: {
                  "application/json": {
                    schema: {
                      type: "object",
                      required: ["title"],
                      properties: { title: { type: "string" } },
                    },
                  },
                },
              },
            },
          },
        },
        op: op({ path: "/t/{id}", method: "PUT", args: "split", body: "json" }),
        want: {
          id: "8d148239-8fda-4fe8-973e-3f181396101f",
          body: { title: "Phishing campaign against finance" },
        },
      },
    ],
    [
      "a recursive schema ends",
      {
        paths: {
          "/r": {
            post: {
              requestBody: {
                content: { "application/json": { schema: { $ref: "#/components/schemas/Node" } } },
              },
            },
          },
        },
        schemas: {
          Node: {
            type: "object",
            required: ["child"],
            properties: { child: { $ref: "#/components/schemas/Node" } },
          },
        },
        op: op({ path: "/r", method: "POST", args: "body", body: "json" }),
        want: JSON.parse('{"child":{"child":{"child":{"child":{"child":{"child":{}}}}}}}'),
      },
    ],
    [
      "an operation missing from the document gives empty arguments, not a crash",
      { paths: {}, op: op({ path: "/nowhere", method: "GET" }), want: {} },
    ],
  ])("%s", (_title, { paths, schemas, op: operation, want }) => {
    expect(exampleArgs(api(paths, schemas), operation)).toEqual(want);
  });

  it("a standalone client's examples carry no XDR values (observables, incident ids)", () => {
    const paths = {
      "/pets/{incident_id}": {
        post: {
          parameters: [
            { name: "incident_id", in: "path", required: true, schema: { type: "string" } },
          ],
          requestBody: {
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["name", "thing"],
                  properties: {
                    name: { type: "string" },
                    thing: {
                      type: "object",
                      properties: { type: { type: "string" }, value: { type: "string" } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    };
    const standalone = { ...api(paths), generic: {} } as unknown as Parameters<
      typeof exampleArgs
    >[0];
    expect(
      exampleArgs(standalone, op({ path: "/pets/{incident_id}", method: "POST", body: "json" })),
    ).toEqual({
      incident_id: "8d148239-8fda-4fe8-973e-3f181396101f",
      name: "Example",
      thing: {},
    });
  });

  it("no arguments for an operation that takes none", () => {
    expect(exampleArgs(api({}), op({ path: "/", method: "GET", args: "none" }))).toBeUndefined();
  });

  it("keys that spec text made hostile stay data: constructor, __proto__", () => {
    const paths =
      JSON.parse(`{"/p": {"post": {"requestBody": {"content": {"application/json": {"schema": {
      "type": "object", "required": ["constructor", "__proto__"],
      "properties": {"constructor": {"type": "string"}, "__proto__": {"type": "string"}}
    }}}}}}}`) as Json;
    const args = exampleArgs(api(paths), op({ path: "/p", method: "POST", body: "json" }));
    expect(literal(args)).toBe('{ constructor: "example", ["__proto__"]: "example" }');
  });
});

describe("literal and exampleCall", () => {
  it.each<[string, { given: unknown; want: string }]>([
    [
      "keys as identifiers where they can be",
      { given: { a: 1, "aggregate-on": "x" }, want: '{ a: 1, "aggregate-on": "x" }' },
    ],
    ["arrays and nesting", { given: [{ b: [true, null] }], want: "[{ b: [true, null] }]" }],
    ["text that would close a comment stays a string", { given: "*/ x", want: '"*/ x"' }],
    ["an empty object", { given: {}, want: "{}" }],
  ])("%s", (_title, { given, want }) => expect(literal(given)).toBe(want));

  const doc = api({ "/x": { get: {} } });
  it.each<
    [string, { members: string[]; options?: { paged?: boolean; waitable?: boolean }; want: string }]
  >([
    [
      "a call",
      { members: ["things", "get"], want: "const result = await xdr.iroh.things.get({});" },
    ],
    [
      "a member that is not an identifier",
      { members: ["my-group", "get"], want: 'const result = await xdr.iroh["my-group"].get({});' },
    ],
    [
      "a paged call iterates",
      {
        members: ["list"],
        options: { paged: true },
        want: "for await (const item of xdr.iroh.list({})) {\n  console.log(item);\n}",
      },
    ],
    [
      "a workflow start waits",
      {
        members: ["start"],
        options: { waitable: true },
        want: "const result = await xdr.iroh.start({}, { wait: true });",
      },
    ],
  ])("%s", (_title, { members, options, want }) => {
    expect(exampleCall(doc, op({ path: "/x", method: "GET" }), "xdr.iroh", members, options)).toBe(
      want,
    );
  });

  it("optional arguments with nothing to show are left out of the call", () => {
    const optional = op({ path: "/x", method: "GET", argsOptional: true });
    expect(exampleCall(doc, optional, "client", ["list"])).toBe(
      "const result = await client.list();",
    );
  });

  it("memberPaths follows the groups and the method names", () => {
    const get = op({ path: "/a", method: "GET", name: "a.b.get", methodName: "get" });
    const root: GroupModel = {
      name: "",
      operations: [],
      groups: [
        { name: "a", operations: [], groups: [{ name: "b", operations: [get], groups: [] }] },
      ],
    };
    expect(memberPaths(root).get(get)).toEqual(["a", "b", "get"]);
  });
});
