// Which operations the runtime may repeat after a request may have reached the server: reads
// by method, POSTs marked `x-xdr-safe: true` (or listed in the config), and never an operation
// marked `x-xdr-safe: false`, whatever its method (Conure's snapshot is a GET that creates).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSpec } from "../../generator/load.js";
import { buildModel } from "../../generator/model.js";
import { apiConfig } from "./workspace.js";

const dir = mkdtempSync(join(tmpdir(), "retry-safety-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const api = apiConfig;

const ok = { responses: { "200": { description: "ok" } } };
const spec = {
  openapi: "3.1.0",
  info: { title: "t", version: "1" },
  paths: {
    "/read": { get: { operationId: "read", ...ok } },
    "/snapshot": { get: { operationId: "snapshot", "x-xdr-safe": false, ...ok } },
    "/search": { post: { operationId: "search", "x-xdr-safe": true, ...ok } },
    "/listed": { post: { operationId: "listed", ...ok } },
    "/create": { post: { operationId: "create", ...ok } },
    "/remove": { delete: { operationId: "remove", "x-xdr-safe": false, ...ok } },
  },
};

describe("retry safety", async () => {
  const file = join(dir, "spec.json");
  writeFileSync(file, JSON.stringify(spec));
  const model = buildModel(await loadSpec(file), api({ safe: ["POST /listed"] }));
  const safe = new Map(model.operations.map((o) => [o.path, o.safe]));

  it.each<[string, boolean]>([
    ["/read", true],
    ["/snapshot", false],
    ["/search", true],
    ["/listed", true],
    ["/create", false],
    ["/remove", false],
  ])("%s: safe to repeat is %s", (path, want) => {
    expect(safe.get(path)).toBe(want);
  });

  it("Conure's snapshot GET, which creates an investigation, is not repeated", () => {
    const operations = readFileSync(
      join(import.meta.dirname, "..", "..", "generated", "src", "conure", "operations.ts"),
      "utf8",
    );
    const descriptor =
      /name: "investigations\.createFromInvestigation",([^}]*)\}/.exec(operations)?.[1] ?? "";
    expect(descriptor).toContain('"GET"');
    expect(descriptor).not.toMatch(/safe: true/);
  });
});
