// Names users can write and see in a hover: `InspectParams`, `InspectResponse` for every
// operation, `Judgement`, `Incident`… for the spec's component schemas, and a runtime list of
// each string enum (`OBSERVABLE_TYPES`). Printed into `src/<api>/names.ts` (templates/names.ts.hbs)
// and exported from the API's entry point next to the runtime, so none may shadow a runtime
// export: the runtime's export names are read from its sources (they change with it).
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jsDoc, mdCode, tsLiteral, tsString } from "./escape.js";
import type { ApiModel, OperationModel } from "./model-types.js";
import { resolveRef } from "./ref.js";
import { paramsTypeExpr, projectsFields, responseTypeExpr } from "./type-exprs.js";
import { operationTypeNames, schemaTypeNames, valuesConstName } from "./naming.js";

type Json = Record<string, unknown>;

export interface OperationTypes {
  /** Absent for an operation that takes no argument. */
  readonly params?: string;
  readonly response: string;
}

export interface NamesView {
  /** Runtime helpers the names module imports (`FlatArgs`, `Success`…). */
  readonly helpers: string;
  readonly usesComponents: boolean;
  readonly usesPaths: boolean;
  readonly operations: { doc: string; name: string; type: string }[];
  readonly schemas: { doc: string; name: string; type: string }[];
  readonly lists: { doc: string; name: string; type: string; literal: string }[];
  /** Every name the module exports, for the entry point's explicit re-export. */
  readonly exports: string;
  readonly typeExports: string[];
  readonly valueExports: string[];
}

export interface ApiNames {
  readonly byOperation: Map<OperationModel, OperationTypes>;
  readonly view: NamesView;
  /** Export name of a schema, by the spec's name. */
  readonly schemas: ReadonlyMap<string, string>;
  /** Export name of a string enum's value list, by the schema's export name. */
  readonly lists: ReadonlyMap<string, string>;
}

/**
 * The names of one API. `fixed`: what its entry point exports besides (`createIrohClient`,
 * `IROH_API`, `IrohClient`, `components`, `operations`, `paths`).
 */
export function apiNames(
  api: ApiModel,
  stem: string,
  fixed: readonly string[],
  runtimeNames: ReadonlySet<string> = runtimeExports(),
): ApiNames {
  const taken = new Set([...runtimeNames, ...fixed]);
  const chosen = operationTypeNames(
    api.operations.map((o) => o.constName),
    stem,
    taken,
  );
  const byOperation = new Map<OperationModel, OperationTypes>();
  const operations: NamesView["operations"] = [];
  const helpers = new Set<string>();
  api.operations.forEach((op, i) => {
    const names = chosen[i]!;
    const route = `\`${op.method} ${op.path}\``;
    const method = api.generic ? op.name : `${api.name}.${op.name}`;
    if (op.args !== "none") {
      operations.push({
        doc: jsDoc([`The argument of \`${method}\` (${route}).`]),
        name: names.params,
        // Indexed access types, not `FlatArgs<…>`: see type-exprs.ts (type-check cost).
        type: namedParams(api, op),
      });
    }
    operations.push({
      doc: jsDoc([`What \`${method}\` resolves to (${route}).`]),
      name: names.response,
      type: responseTypeExpr(api, op),
    });
    byOperation.set(op, {
      ...(op.args !== "none" ? { params: names.params } : {}),
      response: names.response,
    });
  });

  const doc = api.document as Json;
  const components = (doc.components ?? {}) as Json;
  const schemaTable = (components.schemas ?? {}) as Json;
  const schemaNames = typeof schemaTable === "object" ? Object.keys(schemaTable) : [];
  const exported = schemaTypeNames(schemaNames, taken);
  const schemas: NamesView["schemas"] = [];
  const lists: NamesView["lists"] = [];
  const listNames = new Map<string, string>();
  for (const name of schemaNames) {
    const typeName = exported.get(name);
    if (typeName === undefined) continue;
    const schema = resolveRef(doc, schemaTable[name]) as Json | undefined;
    const description = typeof schema?.description === "string" ? schema.description : undefined;
    schemas.push({
      doc: jsDoc([description?.split(/\n\s*\n/)[0], `The spec's \`${name}\` schema.`]),
      name: typeName,
      type: `components["schemas"][${tsString(name)}]`,
    });
    const values = stringEnum(schema);
    // `Ecosystem` and `Ecosystems` share a plural: the second list takes a suffix.
    const plural = values && valuesConstName(typeName);
    const listName = plural && taken.has(plural) ? `${plural}_VALUES` : plural;
    if (values && listName && !taken.has(listName)) {
      taken.add(listName);
      listNames.set(typeName, listName);
      lists.push({
        doc: jsDoc([`Every value of \`${typeName}\` (${values.length}), in the spec's order.`]),
        name: listName,
        type: typeName,
        literal: tsLiteral(values),
      });
    }
  }
  const typeExports = [...operations, ...schemas].map((t) => t.name);
  const valueExports = lists.map((l) => l.name);
  return {
    byOperation,
    schemas: exported,
    lists: listNames,
    view: {
      helpers: [...helpers].sort().join(", "),
      usesComponents: schemas.length > 0,
      usesPaths: operations.length > 0,
      operations,
      schemas,
      lists,
      exports: [...valueExports, ...typeExports.map((n) => `type ${n}`)].join(",\n  "),
      typeExports,
      valueExports,
    },
  };
}

