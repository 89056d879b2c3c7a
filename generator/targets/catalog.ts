// The operation catalog the MCP server and the CLI ship (`catalog.json`): one entry per operation
// of the model, with its input as a JSON Schema built from the spec's parameters and body, and
// its MCP annotations (read-only, destructive, idempotent) derived from the model.
import type { ApiEntry, OperationEntry } from "../../templates/cli/catalog.js";
import { BadInputError } from "../errors.js";
import type { LoadedSpec } from "../load.js";
import type { ApiModel, OperationModel } from "../model-types.js";
import { resolveRef } from "../ref.js";
import {
  DEFAULT_SCHEMA_OPTIONS,
  dict,
  put,
  shorten,
  toJsonSchema,
  type JsonSchema,
  type SchemaOptions,
} from "./schema.js";

type Json = Record<string, unknown>;

/** Input keys the server and CLI add to every tool; a spec parameter of the same name is refused. */
export const META_KEYS = ["_confirm", "_fields", "_max_items", "_wait"] as const;

/** Characters of an input schema above which nested schemas are cut shallower. */
const INPUT_BUDGET = 12_000;

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/**
 * Operations that act on the world beyond XDR's own records: IROH response actions (isolate a
 * host, block a domain). They and every DELETE need an explicit confirmation.
 */
export function isDestructive(op: OperationModel): boolean {
  return op.method === "DELETE" || /\/respond\/trigger\b/.test(op.path);
}

/** Safe operations that change nothing: the retry-safe ones except PUT/DELETE/PATCH writes. */
export function isReadOnly(op: OperationModel): boolean {
  return op.safe && !["PUT", "DELETE", "PATCH"].includes(op.method) && !isDestructive(op);
}

export function toolName(api: string, op: OperationModel): string {
  return `${api}_${op.name.replace(/\./g, "_")}`.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
}

export function buildCatalogApi(spec: LoadedSpec, model: ApiModel): ApiEntry {
  // The model's document: path parameters renamed as the SDK's methods take them (incident_id).
  const doc = model.document;
  const seen = new Map<string, string>();
  const operations: OperationEntry[] = model.operations.map((op) => {
    // Shallower schemas for the few huge bodies (CTIA bulk, bundles): a tool list stays readable.
    let entry = catalogEntry(doc, model, op, DEFAULT_SCHEMA_OPTIONS);
    for (let depth = DEFAULT_SCHEMA_OPTIONS.maxDepth - 1; depth >= 2; depth--) {
      if (JSON.stringify(entry.input).length <= INPUT_BUDGET) break;
      entry = catalogEntry(doc, model, op, { ...DEFAULT_SCHEMA_OPTIONS, maxDepth: depth });
    }
    const other = seen.get(entry.tool);
    if (other !== undefined) {
      throw new BadInputError(
        spec.place(op.pointer),
        `operations "${op.name}" and "${other}" both become the tool "${entry.tool}"`,
      );
    }
    seen.set(entry.tool, op.name);
    for (const key of META_KEYS) {
      if (Object.hasOwn(entry.input.properties as Json, key)) {
        throw new BadInputError(
          spec.place(op.pointer),
          `"${key}" is reserved for the MCP server and CLI; rename the parameter`,
        );
      }
    }
    return entry;
  });
  return { name: model.name, title: model.title, operations };
}

