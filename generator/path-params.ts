// Path parameters named as identifiers: `{incident-id}` becomes `{incident_id}` in the document
// the model, the types and the targets are built from, so that a named method takes
// `{ incident_id }` (as `respond` returns `module_instance_id`) instead of `{ "incident-id": … }`.
// The placeholder and the parameter's `name` change together, and the runtime fills a path from
// its placeholders, so the URL sent is the same byte for byte. Query and header parameters are
// never renamed: their names are what the wire carries.
import { HTTP_METHODS, type OpenApiDocument } from "./load.js";
import { snakeParamName } from "./naming.js";
import { resolveRef } from "./ref.js";

type Json = Record<string, unknown>;

export interface RenamedDocument {
  readonly document: OpenApiDocument;
  /** Renamed path → the path as the spec writes it (for config keys and error places). */
  readonly original: ReadonlyMap<string, string>;
}

const PLACEHOLDER = /\{([^}]+)\}/g;

/**
 * Renames the hyphenated path parameters of every path item whose operations all declare exactly
 * its placeholders (a malformed one is left for the model to report in the spec's own words).
 * A rename is skipped when the new name is already a parameter (path, query, header or cookie)
 * or a top-level body field of an operation of that path, or another placeholder's new name, or
 * when the renamed path is another path of the spec: first come, first renamed, in spec order.
 * A placeholder named like a query, header or cookie parameter of the same operation
 * (`/items/{id}?id=`) becomes `<name>_path`: one argument object holds both.
 */
export function renamePathParameters(
  doc: OpenApiDocument,
  bodyFields: (op: Json) => readonly string[] = () => [],
): RenamedDocument {
  const deref = (value: unknown) => resolveRef(doc, value) as Json;
  const original = new Map<string, string>();
  const existing = new Set(Object.keys(doc.paths));
  const paths = Object.create(null) as Record<string, Record<string, unknown>>;
  let changed = false;
  for (const [path, itemRaw] of Object.entries(doc.paths)) {
    const renames = renamesFor(path, deref(itemRaw), deref, bodyFields);
    const next =
      renames && path.replace(PLACEHOLDER, (m, name: string) => `{${renames.get(name) ?? name}}`);
    if (!renames || !next || existing.has(next) || Object.hasOwn(paths, next)) {
      if (!Object.hasOwn(paths, path)) paths[path] = itemRaw;
      continue;
    }
    paths[next] = renameItem(deref(itemRaw), renames, deref);
    original.set(next, path);
    changed = true;
  }
  if (!changed) return { document: doc, original };
  return { document: { ...doc, paths: { ...paths } }, original };
}

function operationsOf(item: Json, deref: (v: unknown) => Json): Json[] {
  return HTTP_METHODS.filter((m) => Object.hasOwn(item, m)).map((m) => deref(item[m]));
}

function declared(list: unknown, deref: (v: unknown) => Json): Json[] {
  return Array.isArray(list) ? list.map(deref).filter((p) => p && typeof p.name === "string") : [];
}

/** The renames of one path item, or undefined when there are none to make. */
function renamesFor(
  path: string,
  item: Json,
  deref: (v: unknown) => Json,
  bodyFields: (op: Json) => readonly string[],
): Map<string, string> | undefined {
  const placeholders = [...path.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const operations = operationsOf(item, deref);
  const taken = new Set<string>(placeholders);
  /** Names a query, header or cookie parameter also uses. */
  const clashing = new Set<string>();
  const shared = declared(item.parameters, deref);
  for (const op of operations) {
    const params = [...shared, ...declared(op.parameters, deref)];
    const inPath = new Set(params.filter((p) => p.in === "path").map((p) => p.name as string));
    // Declarations and template disagree: the model reports it with the spec's names.
    if (inPath.size !== new Set(placeholders).size || placeholders.some((p) => !inPath.has(p))) {
      return undefined;
    }
    for (const p of params) {
      taken.add(p.name as string);
      if (p.in !== "path") clashing.add(p.name as string);
    }
    // A body field of the same name is no clash: the model then takes the body under `body`.
    for (const field of bodyFields(op)) taken.add(field);
  }
  const renames = new Map<string, string>();
  for (const name of placeholders) {
    if (renames.has(name)) continue;
    let next = snakeParamName(name);
    if (clashing.has(name)) {
      // `GET /items/{id}?id=…`: one argument object cannot hold both. The path's is renamed,
      // since its name never reaches the wire; the query's is what the server reads.
      const base = `${next ?? name}_path`;
      next = base;
      for (let n = 2; taken.has(next); n++) next = base + n;
    }
    if (next === undefined || taken.has(next)) continue;
    renames.set(name, next);
    taken.add(next);
  }
  return renames.size > 0 ? renames : undefined;
}

function renameList(list: unknown, renames: Map<string, string>, deref: (v: unknown) => Json) {
  if (!Array.isArray(list)) return list;
  return list.map((entry) => {
    const p = deref(entry);
    if (p?.in !== "path" || typeof p.name !== "string" || !renames.has(p.name)) return entry;
    // A shared `components.parameters` entry may serve other paths: copied, never edited.
    return { ...p, name: renames.get(p.name) };
  });
}

function renameItem(item: Json, renames: Map<string, string>, deref: (v: unknown) => Json): Json {
  const copy: Json = { ...item };
  if (Object.hasOwn(item, "parameters"))
    copy.parameters = renameList(item.parameters, renames, deref);
  for (const method of HTTP_METHODS) {
    if (!Object.hasOwn(item, method)) continue;
    const op = deref(item[method]);
    if (op && Object.hasOwn(op, "parameters")) {
      copy[method] = { ...op, parameters: renameList(op.parameters, renames, deref) };
    }
  }
  return copy;
}
