// Stage 2 — model: one `ApiModel` per spec. Input: a loaded spec and its config. Output: plain
// data the templates only loop over and print — servers per region, the token URL, and every
// operation with its user-facing name, argument style, scopes, retry safety and paging.
import { REGIONS, type ApiConfig, type RateLimit, type RegionMap } from "./config.js";
import { BadInputError, toPointer } from "./errors.js";
import { HTTP_METHODS, type LoadedSpec, type OpenApiDocument } from "./load.js";
import {
  camelCase,
  deriveName,
  disambiguate,
  isIdentifier,
  pathShape,
  RESERVED_MEMBERS,
} from "./naming.js";
import { safeBinding, specNames } from "./naming-spec.js";
import { renamePathParameters } from "./path-params.js";
import { resolveRef } from "./ref.js";
import { authSchemes, operationAuth, type AuthScheme, type SchemeDoc } from "./security.js";
import { defaultBaseUrl, expandServer, serverDocs, type ServerDoc } from "./servers.js";

export { resolveRef };

export type ArgStyle = "none" | "flat" | "body" | "split";
export type BodyEncoding = "json" | "form" | "multipart" | "text" | "binary";
export type ResponseEncoding = "json" | "text" | "binary" | "none";

export interface OperationModel {
  /** `enrich.observe` */
  name: string;
  /** Identifier of the exported descriptor: `enrichObserve`. */
  constName: string;
  /** Last segment of the name: `observe`. */
  methodName: string;
  method: string;
  path: string;
  operationId?: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  pathParams: string[];
  queryParams: string[];
  headerParams: string[];
  args: ArgStyle;
  argsOptional: boolean;
  body?: BodyEncoding;
  response: ResponseEncoding;
  scopes: string[];
  /**
   * When the spec offers alternatives with nothing in common (`a` or `b`): the sets, any one of
   * which suffices. `scopes` is then empty.
   */
  anyScopes?: string[][];
  auth: boolean;
  safe: boolean;
  paging?: "ctia" | "links";
  /** `x-xdr-pagination-fallback: offset`: without `X-Next`, the next page is `offset` + items. */
  pagingFallback?: "offset";
  rateLimit?: RateLimit;
  /** JSON pointer of the operation in the spec, for messages. */
  pointer: string;
  /** Why the name differs from what the spec suggests (a reserved word), for the docs. */
  nameNote?: string;
}

export interface GroupModel {
  /** The dotted segment, e.g. `enrich`; empty for the root. */
  name: string;
  operations: OperationModel[];
  groups: GroupModel[];
}

export interface ApiModel {
  name: string;
  title: string;
  version: string;
  description?: string;
  servers: RegionMap;
  tokenUrls?: RegionMap;
  operations: OperationModel[];
  /** The operations arranged by the dots in their names; the root group has no name. */
  root: GroupModel;
  /**
   * The document the operations describe, with path parameters renamed to identifiers
   * (`{incident-id}` → `{incident_id}`, generator/path-params.ts): types and targets are built
   * from it, so that they agree with the operations' paths and parameter names.
   */
  document: OpenApiDocument;
  /** Names of the operations behind `start(…, { wait: true })`, if configured. */
  workflowRun?: { start: OperationModel; getInstance: OperationModel };
  /**
   * A standalone client (`style: "generic"`): no regions, no scope checks; its base URL, the
   * servers and variables the spec lists, and its auth schemes. Absent for XDR APIs.
   */
  generic?: {
    baseUrl: string;
    servers: ServerDoc[];
    auth: AuthScheme[];
    schemes: SchemeDoc[];
  };
}

type Json = Record<string, unknown>;

const SAFE_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** A config table entry: own keys only (an operationId `constructor` finds nothing). */
const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

