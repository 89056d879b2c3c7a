// CTIA's per-entity scopes (audit item 19b). IROH maps `private-intel/<entity>[:read|:write]`
// onto that entity's capabilities only (iroh-ctia-api.md §3.10, from CTIA's auth/jwt.clj), so
// specs/ctia.yaml asks each entity route for its entity's scope, which `private-intel:read`,
// `private-intel:write` and `private-intel` cover. Checked three ways: the SDK's scope pre-check
// over every CTIA operation, the simulator's route scopes against it, and a client whose token
// holds only `private-intel/judgement:read`.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import * as ctiaOps from "../../generated/src/ctia/operations.js";
import { missingScopes } from "../../generated/src/runtime/scopes.js";
import { clearTokenCache, createXdr, MissingScopeError } from "../../generated/src/index.js";
import type { Operation } from "../../generated/src/runtime/types.js";
import { ctiaRoutes } from "../../templates/testing/ctia.js";
import { ENTITIES } from "../../templates/testing/ctia-entities.js";
import { CtiaStore } from "../../templates/testing/ctia-store.js";
import { matchRoute, requiredScopes } from "../../templates/testing/http.js";
import { hasScope } from "../../templates/testing/scopes.js";
import { startSimulator, type XdrSimulator } from "../../templates/testing/index.js";

/** What the SDK's pre-check lets through (runtime/auth.ts `checkScopes`). */
function sdkAllows(op: Operation, granted: readonly string[]): boolean {
  if (missingScopes(granted, op.scopes ?? []).length) return false;
  return !op.anyScopes || op.anyScopes.some((set) => missingScopes(granted, set).length === 0);
}

/** The scope sets the SDK accepts as written in the spec: `scopes`, or each of `anyScopes`. */
function requirementSets(op: Operation): (readonly string[])[] {
  return op.anyScopes
    ? op.anyScopes.map((set) => [...(op.scopes ?? []), ...set])
    : [op.scopes ?? []];
}

const OPS = Object.values(ctiaOps).filter(
  (v): v is Operation =>
    typeof v === "object" && v !== null && "path" in v && String(v.path).startsWith("/ctia/"),
);
/** `/ctia/judgement/search` → `judgement`; routes over several entities do not count. */
function entityOf(op: Operation): string | undefined {
  const segment = op.path.split("/")[2] ?? "";
  if (op.path === "/ctia/incident/{id}/link") return undefined; // incident + relationship + casebook
  return segment in ENTITIES || segment === "event" || segment === "feed" ? segment : undefined;
}
/** Entity routes that need a token (a feed's `view` is public). */
const ENTITY_OPS = OPS.filter(
  (op) => entityOf(op) !== undefined && requirementSets(op).some((set) => set.length > 0),
);

describe("specs/ctia.yaml: each entity route asks for its entity's scope", () => {
  it("covers the CTIA entity routes", () => {
    expect(ENTITY_OPS.length).toBeGreaterThan(200);
  });

  it("judgements.search needs private-intel/judgement:read, which private-intel:read covers", () => {
    const op = ctiaOps.judgementsSearch as Operation;
    expect(op.scopes).toEqual(["private-intel/judgement:read"]);
    for (const granted of [
      ["private-intel/judgement:read"],
      ["private-intel/judgement"],
      ["private-intel:read"],
      ["private-intel"],
    ])
      expect(sdkAllows(op, granted), granted.join(" ")).toBe(true);
    for (const granted of [["private-intel/sighting:read"], ["private-intel/judgement:write"]])
      expect(sdkAllows(op, granted), granted.join(" ")).toBe(false);
  });

  it("every entity route: the entity's own scopes, and the broad ones, pass the pre-check", () => {
    for (const op of ENTITY_OPS) {
      const e = entityOf(op)!;
      const where = `${op.method} ${op.path}`;
      for (const granted of [
        [`private-intel/${e}:read`, `private-intel/${e}:write`],
        [`private-intel/${e}`],
        ["private-intel:read", "private-intel:write"],
        ["private-intel"],
      ])
        expect(sdkAllows(op, granted), `${where} with ${granted.join(" ")}`).toBe(true);
      // Another entity's scopes do not.
      const other = e === "judgement" ? "sighting" : "judgement";
      const foreign = [`private-intel/${other}:read`, `private-intel/${other}:write`];
      expect(sdkAllows(op, foreign), `${where} with ${foreign.join(" ")}`).toBe(false);
    }
  });

  it("the simulator accepts every scope set the SDK's pre-check lets through", () => {
    const routes = ctiaRoutes(new CtiaStore(() => 0, 10));
    let checked = 0;
    for (const op of OPS) {
      const path = op.path
        .replace("{observable_type}", "ip")
        .replace("{observable_value}", "1.1.1.1")
        .replace(/\{[^}]+\}/g, "x");
      const { match } = matchRoute(routes, op.method, path);
      if (!match) continue; // a route the simulator does not implement
      const required = requiredScopes(match.route, match.params);
      if (required.length === 0) continue;
      for (const granted of requirementSets(op)) {
        expect(sdkAllows(op, granted)).toBe(true);
        expect(
          required.some((r) => hasScope(granted, r)),
          `${op.method} ${op.path}: the simulator wants ${required.join(" or ")}, the SDK lets ${granted.join(" ")} through`,
        ).toBe(true);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe("a client granted only private-intel/judgement:read", () => {
  let sim: XdrSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
    clearTokenCache();
  });
  afterAll(() => clearTokenCache());

  it("searches judgements, and is stopped before the request for sightings", async () => {
    sim = await startSimulator({ scopes: ["private-intel/judgement:read"] });
    const xdr = createXdr({ ...sim.clientOptions(), maxRetries: 0 });
    const page = await xdr.ctia.judgements.search({ query: "*", limit: 5 });
    expect(Array.isArray(page.items)).toBe(true);
    const err = await xdr.ctia.sightings.search({ query: "*" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MissingScopeError);
    expect(String((err as Error).message)).toContain("private-intel/sighting:read");
    expect(sim.requests.filter((r) => r.path.startsWith("/ctia/sighting"))).toEqual([]);
  });

  it("asset:read reads assets in the SDK and in the simulator alike", async () => {
    sim = await startSimulator({ scopes: ["asset:read"] });
    const xdr = createXdr({ ...sim.clientOptions(), maxRetries: 0 });
    const page = await xdr.ctia.assets.search({ query: "*", limit: 5 });
    expect(Array.isArray(page.items)).toBe(true);
  });
});
