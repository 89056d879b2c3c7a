// OpenAPI 3.0/3.1 schemas → self-contained JSON Schema (draft-07 subset) for MCP tool inputs and
// CLI flag coercion. Every `$ref` is inlined up to a depth bound and cut where it recurses, so the
// result never holds a dangling reference; keywords a validator or an agent does not need
// (`discriminator`, `xml`, `example`, `x-*`) are dropped, and long descriptions are shortened.
import { resolveRef } from "../ref.js";

type Json = Record<string, unknown>;
export type JsonSchema = Record<string, unknown>;

export interface SchemaOptions {
  /** Nesting depth after which a schema becomes `{}` (anything); bounds both size and cycles. */
  readonly maxDepth: number;
  /** Longest description kept, in characters. */
  readonly maxDescription: number;
}

export const DEFAULT_SCHEMA_OPTIONS: SchemaOptions = { maxDepth: 5, maxDescription: 240 };

/** Keywords copied as they are (their values are plain data in both dialects). */
const COPIED = [
  "type",
  "enum",
  "const",
  "format",
  "pattern",
  "minimum",
  "maximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "default",
] as const;

const FORMATS = new Set([
  "date-time",
  "date",
  "time",
  "duration",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "uri",
  "uri-reference",
  "uuid",
  "regex",
]);

/** A JSON-safe object whose keys come from spec text (no prototype to pollute). */
export function dict(): Json {
  return Object.create(null) as Json;
}

/** Sets a spec-named key without ever reaching `Object.prototype` (e.g. a property `__proto__`). */
export function put(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : flat.slice(0, max - 1).trimEnd() + "…";
}

/**
 * Converts one schema. `stack` holds the `$ref`s being expanded above this point: a reference to
 * one of them is a cycle and becomes `{}` with a note.
 */
export function toJsonSchema(
  doc: Json,
  schema: unknown,
  options: SchemaOptions = DEFAULT_SCHEMA_OPTIONS,
  depth = 0,
  stack: readonly string[] = [],
): JsonSchema {
  if (schema === true || schema === undefined) return {};
  if (schema === false) return { not: {} };
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return {};
  let source = schema as Json;
  let refStack = stack;
  const ref = source.$ref;
  if (typeof ref === "string") {
    const name = ref.slice(ref.lastIndexOf("/") + 1);
    if (stack.includes(ref) || depth >= options.maxDepth) {
      return { description: `${name} (nested too deep to describe; any JSON value accepted)` };
    }
    const target = resolveRef(doc, source);
    if (!target || typeof target !== "object" || "$ref" in (target as Json)) return {};
    // Siblings of `$ref` (3.1 allows a description beside it) win over the target's.
    const { $ref: _ref, ...siblings } = source;
    source = { ...(target as Json), ...siblings };
    refStack = [...stack, ref];
  }
  if (depth >= options.maxDepth) return {};

  const out: JsonSchema = {};
  const next = (s: unknown) => toJsonSchema(doc, s, options, depth + 1, refStack);
  for (const key of COPIED) {
    if (source[key] !== undefined) out[key] = source[key];
  }
  // Formats a JSON Schema validator knows; others (`binary`, Go's `uint32`, `int64`…) are
  // hints a validator would only warn about.
  if (typeof out.format !== "string" || !FORMATS.has(out.format)) delete out.format;
  if (typeof source.description === "string" || typeof source.title === "string") {
    const text = String(source.description ?? source.title);
    if (text.trim()) out.description = shorten(text, options.maxDescription);
  }
  // 3.0 `nullable` → a "null" type (3.1 writes the type list directly).
  if (source.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  // 3.0 boolean exclusive bounds → draft-07 numbers.
  for (const [flag, bound] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    const value = source[flag];
    if (typeof value === "number") out[flag] = value;
    else if (value === true && typeof source[bound] === "number") {
      out[flag] = source[bound];
      delete out[bound];
    }
  }
  if (source.items !== undefined && !Array.isArray(source.items)) out.items = next(source.items);
  if (source.properties && typeof source.properties === "object") {
    const properties = dict();
    for (const [name, value] of Object.entries(source.properties as Json)) {
      const resolved = resolveRef(doc, value) as Json | undefined;
      // Server-assigned fields (ids, timestamps) are never inputs.
      if (resolved && resolved.readOnly === true) continue;
      put(properties, name, next(value));
    }
    out.properties = properties;
    if (Array.isArray(source.required)) {
      const required = (source.required as unknown[]).filter(
        (r): r is string => typeof r === "string" && Object.hasOwn(properties, r),
      );
      if (required.length > 0) out.required = required;
    }
  }
  if (source.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof source.additionalProperties === "boolean"
        ? source.additionalProperties
        : next(source.additionalProperties);
  }
  if (Array.isArray(source.allOf) && source.allOf.length > 0) out.allOf = source.allOf.map(next);
  // `oneOf` becomes `anyOf`: an input matching two overlapping variants is still a good input.
  const variants = [source.anyOf, source.oneOf].filter(
    (l): l is unknown[] => Array.isArray(l) && l.length > 0,
  );
  if (variants.length === 1) out.anyOf = variants[0]!.map(next);
  else if (variants.length === 2) {
    out.allOf = [
      ...((out.allOf as unknown[]) ?? []),
      ...variants.map((l) => ({ anyOf: l.map(next) })),
    ];
  }
  if (source.not !== undefined) out.not = next(source.not);
  return out;
}
