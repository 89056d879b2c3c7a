// The `@example` of every generated method: one call with realistic arguments, built from the
// operation's parameters and body schema. Values come, in order, from the spec (`example`,
// `examples`, `default`, the first `enum` value, `const`), then from the format (uuid,
// date-time, email, uri, ipv4…), then from the description (`e.g. \`T1059\``, `It can be
// "data" or "view"`), then from the name (an observable, an incident id, a MITRE technique, a
// CPE string, a limit…), then from the type; the tables are in example-values.ts. Required
// fields always appear; when nothing is required, an optional query parameter naming what the
// route acts on (`workflow_id` of `/v1/workflows/start`) and, without a body to show, at most two
// that say something (a limit, a query) are shown, and a body field a call needs though nothing
// requires it (a workflow run's `input_variables`). A body that is no object is named by its
// description (`Message`, `List of workflows` → workflow ids); a map by the example its
// description gives (`{"incidents": […]}`).
import {
  byName,
  BY_FORMAT,
  COMMON_BY_NAME,
  describedKeys,
  describedValue,
  isStructured,
  specValue,
  typeOf,
  fitsPattern,
  fitsType,
  refers,
  says,
  PAIRED,
  SHOWN_OPTIONAL,
  XDR_FALLBACK,
  XDR_NAMES,
  type NameTable,
} from "./example-values.js";
import { accessor, BLOB, isObject, literal } from "./example-source.js";
import type { ApiModel, OperationModel } from "./model-types.js";
import { resolveRef } from "./ref.js";

export { literal, memberPaths } from "./example-source.js";

type Json = Record<string, unknown>;

const MAX_DEPTH = 6;
const MAX_OBJECT_DEPTH = 16;
const MAX_FIELDS = 4;
const MAX_TEXT = 120;

/** The schema of one branch: `allOf` merged, the first `oneOf`/`anyOf`, `$ref`s followed. */
function flatten(doc: Json, schema: unknown): Json | undefined {
  const s = resolveRef(doc, schema);
  if (!isObject(s)) return undefined;
  if (Array.isArray(s.allOf)) {
    const merged: Json = { ...s, properties: Object.create(null), required: [] };
    // The schema's own properties last: they refine what the parts declare.
    for (const part of [...s.allOf.map((p) => flatten(doc, p)), s]) {
      if (!part) continue;
      if (isObject(part.properties)) Object.assign(merged.properties as Json, part.properties);
      if (Array.isArray(part.required)) (merged.required as unknown[]).push(...part.required);
      // The rest (`enum`, `items`, `format`, `type`…) from the first that says: AWS wraps an
      // enum or a list as `allOf: [{ $ref }, { description }]`, and the type is the ref's.
      for (const k of Object.keys(part)) {
        if (!MERGED.has(k) && merged[k] === undefined) merged[k] = part[k];
      }
    }
    delete merged.allOf;
    return merged;
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const list = s[key];
    if (!Array.isArray(list) || !list.length) continue;
    // A branch of the schema's own type (GitHub's `type: array` beside an object branch).
    const own = typeOf(s);
    const branch = list
      .map((b) => flatten(doc, b))
      .find((b) => b && says(b) && (!own || !typeOf(b) || typeOf(b) === own));
    if (!branch) return s;
    if (!own) return branch;
    // Both hold, as the type's intersection does: the schema's own properties and required
    // ones (a check run's `name`), the branch's refining them (`status: completed`).
    const merged: Json = {
      ...branch,
      ...s,
      properties: Object.assign(Object.create(null), s.properties, branch.properties) as Json,
      required: [s.required, branch.required].flatMap((r) => (Array.isArray(r) ? r : [])),
    };
    delete merged[key];
    return merged;
  }
  return s;
}

const MERGED = new Set(["allOf", "properties", "required"]);

/**
 * `described`: a value named by the description of the parameter (or of the array) it is in.
 * `named`: the schema was reached through a `$ref`, where openapi-typescript makes a property
 * with a `default` required (defaultNonNullable; not inline in a request body or parameter).
 * `trail`: the object schemas this value is inside, to tell a cycle of required refs.
 * Undefined when no value of the type can be built: the caller leaves the field out.
 */
