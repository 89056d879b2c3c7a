// Declarations of a module that only re-exports (each API's `index.ts`: `export { … } from`,
// `export type { … } from`, `export * from`), printed without TypeScript. Such a module is its
// own declaration file, less comments and with each list on one line, as
// `ts.transpileDeclaration` prints it; but TypeScript resolves every re-exported name on the way,
// and over the hundreds of named types of five APIs' entry points that took ~0.3 s of each run.
// Anything else (a block comment, an import, code, a name that is not a plain identifier) returns
// undefined and is compiled by TypeScript: this only covers what it can print exactly, and
// test/generator/reexports.test.ts holds it to TypeScript's output.

const IDENT = "[A-Za-z_$][\\w$]*";
const SPECIFIER = new RegExp(`^(type\\s+)?(${IDENT})(?:\\s+as\\s+(${IDENT}))?$`);
/** `export [type] { … } from` and `export * [as x] from` a quoted path, whitespace free between. */
const STATEMENT = new RegExp(
  `^export\\s*(?:(type\\s*)?\\{([^{}]*)\\}|\\*(?:\\s*as\\s+(${IDENT}))?)\\s*from\\s*("[\\w@./-]+")\\s*;`,
);
/** Words that would read as modifiers or keywords where a name is expected. */
const NOT_A_NAME = new Set(["type", "as", "from"]);

export function reexportDeclaration(content: string): string | undefined {
  if (content.includes("\r") || content.includes("/*")) return undefined;
  // Whole-line `//` comments only: one after code could hide a `"` or `;` from the patterns.
  const code = content
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("//"))
    .join("\n");
  if (code.includes("//")) return undefined;
  const out: string[] = [];
  // A name exported twice is an error TypeScript may report: left to it.
  const names = new Set<string>();
  let rest = code.trim();
  while (rest) {
    const m = STATEMENT.exec(rest);
    if (!m) return undefined;
    const [whole, typeOnly, list, star, from] = m;
    if (list === undefined) {
      if (star !== undefined && (NOT_A_NAME.has(star) || !addName(names, star))) return undefined;
      out.push(`export *${star === undefined ? "" : ` as ${star}`} from ${from};`);
    } else {
      const specifiers = printSpecifiers(list, Boolean(typeOnly), names);
      if (specifiers === undefined) return undefined;
      out.push(`export ${typeOnly ? "type " : ""}{ ${specifiers} } from ${from};`);
    }
    rest = rest.slice(whole.length).trimStart();
  }
  return out.length ? out.join("\n") + "\n" : undefined;
}

/** `a, type B as C` as TypeScript prints the list: a trailing comma is kept, as `C, }`. */
function printSpecifiers(list: string, typeOnly: boolean, names: Set<string>): string | undefined {
  const parts = list.split(",").map((p) => p.trim());
  const trailingComma = parts.length > 1 && parts.at(-1) === "";
  if (trailingComma) parts.pop();
  const printed: string[] = [];
  for (const part of parts) {
    const m = SPECIFIER.exec(part);
    if (!m) return undefined;
    const [, type, name, alias] = m;
    // `export type { type A }` is an error TypeScript reports.
    if ((typeOnly && type) || NOT_A_NAME.has(name!)) return undefined;
    if (alias !== undefined && NOT_A_NAME.has(alias)) return undefined;
    if (!addName(names, alias ?? name!)) return undefined;
    printed.push(`${type ? "type " : ""}${name}${alias === undefined ? "" : ` as ${alias}`}`);
  }
  return printed.join(", ") + (trailingComma ? "," : "");
}

function addName(names: Set<string>, name: string): boolean {
  if (names.has(name)) return false;
  names.add(name);
  return true;
}
