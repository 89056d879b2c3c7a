// What an operation sends and returns, read from its spec: the request body's encoding and
// whether it is required, an object schema's property names (they decide a flat or split
// argument, and which names a path-parameter rename must avoid), the response's encoding.
import type { BodyEncoding, ResponseEncoding } from "./model-types.js";

type Json = Record<string, unknown>;

interface BodyInfo {
  encoding: BodyEncoding;
  required: boolean;
  schema?: unknown;
}

export function requestBodyOf(op: Json, deref: (v: unknown) => Json): BodyInfo | undefined {
  if (!op.requestBody) return undefined;
  const body = deref(op.requestBody);
  const content = (body.content ?? {}) as Json;
  const types = Object.keys(content);
  if (types.length === 0) return undefined;
  const pick =
    types.find((t) => /^application\/(.+\+)?json/i.test(t)) ??
    types.find((t) => t.startsWith("multipart/form-data")) ??
    types.find((t) => t.startsWith("application/x-www-form-urlencoded")) ??
    types.find((t) => t.startsWith("text/")) ??
    types[0]!;
  const encoding: BodyEncoding = /json/i.test(pick)
    ? "json"
    : pick.startsWith("multipart/")
      ? "multipart"
      : pick.startsWith("application/x-www-form-urlencoded")
        ? "form"
        : pick.startsWith("text/")
          ? "text"
          : "binary";
  const media = deref(content[pick]);
  return { encoding, required: body.required === true, schema: media?.schema };
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

export function responseEncoding(op: Json, deref: (v: unknown) => Json): ResponseEncoding {
  const responses = (op.responses ?? {}) as Json;
  const success = Object.keys(responses).filter((code) => /^2(\d\d|XX)$/i.test(code));
  const types = success.flatMap((code) =>
    Object.keys((deref(responses[code]).content ?? {}) as Json),
  );
  if (types.length === 0) return "none";
  if (types.some((t) => /json/i.test(t))) return "json";
  if (types.some((t) => t.startsWith("text/"))) return "text";
  return "binary";
}
