// The argument and result type of each operation, written out as indexed access types into
// openapi-typescript's `paths` (`paths["/x"]["post"]["requestBody"]["content"]["application/json"]`)
// instead of the conditional helpers of templates/runtime/types.ts (`FlatArgs<…>`, `Success<…>`).
// Why: a consumer's full lib check evaluates every operation's named types, and a conditional
// type costs dozens of instantiations each time (GitHub's 1 223 operations: ~200k instantiations
// and ~100 MB of peak memory, more than openapi-fetch over the same `paths`). An indexed access
// costs none. The generator knows from the spec which parts exist, so no type has to find out.
// The meaning is exactly the helpers' (test/generator/types-scale.test.ts compares them on every
// operation of the XDR specs and the fixtures): `FlatArgs`, `SplitArgs`, `BodyArg`, `Success`.
import { tsString } from "./escape.js";
import type { ApiModel, OperationModel } from "./model-types.js";
import { resolveRef } from "./ref.js";

type Json = Record<string, unknown>;

/** 2xx keys `Success` takes (openapi-typescript prints codes as written: `200`, `"2XX"`). */
const SUCCESS_CODES = new Set(["200", "201", "202", "203", "204", "205", "206", "207", "2XX"]);
/** The media types `MediaBody` prefers, in order; otherwise the union of every declared one. */
const PREFERRED_MEDIA = [
  "application/json",
  "multipart/form-data",
  "application/x-www-form-urlencoded",
];

/**
 * The success answers' codes: the 2xx ones; else `default` when it is the only kind declared (a
 * spec without status codes), as the runtime reads it (model-content.ts `responseEncoding`).
 */
function successCodes(responses: Json): string[] {
  const codes = Object.keys(responses).filter((code) => SUCCESS_CODES.has(code));
  return codes.length === 0 && Object.hasOwn(responses, "default") ? ["default"] : codes;
}

function objectAt(doc: Json, value: unknown): Json | undefined {
  const v = resolveRef(doc, value);
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
}

/** `X["content"]["application/json"]`, or every media type's body when none is preferred. */
function mediaBody(holder: string, content: Json): string {
  const keys = Object.keys(content);
  const pick = PREFERRED_MEDIA.find((m) => keys.includes(m));
  return pick !== undefined
    ? `${holder}["content"][${tsString(pick)}]`
    : `${holder}["content"][keyof ${holder}["content"]]`;
}

function operationObject(api: ApiModel, op: OperationModel): Json {
  const doc = api.document as Json;
  const item = objectAt(doc, (doc.paths as Json)[op.path]) ?? {};
  return objectAt(doc, item[op.method.toLowerCase()]) ?? {};
}

/** `paths["/x"]["get"]`: the operation in openapi-typescript's output. */
export function operationTarget(op: OperationModel): string {
  return `paths[${tsString(op.path)}][${tsString(op.method.toLowerCase())}]`;
}

/**
 * The named method's argument type (`void` for none): what `FlatArgs`/`SplitArgs`/`BodyArg`
 * give, without evaluating them. `& {}` drops the `undefined` of optional parameter groups.
 */
export function paramsTypeExpr(api: ApiModel, op: OperationModel): string {
  if (op.args === "none") return "void";
  const target = operationTarget(op);
  const parameters = `${target}["parameters"]`;
  const parts: string[] = [];
  if (op.pathParams.length) parts.push(`${parameters}["path"]`);
  if (op.queryParams.length) parts.push(`${parameters}["query"]`);
  if (op.headerParams.length) parts.push(`${parameters}["header"]`);
  const doc = api.document as Json;
  const body = objectAt(doc, operationObject(api, op).requestBody);
  const content = objectAt(doc, body?.content);
  const hasBody = content !== undefined && Object.keys(content).length > 0;
  const required = body?.required === true;
  const holder = required ? `${target}["requestBody"]` : `NonNullable<${target}["requestBody"]>`;
  const media = hasBody ? mediaBody(holder, content) : undefined;
  if (op.args === "body")
    return media === undefined ? "never" : required ? media : `${media} | undefined`;
  if (op.args === "flat" && media !== undefined) parts.push(required ? media : `Partial<${media}>`);
  if (op.args === "split") {
    parts.push(
      media === undefined
        ? "{ body?: undefined }"
        : required
          ? `{ body: ${media} }`
          : `{ body?: ${media} | undefined }`,
    );
  }
  if (parts.length === 0) return "object";
  return `${parts.join(" & ")} & {}`;
}

