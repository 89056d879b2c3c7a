// What a user hovers must say something: every value (function, class, constant) that an entry
// point of xdr-sdk exports carries JSDoc in the declarations the package ships.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const PKG = join(import.meta.dirname, "..", "..", "generated");
const manifest = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8")) as {
  exports: Record<string, string | { types?: string }>;
};
const entries = Object.entries(manifest.exports)
  .filter(([, target]) => typeof target === "object" && target.types)
  .map(([subpath, target]) => [subpath, join(PKG, (target as { types: string }).types)] as const);

const program = ts.createProgram(
  entries.map(([, file]) => file),
  {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  },
);
const checker = program.getTypeChecker();

/** Exported values of one entry point that have no documentation comment. */
function undocumented(file: string): string[] {
  const source = program.getSourceFile(file);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return [`${file}: not a module`];
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const isValue =
      symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable);
    if (!isValue) continue;
    if (symbol.getDocumentationComment(checker).length === 0) missing.push(exported.name);
  }
  return missing;
}

describe("JSDoc on every exported value", () => {
  it.each(entries)("xdr-sdk%s", (subpath, file) => {
    void subpath;
    expect(undocumented(file)).toEqual([]);
  });
});
