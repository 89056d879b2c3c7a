// One operation of a spec, read into a draft of its `OperationModel`: parameters, argument
// style, request and response encodings, scopes, retry safety, paging and rate limit, with the
// config's per-operation overrides applied. Its name is settled later, across all operations
// (model-api.ts `nameOperations`), as derived names can only be told apart side by side.
import type { ApiConfig, RateLimit } from "./config.js";
import { toPointer } from "./errors.js";
import type { OpenApiDocument } from "./load.js";
import { objectProperties, requestBodyOf, responseEncoding } from "./model-content.js";
import type { ArgStyle, OperationModel, QueryStyle } from "./model-types.js";
import { deriveName, pathShape } from "./naming.js";
import { resolveRef } from "./ref.js";
import { operationAuth } from "./security.js";

type Json = Record<string, unknown>;

/** Throws the bad-input error for a place in the spec (a JSON pointer). */
export type Fail = (pointer: string, reason: string) => never;

/** An operation before its name is settled, with what settling the name needs. */
export type OperationDraft = Omit<OperationModel, "name" | "constName" | "methodName"> & {
  explicitName?: string;
  derivedName: string;
  version?: string;
  tags: string[];
  security: unknown;
};

/** What every operation of one spec is read against. */
export interface OperationContext {
  /** The document with path parameters renamed to identifiers (path-params.ts). */
  doc: OpenApiDocument;
  api: ApiConfig;
  deref: <T = Json>(value: unknown) => T;
  fail: Fail;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** A config table entry: own keys only (an operationId `constructor` finds nothing). */
const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

/**
 * The operation `method` of the path item `item` at `path` (renamed), which the spec calls
 * `specPath`: config keys (`names`, `safe`, `paging`…) and error places speak of the latter.
 */
export function readOperation(
  { doc, api, deref, fail }: OperationContext,
  path: string,
  specPath: string,
  method: string,
  item: Json,
): OperationDraft {
  const generic = api.style === "generic";
  const pointer = toPointer(["paths", specPath, method]);
  const op = deref<Json>(item[method]);
  const key = `${method.toUpperCase()} ${specPath}`;
  const operationId = typeof op.operationId === "string" ? op.operationId : undefined;

  const params = collectParameters(item, op, deref);
  checkPathParameters(path, params, pointer, fail);
  const pathParams = params.filter((p) => p.in === "path").map((p) => p.name);
  const queryParams = params.filter((p) => p.in === "query").map((p) => p.name);
  const styled = params.filter((p) => p.in === "query" && p.style);
  const queryStyles = styled.length
    ? styled.map((p): [string, QueryStyle] => [p.name, p.style!])
    : undefined;
  const headerParams = params.filter((p) => p.in === "header").map((p) => p.name);
  const paramNames = new Set([...pathParams, ...queryParams, ...headerParams]);
  const anyRequiredParam = params.some((p) => p.required && p.in !== "cookie");

  const body = requestBodyOf(op, deref);
  const bodyFields = body && body.schema ? objectProperties(body.schema, deref) : undefined;
  const collides = bodyFields?.names.some((n) => paramNames.has(n)) ?? false;
  // A non-object body is the argument itself (`deliberate(observables)`) unless a parameter
  // is required; optional query parameters then travel in `options.query`.
  let args: ArgStyle;
  if (!body) args = paramNames.size > 0 ? "flat" : "none";
  else if (bodyFields && !collides) args = "flat";
  else args = anyRequiredParam || pathParams.length > 0 ? "split" : "body";
  const bodyNeedsInput =
    body?.required === true && (args !== "flat" || (bodyFields?.required.length ?? 1) > 0);
  const argsOptional = args !== "none" && !anyRequiredParam && !bodyNeedsInput;

  const explicitName =
    own(api.names, key) ??
    (operationId !== undefined ? own(api.names, operationId) : undefined) ??
    (typeof op["x-xdr-name"] === "string" ? (op["x-xdr-name"] as string) : undefined);
  const security = Object.hasOwn(op, "security") ? op.security : doc.security;
  const { scopes, anyScopes, auth } = securityOf(security as Json[] | undefined, doc, api);
  const paging =
    own(api.paging, key) ??
    (op["x-xdr-pagination"] as "ctia" | "links" | undefined) ??
    (generic ? undefined : detectLinksPaging(op, queryParams, deref));

  const pagingFallback =
    paging === "ctia" && op["x-xdr-pagination-fallback"] === "offset"
      ? ("offset" as const)
      : undefined;

  return {
    explicitName,
    tags: Array.isArray(op.tags) ? op.tags.filter((t) => typeof t === "string") : [],
    security,
    derivedName: deriveName(method, specPath),
    version: pathShape(path).version,
    method: method.toUpperCase(),
    path,
    operationId,
    summary: text(op.summary),
    description: text(op.description),
    deprecated: op.deprecated === true,
    pathParams,
    queryParams,
    ...(queryStyles ? { queryStyles } : {}),
    headerParams,
    args,
    argsOptional,
    body: body?.encoding,
    ...(body?.contentType ? { contentType: body.contentType } : {}),
    response: responseEncoding(op, deref),
    // Scope checks are an XDR behaviour: a standalone client documents scopes only.
    scopes,
    ...(anyScopes && !generic ? { anyScopes } : {}),
    auth: generic ? operationAuth(doc, security) : auth,
    // `x-xdr-safe: false` marks a GET that changes state (Conure's snapshot creates an
    // investigation): never repeated after the request may have been sent.
    safe:
      op["x-xdr-safe"] !== false &&
      (SAFE_METHODS.has(method.toUpperCase()) ||
        op["x-xdr-safe"] === true ||
        api.safe.includes(key)),
    paging,
    ...(pagingFallback ? { pagingFallback } : {}),
    rateLimit: own(api.rateLimits, key) ?? (op["x-xdr-rate-limit"] as RateLimit | undefined),
    pointer,
  };
}

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  /** A query parameter's serialization, when it is not the default (form, exploded). */
  style?: QueryStyle;
}

