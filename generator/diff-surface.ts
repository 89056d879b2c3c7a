// The SDK surface of one API: what a caller's code touches, and nothing else. Built from the model
// (method names after config overrides, argument style, scopes) and the bundled document (types
// of arguments and responses, summarised). `diff.ts` compares two surfaces; the release state
// (`changelog.ts`) keeps the last one as a snapshot, so it must stay plain, stable JSON.
import type { ApiConfig } from "./config.js";
import { deriveSpec } from "./derive.js";
import type { LoadedSpec } from "./load.js";
import { buildModel } from "./model.js";
import { successResponses } from "./model-content.js";
import type { ArgStyle, OperationModel } from "./model-types.js";
import { resolveRef } from "./ref.js";

export type Primitive = string | number | boolean | null;

/** A schema reduced to what decides whether a caller's code still compiles and behaves. */
export interface TypeSummary {
  /** Sorted JSON types; `any` when the schema says nothing (or is Go's `interface{}`). */
  types: string[];
  /** Sorted by their JSON text. */
  enum?: Primitive[];
  /** Object properties by wire name (a null-prototype object: names come from the spec). */
  fields?: Record<string, FieldSummary>;
  items?: TypeSummary;
}

export interface FieldSummary {
  required: boolean;
  type: TypeSummary;
}

export interface MethodSurface {
  /** `POST /v1/workflows`: used to recognise a renamed method. */
  route: string;
  operationId?: string;
  scopes: string[];
  deprecated: boolean;
  args: ArgStyle;
  argsOptional: boolean;
  /** Keys of the argument object: path, query and header parameters, and body fields when flat. */
  params: Record<string, FieldSummary>;
  /** The body when it is not spread into the argument object (`body` and `split` styles). */
  body?: TypeSummary;
  response: string;
  /**
   * How the method pages (`ctia`, `offset`, `links`), or `none`: a paged method's call resolves
   * to a `Page` of items, not to the body. Absent from surfaces recorded before it was kept.
   */
  paging?: string;
  /** The JSON success body. */
  result?: TypeSummary;
}

export interface ApiSurface {
  /** The spec's `info.version`, for the report's heading. */
  version: string;
  methods: Record<string, MethodSurface>;
}

type Json = Record<string, unknown>;
type Direction = "request" | "response";

// Deep enough for `results[].status` and a nested entity's fields; deeper levels of Cisco's
// schemas change together with their parents, and every level multiplies the snapshot's size.
const MAX_DEPTH = 4;

export function buildSurface(loaded: LoadedSpec, api: ApiConfig): ApiSurface {
  // A derived API (Global Intel) is the subset of its spec that generate keeps.
  const spec = deriveSpec(loaded, api.derive);
  const model = buildModel(spec, api);
  const methods: Record<string, MethodSurface> = Object.create(null);
  for (const op of model.operations) methods[op.name] = methodSurface(model.document, op, api);
  return { version: model.version, methods };
}

function methodSurface(doc: Json, op: OperationModel, api: ApiConfig): MethodSurface {
  const item = resolveRef(doc, (doc.paths as Json)[op.path]) as Json;
  const raw = resolveRef(doc, item[op.method.toLowerCase()]) as Json;
  const ctx = new Summarizer(doc, api.emptyObjectsAsUnknown);

  const params: Record<string, FieldSummary> = Object.create(null);
  for (const list of [item.parameters, raw.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const p = resolveRef(doc, entry) as Json;
      if (typeof p.name !== "string" || p.in === "cookie") continue;
      params[p.name] = {
        required: p.required === true,
        type: ctx.summarize(p.schema, "request"),
      };
    }
  }

  const bodySchema = op.body ? mediaSchema(doc, raw.requestBody, /json/i) : undefined;
  let body: TypeSummary | undefined;
  if (op.body) {
    const summary = ctx.summarize(bodySchema, "request");
    if (op.args === "flat" && summary.fields) {
      for (const [name, field] of Object.entries(summary.fields)) params[name] = field;
    } else {
      body = summary;
    }
  }

  const responses = (raw.responses ?? {}) as Json;
  const success = successResponses(responses).sort();
  const resultSchema = success
    .map((code) => mediaSchema(doc, responses[code], /json/i))
    .find((s) => s !== undefined);

  return {
    route: `${op.method} ${op.path}`,
    ...(op.operationId !== undefined ? { operationId: op.operationId } : {}),
    scopes: [...op.scopes].sort(),
    deprecated: op.deprecated,
    args: op.args,
    argsOptional: op.argsOptional,
    params: sortKeys(params),
    ...(body ? { body } : {}),
    response: op.response,
    paging: op.paging ?? "none",
    ...(op.response === "json" && resultSchema !== undefined
      ? { result: ctx.summarize(resultSchema, "response") }
      : {}),
  };
}