function sample(
  doc: Json,
  names: NameTable,
  schema: unknown,
  name: string,
  depth: number,
  described?: string,
  named = false,
  trail: readonly unknown[] = [],
): unknown {
  const s = flatten(doc, schema) ?? {};
  const viaRef = named || refers(schema);
  const hint = describedValue(s.description) ?? described;
  const lower = name.toLowerCase();
  const type = typeOf(s);
  // The types make a binary string a Blob (generator/render.ts), whatever the spec's example.
  if (type === "string" && s.format === "binary") return BLOB;
  // An enum that holds the value the name suggests (`observable_type` → "domain") shows that
  // one rather than its first value (`acudid`).
  const suggested = byName(names, lower);
  if (Array.isArray(s.enum) && suggested !== undefined && s.enum.includes(suggested)) {
    return suggested;
  }
  const given = specValue(s, type);
  if (given !== undefined) return given;
  if (Array.isArray(s.enum) && s.enum.length) return undefined;
  // A list or object the name table spells out (a workflow's `input_variables`): a schema that
  // requires nothing would otherwise show `[{}]`.
  if (
    (type === "array" || type === "object") &&
    isStructured(suggested) &&
    fitsType(suggested, type)
  )
    return suggested;
  if (type === "array") {
    if (depth >= MAX_DEPTH) return [];
    const singular = name.replace(/s$/, "");
    const item = sample(doc, names, s.items, singular, depth + 1, hint, viaRef, trail);
    return item === undefined ? [] : [item];
  }
  if (type === "object") {
    // Past MAX_DEPTH a required object is still filled (objectSample shows only required
    // properties), not left `{}`; only a cycle of required refs, which no value satisfies, ends
    // there.
    const raw = resolveRef(doc, schema);
    if (depth >= MAX_DEPTH && (trail.includes(raw) || depth >= MAX_OBJECT_DEPTH)) return {};
    return objectSample(doc, names, s, depth + 1, true, viaRef, [...trail, raw]);
  }
  if (type === "integer" || type === "number") {
    if (/limit|size|count|max/.test(lower)) return 20;
    if (typeof s.minimum === "number") return s.minimum;
    return /offset|start|page/.test(lower) ? 0 : 1;
  }
  if (type === "boolean") return true;
  if (typeof s.format === "string" && Object.hasOwn(BY_FORMAT, s.format))
    return BY_FORMAT[s.format];
  const paired = suggested !== undefined && names === XDR_NAMES && PAIRED.test(lower);
  if (hint !== undefined && !paired && (type === "string" || type === undefined)) {
    if (fitsPattern(s, hint)) return hint;
  }
  if (suggested !== undefined && fitsType(suggested, type)) return suggested;
  if (type === "string" || type === undefined) {
    const last = names === XDR_NAMES ? byName(XDR_FALLBACK, lower) : undefined;
    return last ?? "example";
  }
  return undefined;
}

function objectSample(
  doc: Json,
  names: NameTable,
  s: Json,
  depth: number,
  requiredOnly: boolean,
  named: boolean,
  trail: readonly unknown[] = [],
): Json {
  const out: Json = Object.create(null);
  const properties = isObject(s.properties) ? s.properties : {};
  const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
  if (names === XDR_NAMES && isObservable(doc, properties))
    return { type: "domain", value: "internetbadguys.com" };
  if (named) {
    for (const n of Object.keys(properties)) {
      const raw = properties[n];
      if (isObject(raw) && raw.default !== undefined) required.add(n);
    }
  }
  if (Object.keys(properties).length === 0) return mapSample(doc, names, s, depth, trail);
  let shown = Object.keys(properties).filter((n) => required.has(n));
  if (shown.length === 0 && !requiredOnly) shown = Object.keys(properties).slice(0, 2);
  // Fields a call needs though the schema requires nothing (a workflow run's inputs).
  if (depth === 1 && names === XDR_NAMES) {
    const needed = Object.keys(properties).filter((n) => SHOWN_OPTIONAL.test(n));
    shown = [...shown, ...needed.filter((n) => !shown.includes(n))];
  }
  for (const n of required.size ? shown : shown.slice(0, MAX_FIELDS)) {
    const v = sample(doc, names, properties[n], n, depth, undefined, named, trail);
    if (v !== undefined) out[n] = v;
  }
  return out;
}

