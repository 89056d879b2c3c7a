/**
 * Fidelity oracle: reduce an OpenAPI document to a flat list of routes so that our
 * hand-written specs can be compared with Cisco's published swagger 2.0 documents.
 *
 * Shared by the IROH and CTIA fidelity tests. Keep the exported interface stable.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";

export interface RouteOp {
  /** HTTP method, upper case. */
  method: string;
  /** Path as written in the document (swagger: basePath + path). */
  path: string;
  /** `${method} ${normalizedPath}` where every `{param}` becomes `{}`. */
  key: string;
  /** Sorted, de-duplicated names of the path and query parameters. */
  params: string[];
}

export interface Comparison {
  /** Our operations that exist in the reference (same key). */
  matched: RouteOp[];
  /** Our operations with no counterpart in the reference. */
  ourExtra: RouteOp[];
  /** Reference operations we do not declare. */
  missing: RouteOp[];
  /** Matched operations whose path+query parameter names differ. */
  paramMismatches: { key: string; ours: string[]; theirs: string[] }[];
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** Repository root (two levels above test/fidelity). */
export function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
}

/** Absolute path of `../shared/specs/reference` (relative to the repo root), if present. */
export function referenceDir(): string | undefined {
  const dir = resolve(repoRoot(), "..", "shared", "specs", "reference");
  return existsSync(dir) ? dir : undefined;
}

/** `/a/{id}/b/{other-id}` → `/a/{}/b/{}`. */
export function normalizePath(path: string): string {
  return path.replace(/\{[^}]*\}/g, "{}");
}

export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${normalizePath(path)}`;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Resolve a local JSON pointer (`#/a/b`), following chained $refs. */
function resolveLocal(doc: Json, node: unknown, seen: Set<string> = new Set()): unknown {
  if (!isObject(node) || typeof node.$ref !== "string") return node;
  const ref = node.$ref;
  if (!ref.startsWith("#/")) throw new Error(`oracle: only local $refs are supported, got ${ref}`);
  if (seen.has(ref)) throw new Error(`oracle: circular $ref ${ref}`);
  seen.add(ref);
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const part = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(cur) || !(part in cur)) throw new Error(`oracle: unresolved $ref ${ref}`);
    cur = cur[part];
  }
  return resolveLocal(doc, cur, seen);
}

/** Merge path-level and operation-level parameters; keep path+query names. */
function paramNames(doc: Json, pathLevel: unknown, opLevel: unknown): string[] {
  const byId = new Map<string, string>();
  for (const list of [pathLevel, opLevel]) {
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      const param = resolveLocal(doc, p);
      if (!isObject(param)) continue;
      const where = param.in;
      const name = param.name;
      if (typeof name !== "string" || (where !== "path" && where !== "query")) continue;
      byId.set(`${where}:${name}`, name);
    }
  }
  return [...new Set(byId.values())].sort();
}

function readDoc(file: string): Json {
  const abs = isAbsolute(file) ? file : resolve(repoRoot(), file);
  const text = readFileSync(abs, "utf8");
  const doc: unknown = abs.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  if (!isObject(doc)) throw new Error(`oracle: ${abs} is not an object document`);
  return doc;
}

function collect(doc: Json, prefix: string): RouteOp[] {
  const out: RouteOp[] = [];
  const paths = doc.paths;
  if (!isObject(paths)) return out;
  for (const [rawPath, rawItem] of Object.entries(paths)) {
    const item = resolveLocal(doc, rawItem);
    if (!isObject(item)) continue;
    const path = joinPath(prefix, rawPath);
    for (const m of HTTP_METHODS) {
      const op = item[m];
      if (!isObject(op)) continue;
      const method = m.toUpperCase();
      out.push({
        method,
        path,
        key: routeKey(method, path),
        params: paramNames(doc, item.parameters, op.parameters),
      });
    }
  }
  return out;
}

function joinPath(base: string, path: string): string {
  const b = base.replace(/\/+$/, "");
  return `${b}${path.startsWith("/") ? path : `/${path}`}`;
}

/** Routes of one of our OpenAPI 3.x documents (YAML or JSON). Path relative to the repo root or absolute. */
export function loadOurSpec(file: string): RouteOp[] {
  return collect(readDoc(file), "");
}

/** Routes of a swagger 2.0 document: basePath + path, `#/parameters/...` refs resolved. */
export function loadSwagger(file: string): RouteOp[] {
  const doc = readDoc(file);
  const base = typeof doc.basePath === "string" ? doc.basePath : "";
  return collect(doc, base);
}

export function compare(ours: RouteOp[], theirs: RouteOp[]): Comparison {
  const theirByKey = new Map(theirs.map((r) => [r.key, r]));
  const ourKeys = new Set(ours.map((r) => r.key));
  const matched: RouteOp[] = [];
  const ourExtra: RouteOp[] = [];
  const paramMismatches: Comparison["paramMismatches"] = [];
  for (const r of ours) {
    const t = theirByKey.get(r.key);
    if (!t) {
      ourExtra.push(r);
      continue;
    }
    matched.push(r);
    if (r.params.join("\n") !== t.params.join("\n")) {
      paramMismatches.push({ key: r.key, ours: r.params, theirs: t.params });
    }
  }
  const missing = theirs.filter((t) => !ourKeys.has(t.key));
  return { matched, ourExtra, missing, paramMismatches };
}

/** Fraction of the reference's routes that we declare (0..1); 1 when the reference is empty. */
export function coverageRatio(c: Comparison): number {
  const total = c.matched.length + c.missing.length;
  return total === 0 ? 1 : c.matched.length / total;
}

/** One line: `service: 41/42 (97.6 %)`. */
export function formatCoverage(service: string, c: Comparison): string {
  const total = c.matched.length + c.missing.length;
  return `${service}: ${c.matched.length}/${total} (${(coverageRatio(c) * 100).toFixed(1)} %)`;
}

/** One of our specs, parsed, with its `paths` and a resolver of local `$ref`s. */
export interface ReadSpec {
  document: Json;
  paths: Record<string, Record<string, unknown>>;
  /** Follows `$ref`s (chained) to the node they name; other values come back as they are. */
  resolve(node: unknown): unknown;
}

export function readSpec(file: string): ReadSpec {
  const document = readDoc(file);
  return {
    document,
    paths: (isObject(document.paths) ? document.paths : {}) as ReadSpec["paths"],
    resolve: (node) => resolveLocal(document, node),
  };
}
