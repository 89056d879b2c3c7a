// What an operation sends and returns, read from its spec: the request body's encoding and
// whether it is required, an object schema's property names (they decide a flat or split
// argument, and which names a path-parameter rename must avoid), the response's encoding.
import type { BodyEncoding, ResponseEncoding } from "./model-types.js";

type Json = Record<string, unknown>;

interface BodyInfo {
  encoding: BodyEncoding;
  /** The JSON media type sent, when not `application/json` (`application/merge-patch+json`). */
  contentType?: string;
  required: boolean;
  schema?: unknown;
}

/**
 * A JSON media type: `application/json` or a `+json` suffix, parameters aside. Not NDJSON,
 * `json-seq` or `jsonl`: lines of JSON, which one JSON.parse cannot read.
 */
export function isJsonType(type: string): boolean {
  return /^(?:application|text)\/(?:[\w.!#$&^-]+\+|x-)?json\s*(?:;|$)/i.test(type);
}

/** `application/json` itself, parameters aside: preferred over any other JSON type listed. */
function isPlainJson(type: string): boolean {
  return /^application\/json\s*(?:;|$)/i.test(type);
}

/** A schema of an object or an array (following $ref): a body that is JSON whatever its type. */
function isStructured(schemaRaw: unknown, deref: (v: unknown) => Json): boolean {
  const s = deref(schemaRaw);
  if (!s || typeof s !== "object") return false;
  const type = Array.isArray(s.type) ? s.type : [s.type];
  return (
    type.includes("object") ||
    type.includes("array") ||
    s.properties !== undefined ||
    s.additionalProperties !== undefined ||
    s.items !== undefined
  );
}

export function requestBodyOf(op: Json, deref: (v: unknown) => Json): BodyInfo | undefined {
  if (!op.requestBody) return undefined;
  const body = deref(op.requestBody);
  const content = (body.content ?? {}) as Json;
  const types = Object.keys(content);
  if (types.length === 0) return undefined;
  // ASP.NET lists `application/json-patch+json` first for every body: plain JSON wins.
  const pick =
    types.find(isPlainJson) ??
    types.find(isJsonType) ??
    types.find((t) => t.startsWith("multipart/form-data")) ??
    types.find((t) => t.startsWith("application/x-www-form-urlencoded")) ??
    types.find((t) => t.startsWith("text/")) ??
    types[0]!;
  const media = deref(content[pick]);
  const json = isJsonType(pick);
  const encoding: BodyEncoding = json
    ? "json"
    : pick.startsWith("multipart/")
      ? "multipart"
      : pick.startsWith("application/x-www-form-urlencoded")
        ? "form"
        : pick.startsWith("text/")
          ? "text"
          : // An object or array declared `*/*` (Kubernetes), XML…: sent as JSON, not as the
            // text "[object Object]".
            isStructured(media?.schema, deref)
            ? "json"
            : "binary";
  const type = pick.split(";")[0]!.trim().toLowerCase();
  const contentType = json && type !== "application/json" ? type : undefined;
  return {
    encoding,
    ...(contentType ? { contentType } : {}),
    required: body.required === true,
    schema: media?.schema,
  };
}

/** Property names of an object schema (following $ref and allOf), or undefined if not one. */
export function objectProperties(
  schemaRaw: unknown,
  deref: (v: unknown) => Json,
): { names: string[]; required: string[] } | undefined {
  const schema = deref(schemaRaw);
  if (!schema || typeof schema !== "object") return undefined;
  if (Array.isArray(schema.allOf)) {
    // `required` and `properties` may sit beside `allOf` as well as inside its parts.
    const parts = schema.allOf.map((s) => objectProperties(s, deref));
    if (parts.some((p) => p === undefined)) return undefined;
    return {
      names: [...parts.flatMap((p) => p!.names), ...Object.keys((schema.properties ?? {}) as Json)],
      required: [
        ...parts.flatMap((p) => p!.required),
        ...(Array.isArray(schema.required) ? (schema.required as string[]) : []),
      ],
    };
  }
  const type = schema.type;
  const isObject =
    type === "object" ||
    (Array.isArray(type) && type.includes("object") && !type.includes("array"));
  if (!isObject && !(type === undefined && schema.properties)) return undefined;
  if (schema.oneOf || schema.anyOf || !schema.properties) return undefined;
  return {
    names: Object.keys(schema.properties as Json),
    required: Array.isArray(schema.required) ? (schema.required as string[]) : [],
  };
}

/** The codes of the success answers: the 2xx ones, else a lone `default` (no status declared). */
export function successResponses(responses: Json): string[] {
  const codes = Object.keys(responses).filter((code) => /^2(\d\d|XX)$/i.test(code));
  return codes.length === 0 && Object.hasOwn(responses, "default") ? ["default"] : codes;
}

export function responseEncoding(op: Json, deref: (v: unknown) => Json): ResponseEncoding {
  const responses = (op.responses ?? {}) as Json;
  const success = successResponses(responses);
  const types = success.flatMap((code) =>
    Object.keys((deref(responses[code]).content ?? {}) as Json),
  );
  if (types.length === 0) return "none";
  if (types.some(isJsonType)) return "json";
  // Lines of JSON (NDJSON, json-seq, jsonl): text, for the caller to split.
  if (types.some((t) => /json/i.test(t))) return "text";
  if (types.some((t) => t.startsWith("text/"))) return "text";
  return "binary";
}
