// generator/derive.ts: narrowing a loaded spec for a derived API (Global Intel), and its config.
import { describe, expect, it } from "vitest";
import { parseDerive, deriveSpec } from "../../generator/derive.js";
import { BadInputError } from "../../generator/errors.js";
import type { LoadedSpec } from "../../generator/load.js";

function spec(paths: Record<string, Record<string, unknown>>): LoadedSpec {
  return {
    file: "test.yaml",
    document: { openapi: "3.1.0", paths },
    openapiVersion: "3.1",
    files: [],
    place: (pointer) => ({ file: "test.yaml", pointer }),
  };
}

const op = { responses: {} };
const source = spec({
  "/a": { parameters: [], get: op, post: op, delete: op },
  "/a/export": { post: op },
  "/a/search": { get: op, delete: op },
  "/asset": { get: op },
  "/asset/{id}": { get: op },
  "/assets": { get: op },
  "/only-writes": { parameters: [], put: op },
});

describe("deriveSpec", () => {
  it("keeps reads, the listed POSTs and path-level fields; drops writes and excluded prefixes", () => {
    const d = deriveSpec(
      source,
      parseDerive(
        { readOnly: true, keep: ["POST /a/export"], excludePaths: ["/asset"] },
        "c.json",
        [],
      ),
    );
    expect(Object.keys(d.document.paths)).toEqual(["/a", "/a/export", "/a/search", "/assets"]);
    expect(Object.keys(d.document.paths["/a"]!)).toEqual(["parameters", "get"]);
    expect(Object.keys(d.document.paths["/a/search"]!)).toEqual(["get"]);
    // The source is untouched: CTIA itself is generated from the same loaded spec.
    expect(Object.keys(source.document.paths["/a"]!)).toEqual([
      "parameters",
      "get",
      "post",
      "delete",
    ]);
    expect(d.place("/paths")).toEqual({ file: "test.yaml", pointer: "/paths" });
  });

  it("without a derive section the spec comes back as it is", () => {
    expect(deriveSpec(source, undefined)).toBe(source);
  });

  it("a kept operation the spec does not have is an error naming it", () => {
    const config = parseDerive({ readOnly: true, keep: ["POST /nope"] }, "c.json", []);
    expect(() => deriveSpec(source, config)).toThrow(/derive\.keep names POST \/nope/);
  });
});

describe("parseDerive", () => {
  it.each([
    [[], "expected an object"],
    [{ readOnly: "yes" }, "expected true or false"],
    [{ keep: ["/a"] }, 'expected "METHOD /path"'],
    [{ excludePaths: ["a"] }, "expected a path starting with /"],
    [{ include: [] }, "unknown key"],
  ])("%j → %s", (raw, message) => {
    const attempt = () =>
      parseDerive(raw, "xdr-codegen.config.json", ["apis", "globalIntel", "derive"]);
    expect(attempt).toThrow(BadInputError);
    expect(attempt).toThrow(message);
  });
});