/** The schema of the first media type matching `pattern` (or the first one) of a body/response. */
function mediaSchema(doc: Json, holder: unknown, pattern: RegExp): unknown {
  const content = ((resolveRef(doc, holder) as Json | undefined)?.content ?? {}) as Json;
  const types = Object.keys(content);
  const pick = types.find((t) => pattern.test(t)) ?? types[0];
  if (pick === undefined) return undefined;
  return (resolveRef(doc, content[pick]) as Json | undefined)?.schema;
}

class Summarizer {
  /** `$ref`s being expanded, to stop at a cycle (a tree of comments, a process graph). */
  private readonly open: string[] = [];

  constructor(
    private readonly doc: Json,
    private readonly emptyObjectsAsUnknown: boolean,
  ) {}

  summarize(raw: unknown, direction: Direction, depth = 0): TypeSummary {
    const ref =
      raw && typeof raw === "object" && typeof (raw as Json).$ref === "string"
        ? ((raw as Json).$ref as string)
        : undefined;
    if (ref !== undefined && this.open.includes(ref)) return { types: ["object"] };
    if (ref !== undefined) this.open.push(ref);
    try {
      return this.summarizeResolved(resolveRef(this.doc, raw), direction, depth);
    } finally {
      if (ref !== undefined) this.open.pop();
    }
  }

  private summarizeResolved(value: unknown, direction: Direction, depth: number): TypeSummary {
    if (!value || typeof value !== "object" || Array.isArray(value)) return { types: ["any"] };
    const schema = value as Json;
    const parts = (key: string) =>
      Array.isArray(schema[key])
        ? (schema[key] as unknown[]).map((s) => this.summarize(s, direction, depth))
        : [];
    const all = parts("allOf");
    const alternatives = [...parts("oneOf"), ...parts("anyOf")];
    const own = this.ownSummary(schema, direction, depth);
    let result = all.reduce(mergeAll, own);
    if (alternatives.length > 0) {
      const union = alternatives.reduce(mergeAlternatives);
      result = isAny(result) ? union : mergeAll(result, union);
    }
    return normalize(result);
  }

  private ownSummary(schema: Json, direction: Direction, depth: number): TypeSummary {
    const types = new Set<string>();
    if (typeof schema.type === "string") types.add(schema.type);
    if (Array.isArray(schema.type)) for (const t of schema.type) types.add(String(t));
    const values = Array.isArray(schema.enum)
      ? (schema.enum as unknown[])
      : "const" in schema
        ? [schema.const]
        : undefined;
    if (types.size === 0) {
      if (schema.properties) types.add("object");
      else if (schema.items) types.add("array");
      else if (values) for (const v of values) types.add(v === null ? "null" : typeof v);
    }
    if (schema.nullable === true && types.size > 0) types.add("null");
    const summary: TypeSummary = { types: [...types] };
    if (values) summary.enum = values.filter(isPrimitive);

    if (types.has("object") || schema.properties) {
      const props = (schema.properties ?? {}) as Json;
      const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
      const names = Object.keys(props);
      if (names.length === 0 && this.emptyObjectsAsUnknown && !schema.additionalProperties) {
        // Cisco's converter writes Go's interface{} as an empty object; the SDK types it unknown.
        types.delete("object");
        if (types.size === 0) types.add("any");
        summary.types = [...types];
      } else if (depth < MAX_DEPTH) {
        const fields: Record<string, FieldSummary> = Object.create(null);
        for (const name of names) {
          const prop = resolveRef(this.doc, props[name]) as Json | undefined;
          // A read-only field is never sent; a write-only one never comes back.
          if (direction === "request" && prop?.readOnly === true) continue;
          if (direction === "response" && prop?.writeOnly === true) continue;
          fields[name] = {
            required: required.has(name),
            type: this.summarize(props[name], direction, depth + 1),
          };
        }
        summary.fields = fields;
      }
    }
    if ((types.has("array") || schema.items) && depth < MAX_DEPTH && schema.items) {
      summary.items = this.summarize(schema.items, direction, depth + 1);
    }
    if (summary.types.length === 0) summary.types = ["any"];
    return summary;
  }
}