function catalogEntry(
  doc: Json,
  model: ApiModel,
  op: OperationModel,
  options: SchemaOptions,
): OperationEntry {
  const item = resolveRef(doc, (doc.paths as Json)[op.path]) as Json;
  const raw = resolveRef(doc, item[op.method.toLowerCase()]) as Json;
  const properties = dict();
  const required: string[] = [];
  const params = new Map<string, Json>();
  for (const list of [item.parameters, raw.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      const param = resolveRef(doc, p) as Json;
      if (typeof param.name === "string" && typeof param.in === "string" && param.in !== "cookie") {
        params.set(`${param.in}:${param.name}`, param);
      }
    }
  }
  const bodyStyle = op.args === "body";
  for (const param of params.values()) {
    // With the body as the argument, only query parameters can travel (in `options.query`).
    if (bodyStyle && param.in !== "query") continue;
    const name = param.name as string;
    const content = param.content as Json | undefined;
    const source = param.schema ?? (content ? (Object.values(content)[0] as Json)?.schema : {});
    const schema = toJsonSchema(doc, source, options);
    if (typeof param.description === "string" && param.description.trim()) {
      schema.description = shorten(param.description, DEFAULT_SCHEMA_OPTIONS.maxDescription);
    }
    put(properties, name, schema);
    if (param.required === true || param.in === "path") required.push(name);
  }

  const body = bodySchema(doc, raw, options);
  if (body) {
    const fields = op.args === "flat" ? objectFields(body.schema) : undefined;
    if (fields) {
      // Body fields sit beside the parameters (the SDK's flat argument object).
      for (const [name, schema] of Object.entries(fields.properties)) put(properties, name, schema);
      if (body.required) required.push(...fields.required);
    } else if (op.args !== "none") {
      put(properties, "body", { ...body.schema, description: bodyDescription(body.schema) });
      if (body.required) required.push("body");
    }
  }

  const input: JsonSchema = { type: "object", properties };
  if (required.length > 0) input.required = [...new Set(required)];
  const summary = op.summary ?? op.description ?? `${op.method} ${op.path}`;
  return {
    api: model.name,
    name: op.name,
    tool: toolName(model.name, op),
    group: op.name.includes(".") ? op.name.slice(0, op.name.indexOf(".")) : "",
    method: op.method,
    path: op.path,
    summary: shorten(summary, 200),
    ...(op.description && op.description !== op.summary
      ? { description: shorten(op.description, 600) }
      : {}),
    scopes: op.scopes,
    readOnly: isReadOnly(op),
    destructive: isDestructive(op),
    idempotent: IDEMPOTENT_METHODS.has(op.method) || isReadOnly(op),
    ...(op.deprecated ? { deprecated: true } : {}),
    args: op.args,
    queryParams: op.queryParams,
    ...(op.body ? { body: op.body } : {}),
    ...(op.paging ? { paging: op.paging } : {}),
    ...(model.workflowRun?.start === op ? { waitable: true } : {}),
    input,
    ...exampleOf(doc, raw, op),
  };
}

/** Properties and required names of an object schema, its `allOf` parts merged. */
function objectFields(schema: JsonSchema): { properties: Json; required: string[] } | undefined {
  const parts = [schema, ...((schema.allOf as JsonSchema[] | undefined) ?? [])];
  const properties = dict();
  const required: string[] = [];
  for (const part of parts) {
    for (const [name, value] of Object.entries((part.properties ?? {}) as Json)) {
      put(properties, name, value);
    }
    required.push(...((part.required as string[] | undefined) ?? []));
  }
  return Object.keys(properties).length > 0 ? { properties, required } : undefined;
}

function bodySchema(
  doc: Json,
  raw: Json,
  options: SchemaOptions,
): { schema: JsonSchema; required: boolean } | undefined {
  if (!raw.requestBody) return undefined;
  const body = resolveRef(doc, raw.requestBody) as Json;
  const content = (body.content ?? {}) as Json;
  const type =
    Object.keys(content).find((t) => /json/i.test(t)) ?? Object.keys(content)[0] ?? undefined;
  if (type === undefined) return undefined;
  const media = resolveRef(doc, content[type]) as Json;
  return { schema: toJsonSchema(doc, media?.schema, options), required: body.required === true };
}

function bodyDescription(schema: JsonSchema): string {
  const own = typeof schema.description === "string" ? schema.description + " " : "";
  return `${own}The request body${schema.type === "array" ? " (a list)" : ""}.`.trim();
}

/** The spec's own example of the body (3.0 `example` or the first of 3.1 `examples`). */
function exampleOf(doc: Json, raw: Json, op: OperationModel): { example?: Json } {
  if (!raw.requestBody) return {};
  const body = resolveRef(doc, raw.requestBody) as Json;
  const media = Object.values((body.content ?? {}) as Json)[0] as Json | undefined;
  if (!media) return {};
  const examples = media.examples as Json | undefined;
  const first = examples ? (resolveRef(doc, Object.values(examples)[0]) as Json) : undefined;
  const value = media.example ?? first?.value;
  if (value === undefined) return {};
  const text = JSON.stringify(value);
  if (text === undefined || text.length > 600) return {};
  const example =
    op.args === "flat" && value && typeof value === "object" && !Array.isArray(value)
      ? (value as Json)
      : { body: value };
  return { example };
}
