// The SDK surface on real public specs (cycles, polymorphism, every schema type, Cisco's
// Automation document): building it never fails, is deterministic, survives the snapshot
// encoding, and a spec compared with itself has no change.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeSurface, encodeSurface } from "../../generator/changelog.js";
import { parseConfig } from "../../generator/config.js";
import { buildSurface } from "../../generator/diff-surface.js";
import { diffApi } from "../../generator/diff.js";
import { loadSpec } from "../../generator/load.js";
import { ROOT } from "./workspace.js";

const EXAMPLES = join(ROOT, "node_modules/@readme/oas-examples");
const AUTOMATION = join(ROOT, "../shared/specs/automation/cisco-xdr-automation-openapi.json");
const SPECS = [
  `${EXAMPLES}/3.0/json/petstore-expanded.json`,
  `${EXAMPLES}/3.1/json/readme.json`,
  `${EXAMPLES}/3.1/json/schema-types.json`,
  `${EXAMPLES}/3.0/json/polymorphism.json`,
  `${EXAMPLES}/3.0/json/circular.json`,
  `${EXAMPLES}/3.0/json/form-data.json`,
];

const apiFor = (spec: string, extra: Record<string, unknown> = {}) =>
  parseConfig({ apis: { api: { spec, ...extra } } }, "test.config.json", ROOT).apis[0]!;

mkdirSync(join(ROOT, ".xdr-test-tmp"), { recursive: true });
const scratch = mkdtempSync(join(ROOT, ".xdr-test-tmp", "surface-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("surface of public specs", () => {
  it.each(SPECS.map((s) => [s.slice(EXAMPLES.length + 1), s]))("%s", async (_name, file) => {
    const api = apiFor(file);
    const spec = await loadSpec(file);
    const surface = buildSurface(spec, api);
    expect(Object.keys(surface.methods).length).toBeGreaterThan(0);
    expect(JSON.stringify(buildSurface(spec, api))).toBe(JSON.stringify(surface));
    const decoded = decodeSurface(encodeSurface(surface));
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(JSON.parse(JSON.stringify(surface)));
    expect(diffApi("api", decoded, surface).changes).toEqual([]);
  });
});

describe.runIf(existsSync(AUTOMATION))("Cisco's Automation document", () => {
  const config = () =>
    apiFor(AUTOMATION, {
      emptyObjectsAsUnknown: true,
      scopes: ["ao"],
      names: { "POST /v1.2/workflows": "workflows.search" },
    });

  it("compared with itself has no change; without one operation, exactly that one", async () => {
    const api = config();
    const before = buildSurface(await loadSpec(AUTOMATION), api);
    expect(diffApi("automation", before, before).changes).toEqual([]);
    expect(before.methods["workflows.search"]!.scopes).toEqual(["ao"]);

    const doc = JSON.parse(readFileSync(AUTOMATION, "utf8"));
    delete doc.paths["/v1.2/workflows"].post;
    if (Object.keys(doc.paths["/v1.2/workflows"]).length === 0) delete doc.paths["/v1.2/workflows"];
    const changed = join(scratch, "automation.json");
    writeFileSync(changed, JSON.stringify(doc));
    const after = buildSurface(await loadSpec(changed), apiFor(changed, { ...api, spec: changed }));
    const changes = diffApi("automation", before, after).changes;
    expect(changes.map((c) => [c.method, c.kind, c.impact])).toEqual([
      ["workflows.search", "method-removed", "major"],
    ]);
  });
});

describe("a derived API", () => {
  it("has the surface generate gives it: the subset its config keeps", async () => {
    const file = `${EXAMPLES}/3.0/json/petstore-expanded.json`;
    const spec = await loadSpec(file);
    const full = buildSurface(spec, apiFor(file));
    const derived = buildSurface(
      spec,
      apiFor(file, { derive: { readOnly: true, keep: [], excludePaths: [] } }),
    );
    const routes = (s: typeof full) => Object.values(s.methods).map((m) => m.route.split(" ")[0]);
    expect(routes(full)).toContain("POST");
    expect(new Set(routes(derived))).toEqual(new Set(["GET"]));
  });
});