function isPrimitive(v: unknown): v is Primitive {
  return v === null || ["string", "number", "boolean"].includes(typeof v);
}

function isAny(t: TypeSummary): boolean {
  return t.types.length === 1 && t.types[0] === "any" && !t.fields && !t.enum;
}

/** `allOf`: every part applies, so fields and required-ness add up. */
function mergeAll(a: TypeSummary, b: TypeSummary): TypeSummary {
  const types = isAny(a) ? b.types : isAny(b) ? a.types : union(a.types, b.types);
  const out: TypeSummary = { types };
  const en = a.enum && b.enum ? a.enum.filter((v) => b.enum!.includes(v)) : (a.enum ?? b.enum);
  if (en) out.enum = en;
  if (a.fields || b.fields) {
    const fields: Record<string, FieldSummary> = Object.create(null);
    for (const source of [a.fields, b.fields]) {
      for (const [name, f] of Object.entries(source ?? {})) {
        const prev = fields[name];
        fields[name] = prev
          ? { required: prev.required || f.required, type: mergeAll(prev.type, f.type) }
          : f;
      }
    }
    out.fields = fields;
  }
  const items = a.items ?? b.items;
  if (items) out.items = items;
  return out;
}

/** `oneOf`/`anyOf`: any variant may come, so a field is required only if every variant has it. */
function mergeAlternatives(a: TypeSummary, b: TypeSummary): TypeSummary {
  const out: TypeSummary = { types: union(a.types, b.types) };
  if (a.enum && b.enum) out.enum = [...a.enum, ...b.enum.filter((v) => !a.enum!.includes(v))];
  if (a.fields || b.fields) {
    const fields: Record<string, FieldSummary> = Object.create(null);
    const names = new Set([...Object.keys(a.fields ?? {}), ...Object.keys(b.fields ?? {})]);
    for (const name of names) {
      const fa = a.fields?.[name];
      const fb = b.fields?.[name];
      fields[name] = {
        required: (fa?.required ?? false) && (fb?.required ?? false),
        type: fa && fb ? mergeAlternatives(fa.type, fb.type) : (fa ?? fb)!.type,
      };
    }
    out.fields = fields;
  }
  const items = a.items && b.items ? mergeAlternatives(a.items, b.items) : (a.items ?? b.items);
  if (items) out.items = items;
  return out;
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** Sorted lists and keys, so that a snapshot's bytes depend on the spec's meaning only. */
function normalize(t: TypeSummary): TypeSummary {
  const types = t.types.includes("any") ? ["any"] : [...new Set(t.types)].sort();
  const out: TypeSummary = { types };
  if (t.enum) {
    const seen = new Map(t.enum.map((v) => [JSON.stringify(v), v]));
    out.enum = [...seen.keys()].sort().map((k) => seen.get(k)!);
  }
  if (t.fields) out.fields = sortKeys(t.fields);
  if (t.items) out.items = t.items;
  return out;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = Object.create(null);
  for (const key of Object.keys(record).sort()) out[key] = record[key]!;
  return out;
}
