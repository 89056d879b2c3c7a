import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BadInputError } from "../../generator/errors.js";
import { loadSpec } from "../../generator/load.js";

const dir = mkdtempSync(join(tmpdir(), "xdr-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const minimal = (paths: string) => `openapi: 3.1.0
info: { title: T, version: "1" }
paths:
${paths}`;

describe("loadSpec rejects bad input with one message naming file and place", () => {
  const cases: [string, { name: string; text: string; want: (file: string) => string }][] = [
    [
      "malformed YAML",
      {
        name: "bad.yaml",
        text: "openapi: 3.1.0\ninfo:\n  title: [unclosed\n",
        want: (f) =>
          `${f}:4:1: malformed YAML: unexpected end of the stream within a flow collection`,
      },
    ],
    [
      "a duplicate key",
      {
        name: "dup.yaml",
        text: "openapi: 3.1.0\ninfo: { title: T, version: '1' }\ninfo: {}\npaths: {}\n",
        want: (f) => `${f}:3:1: malformed YAML: duplicated mapping key`,
      },
    ],
    [
      "malformed JSON",
      {
        name: "bad.json",
        text: '{\n  "openapi": "3.1.0",\n  "info": {,}\n}\n',
        want: (f) => `${f}:3:12: malformed JSON: Expected property name or '}'`,
      },
    ],
    [
      "not an OpenAPI document",
      {
        name: "list.yaml",
        text: "- a\n- b\n",
        want: (f) =>
          `${f}: not an OpenAPI document: expected an object with an \`openapi: 3.x\` field`,
      },
    ],
    [
      "no openapi field",
      {
        name: "plain.yaml",
        text: "name: x\n",
        want: (f) => `${f}: not an OpenAPI document: the top-level \`openapi\` field is missing`,
      },
    ],
    [
      "Swagger 2.0",
      {
        name: "swagger.json",
        text: '{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}',
        want: (f) =>
          `${f}:1:13 (#/swagger): Swagger 2.0 is not supported: convert it to OpenAPI 3 first (for instance \`npx swagger2openapi in.json -o out.yaml\`)`,
      },
    ],
    [
      "Swagger 2.0 in YAML, where 2.0 reads as a number",
      {
        name: "swagger.yaml",
        text: "info: { title: t, version: '1' }\nswagger: 2.0\npaths: {}\n",
        want: (f) =>
          `${f}:2:10 (#/swagger): Swagger 2.0 is not supported: convert it to OpenAPI 3 first (for instance \`npx swagger2openapi in.json -o out.yaml\`)`,
      },
    ],
    [
      "an openapi field that YAML reads as a number",
      {
        name: "number.yaml",
        text: "info: { title: t, version: '1' }\nopenapi: 3.0\npaths: {}\n",
        want: (f) =>
          `${f}:2:10 (#/openapi): the \`openapi\` field must be a string such as "3.1.0", not 3.0 (quote it in YAML)`,
      },
    ],
    [
      "a schema type that does not exist (3.0)",
      {
        name: "strin.yaml",
        text: minimal(`  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  name: { type: strin }
`).replace("3.1.0", "3.0.3"),
        want: (f) =>
          `${f}:14:33 (#/paths/~1a/get/responses/200/content/application~1json/schema/properties/name/type): \`type\` can be one of the following only: "object", "array", "string", "number", "integer", "boolean". [struct]`,
      },
    ],
    [
      "a schema type that does not exist (3.1)",
      {
        name: "strin31.yaml",
        text: minimal(`  /a:
    get:
      parameters:
        - { name: q, in: query, schema: { type: [strin, "null"] } }
      responses:
        "204": { description: ok }
`),
        want: (f) =>
          `${f}:7:50 (#/paths/~1a/get/parameters/0/schema/type/0): \`type\` can be one of the following only: "object", "array", "string", "number", "integer", "boolean", "null". [struct]`,
      },
    ],
    [
      "a parameter in a place that does not exist",
      {
        name: "in.yaml",
        text: minimal(`  /a:
    get:
      parameters:
        - { name: q, in: bdy, schema: { type: string } }
      responses:
        "204": { description: ok }
`),
        want: (f) =>
          `${f}:7:26 (#/paths/~1a/get/parameters/0/in): \`in\` can be one of the following only: "query", "header", "path", "cookie". [struct]`,
      },
    ],
    [
      "unsupported version",
      {
        name: "v4.yaml",
        text: "openapi: 4.0.0\ninfo: { title: T, version: '1' }\npaths: {}\n",
        want: (f) =>
          `${f}:1:10 (#/openapi): unsupported OpenAPI version "4.0.0": xdr-codegen reads 3.0.x and 3.1.x`,
      },
    ],
    [
      "unresolved $ref",
      {
        name: "ref.yaml",
        text: minimal(`  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Missing" }
`),
        want: (f) =>
          `${f}:11:23 (#/paths/~1a/get/responses/200/content/application~1json/schema): Can't resolve $ref [no-unresolved-refs]`,
      },
    ],
    [
      "a path parameter missing from the path template",
      {
        name: "param.yaml",
        text: minimal(`  /a:
    get:
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200": { description: ok }
`),
        want: (f) =>
          `${f}:7:19 (#/paths/~1a/get/parameters/0/name): Path parameter \`id\` is not used in the path \`/a\`. [path-parameters-defined]`,
      },
    ],
    [
      "empty paths",
      {
        name: "empty.yaml",
        text: minimal("  {}\n"),
        want: (f) =>
          `${f}:4:3 (#/paths): \`paths\` has no operations: there is nothing to generate`,
      },
    ],
    ["a missing file", { name: "", text: "", want: (f) => `${f}: file not found` }],
  ];

  it.each(cases)("%s", async (_title, { name, text, want }) => {
    const file = name ? write(name, text) : join(dir, "nope.yaml");
    const error = await loadSpec(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toBe(want(file));
  });
});

