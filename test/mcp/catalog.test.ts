// The catalog the MCP server and the CLI ship, built from the project's own config and specs:
// every operation present once, inputs self-contained and consistent, annotations from the model.
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../generator/config.js";
import { META_KEYS } from "../../generator/targets/catalog.js";
import { buildCatalog } from "../../generator/targets/index.js";
import type { Catalog, OperationEntry } from "../../templates/cli/catalog.js";
import { ROOT } from "./harness.js";
import { join } from "node:path";

let catalog: Catalog;
let ops: OperationEntry[];
const find = (id: string) => ops.find((o) => `${o.api}.${o.name}` === id)!;

beforeAll(async () => {
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    catalog = await buildCatalog(await loadConfig(join(ROOT, "xdr-codegen.config.json")));
  } finally {
    process.chdir(cwd);
  }
  ops = catalog.apis.flatMap((a) => a.operations);
}, 120_000);

describe("the operation catalog", () => {
  it("holds every API of the config and unique tool names", () => {
    expect(catalog.apis.map((a) => a.name)).toEqual(
      expect.arrayContaining(["iroh", "ctia", "automation"]),
    );
    const tools = ops.map((o) => o.tool);
    expect(new Set(tools).size).toBe(tools.length);
    for (const t of tools) expect(t).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it("inputs are self-contained objects whose required keys exist", () => {
    for (const op of ops) {
      const text = JSON.stringify(op.input);
      expect(text, op.tool).not.toContain('"$ref"');
      expect(op.input.type).toBe("object");
      const props = Object.keys(op.input.properties as object);
      for (const r of (op.input.required as string[] | undefined) ?? [])
        expect(props, op.tool).toContain(r);
      for (const m of META_KEYS) expect(props).not.toContain(m);
      expect(text.length, op.tool).toBeLessThan(20_000);
    }
  });

  it("path parameters are required inputs", () => {
    const trigger = find("iroh.response.trigger");
    expect(trigger.input.required).toEqual(
      expect.arrayContaining(["module_instance_id", "action_id"]),
    );
  });

  it("annotations and traits follow the model", () => {
    expect(find("iroh.inspect")).toMatchObject({
      readOnly: true,
      destructive: false,
      idempotent: true,
    });
    expect(find("iroh.enrich.deliberate")).toMatchObject({ readOnly: true, args: "body" });
    expect(find("iroh.response.trigger")).toMatchObject({ readOnly: false, destructive: true });
    expect(find("ctia.judgements.delete")).toMatchObject({ destructive: true, idempotent: true });
    expect(find("ctia.judgements.search")).toMatchObject({ readOnly: true, paging: "ctia" });
    expect(find("automation.workflows.start")).toMatchObject({
      waitable: true,
      readOnly: false,
      destructive: false,
    });
    expect(find("ctia.judgements.create")).toMatchObject({ readOnly: false, idempotent: false });
    for (const op of ops) {
      if (op.destructive) expect(op.readOnly, op.tool).toBe(false);
      if (op.method === "DELETE") expect(op.destructive, op.tool).toBe(true);
    }
  });

  it("descriptions come from the spec with the required scope", () => {
    const op = find("ctia.judgements.search");
    expect(op.summary.length).toBeGreaterThan(0);
    expect(op.scopes.length).toBeGreaterThan(0);
  });
});