/**
 * `{ [K in keyof X]: X[K] }`: the same object type as `X` (a mapped type over `keyof X` keeps
 * each property's optionality, readonly-ness and documentation), but a new type that carries
 * the alias it is declared under. Why: `X` itself is an existing anonymous type, so the alias
 * naming it is forgotten wherever TypeScript prints the type instead of reusing the written
 * annotation, as in the hover of a call of a generic method (`search<undefined>(args?:
 * WithFields<{ query?: …`). The methods taking `fields` are generic in the list, so their
 * argument is named this way (`WithFields<JudgementsSearchParams, undefined>`). Only for object
 * types: `X` is there an intersection of parameter groups (never a union, whose `keyof` would
 * keep only the common keys).
 */
function namedParams(api: ApiModel, op: OperationModel): string {
  const expr = paramsTypeExpr(api, op);
  // A request body may be a union (`oneOf`): such an argument keeps the plain alias.
  if (!projectsFields(api, op) || expr.includes('["requestBody"]')) return expr;
  return `{ [K in keyof (${expr})]: (${expr})[K] }`;
}

/** The values of a plain string enum schema (`type: string`, `enum` of strings), else undefined. */
function stringEnum(schema: Json | undefined): string[] | undefined {
  if (!schema || !Array.isArray(schema.enum) || schema.enum.length === 0) return undefined;
  if (schema.type !== undefined && schema.type !== "string") return undefined;
  if (!schema.enum.every((v): v is string => typeof v === "string")) return undefined;
  return [...new Set(schema.enum)];
}

// ---- Views ------------------------------------------------------------------------------------

/** The docs' sentence on named types, with the first operation taking arguments as example. */
export function typesNote(api: ApiModel, byOperation: Map<OperationModel, OperationTypes>): string {
  const [op, types] = [...byOperation].find(([, t]) => t.params) ?? [...byOperation][0] ?? [];
  if (!op || !types) return "";
  const example = [types.params, types.response]
    .filter((n): n is string => n !== undefined)
    .map(mdCode)
    .join(" and ");
  const method = mdCode(api.generic ? op.name : `${api.name}.${op.name}`);
  return (
    `Each method's argument and result are exported by name (for ${method}: ${example}), ` +
    `and so are the spec's schemas; see the package README, "Types by name".`
  );
}

// ---- The runtime's export names -------------------------------------------------------------

const RUNTIME_DIR = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  // generator/ in the repository, dist/ when bundled: templates/ is one level up from either.
  return join(here, "..", "templates", "runtime");
})();

const cache = new Map<string, ReadonlySet<string>>();

/**
 * Names `runtime/index.ts` exports, following its `export *` into the modules it names. Read
 * with TypeScript's parser (comments and strings such as `"*\/*"` cannot confuse it).
 */
export function runtimeExports(dir: string = RUNTIME_DIR): ReadonlySet<string> {
  const known = cache.get(dir);
  if (known) return known;
  const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
  const names = new Set<string>();
  const files = new Set(readdirSync(dir));
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !files.has(file)) return;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(join(dir, file), "utf8"), 99, false);
    for (const statement of source.statements) {
      if (ts.isExportDeclaration(statement)) {
        const clause = statement.exportClause;
        const from = statement.moduleSpecifier;
        if (!clause) {
          if (from && ts.isStringLiteral(from))
            visit(from.text.replace(/^\.\//, "").replace(/\.js$/, ".ts"));
        } else if (ts.isNamespaceExport(clause)) {
          names.add(clause.name.text);
        } else {
          for (const element of clause.elements) names.add(element.name.text);
        }
        continue;
      }
      const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
      if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      if (ts.isVariableStatement(statement)) {
        for (const d of statement.declarationList.declarations) {
          if (ts.isIdentifier(d.name)) names.add(d.name.text);
        }
      } else if (
        "name" in statement &&
        statement.name &&
        ts.isIdentifier(statement.name as never)
      ) {
        names.add((statement.name as import("typescript").Identifier).text);
      }
    }
  };
  visit("index.ts");
  cache.set(dir, names);
  return names;
}
