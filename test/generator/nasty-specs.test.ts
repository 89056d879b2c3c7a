// Valid-but-nasty specs give a client that type-checks; invalid ones one line naming the file,
// the line and the JSON pointer (exit 2 in the CLI); none an internal error.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../generator/api.js";
import { BadInputError } from "../../generator/errors.js";
import { ROOT } from "./workspace.js";
import { strictTsc } from "../support/tsc.js";

mkdirSync(join(ROOT, ".xdr-test-tmp"), { recursive: true });
const dir = mkdtempSync(join(ROOT, ".xdr-test-tmp", "nasty-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, unknown>;
const ok = (schema?: Json) => ({
  "200": {
    description: "ok",
    ...(schema ? { content: { "application/json": { schema } } } : {}),
  },
});
const spec = (paths: Json, schemas: Json = {}, extra: Json = {}): Json => ({
  openapi: "3.0.3",
  info: { title: "t", version: "1" },
  paths,
  components: { schemas },
  ...extra,
});
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const CASES: [string, { given: Json; want: "usable" | RegExp }][] = [
  [
    "operationIds that are a route, not Latin, or empty",
    {
      given: spec({
        "/pets": {
          get: { operationId: "get /pets", responses: ok() },
          post: { operationId: "ペット作成", responses: ok() },
        },
        "/{id}": {
          get: {
            operationId: "",
            parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
            responses: ok(),
          },
        },
      }),
      want: "usable",
    },
  ],
  [
    "schema names with dots, spaces, digits first and accents",
    {
      given: spec(
        { "/a": { get: { responses: ok(ref("My.Schema")) } } },
        Object.fromEntries(
          ["My.Schema", "Ünïcode", "a b", "1abc", "x-y"].map((n) => [
            n,
            { type: "object", properties: { [n]: { type: "string" } } },
          ]),
        ),
      ),
      want: "usable",
    },
  ],
  [
    "parameter names with dots, brackets and dashes",
    {
      given: spec({
        "/a/{b.c}": {
          get: {
            parameters: [
              { name: "b.c", in: "path", required: true, schema: { type: "string" } },
              { name: "X-Request-ID", in: "header", schema: { type: "string" } },
              { name: "filter[name]", in: "query", schema: { type: "string" } },
            ],
            responses: ok(),
          },
        },
      }),
      want: "usable",
    },
  ],
  [
    "a path item that is a $ref to another",
    {
      given: spec({ "/a": { get: { responses: ok() } }, "/b": { $ref: "#/paths/~1a" } }),
      want: "usable",
    },
  ],
  [
    "a security requirement naming no scheme",
    {
      given: spec({ "/a": { get: { responses: ok() } } }, {}, { security: [{ nope: [] }] }),
      want: "usable",
    },
  ],
  [
    "schemas that alias each other, and a $ref into an allOf",
    {
      given: spec(
        { "/a": { get: { responses: ok(ref("D")) } } },
        {
          A: ref("B"),
          B: ref("A"),
          D: { type: "object", properties: { x: ref("E/allOf/0"), a: ref("A") } },
          E: { allOf: [{ type: "object", properties: { y: { type: "string" } } }] },
        },
      ),
      want: "usable",
    },
  ],
  [
    "$refs into a schema's inside that point back into it (would copy without end)",
    {
      given: spec(
        { "/s": { get: { responses: ok(ref("S")) } } },
        {
          S: {
            allOf: [
              {
                type: "object",
                properties: { c1: ref("S/allOf/0"), c2: ref("S/allOf/0"), c3: ref("S/allOf/0") },
              },
            ],
          },
        },
      ),
      want: "usable",
    },
  ],
  [
    "$refs into each other's insides (Azure's specs: copies multiply with every round)",
    {
      given: spec(
        { "/a": { get: { responses: ok(ref("A")) } }, "/b": { get: { responses: ok(ref("B")) } } },
        {
          A: {
            allOf: [
              {
                type: "object",
                properties: { b1: ref("B/allOf/0"), b2: ref("B/allOf/0"), b3: ref("B/allOf/0") },
              },
            ],
          },
          B: {
            allOf: [
              {
                type: "object",
                properties: { a1: ref("A/allOf/0"), a2: ref("A/allOf/0"), a3: ref("A/allOf/0") },
              },
            ],
          },
        },
      ),
      want: "usable",
    },
  ],
  [
    "$refs to optional properties of a schema, and through them",
    {
      given: spec(
        {
          "/e": {
            post: {
              requestBody: { content: { "application/json": { schema: ref("CreateEvent") } } },
              responses: ok(),
            },
          },
        },
        {
          Event: {
            type: "object",
            properties: {
              attributes: { type: "object", properties: { title: { type: "string" } } },
              owner: {
                type: "object",
                properties: { data: { type: "object", properties: { id: { type: "string" } } } },
              },
            },
          },
          CreateEvent: {
            type: "object",
            properties: {
              attributes: { allOf: [ref("Event/properties/attributes")], required: ["title"] },
              owner: ref("Event/properties/owner/properties/data"),
            },
          },
        },
      ),
      want: "usable",
    },
  ],
  [
    "a path parameter and a query parameter of the same name",
    {
      given: spec({
        "/items/{id}": {
          get: {
            parameters: [
              { name: "id", in: "path", required: true, schema: { type: "string" } },
              { name: "id", in: "query", schema: { type: "integer" } },
            ],
            responses: ok(),
          },
        },
      }),
      want: "usable",
    },
  ],
  [
    "a TRACE operation (fetch refuses the method: left out)",
    {
      given: spec({ "/a": { get: { responses: ok() }, trace: { responses: ok() } } }),
      want: "usable",
    },
  ],
  [
    "a required field missing (responses)",
    {
      given: spec({ "/a": { get: { operationId: "a" } } }),
      want: /nasty-\d+\.json:\d+:\d+ \(#\/paths\/~1a\/get\): The field `responses` must be present on this level\. \[struct\]$/,
    },
  ],
  [
    "a server variable without a default",
    {
      given: spec(
        { "/a": { get: { responses: ok() } } },
        {},
        { servers: [{ url: "https://{env}.x.com", variables: { env: { enum: ["a"] } } }] },
      ),
      want: /\(#\/servers\/0\/variables\/env\): The field `default` must be present/,
    },
  ],
];

const outcome = new Map<string, string | Error>();
beforeAll(async () => {
  for (const [i, [title, { given }]] of CASES.entries()) {
    writeFileSync(join(dir, `nasty-${i}.json`), JSON.stringify(given, null, 2));
    try {
      await generate({ input: `nasty-${i}.json`, name: `nasty-${i}`, out: `out-${i}`, cwd: dir });
      outcome.set(title, "generated");
    } catch (error) {
      outcome.set(title, error as Error);
    }
  }
}, 300_000);

describe("nasty specs", () => {
  it.each(CASES)("%s", (title, { want }) => {
    const result = outcome.get(title);
    if (want === "usable") {
      expect(result).toBe("generated");
    } else {
      expect(result).toBeInstanceOf(BadInputError);
      expect((result as Error).message).toMatch(want);
    }
  });

  it("the generated clients type-check under --strict, declarations included", () => {
    const tsc = strictTsc(dir, { include: ["out-*/dist/**/*.d.ts", "out-*/src/*/*.ts"] });
    expect(tsc.output).toBe("");
    expect(tsc.status).toBe(0);
  }, 180_000);
});
