// Names users can write and see in a hover: `InspectParams`, `InspectResponse` for every
// operation (plus `JudgementsSearchPage` for a paged one and `JudgementsSearchFields` for one
// taking `fields`), `Judgement`, `Incident`… for the spec's component schemas, and a runtime list
// of each string enum (`OBSERVABLE_TYPES`).
//
// `<Method>Response` is the success body for every method: what the operation descriptor's call
// (`ResultOf<typeof op>`), the raw client and the API-change report (generator/diff-surface.ts,
// which summarises that body) all speak of. A paged method resolves to a `Page` of the body's
// items instead, named `<Method>Page`: an added name rather than a `<Method>Response` of another
// meaning, so that the descriptor's types and existing code keep theirs, and the rule stays one
// (`Response` = body) rather than "the body, except for paged methods". Printed into `src/<api>/names.ts` (templates/names.ts.hbs)
// and exported from the API's entry point next to the runtime, so none may shadow a runtime
// export: the runtime's export names are read from its sources (they change with it).
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jsDoc, mdCode, tsLiteral, tsString } from "./escape.js";
import type { ApiModel, OperationModel } from "./model-types.js";
import { resolveRef } from "./ref.js";
import { operationTarget, paramsTypeExpr, projectsFields, responseTypeExpr } from "./type-exprs.js";
import { operationTypeNames, schemaTypeNames, valuesConstName } from "./naming.js";

type Json = Record<string, unknown>;

