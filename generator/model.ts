// Stage 2 — model: one `ApiModel` per spec. Input: a loaded spec and its config. Output: plain
// data the templates only loop over and print — servers per region, the token URL, and every
// operation with its user-facing name, argument style, scopes, retry safety and paging. The
// types are in model-types.ts; each operation is read by model-operation.ts, the parts that span
// the whole API (names, groups, servers, token URL) by model-api.ts.
import type { ApiConfig, RegionMap } from "./config.js";
import { BadInputError } from "./errors.js";
import { HTTP_METHODS, type LoadedSpec } from "./load.js";
import { groupTree, nameOperations, serversOf, tokenUrlOf } from "./model-api.js";
import { objectProperties, requestBodyOf } from "./model-content.js";
import { readOperation, text, type OperationDraft } from "./model-operation.js";
import type { ApiModel } from "./model-types.js";
import { renamePathParameters } from "./path-params.js";
import { resolveRef } from "./ref.js";
import { authSchemes, operationSchemes } from "./security.js";
import { defaultBaseUrl, serverDocs } from "./servers.js";

type Json = Record<string, unknown>;

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

  const raw: OperationDraft[] = [];
  for (const [path, itemRaw] of Object.entries(doc.paths)) {
    const item = deref<Json>(itemRaw);
    // Config keys (`names`, `safe`, `paging`…) and error places speak of the spec's path.
    const specPath = renamed.original.get(path) ?? path;
    for (const method of HTTP_METHODS) {
      // fetch refuses TRACE (a forbidden method): such a method could only ever fail.
      if (!Object.hasOwn(item, method) || method === "trace") continue;
      raw.push(readOperation({ doc, api, deref, fail }, path, specPath, method, item));
    }
  }
  const operations = nameOperations(raw, generic, fail);

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
    const securityOf = new Map(raw.map((r) => [r.pointer, r.security]));
    for (const o of operations) {
      const schemes = o.auth
        ? operationSchemes(doc, securityOf.get(o.pointer), auth, baseUrl)
        : undefined;
      if (schemes) o.schemes = schemes;
    }
    const anonymous = operations.some((o) => !o.auth || o.schemes?.includes(-1));
    model.generic = { baseUrl, servers, auth, schemes: docs, anonymous };
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
