// The real package: what `npm test` generated from specs/ into generated/ must type-check under
// --strict (with DOM types, and with Node's types only), and Automation's 145 operations must be
// reachable under clean names that never repeat Cisco's operationIds.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../generator/config.js";
import { loadSpec } from "../../generator/load.js";
import { buildModel } from "../../generator/model.js";
import { ROOT } from "./workspace.js";

const scratch = mkdtempSync(join(ROOT, ".xdr-test-tmp-pkg-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tsc(lib: string[], types: string[]) {
  const config = join(scratch, `tsconfig.${types.length ? "node" : "dom"}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib,
        types,
        noUncheckedIndexedAccess: true,
      },
      include: [join(ROOT, "generated/src/**/*.ts"), join(ROOT, "generated/dist/**/*.d.ts")],
    }),
  );
  return spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", config],
    {
      encoding: "utf8",
    },
  );
}

describe("the generated xdr-sdk package", () => {
  it.each([
    ["DOM types", ["ES2022", "DOM", "DOM.Iterable"], []],
    ["Node types only", ["ES2022"], ["node"]],
  ])(
    "type-checks under --strict with %s",
    (_title, lib, types) => {
      const r = tsc(lib, types);
      expect(r.stdout + r.stderr).toBe("");
      expect(r.status).toBe(0);
    },
    180_000,
  );

  it("declares its subpath exports with types", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "generated/package.json"), "utf8"));
    expect(pkg).toMatchObject({
      name: "xdr-sdk",
      type: "module",
      sideEffects: false,
      engines: { node: "^20.19.0 || >=22.12.0" },
    });
    expect(Object.keys(pkg.exports)).toEqual(
      expect.arrayContaining([".", "./iroh", "./ctia", "./automation", "./iroh/operations"]),
    );
    expect(pkg.exports["./iroh"]).toEqual({
      types: "./dist/iroh/index.d.ts",
      default: "./dist/iroh/index.js",
    });
  });
});

describe("Automation names", async () => {
  const config = await loadConfig(join(ROOT, "xdr-codegen.config.json"));
  const api = config.apis.find((a) => a.name === "automation")!;
  const spec = await loadSpec(api.spec);
  const model = buildModel(spec, api, config.tokenUrls);
  const operationIds = model.operations
    .map((o) => o.operationId)
    .filter((id): id is string => !!id);

  it("makes all 145 operations reachable", () => {
    expect(model.operations).toHaveLength(145);
  });

  it("never repeats an operationId as a method name", () => {
    const leaked = model.operations.filter((o) =>
      operationIds.some((id) => id.toLowerCase() === o.methodName.toLowerCase() && id.length > 12),
    );
    expect(leaked.map((o) => o.name)).toEqual([]);
  });

  it.each([
    ["GET /v1/workflows", "workflows.list"],
    ["GET /v1/workflows/{workflow_id}", "workflows.get"],
    ["POST /v1/workflows/start", "workflows.start"],
    ["POST /v1.2/workflows", "workflows.search"],
    ["GET /v1/instances/{wf_instance_id}", "instances.get"],
    ["POST /v1/instances/{wf_instance_id}/cancel", "instances.cancel"],
    ["POST /v1.1/instances", "instances.search"],
    ["POST /v1/targets", "targets.create"],
    ["POST /v1/tasks/{task_id}/action", "tasks.takeAction"],
    ["GET /v1/workflows/{workflow_id}/triggers", "workflows.listTriggers"],
  ])("%s is %s", (route, name) => {
    const op = model.operations.find((o) => `${o.method} ${o.path}` === route);
    expect(op?.name).toBe(name);
  });

  it("pages the start/limit lists and limits workflow starts", () => {
    const byName = new Map(model.operations.map((o) => [o.name, o]));
    expect(byName.get("workflows.search")?.paging).toBe("links");
    expect(byName.get("instances.search")?.paging).toBe("links");
    expect(byName.get("workflows.start")?.rateLimit).toEqual({ requests: 10, perMs: 60000 });
    expect(byName.get("workflows.start")?.scopes).toEqual(["ao"]);
  });
});
