// A scope change is breaking only when a token that passed the runtime's pre-check may now fail
// it: a newly required scope that an old one covers (`private-intel:read` →
// `private-intel/judgement:read`, audit item 19b) asks for less, so it is a patch.
import { describe, expect, it } from "vitest";
import { diffApi } from "../../generator/diff.js";
import type { ApiSurface, MethodSurface } from "../../generator/diff-surface.js";

function surface(scopes: string[]): ApiSurface {
  const method: MethodSurface = {
    route: "GET /ctia/judgement/search",
    scopes,
    deprecated: false,
    args: "flat",
    argsOptional: true,
    params: {},
    response: "unknown",
  };
  return { version: "1", methods: { "judgements.search": method } };
}

const impact = (a: string[], b: string[]) =>
  diffApi("ctia", surface(a), surface(b)).changes.map((c) => [c.kind, c.impact]);

describe("scopes-changed", () => {
  it("a narrower scope under an old one is a patch", () => {
    expect(impact(["private-intel:read"], ["private-intel/judgement:read"])).toEqual([
      ["scopes-changed", "patch"],
    ]);
    expect(impact(["private-intel"], ["private-intel/judgement:write"])).toEqual([
      ["scopes-changed", "patch"],
    ]);
  });

  it("a scope no old one covers is breaking", () => {
    expect(impact(["private-intel/judgement:read"], ["private-intel:read"])).toEqual([
      ["scopes-changed", "major"],
    ]);
    expect(impact(["private-intel:read"], ["private-intel/judgement:write"])).toEqual([
      ["scopes-changed", "major"],
    ]);
    expect(impact(["casebook:read"], ["casebook"])).toEqual([["scopes-changed", "major"]]);
  });
});