/** OpenAPI's `style` and `explode` of a query parameter, when not form + exploded; `json`: `content`. */
function queryStyleOf(p: Json): QueryStyle | undefined {
  // `content` instead of `schema`: the value is serialised in that media type (JSON).
  if (p.content !== undefined) return "json";
  const style = typeof p.style === "string" ? p.style : "form";
  const explode = typeof p.explode === "boolean" ? p.explode : style === "form";
  if (style === "deepObject") return "deepObject";
  if (explode) return undefined;
  return style === "spaceDelimited" ? "space" : style === "pipeDelimited" ? "pipe" : "comma";
}

function collectParameters(item: Json, op: Json, deref: (v: unknown) => Json): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const list of [item.parameters, op.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const p = deref(entry);
      if (typeof p.name !== "string" || typeof p.in !== "string") continue;
      const style = p.in === "query" ? queryStyleOf(p) : undefined;
      byKey.set(`${p.in}:${p.name}`, {
        name: p.name,
        in: p.in,
        required: p.required === true,
        ...(style ? { style } : {}),
      });
    }
  }
  return [...byKey.values()];
}

function checkPathParameters(
  path: string,
  params: Parameter[],
  pointer: string,
  fail: (pointer: string, reason: string) => never,
) {
  const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const declared = params.filter((p) => p.in === "path").map((p) => p.name);
  for (const name of declared) {
    if (!inTemplate.includes(name)) {
      fail(
        pointer,
        `path parameter "${name}" is declared but missing from the path template "${path}"`,
      );
    }
  }
  for (const name of inTemplate) {
    if (!declared.includes(name)) {
      fail(
        pointer,
        `"{${name}}" in the path template "${path}" is not declared as a path parameter`,
      );
    }
  }
}

/**
 * Scopes the runtime checks before sending, and whether to send a bearer token at all.
 * OpenAPI lists alternatives; only scopes every alternative needs are certain to be required.
 */
function securityOf(
  security: Json[] | undefined,
  doc: Json,
  api: ApiConfig,
): { scopes: string[]; anyScopes?: string[][]; auth: boolean } {
  const schemes = ((doc.components as Json | undefined)?.securitySchemes ?? {}) as Json;
  const bearerLike = (name: string) => {
    const s = resolveRef(doc, Object.hasOwn(schemes, name) ? schemes[name] : undefined) as
      Json | undefined;
    return (
      s?.type === "oauth2" ||
      s?.type === "openIdConnect" ||
      (s?.type === "http" && /^bearer$/i.test(String(s.scheme)))
    );
  };
  // No requirement anywhere means the API takes no credentials (OpenAPI semantics).
  if (security === undefined) return { scopes: [], auth: false };
  const alternatives = security.map((req) =>
    Object.entries(req).filter(([name]) => bearerLike(name)),
  );
  const auth = alternatives.length > 0 && alternatives.some((a) => a.length > 0);
  if (!auth) return { scopes: [], auth: false };
  if (api.scopes) return { scopes: [...api.scopes], auth };
  const sets = alternatives.map((a) => a.flatMap(([, scopes]) => (scopes as string[]) ?? []));
  const common = sets.reduce((acc, set) => acc.filter((s) => set.includes(s)));
  if (common.length === 0 && sets.length > 1 && sets.every((set) => set.length > 0)) {
    // Either will do: the pre-check passes when any one set is granted.
    const anyScopes = [
      ...new Map(
        sets.map((set) => [[...new Set(set)].sort().join(" "), [...new Set(set)].sort()]),
      ).values(),
    ];
    return { scopes: [], anyScopes, auth };
  }
  return { scopes: [...new Set(common)].sort(), auth };
}

/** A list whose response is `{ _links, results: [] }` and whose query takes `start`/`limit`. */
function detectLinksPaging(
  op: Json,
  query: string[],
  deref: (v: unknown) => Json,
): "links" | undefined {
  if (!query.includes("start") || !query.includes("limit")) return undefined;
  const ok = deref(((op.responses ?? {}) as Json)["200"]);
  const media = ((ok?.content ?? {}) as Json)["application/json"] as Json | undefined;
  const schema = media ? deref(media.schema) : undefined;
  const props = (schema?.properties ?? {}) as Json;
  return "_links" in props && "results" in props ? "links" : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}