export function buildModel(spec: LoadedSpec, api: ApiConfig, tokenUrls?: RegionMap): ApiModel {
  const derefSpec = (value: unknown) => resolveRef(spec.document, value) as Json;
  // A rename must not turn a flat argument into a split one: body fields count as taken names.
  const renamed = renamePathParameters(spec.document, (op) => {
    const body = requestBodyOf(op, derefSpec);
    return (body?.schema ? objectProperties(body.schema, derefSpec)?.names : undefined) ?? [];
  });
  const doc = renamed.document;
  const generic = api.style === "generic";
  const fail = (pointer: string, reason: string): never => {
    throw new BadInputError(spec.place(pointer), reason);
  };
  const deref = <T = Json>(value: unknown): T => resolveRef(doc, value) as T;

  const raw: (Omit<OperationModel, "name" | "constName" | "methodName"> & {
    explicitName?: string;
    derivedName: string;
    version?: string;
    tags: string[];
    security: unknown;
  })[] = [];
  for (const [path, itemRaw] of Object.entries(doc.paths)) {
    const item = deref<Json>(itemRaw);
    // Config keys (`names`, `safe`, `paging`…) and error places speak of the spec's path.
    const specPath = renamed.original.get(path) ?? path;
    for (const method of HTTP_METHODS) {
      if (!Object.hasOwn(item, method)) continue;
      const pointer = toPointer(["paths", specPath, method]);
      const op = deref<Json>(item[method]);
      const key = `${method.toUpperCase()} ${specPath}`;
      const operationId = typeof op.operationId === "string" ? op.operationId : undefined;

      const params = collectParameters(item, op, deref);
      checkPathParameters(path, params, pointer, fail);
      const pathParams = params.filter((p) => p.in === "path").map((p) => p.name);
      const queryParams = params.filter((p) => p.in === "query").map((p) => p.name);
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

      raw.push({
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
        headerParams,
        args,
        argsOptional,
        body: body?.encoding,
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
      });
    }
  }

  // Derived names may collide (one resource under /v1 and /v1.1); explicit ones may not.
  const derived = raw.filter((r) => r.explicitName === undefined);
  const fromSpec = generic
    ? specNames(
        derived.map((r) => ({
          method: r.method,
          path: r.path,
          operationId: r.operationId,
          tags: r.tags,
        })),
        raw.flatMap((r) => (r.explicitName === undefined ? [] : [r.explicitName])),
      )
    : undefined;
  const settled =
    fromSpec?.names ??
    disambiguate(
      derived.map((r) => ({
        name: r.derivedName,
        version: r.version,
        operationId: r.operationId,
      })),
    );
  const finalName = new Map(derived.map((r, i) => [r, settled[i]!]));
  const seen = new Map<string, string>();
  const operations: OperationModel[] = raw.map((r) => {
    const name = r.explicitName ?? finalName.get(r)!;
    const segments = name.split(".");
    for (const segment of segments) {
      if (!isIdentifier(segment) || RESERVED_MEMBERS.has(segment)) {
        fail(
          r.pointer,
          `operation name "${name}" is not usable: "${segment}" is not a plain identifier or is reserved`,
        );
      }
    }
    const other = seen.get(name);
    if (other !== undefined) {
      fail(
        r.pointer,
        `duplicate operation name "${name}" (also ${other}); set x-xdr-name or a "names" override in the config`,
      );
    }
    seen.set(name, `${r.method} ${r.path}`);
    const { explicitName: _e, derivedName: _d, version: _v, tags: _t, security: _s, ...rest } = r;
    return {
      ...rest,
      name,
      constName: safeBinding(camelCase(segments.join(" "))),
      methodName: segments[segments.length - 1]!,
      nameNote: r.explicitName === undefined ? fromSpec?.notes.get(name) : undefined,
    };
  });
  if (generic) separateConstNames(operations);
  checkUniqueConstNames(operations, fail);
  operations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const info = (doc.info ?? {}) as Json;
  const model: ApiModel = {
    name: api.name,
    title: api.title ?? text(info.title) ?? api.name,
    version: text(info.version) ?? "",
    description: text(info.description),
    servers: serversOf(doc, api),
    tokenUrls: generic ? undefined : (tokenUrls ?? tokenUrlOf(doc)),
    operations,
    document: doc,
    root: groupTree(operations, fail),
  };
  if (generic) {
    const servers = serverDocs(doc);
    const baseUrl = (api.servers?.us ?? defaultBaseUrl(servers)).replace(/\/+$/, "");
    const { auth, docs } = authSchemes(
      doc,
      raw.map((r) => r.security),
      baseUrl,
    );
    model.generic = { baseUrl, servers, auth, schemes: docs };
    model.servers = { us: baseUrl, eu: baseUrl, apjc: baseUrl };
  }
  if (api.workflowRun) {
    const find = (name: string, field: string) =>
      operations.find((o) => o.name === name) ??
      fail("#/paths", `config apis.${api.name}.workflowRun.${field}: no operation named "${name}"`);
    model.workflowRun = {
      start: find(api.workflowRun.start, "start"),
      getInstance: find(api.workflowRun.getInstance, "getInstance"),
    };
  }
  return model;
}