/**
 * A map (`additionalProperties` only) whose description names an example (`e.g.
 * \`{"incidents": ["…"], "notes": ["…"]}\``): one entry under the example's first key, its value
 * built for that key (`incidents` → an incident id). Else `{}`: no key can be made up.
 */
function mapSample(
  doc: Json,
  names: NameTable,
  s: Json,
  depth: number,
  trail: readonly unknown[],
): Json {
  const out: Json = Object.create(null);
  const values = s.additionalProperties;
  const key = describedKeys(s.description)[0];
  if (key === undefined || !isObject(values)) return out;
  const v = sample(doc, names, values, key, depth, undefined, false, trail);
  if (v !== undefined) out[key] = v;
  return out;
}

/**
 * An observable (`{ type, value }` with a type that may be "domain"): shown as one consistent
 * pair, not the first enum value (`acudid`) beside an unrelated example value.
 */
function isObservable(doc: Json, properties: Json): boolean {
  if (!Object.hasOwn(properties, "type") || !Object.hasOwn(properties, "value")) return false;
  const type = flatten(doc, properties.type);
  return !type || !Array.isArray(type.enum) || type.enum.includes("domain");
}

interface ParamDoc {
  name: string;
  in: string;
  required: boolean;
  schema?: unknown;
  example?: unknown;
  description?: unknown;
}

/** The path item and operation of `op` in the document its types come from. */
function located(doc: Json, op: OperationModel): { item?: Json; operation?: Json } {
  const paths = isObject(doc.paths) ? doc.paths : {};
  const item = Object.hasOwn(paths, op.path) ? resolveRef(doc, paths[op.path]) : undefined;
  if (!isObject(item)) return {};
  const method = op.method.toLowerCase();
  const operation = Object.hasOwn(item, method) ? resolveRef(doc, item[method]) : undefined;
  return { item, operation: isObject(operation) ? operation : undefined };
}

function parametersOf(doc: Json, op: OperationModel): ParamDoc[] {
  const { item, operation } = located(doc, op);
  const byKey = new Map<string, ParamDoc>();
  for (const holder of [item, operation]) {
    const list = isObject(holder) ? holder.parameters : undefined;
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const p = resolveRef(doc, entry);
      if (!isObject(p) || typeof p.name !== "string" || typeof p.in !== "string") continue;
      byKey.set(`${p.in}:${p.name}`, {
        name: p.name,
        in: p.in,
        required: p.required === true || p.in === "path",
        schema: p.schema,
        example: p.example,
        description: p.description,
      });
    }
  }
  return [...byKey.values()];
}

/**
 * The name a parameter's value goes by: a path parameter renamed `<name>_path` because a query
 * parameter or body field has its name (generator/path-params.ts) still holds an `id`.
 */
function said(p: ParamDoc): string {
  return p.in === "path" ? p.name.replace(/_path\d*$/, "") : p.name;
}

const TELLING = /^(limit|query|status|severity|q|search)$/;