describe("loadSpec reads good input", () => {
  // Structural slips that real specs make and that change no type: accepted, as
  // openapi-typescript accepts them.
  it.each([
    ["nullable without type", "schema: { nullable: true, description: d }"],
    ["an unknown field in a schema", "schema: { type: string, definitions: {} }"],
  ])("accepts %s", async (_title, schema) => {
    const file = write(
      "lenient.yaml",
      minimal(`  /a:
    get:
      parameters:
        - { name: q, in: query, ${schema} }
      responses:
        "204": { description: ok }
`),
    );
    await expect(loadSpec(file)).resolves.toBeTruthy();
  });

  it("a second read of an unchanged spec is a copy; an edited spec is read again", async () => {
    const spec = (title: string) =>
      JSON.stringify({
        openapi: "3.1.0",
        info: { title, version: "1" },
        paths: { "/a": { get: { responses: { "204": { description: "ok" } } } } },
      });
    const file = write("cached.json", spec("first"));
    const one = await loadSpec(file);
    const two = await loadSpec(file);
    expect(two.document).toEqual(one.document);
    expect(two.document).not.toBe(one.document);
    (two.document.info as Record<string, unknown>).title = "changed by a caller";
    expect(((await loadSpec(file)).document.info as Record<string, unknown>).title).toBe("first");
    write("cached.json", spec("second"));
    expect(((await loadSpec(file)).document.info as Record<string, unknown>).title).toBe("second");
  });

  it("drops a discriminator mapping that names no schema, keeps the others", async () => {
    const file = write(
      "mapping.json",
      JSON.stringify({
        openapi: "3.0.3",
        info: { title: "t", version: "1" },
        paths: {
          "/a": {
            post: {
              requestBody: {
                content: {
                  "application/json": {
                    schema: {
                      oneOf: [{ $ref: "#/components/schemas/Cat" }],
                      discriminator: {
                        propertyName: "kind",
                        mapping: {
                          cat: "#/components/schemas/Cat",
                          dog: "#/components/schemas/Dog",
                          bird: "./birds.yaml#/Bird",
                        },
                      },
                    },
                  },
                },
              },
              responses: { "204": { description: "ok" } },
            },
          },
        },
        components: {
          schemas: { Cat: { type: "object", properties: { kind: { type: "string" } } } },
        },
      }),
    );
    const spec = await loadSpec(file);
    expect(JSON.stringify(spec.document)).toContain('"mapping":{"cat":"#/components/schemas/Cat"}');
  });

  const schemaSpec = (schemas: Record<string, unknown>, root: string) =>
    JSON.stringify({
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      paths: {
        "/a": {
          get: {
            responses: {
              "200": {
                description: "ok",
                content: {
                  "application/json": { schema: { $ref: `#/components/schemas/${root}` } },
                },
              },
            },
          },
        },
      },
      components: { schemas },
    });

  it.each([
    ["itself", { C: { $ref: "#/components/schemas/C" } }, "C", { C: {} }],
    [
      "each other",
      { A: { $ref: "#/components/schemas/B" }, B: { $ref: "#/components/schemas/A" } },
      "A",
      { A: { $ref: "#/components/schemas/B" }, B: {} },
    ],
  ])("breaks schemas that alias %s into any value", async (_title, schemas, root, want) => {
    const spec = await loadSpec(write("alias.json", schemaSpec(schemas, root)));
    expect((spec.document.components as { schemas: unknown }).schemas).toEqual(want);
  });

  it("copies what a $ref into a schema's allOf points at", async () => {
    const schemas = {
      D: { type: "object", properties: { x: { $ref: "#/components/schemas/E/allOf/0" } } },
      E: { allOf: [{ type: "object", properties: { y: { type: "string" } } }] },
    };
    const spec = await loadSpec(write("deep.json", schemaSpec(schemas, "D")));
    const d = (spec.document.components as { schemas: { D: unknown } }).schemas.D;
    expect(d).toEqual({
      type: "object",
      properties: { x: { type: "object", properties: { y: { type: "string" } } } },
    });
  });

  it("copies what a $ref through another $ref points at (…/schema/properties/x)", async () => {
    const doc = {
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      paths: {
        "/{id}": {
          get: {
            parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
            responses: {
              "200": {
                description: "ok",
                content: {
                  "application/json": {
                    schema: {
                      type: "object",
                      properties: {
                        code: {
                          $ref: "#/components/responses/Err/content/application~1json/schema/properties/code",
                        },
                      },
                    },
                  },
                },
              },
              "404": { $ref: "#/paths/~1%7Bid%7D/get/responses/200" },
            },
          },
        },
      },
      components: {
        responses: {
          Err: {
            description: "e",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Err" } } },
          },
        },
        schemas: { Err: { type: "object", properties: { code: { type: "integer" } } } },
      },
    };
    const spec = await loadSpec(write("through.json", JSON.stringify(doc)));
    const text = JSON.stringify(spec.document.paths);
    expect(text).not.toContain("properties/code");
    expect(text).not.toContain("%7Bid%7D");
    expect(text).toContain('"code":{"type":"integer"}');
  });

  // Redocly looks these names up in plain objects of its own (and crashed on them).
  it.each(["hasOwnProperty", "valueOf", "isPrototypeOf", "constructor", "__proto__", "toString"])(
    "a schema and a property named %s",
    async (name) => {
      const file = write(
        `proto-${name}.json`,
        JSON.stringify({
          openapi: "3.0.3",
          info: { title: "t", version: "1" },
          paths: {
            "/a": {
              get: {
                responses: {
                  "200": {
                    description: "ok",
                    content: {
                      "application/json": { schema: { $ref: `#/components/schemas/${name}` } },
                    },
                  },
                },
              },
            },
          },
          components: {
            schemas: { [name]: { type: "object", properties: { [name]: { type: "string" } } } },
          },
        }),
      );
      const spec = await loadSpec(file);
      const schemas = (spec.document.components as { schemas: object }).schemas;
      expect(Object.hasOwn(schemas, name)).toBe(true);
    },
  );

  it.each([
    ["3.0 YAML", "test/fixtures/specs/pets.yaml", "3.0"],
    ["3.1 JSON", "test/fixtures/specs/intel.json", "3.1"],
  ])("%s", async (_title, file, version) => {
    const spec = await loadSpec(file);
    expect(spec.openapiVersion).toBe(version);
    expect(Object.keys(spec.document.paths).length).toBeGreaterThan(0);
    expect(spec.files).toEqual([join(process.cwd(), file)]);
  });

  it("bundles a $ref to another file and records that file", async () => {
    write("schemas.yaml", "Thing:\n  type: object\n  properties:\n    id: { type: string }\n");
    const file = write(
      "main.yaml",
      minimal(`  /things:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "./schemas.yaml#/Thing" }
`),
    );
    const spec = await loadSpec(file);
    expect(spec.files).toEqual([file, join(dir, "schemas.yaml")].sort());
    expect(JSON.stringify(spec.document)).not.toContain("schemas.yaml");
  });
});

