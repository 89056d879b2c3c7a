import { describe, expect, it } from "vitest";
import { missingScopes, parseScopes, scopeCovers } from "../../templates/runtime/scopes.js";

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
