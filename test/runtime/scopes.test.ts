import { describe, expect, it } from "vitest";
import { missingScopes, parseScopes, scopeCovers } from "../../templates/runtime/scopes.js";
import { irohClient, json, op, useServer } from "./harness.js";

describe("scopeCovers", () => {
  it.each([
    // granted, required, covered
    ["enrich:read", "enrich/observables/deliberate:read", true],
    ["enrich", "enrich/observables/deliberate:read", true],
    ["enrich", "enrich/observables/deliberate:write", true],
    ["enrich", "enrich/observables/deliberate", true],
    ["enrich:read", "enrich/observables/deliberate:write", false],
    ["enrich:read", "enrich/observables/deliberate", false],
    ["enrich:write", "enrich/settings:write", true],
    ["enrich:write", "enrich/settings:read", false],
    ["enrich", "enrich", true],
    ["enrich:read", "enrich", false],
    ["enrich:read", "enrich:read", true],
    ["enrich/observables", "enrich/observables/observe:read", true],
    ["enrich/observables/observe:read", "enrich/observables:read", false],
    ["enrich", "enrichment:read", false],
    ["enrichment", "enrich:read", false],
    ["private-intel", "private-intel/incident:write", true],
    ["integration/module-type:read", "integration/module-instance:read", false],
    ["global-intel:read", "private-intel:read", false],
  ])("%s covers %s: %s", (granted, required, covered) => {
    expect(scopeCovers(granted, required)).toBe(covered);
  });
});

describe("missingScopes", () => {
  it("lists every required scope no granted scope covers", () => {
    const granted = ["inspect:read", "enrich:read", "private-intel"];
    expect(
      missingScopes(granted, [
        "inspect:read",
        "enrich/observables/observe:read",
        "response/trigger:write",
        "private-intel/incident:write",
        "enrich/settings:write",
      ]),
    ).toEqual(["response/trigger:write", "enrich/settings:write"]);
  });
});

describe("parseScopes", () => {
  it.each([
    ["inspect:read enrich:read", ["inspect:read", "enrich:read"]],
    ["  inspect:read   enrich:read ", ["inspect:read", "enrich:read"]],
    ["", undefined],
    [undefined, undefined],
    [42, undefined],
  ])("%j → %j", (scope, parsed) => {
    expect(parseScopes(scope)).toEqual(parsed);
  });
});

describe("scope alternatives (anyScopes)", () => {
  const srv = useServer();
  const either = op({
    path: "/ctia/casebook/c1",
    name: "casebooks.get",
    anyScopes: [["casebook"], ["private-intel/casebook:read"]],
  });
  it.each<[string, string, boolean]>([
    ["the first set", "casebook", true],
    ["the second set", "private-intel:read", true],
    ["neither", "inspect:read", false],
  ])("passes with %s granted: %s", async (_t, scope, ok) => {
    srv.token = { scope };
    srv.route("GET /ctia/casebook/c1", (_h, res) => json(res, 200, { id: "c1" }));
    const call = irohClient(srv).call(either, {});
    if (ok) await expect(call).resolves.toEqual({ id: "c1" });
    else {
      await expect(call).rejects.toThrow(
        "casebooks.get needs the scope casebook or private-intel/casebook:read",
      );
      expect(srv.count("GET /ctia/casebook/c1")).toBe(0);
    }
  });
});
