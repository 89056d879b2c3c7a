// runtime/raw-client.ts copies openapi-fetch's `Client` declarations (see its header for why).
// The copy must stay the original: each declaration equals the installed openapi-fetch's (printed
// without comments, `Client` read as `RawClient`), so an upgrade that changes them fails here.
// What the copy types at a call site: test/consumer/raw-types.test.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { asOpenapiFetch } from "../../templates/runtime/openapi-fetch.js";
import type { RawClient } from "../../templates/runtime/raw-client.js";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const COPY = join(ROOT, "templates", "runtime", "raw-client.ts");
const ORIGINAL = join(ROOT, "node_modules", "openapi-fetch", "dist", "index.d.mts");

/** Each type alias and interface of a file, printed without comments or modifiers. */
function declarations(file: string, rename: (name: string) => string): Map<string, string> {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const printer = ts.createPrinter({ removeComments: true });
  const out = new Map<string, string>();
  for (const node of source.statements) {
    if (!ts.isTypeAliasDeclaration(node) && !ts.isInterfaceDeclaration(node)) continue;
    const bare = ts.isInterfaceDeclaration(node)
      ? ts.factory.updateInterfaceDeclaration(
          node,
          undefined,
          node.name,
          node.typeParameters,
          node.heritageClauses,
          node.members,
        )
      : ts.factory.updateTypeAliasDeclaration(
          node,
          undefined,
          node.name,
          node.typeParameters,
          node.type,
        );
    const text = printer.printNode(ts.EmitHint.Unspecified, bare, source);
    out.set(rename(node.name.text), text.replace(/\bRawClient\b/g, "Client").replace(/\s+/g, " "));
  }
  return out;
}

describe("runtime/raw-client.ts", () => {
  const copy = declarations(COPY, (n) => (n === "RawClient" ? "Client" : n));
  const original = declarations(ORIGINAL, (n) => n);

  it.each([...copy.keys()])("%s is openapi-fetch's, unchanged", (name) => {
    expect(original.has(name)).toBe(true);
    expect(copy.get(name)).toBe(original.get(name));
  });

  it("imports the same helper types from openapi-typescript-helpers", () => {
    const imported = (file: string) =>
      [
        ...readFileSync(file, "utf8").matchAll(
          /import(?: type)? \{([^}]*)\} from ['"]openapi-typescript-helpers['"]/g,
        ),
      ]
        .flatMap((m) => m[1]!.split(","))
        .map((n) => n.trim())
        .filter(Boolean)
        .sort();
    expect(imported(COPY).length).toBeGreaterThan(5);
    expect(imported(COPY)).toEqual(imported(ORIGINAL));
  });

  it("holds the declarations Client needs, and only those", () => {
    expect(copy.has("Client")).toBe(true);
    // The helpers whose check costs ~150k instantiations stay out.
    for (const name of ["MethodResponse", "ClientPathsWithMethod", "PathBasedClient"]) {
      expect(copy.has(name)).toBe(false);
    }
  });
});

describe("asOpenapiFetch", () => {
  it("returns the raw client itself: only its type changes", () => {
    const raw = {} as RawClient<object>;
    expect(asOpenapiFetch(raw)).toBe(raw);
  });
});
