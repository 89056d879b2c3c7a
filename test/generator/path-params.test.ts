// Path parameters named like another argument of the same operation: renamed `<name>_path`, so
// that one argument object holds both (the path's name never reaches the wire).
import { describe, expect, it } from "vitest";
import type { OpenApiDocument } from "../../generator/load.js";
import { renamePathParameters } from "../../generator/path-params.js";

const doc = (paths: Record<string, unknown>): OpenApiDocument =>
  ({ openapi: "3.0.3", info: { title: "t", version: "1" }, paths }) as OpenApiDocument;
const ok = { "200": { description: "ok" } };
const path = (name: string, extra: object = {}) => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string" },
  ...extra,
});

describe("renamePathParameters: clashes with other arguments", () => {
  it.each<[string, { given: OpenApiDocument; want: string[]; params?: string[] }]>([
    [
      "a query parameter of the same name",
      {
        given: doc({
          "/items/{id}": {
            get: {
              parameters: [path("id"), { name: "id", in: "query", schema: { type: "integer" } }],
              responses: ok,
            },
          },
        }),
        want: ["/items/{id_path}"],
        params: ["id_path", "id"],
      },
    ],
    [
      "a header parameter of the same hyphenated name",
      {
        given: doc({
          "/items/{item-id}": {
            get: {
              parameters: [path("item-id"), { name: "item-id", in: "header", schema: {} }],
              responses: ok,
            },
          },
        }),
        want: ["/items/{item_id_path}"],
      },
    ],
    [
      "a query parameter, when id_path is taken too",
      {
        given: doc({
          "/items/{id}": {
            put: {
              parameters: [
                path("id"),
                { name: "id", in: "query", schema: {} },
                { name: "id_path", in: "query", schema: {} },
              ],
              responses: ok,
            },
          },
        }),
        want: ["/items/{id_path2}"],
      },
    ],
    [
      "a body field of the same name: no clash (the body goes under `body`)",
      {
        given: doc({
          "/items/{id}": { put: { parameters: [path("id")], requestBody: {}, responses: ok } },
        }),
        want: ["/items/{id}"],
      },
    ],
    [
      "no clash: left alone",
      {
        given: doc({ "/items/{id}": { get: { parameters: [path("id")], responses: ok } } }),
        want: ["/items/{id}"],
      },
    ],
  ])("%s", (_title, { given, want, params }) => {
    const bodyFields = (op: Record<string, unknown>) => (op.requestBody ? ["id"] : []);
    const { document } = renamePathParameters(given, bodyFields);
    expect(Object.keys(document.paths)).toEqual(want);
    if (params) {
      const op = document.paths[want[0]!]!.get as { parameters: { name: string }[] };
      expect(op.parameters.map((p) => p.name)).toEqual(params);
    }
  });
});
