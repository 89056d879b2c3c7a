// Unit tests of the pieces the CLI and the MCP server share, where they live (templates/cli/),
// and of the catalog target's schema conversion (generator/targets/).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isDestructive, isReadOnly } from "../../generator/targets/catalog.js";
import { toJsonSchema } from "../../generator/targets/schema.js";
import type { OperationModel } from "../../generator/model-types.js";
import type { OperationEntry } from "../../templates/cli/catalog.js";
import { configFromEnv, scrub } from "../../templates/cli/env.js";
import { describeError, exitCodeOf, UsageError } from "../../templates/cli/failure.js";
import { parseCall } from "../../templates/cli/flags.js";
import { sdkArguments } from "../../templates/cli/invoke.js";
import { bound, pickFields } from "../../templates/cli/shape.js";

const dir = mkdtempSync(join(tmpdir(), "xdr-cli-units-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("OpenAPI → JSON Schema", () => {
  const doc = {
    components: {
      schemas: {
        Node: {
          type: "object",
          properties: {
            id: { type: "string", readOnly: true },
            child: { $ref: "#/components/schemas/Node" },
          },
        },
        Maybe: {
          type: "integer",
          nullable: true,
          exclusiveMinimum: true,
          minimum: 0,
          format: "uint32",
        },
        // As a parsed spec has it (an object literal would set the prototype instead).
        Odd: JSON.parse(
          '{"type":"object","properties":{"__proto__":{"type":"string"}},"required":["__proto__"]}',
        ) as unknown,
        Choice: {
          oneOf: [{ type: "string" }, { type: "integer" }],
          discriminator: { propertyName: "x" },
        },
      },
    },
  };
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

  it("inlines references, cuts cycles, drops server-assigned fields", () => {
    const schema = toJsonSchema(doc, ref("Node"));
    expect(JSON.stringify(schema)).not.toContain("$ref");
    expect(Object.keys(schema.properties as object)).toEqual(["child"]);
    const child = (schema.properties as Record<string, Record<string, unknown>>).child!;
    expect(child.description).toMatch(/nested too deep/);
  });

  it("3.0 nullable and boolean exclusive bounds become draft-07; unknown formats go", () => {
    expect(toJsonSchema(doc, ref("Maybe"))).toEqual({
      type: ["integer", "null"],
      exclusiveMinimum: 0,
    });
  });

  it("keeps a property named __proto__ as data", () => {
    const schema = toJsonSchema(doc, ref("Odd"));
    expect(Object.keys(schema.properties as object)).toEqual(["__proto__"]);
    expect(schema.required).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it("oneOf becomes anyOf; discriminator is dropped", () => {
    expect(toJsonSchema(doc, ref("Choice"))).toEqual({
      anyOf: [{ type: "string" }, { type: "integer" }],
    });
  });

  it("bounds depth", () => {
    const deep = {
      type: "object",
      properties: { a: { type: "object", properties: { b: { type: "string" } } } },
    };
    const cut = toJsonSchema({}, deep, { maxDepth: 1, maxDescription: 10 });
    expect(cut).toEqual({ type: "object", properties: { a: {} } });
  });
});

describe("annotations from the model", () => {
  const op = (method: string, path: string, safe: boolean) =>
    ({ method, path, safe }) as OperationModel;
  it.each([
    ["GET", "/ctia/judgement/search", true, true, false],
    ["POST", "/iroh/iroh-inspect/inspect", true, true, false],
    ["DELETE", "/ctia/judgement/{id}", true, false, true],
    ["POST", "/iroh/iroh-response/respond/trigger/{m}/{a}", false, false, true],
    ["PUT", "/ctia/judgement/{id}", true, false, false],
    ["POST", "/ctia/judgement", false, false, false],
  ])("%s %s", (method, path, safe, readOnly, destructive) => {
    expect(isReadOnly(op(method, path, safe))).toBe(readOnly);
    expect(isDestructive(op(method, path, safe))).toBe(destructive);
  });
});

const entry = (over: Partial<OperationEntry>): OperationEntry => ({
  api: "ctia",
  name: "judgements.search",
  tool: "ctia_judgements_search",
  group: "judgements",
  method: "GET",
  path: "/x",
  summary: "s",
  scopes: [],
  readOnly: true,
  destructive: false,
  idempotent: true,
  args: "flat",
  queryParams: [],
  input: { type: "object", properties: {} },
  ...over,
});

describe("CLI flags", () => {
  const op = entry({
    input: {
      type: "object",
      properties: {
        limit: { type: "integer" },
        mids: { type: "array", items: { type: "string" } },
        strict: { type: "boolean" },
        query: { type: "string" },
        body: { type: "array" },
      },
    },
  });
  const noStdin = () => {
    throw new Error("stdin read");
  };

  it("coerces by schema type; repeated flags make lists", () => {
    const { input } = parseCall(
      op,
      ["--limit", "5", "--mids", "a", "--mids", "b", "--strict", "--query", "x:1"],
      noStdin,
    );
    expect(input).toEqual({ limit: 5, mids: ["a", "b"], strict: true, query: "x:1" });
  });

  it("--body @file and --body - (stdin)", () => {
    const file = join(dir, "b.json");
    writeFileSync(file, '[{"type":"ip","value":"1.2.3.4"}]');
    expect(parseCall(op, ["--body", `@${file}`], noStdin).input.body).toEqual([
      { type: "ip", value: "1.2.3.4" },
    ]);
    expect(parseCall(op, ["--body", "-"], () => "[1]").input.body).toEqual([1]);
  });

  it("refuses unknown flags and bad numbers as usage errors", () => {
    expect(() => parseCall(op, ["--nope", "1"], noStdin)).toThrow(UsageError);
    expect(() => parseCall(op, ["--limit", "many"], noStdin)).toThrow(/must be a number/);
  });
});

describe("SDK arguments by style", () => {
  it("body style: the body is the argument, the rest travels as query", () => {
    const op = entry({ args: "body" });
    expect(sdkArguments(op, { body: [1], mids: ["m"], _fields: ["x"] })).toEqual({
      args: [1],
      query: { mids: ["m"] },
    });
  });
  it("flat style: everything but the server's own keys", () => {
    expect(sdkArguments(entry({}), { query: "q", _confirm: true })).toEqual({
      args: { query: "q" },
    });
  });
  it("no arguments", () => {
    expect(sdkArguments(entry({ args: "none" }), { _fields: [] })).toEqual({ args: undefined });
  });
});

describe("results", () => {
  it("picks dotted fields of each item", () => {
    const value = { items: [{ a: 1, b: { c: 2, d: 3 } }], total: 1 };
    expect(JSON.parse(JSON.stringify(pickFields(value, ["b.c"])))).toEqual({
      items: [{ "b.c": 2 }],
      total: 1,
    });
  });
  it("keeps as many list items as fit, and says so", () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ i, text: "x".repeat(50) }));
    const { text, note } = bound(items, 2000);
    expect(text.length).toBeLessThanOrEqual(2000);
    expect((JSON.parse(text) as unknown[]).length).toBeGreaterThan(5);
    expect(note).toMatch(/Showing \d+ of 200 items/);
  });
  it("short results are untouched", () => {
    expect(bound({ a: 1 }, 100).note).toBeUndefined();
  });
});

