// Example values beyond the placeholder "example" (audit item 19a): a value the description
// names (`e.g. \`T1059\``, `It can be "data" or "view"`), then XDR names (MITRE techniques, CPE
// strings, CTIM fields), while an observable's type and value stay one consistent pair. Over
// unit specs here, and over the generated package's @example blocks.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exampleArgs } from "../../generator/examples.js";
import type { ApiModel, OperationModel } from "../../generator/model-types.js";
import { operationModel } from "./operation-model.js";

type Json = Record<string, unknown>;
const ROOT = join(import.meta.dirname, "..", "..");

function op(parameters: Json[], body?: Json): { doc: Json; op: OperationModel } {
  const operation: Json = { parameters };
  if (body) operation.requestBody = { content: { "application/json": { schema: body } } };
  return {
    doc: { openapi: "3.1.0", paths: { "/things": { post: operation } } },
    op: operationModel({
      name: "things.do",
      constName: "thingsDo",
      methodName: "do",
      path: "/things",
      method: "POST",
      queryParams: parameters.map((p) => String(p.name)),
      ...(body ? { body: "json" } : {}),
    }),
  };
}

const query = (name: string, schema: Json, description?: string): Json => ({
  name,
  in: "query",
  required: true,
  schema,
  ...(description ? { description } : {}),
});

function args(parameters: Json[], body?: Json, generic = false): unknown {
  const { doc, op: o } = op(parameters, body);
  return exampleArgs(
    { document: doc, generic } as unknown as Pick<ApiModel, "document" | "generic">,
    o,
  );
}

describe("example values", () => {
  it.each<[string, Json, unknown]>([
    [
      "MITRE techniques",
      query("techniques", { type: "array", items: { type: "string" } }),
      ["T1059"],
    ],
    [
      "CPE match strings",
      query("cpe23_match_strings", { type: "array", items: { type: "string" } }),
      ["cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"],
    ],
    ["an automation base type", query("base_type", { type: "string" }), "workflow"],
    ["a CTIA aggregation field", query("aggregate-on", { type: "string" }), "source"],
    ["an OCSF version", query("version", { type: "string" }), "1.1.0"],
  ])("%s by name", (_, parameter, want) => {
    expect(args([parameter])).toEqual({ [String(parameter.name)]: want });
  });

  it("a value the description names, in a parameter or on an array", () => {
    expect(
      args([query("action", { type: "string" }, 'Expected actions are "generate" and "revoke"')]),
    ).toEqual({ action: "generate" });
    expect(
      args([query("kind", { type: "string" }, 'Type of Schema. It can be "data" or "view".')]),
    ).toEqual({ kind: "data" });
    const labels = {
      type: "object",
      required: ["labels"],
      properties: {
        labels: {
          type: "array",
          description: "Kinds of malware, e.g. `ransomware`, `trojan`.",
          items: { type: "string" },
        },
      },
    };
    expect(args([], labels)).toEqual({ labels: ["ransomware"] });
  });

  it("the spec's enum and pattern come first; an observable stays one pair", () => {
    expect(
      args([query("aggregate-on", { type: "string", enum: ["actor_types", "source"] })]),
    ).toEqual({ "aggregate-on": "actor_types" });
    expect(
      args([query("code", { type: "string", pattern: "^[A-Z]+$" }, "A code, e.g. `abc`.")]),
    ).toEqual({ code: "example" });
    const observable = {
      type: "object",
      required: ["type", "value"],
      properties: {
        type: { type: "string", enum: ["ip", "domain"] },
        value: { type: "string", description: "Value of the observable, e.g. `1.2.3.4`." },
      },
    };
    expect(args([], observable)).toEqual({ type: "domain", value: "internetbadguys.com" });
  });

  it("a standalone client (no XDR API) gets no XDR values", () => {
    expect(
      args([query("techniques", { type: "array", items: { type: "string" } })], undefined, true),
    ).toEqual({ techniques: ["example"] });
  });

  it('the generated package: at most two @example blocks still say "example"', () => {
    const src = join(ROOT, "generated", "src");
    const text = readdirSync(src, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(src, d.name, "client.ts")))
      .map((d) => readFileSync(join(src, d.name, "client.ts"), "utf8"))
      .join("\n");
    const placeholders = text.split("\n").filter((l) => /^\s*\* .*xdr\..*"example"/.test(l));
    // workflows.batchGet (a bare list of ids) and workflows.lock (a bare message string): bodies
    // without a name or description to go by.
    expect(placeholders.length, placeholders.join("\n")).toBeLessThanOrEqual(2);
    expect(text).toContain('compareAdversaries({ techniques: ["T1059"] })');
    expect(text).toContain(
      'byCpe({ cpe23_match_strings: ["cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"] })',
    );
    expect(text).toContain('reputation({ type: "domain", value: "internetbadguys.com" })');
  });
});