describe("inputs the corpus holds", () => {
  const json = {
    openapi: "3.0.3",
    info: { title: "T", version: "1" },
    paths: { "/a": { get: { responses: { "200": { description: "ok" } } } } },
  };

  it("a JSON file that starts with a byte order mark", async () => {
    const spec = await loadSpec(write("bom.json", "\uFEFF" + JSON.stringify(json)));
    expect(Object.keys(spec.document.paths)).toEqual(["/a"]);
  });

  it("never fetches an example's externalValue (no request leaves; the spec loads offline)", async () => {
    const { createServer } = await import("node:http");
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a document built by hand
      const withExample = structuredClone(json) as any;
      withExample.paths["/a"].get.responses["200"].content = {
        "application/json": {
          schema: { type: "object", properties: { externalValue: { type: "string" } } },
          examples: {
            live: { externalValue: `http://127.0.0.1:${port}/example.json` },
            gone: { externalValue: "https://example.invalid/x.json" },
          },
        },
      };
      const spec = await loadSpec(write("external-example.json", JSON.stringify(withExample)));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- read back the same way
      const media = (spec.document.paths["/a"]!.get as any).responses["200"].content[
        "application/json"
      ];
      expect(media.examples.live).toEqual({});
      // A property named externalValue is a schema, and stays.
      expect(media.schema.properties.externalValue).toEqual({ type: "string" });
      expect(hits).toBe(0);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("a spec with webhooks and no paths: the message says why nothing is generated", async () => {
    const file = write(
      "webhooks.yaml",
      `openapi: 3.1.0
info: { title: T, version: "1" }
webhooks:
  created:
    post:
      responses: { "200": { description: ok } }
`,
    );
    await expect(loadSpec(file)).rejects.toThrow(
      /\(#\/paths\): `paths` has no operations: there is nothing to generate \(webhooks are requests the API sends, not operations a client calls\)$/,
    );
  });
});