export interface OperationTypes {
  /** Absent for an operation that takes no argument. */
  readonly params?: string;
  /** The success body: what the descriptor's call and the raw client return. */
  readonly response: string;
  /** A paged method's awaited result, `Page<item>` (absent when the name is taken). */
  readonly page?: string;
  /**
   * The list type `fields` may take, for a method whose `params` leaves the projection out
   * (absent when the name is taken: `params` then keeps `fields`).
   */
  readonly fields?: string;
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
 * TypeScript's own types the generated modules use: a schema exported under one of these names
 * would shadow it there (`export type Partial = …` breaks every `Partial<…>` of names.ts).
 */
const GLOBAL_TYPES = [
  "Blob",
  "Partial",
  "NonNullable",
  "Omit",
  "Pick",
  "Record",
  "Promise",
  "PromiseLike",
  "Readonly",
  "ReadonlyArray",
  "Exclude",
  "Extract",
];

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
  const taken = new Set([...runtimeNames, ...fixed, ...GLOBAL_TYPES]);
  const chosen = operationTypeNames(
    api.operations.map((o) => o.constName),
    stem,
    taken,
  );
  const byOperation = new Map<OperationModel, OperationTypes>();
  const operations: NamesView["operations"] = [];
  const helpers = new Set<string>();
  // A stem's extra names (`JudgementsSearchPage`, `JudgementsSearchFields`) cannot meet another
  // operation's `…Params`/`…Response` (other endings); a runtime export or a fixed name they
  // meet leaves them out. Schemas are named after, so they yield to these (`…Schema`).
  const extra = (name: string): string | undefined => {
    if (taken.has(name)) return undefined;
    taken.add(name);
    return name;
  };
  api.operations.forEach((op, i) => {
    const names = chosen[i]!;
    const stem = names.response.slice(0, -"Response".length);
    const route = `\`${op.method} ${op.path}\``;
    const method = `\`${api.generic ? op.name : `${api.name}.${op.name}`}\``;
    const page = op.paging ? extra(`${stem}Page`) : undefined;
    // Taken, or an argument with a body (the expression may hold a union): `fields` stays in
    // `<Method>Params`, as it was before these names.
    const fieldsName =
      projectsFields(api, op) && withoutFields(api, op) ? extra(`${stem}Fields`) : undefined;
    if (op.args !== "none") {
      operations.push({
        doc: jsDoc([
          `The argument of ${method} (${route}).`,
          fieldsName
            ? `Without a \`fields\` projection, so that a call given it yields whole entities; ` +
              `a call that lists fields takes \`WithFields<${names.params}, F>\`.`
            : undefined,
        ]),
        name: names.params,
        // Indexed access types, not `FlatArgs<…>`: see type-exprs.ts (type-check cost).
        type: namedParams(api, op, fieldsName !== undefined),
      });
    }
    operations.push({
      doc: jsDoc([
        op.paging
          ? `The body of one page of ${method} (${route}), as the raw client and the ` +
            `operation descriptor return it; awaiting the method gives ` +
            `${page ? `\`${page}\`` : "a `Page` of its items"}.`
          : `What ${method} resolves to (${route}).`,
      ]),
      name: names.response,
      type: namedResponse(api, op),
    });
    if (page) {
      helpers.add("Page").add("PageItem");
      operations.push({
        doc: jsDoc([
          `What awaiting ${method} resolves to: the first page of its items (${route}); ` +
            `\`nextPage()\` fetches the next, \`for await\` yields every item.`,
        ]),
        name: page,
        type: `Page<PageItem<${names.response}>>`,
      });
    }
    if (fieldsName) {
      helpers.add("FieldList");
      operations.push({
        doc: jsDoc([`The names \`fields\` of ${method} may list (${route}).`]),
        name: fieldsName,
        type: `FieldList<${paramsTypeExpr(api, op)}>`,
      });
    }
    byOperation.set(op, {
      ...(op.args !== "none" ? { params: names.params } : {}),
      response: names.response,
      ...(page ? { page } : {}),
      ...(fieldsName ? { fields: fieldsName } : {}),
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
 * annotation: in the hover of a call of a generic method (`search<undefined>(args?:
 * WithFields<{ query?: …`), and in a type argument such as the waitable start's
 * `WaitableStart<WorkflowsStartParams | void, …>` (the union printed `void | ({ workflow_id?: …`).
 * Only for object types: never a union (a `oneOf` body), whose `keyof` keeps only common keys.
 *
 * A method that takes `fields` gets `fields?: undefined` in its named argument. Why: a call's
 * result is typed by the list given (`Fielded`), and a variable typed with `fields?: string[]`
 * may hold one, so its call could only soundly yield `Partial` entities; and then
 * `(p: JudgementsSearchParams): Promise<JudgementsSearchPage> => xdr.ctia.judgements.search(p)`
 * would not compile. Without it a `<Method>Params` call yields whole entities; a projection is
 * written in the call, or as `WithFields<JudgementsSearchParams, F>`, checked against
 * `<Method>Fields`.
 */
function namedParams(api: ApiModel, op: OperationModel, unprojected: boolean): string {
  const expr = paramsTypeExpr(api, op);
  if (unprojected) {
    return `{ [K in keyof (${expr})]: K extends "fields" ? undefined : (${expr})[K] }`;
  }
  if (api.workflowRun?.start === op && op.args === "flat" && objectBody(api, op)) {
    return `{ [K in keyof (${expr})]: (${expr})[K] }`;
  }
  return expr;
}

/**
 * The result type. The waitable start's results (`WorkflowsStartResponse`, the final instance
 * `InstancesGetResponse`) as mapped copies (see namedParams), else the hover of
 * `WaitableStart<…>` spells their fields out; an array as an array of a mapped copy of its item
 * (a mapped type over a concrete array would be an object of the array's members). Only when
 * every 2xx body is the same JSON schema, so the copy of the first one is their union.
 */
function namedResponse(api: ApiModel, op: OperationModel): string {
  const expr = responseTypeExpr(api, op);
  const run = api.workflowRun;
  if (run?.start !== op && run?.getInstance !== op) return expr;
  const responses = (operationOf(api, op)?.responses ?? {}) as Json;
  const codes = Object.keys(responses).filter((code) => SUCCESS.test(code));
  const media = codes.map(
    (code) => resolve(api, resolve(api, responses[code])?.content)?.["application/json"],
  );
  const schemas = media.map((m) => jsonText(resolve(api, m)?.schema));
  if (!codes.length || schemas.some((t) => t === undefined || t !== schemas[0])) return expr;
  const body = `${operationTarget(op)}["responses"][${tsString(codes[0]!)}]["content"]["application/json"]`;
  if (isPlainObject(api, media[0])) return `{ [K in keyof (${body})]: (${body})[K] }`;
  const schema = resolve(api, resolve(api, media[0])?.schema);
  if (schema?.type === "array" && isPlainObject(api, { schema: schema.items })) {
    return `{ [K in keyof (${body}[number])]: (${body}[number])[K] }[]`;
  }
  return expr;
}

/** A schema as JSON text to compare, undefined when it has none (or is cyclic, once bundled). */
function jsonText(schema: unknown): string | undefined {
  try {
    return JSON.stringify(schema);
  } catch {
    return undefined;
  }
}

/** The 2xx codes openapi-typescript prints (type-exprs.ts `SUCCESS_CODES`). */
const SUCCESS = /^(20[0-7]|2XX)$/;

function resolve(api: ApiModel, value: unknown): Json | undefined {
  const v = resolveRef(api.document as Json, value);
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
}

function operationOf(api: ApiModel, op: OperationModel): Json | undefined {
  const item = resolve(
    api,
    (api.document as Json).paths && ((api.document as Json).paths as Json)[op.path],
  );
  return resolve(api, item?.[op.method.toLowerCase()]);
}

/** A media type whose schema is one object type (no `oneOf`/`anyOf` union). */
function isPlainObject(api: ApiModel, media: unknown): boolean {
  const schema = resolve(api, resolve(api, media)?.schema);
  return (
    !!schema &&
    schema.oneOf === undefined &&
    schema.anyOf === undefined &&
    (schema.type === "object" || schema.properties !== undefined)
  );
}

/** A method taking `fields` and a body keeps `fields` in its argument: the body may be a union. */
function withoutFields(api: ApiModel, op: OperationModel): boolean {
  return !paramsTypeExpr(api, op).includes('["requestBody"]');
}

/** Whether the request body, if any, is a plain object schema. */
function objectBody(api: ApiModel, op: OperationModel): boolean {
  const content = resolve(api, operationOf(api, op)?.requestBody)?.content as Json | undefined;
  if (!content || Object.keys(content).length === 0) return true;
  return Object.values(content).every((media) => isPlainObject(api, media));
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