/** The argument object (or body) of one call, or undefined when the method takes none. */
export function exampleArgs(
  api: Pick<ApiModel, "document" | "generic">,
  op: OperationModel,
): unknown {
  if (op.args === "none") return undefined;
  const doc = api.document as unknown as Json;
  // A standalone client's spec is no XDR API: no observables or incident ids in its examples.
  const names = api.generic ? COMMON_BY_NAME : XDR_NAMES;
  const params = parametersOf(doc, op).filter((p) => p.in !== "cookie");
  const { schema: bodySchema, description: bodyDescription } = requestBody(doc, op);
  const body =
    bodySchema === undefined
      ? undefined
      : (() => {
          const s = flatten(doc, bodySchema) ?? {};
          const type = typeOf(s);
          if (type !== "object") {
            return sample(doc, names, bodySchema, bodyName(doc, bodyDescription, s), 1);
          }
          // The spec's own example of the whole body (a filter only the spec can know).
          return (
            specValue(s, type) ??
            objectSample(doc, names, s, 1, true, refers(bodySchema), [resolveRef(doc, bodySchema)])
          );
        })();
  if (op.args === "body") return body ?? {};
  const args: Json = Object.create(null);
  let shown = params.filter((p) => p.required);
  if (shown.length === 0) {
    const telling =
      isObject(body) && Object.keys(body).length
        ? []
        : params.filter((p) => p.in === "query" && TELLING.test(p.name)).slice(0, 2);
    shown = [...params.filter((p) => names === XDR_NAMES && isSubject(op, p)), ...telling];
  }
  for (const p of shown) {
    const value =
      p.example !== undefined && JSON.stringify(p.example).length <= MAX_TEXT
        ? p.example
        : sample(doc, names, p.schema, said(p), 1, describedValue(p.description));
    if (value !== undefined) args[p.name] = value;
  }
  if (op.args === "split") {
    if (body !== undefined) args.body = body;
    return args;
  }
  if (isObject(body)) Object.assign(args, body);
  return args;
}

function requestBody(doc: Json, op: OperationModel): { schema?: unknown; description?: unknown } {
  if (!op.body) return {};
  const { operation } = located(doc, op);
  const body = operation ? resolveRef(doc, operation.requestBody) : undefined;
  const content = isObject(body) && isObject(body.content) ? body.content : undefined;
  if (!content || !isObject(body)) return {};
  const media = Object.keys(content)
    .map((k) => content[k])
    .find(isObject);
  return { schema: media?.schema, description: body.description };
}

/**
 * What a body that is no object holds, read from its description, for the name tables: one word
 * names it (Automation's lock takes a string described "Message"), `List of workflows` a list
 * of their ids (`workflows.batchGet`). Else `body`.
 */
function bodyName(doc: Json, description: unknown, s: Json): string {
  const text = typeof description === "string" ? description.trim() : "";
  if (/^[A-Za-z]+$/.test(text)) return text.toLowerCase();
  const listed = /^list of ([a-z]+?)s?\b/i.exec(text)?.[1];
  const items = flatten(doc, s.items);
  if (listed && typeOf(s) === "array" && items && typeOf(items) === "string") {
    return `${listed.toLowerCase()}_ids`;
  }
  return "body";
}

/**
 * An optional query parameter that names the thing the route acts on: `workflow_id` of `POST
 * /v1/workflows/start` (Automation takes the workflow to start as a query parameter, `workflow_id`
 * or `unique_name`, neither required). A call without it does nothing useful, so it is shown.
 */
function isSubject(op: OperationModel, p: ParamDoc): boolean {
  const thing = /^([a-z]+)_id$/.exec(p.name)?.[1];
  if (p.in !== "query" || thing === undefined) return false;
  return op.path.split("/").some((segment) => segment === thing || segment === `${thing}s`);
}

/**
 * The `@example` text of one method. `receiver` is how a user holds the client (`xdr.iroh` for
 * an XDR API, `client` for a standalone one); `members` the group names and the method name as
 * the client interface declares them (`["enrich", "deliberate"]`).
 */
export function exampleCall(
  api: Pick<ApiModel, "document" | "generic">,
  op: OperationModel,
  receiver: string,
  members: readonly string[],
  options: { paged?: boolean; waitable?: boolean } = {},
): string {
  const given = exampleArgs(api, op);
  // Optional arguments with nothing to show: the call without them reads better, and `{}`
  // fails against an argument type that declares a `constructor` property.
  const empty = isObject(given) && Object.keys(given).length === 0;
  const args = op.argsOptional && empty && !options.waitable ? undefined : given;
  const call = `${accessor(receiver, members)}(${args === undefined ? "" : literal(args)}${
    options.waitable ? ", { wait: true }" : ""
  })`;
  if (options.paged) return `for await (const item of ${call}) {\n  console.log(item);\n}`;
  return `const result = await ${call};`;
}
