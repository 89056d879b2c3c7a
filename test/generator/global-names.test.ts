// Schemas named like TypeScript's own types (`Partial`, `Record`…), an operation whose only
// answer is `default` and one answering bytes: the package compiles under --strict, the schemas
// are exported under another name, the `default` answer is the method's result type (not
// `unknown`) and the bytes are a `Blob`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../../generator/api.js";
import { strictTsc } from "../support/tsc.js";
import { ROOT } from "./workspace.js";

mkdirSync(join(ROOT, ".xdr-test-tmp"), { recursive: true });
const dir = mkdtempSync(join(ROOT, ".xdr-test-tmp", "global-names-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const object = (name: string) => ({ type: "object", properties: { [name]: { type: "string" } } });
const spec = {
  openapi: "3.0.3",
  info: { title: "Globals", version: "1" },
  servers: [{ url: "https://api.example.com" }],
  paths: {
    "/files/{id}": {
      get: {
        operationId: "downloadFile",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          200: {
            description: "the bytes",
            content: {
              "application/octet-stream": { schema: { type: "string", format: "binary" } },
            },
          },
        },
      },
    },
    "/events": {
      get: {
        operationId: "streamEvents",
        responses: {
          200: {
            description: "lines of JSON",
            content: { "application/x-ndjson": { schema: { $ref: "#/components/schemas/Blob" } } },
          },
        },
      },
    },
    "/things": {
      get: {
        operationId: "listThings",
        responses: {
          default: {
            description: "the things",
            content: {
              "application/json": {
                schema: { type: "array", items: { $ref: "#/components/schemas/Partial" } },
              },
            },
          },
        },
      },
      post: {
        operationId: "createThing",
        requestBody: {
          content: { "application/json": { schema: { $ref: "#/components/schemas/Record" } } },
        },
        responses: {
          201: {
            description: "made",
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/NonNullable" } },
            },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Partial: object("p"),
      NonNullable: object("n"),
      Record: object("r"),
      Omit: object("o"),
      Blob: object("b"),
    },
  },
};

let result: unknown;
beforeAll(async () => {
  writeFileSync(join(dir, "spec.json"), JSON.stringify(spec));
  result = await generate({ input: "spec.json", name: "globals", out: "out", cwd: dir }).catch(
    (e: unknown) => e,
  );
}, 180_000);

describe("schemas named like TypeScript's own types", () => {
  it("generate", () => {
    expect(result).toEqual({ generated: ["globals"], unchanged: [] });
  });

  it("are exported under another name, not shadowing the global", () => {
    const names = readFileSync(join(dir, "out/src/globals/names.ts"), "utf8");
    for (const name of ["Partial", "NonNullable", "Record", "Omit", "Blob"]) {
      expect(names).not.toMatch(new RegExp(`export type ${name}\\b`));
      expect(names).toMatch(new RegExp(`export type ${name}Schema\\b`));
    }
  });

  it("an answer declared only as `default` is the method's result type", () => {
    const names = readFileSync(join(dir, "out/src/globals/names.ts"), "utf8");
    expect(names).toMatch(
      /export type ThingsListThingsResponse = [^;]*\["responses"\]\["default"\]/,
    );
  });

  it("an answer read as bytes is typed Blob, as the runtime returns it (not the spec's string)", () => {
    const names = readFileSync(join(dir, "out/src/globals/names.ts"), "utf8");
    expect(names).toMatch(/export type \w*DownloadFileResponse = Blob;/);
  });

  it("an answer read as text (lines of JSON) is typed string, not its schema", () => {
    const names = readFileSync(join(dir, "out/src/globals/names.ts"), "utf8");
    expect(names).toMatch(/export type \w*StreamEventsResponse = string;/);
  });

  it("compile under --strict", () => {
    const tsc = strictTsc(join(dir, "out"), { include: ["src/**/*.ts", "dist/**/*.d.ts"] });
    expect(tsc.output).toBe("");
    expect(tsc.status).toBe(0);
  }, 180_000);
});