describe("errors and configuration", () => {
  it("error classes map to exit codes", () => {
    const named = (name: string) => Object.assign(new Error("x"), { name });
    expect(exitCodeOf(named("RateLimitError"))).toBe(7);
    expect(exitCodeOf(named("NotFoundError"))).toBe(6);
    expect(exitCodeOf(new UsageError("u"))).toBe(2);
    expect(exitCodeOf(named("toString"))).toBe(1);
    expect(exitCodeOf(new Error("other"))).toBe(1);
  });
  it("describes an SDK error without its secrets", () => {
    const e = Object.assign(new Error("failed: sekret-value-1 Bearer abcdefghijkl"), {
      name: "RateLimitError",
      status: 429,
      requestId: "r-1",
      retryAfterMs: 5000,
    });
    const f = describeError(e, ["sekret-value-1"]);
    expect(f).toMatchObject({
      error: "RateLimitError",
      status: 429,
      requestId: "r-1",
      retryAfterMs: 5000,
    });
    expect(JSON.stringify(f)).not.toContain("sekret-value-1");
    expect(JSON.stringify(f)).not.toContain("abcdefghijkl");
  });
  it("reads credentials, region and base URLs from the environment", () => {
    const env = configFromEnv(["iroh", "ctia"], {
      XDR_CLIENT_ID: "id",
      XDR_CLIENT_SECRET: "secret-1234",
      XDR_REGION: "EU",
      XDR_BASE_URL_IROH: "http://127.0.0.1:1",
      XDR_TOKEN_URL: "http://127.0.0.1:1/t",
    });
    expect(env.problems).toEqual([]);
    expect(env.options).toMatchObject({
      region: "eu",
      baseUrls: { iroh: "http://127.0.0.1:1", token: "http://127.0.0.1:1/t" },
    });
    expect(configFromEnv(["iroh"], { XDR_REGION: "mars" }).problems).toHaveLength(3);
    expect(scrub(`x ${Buffer.from("secret-1234").toString("base64")} y`, ["secret-1234"])).toBe(
      "x [redacted] y",
    );
  });
});