/**
 * The union of the 2xx bodies, JSON preferred (`Success<…>`), as indexed access types. An answer
 * the runtime reads as bytes is a `Blob`, whatever type the spec gives its schema (openapi-typescript
 * prints `format: binary` as `string`).
 */
export function responseTypeExpr(api: ApiModel, op: OperationModel): string {
  const doc = api.document as Json;
  const responses = objectAt(doc, operationObject(api, op).responses) ?? {};
  const codes = successCodes(responses);
  if (codes.length === 0) return "unknown";
  const target = operationTarget(op);
  const bodies = codes.map((code) => {
    const content = objectAt(doc, objectAt(doc, responses[code])?.content);
    if (content === undefined || Object.keys(content).length === 0) return "undefined";
    // As the runtime reads them: bytes, or text (lines of JSON included).
    if (op.response === "binary") return "Blob";
    if (op.response === "text") return "string";
    const holder = `${target}["responses"][${tsString(code)}]`;
    const json = Object.hasOwn(content, "application/json");
    return json
      ? `${holder}["content"]["application/json"]`
      : `${holder}["content"][keyof ${holder}["content"]]`;
  });
  return [...new Set(bodies)].join(" | ");
}

/** Property names of an object schema (through `$ref` and `allOf`), else undefined. */
function propertyNames(doc: Json, schemaRaw: unknown, depth = 0): string[] | undefined {
  const schema = objectAt(doc, schemaRaw);
  if (!schema || depth > 8) return undefined;
  const own = Object.keys(objectAt(doc, schema.properties) ?? {});
  const parts = Array.isArray(schema.allOf)
    ? schema.allOf.map((s) => propertyNames(doc, s, depth + 1) ?? [])
    : [];
  const names = [...own, ...parts.flat()];
  return names.length ? names : undefined;
}

/**
 * Whether the operation takes a `fields` query parameter that projects its result (CTIA's
 * searches and lists, Conure's incident search): an array of strings whose enum, if any, names
 * properties of the entity returned (a `fields` that picks export sections does not qualify),
 * and a JSON success body that is that entity or a list of it. The client then types the result
 * as `Fielded<…, F>` of the literal list given (templates/runtime/types.ts).
 */
export function projectsFields(api: ApiModel, op: OperationModel): boolean {
  // A body-style method takes its query (and so `fields`) in `options.query`, not in `args`.
  if (!op.queryParams.includes("fields") || op.args === "body" || op.args === "none") return false;
  const doc = api.document as Json;
  const item = objectAt(doc, (doc.paths as Json)[op.path]) ?? {};
  const operation = operationObject(api, op);
  const params = [item.parameters, operation.parameters]
    .flatMap((list) => (Array.isArray(list) ? list : []))
    .map((p) => objectAt(doc, p))
    .filter((p): p is Json => p?.in === "query" && p.name === "fields");
  const param = params[params.length - 1];
  const schema = objectAt(doc, param?.schema);
  const items = objectAt(doc, schema?.items);
  if (schema?.type !== "array" || items?.type !== "string") return false;
  const responses = objectAt(doc, operation.responses) ?? {};
  const ok = successCodes(responses)[0];
  const content = ok ? objectAt(doc, objectAt(doc, responses[ok])?.content) : undefined;
  const body = objectAt(doc, objectAt(doc, content?.["application/json"])?.schema);
  const entity = body?.type === "array" ? body.items : body;
  const names = propertyNames(doc, entity);
  if (!names) return false;
  const values = Array.isArray(items.enum) ? items.enum : [];
  return values.every((v) => typeof v === "string" && names.includes(v.split(".")[0]!));
}