interface Parameter {
  name: string;
  in: string;
  required: boolean;
}

function collectParameters(item: Json, op: Json, deref: (v: unknown) => Json): Parameter[] {
  const byKey = new Map<string, Parameter>();
  for (const list of [item.parameters, op.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const p = deref(entry);
      if (typeof p.name !== "string" || typeof p.in !== "string") continue;
      byKey.set(`${p.in}:${p.name}`, { name: p.name, in: p.in, required: p.required === true });
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

interface BodyInfo {
  encoding: BodyEncoding;
  required: boolean;
  schema?: unknown;
}

function requestBodyOf(op: Json, deref: (v: unknown) => Json): BodyInfo | undefined {
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
function objectProperties(
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

function responseEncoding(op: Json, deref: (v: unknown) => Json): ResponseEncoding {
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

function serversOf(doc: Json, api: ApiConfig): RegionMap {
  const servers = Array.isArray(doc.servers) ? (doc.servers as Json[]) : [];
  const urls: Partial<RegionMap> = {};
  for (const server of servers) {
    const region = server["x-xdr-region"];
    if (typeof region === "string" && (REGIONS as readonly string[]).includes(region)) {
      urls[region as keyof RegionMap] ??= expandServer(server);
    }
  }
  // A spec without servers is valid; its users then pass `baseUrls` (the runtime says so).
  const fallback = servers[0] ? expandServer(servers[0]) : "";
  const result = {} as RegionMap;
  for (const region of REGIONS) {
    result[region] = (api.servers?.[region] ?? urls[region] ?? fallback).replace(/\/+$/, "");
  }
  return result;
}

function tokenUrlOf(doc: Json): RegionMap | undefined {
  const schemes = ((doc.components as Json | undefined)?.securitySchemes ?? {}) as Json;
  for (const raw of Object.values(schemes)) {
    const scheme = resolveRef(doc, raw) as Json;
    const flow = ((scheme?.flows ?? {}) as Json).clientCredentials as Json | undefined;
    if (scheme?.type === "oauth2" && typeof flow?.tokenUrl === "string") {
      return { us: flow.tokenUrl, eu: flow.tokenUrl, apjc: flow.tokenUrl };
    }
  }
  return undefined;
}

/**
 * Two names may print as one descriptor identifier (`a.bC` and `aB.c` are both `aBC`); in a
 * standalone package the later one gets a number, as only the descriptor export, not the
 * method, carries it.
 */
function separateConstNames(ops: OperationModel[]) {
  const seen = new Set<string>();
  for (const op of ops) {
    let name = op.constName;
    for (let n = 2; seen.has(name); n++) name = `${op.constName}_${n}`;
    op.constName = name;
    seen.add(name);
  }
}

function checkUniqueConstNames(
  ops: OperationModel[],
  fail: (pointer: string, reason: string) => never,
) {
  const seen = new Map<string, string>();
  for (const op of ops) {
    const other = seen.get(op.constName);
    if (other !== undefined) {
      fail(
        op.pointer,
        `operation names "${op.name}" and "${other}" both export as "${op.constName}"`,
      );
    }
    seen.set(op.constName, op.name);
  }
}

function groupTree(
  ops: OperationModel[],
  fail: (pointer: string, reason: string) => never,
): GroupModel {
  const root: GroupModel = { name: "", operations: [], groups: [] };
  for (const op of ops) {
    const segments = op.name.split(".");
    let group = root;
    for (const segment of segments.slice(0, -1)) {
      if (group.operations.some((o) => o.methodName === segment)) {
        fail(op.pointer, `"${op.name}" uses "${segment}" as a group, but it is also an operation`);
      }
      let next = group.groups.find((g) => g.name === segment);
      if (!next) {
        next = { name: segment, operations: [], groups: [] };
        group.groups.push(next);
      }
      group = next;
    }
    if (group.groups.some((g) => g.name === op.methodName)) {
      fail(op.pointer, `"${op.name}" is an operation, but "${op.methodName}" is also a group`);
    }
    group.operations.push(op);
  }
  return root;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}
