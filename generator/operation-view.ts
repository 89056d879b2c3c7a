// The view of one operation and of the groups that hold it: the strings the operations, client
// and README templates print for a method, each escaped already for where it lands (a JSDoc
// block, a TypeScript literal, a Markdown cell), so that the templates only loop and print.
import { jsDoc, mdCode, mdInline, tsLiteral, tsString } from "./escape.js";
import { exampleCall } from "./examples.js";
import type { ApiModel, GroupModel, OperationModel } from "./model-types.js";
import type { OperationTypes } from "./named-types.js";
import { projectsFields } from "./type-exprs.js";

export interface OperationView {
  name: string;
  constName: string;
  methodName: string;
  /** The method's key in a type literal: `"new"` (bare, it would declare a constructor). */
  memberKey: string;
  /** JSDoc block for the descriptor and for the client method. */
  descriptorDoc: string;
  methodDoc: string;
  /** `TypedOperation<InspectParams, InspectResponse>` */
  typeAnnotation: string;
  /** The method's argument type, `InspectParams` (names.ts), absent without arguments. */
  paramsType?: string;
  /** The method's result type, `InspectResponse`. */
  responseType: string;
  /** The `Operation` object literal. */
  literal: string;
  hasArgs: boolean;
  optional: boolean;
  /** `RequestOptions`, plus a typed `query` where the argument is the body itself. */
  optionsType: string;
  paginated: boolean;
  /** Takes `fields` that project the result: generic in the list (`Fielded<…, F>`). */
  fields: boolean;
  /** The list type `fields` takes, `JudgementsSearchFields` (names.ts). */
  fieldsType?: string;
  waitable: boolean;
  /** Markdown cells. */
  mdName: string;
  mdMethod: string;
  mdPath: string;
  mdScopes: string;
  mdSummary: string;
  mdNotes: string;
}

export interface GroupView {
  name: string;
  /** The group's key in a type literal. */
  memberKey: string;
  operations: OperationView[];
  groups: GroupView[];
}

/** A member name as a type literal may hold it: `new` alone would declare a constructor. */
function memberKey(name: string): string {
  return name === "new" || !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? tsString(name) : name;
}

export function operationView(
  api: ApiModel,
  op: OperationModel,
  types: OperationTypes,
  members: readonly string[],
): OperationView {
  const target = `paths[${tsString(op.path)}][${tsString(op.method.toLowerCase())}]`;
  // A descriptor's call returns the body as sent, so it takes `fields`, which the method's
  // named argument leaves out (named-types.ts).
  const argsType =
    types.params === undefined
      ? "void"
      : types.fields
        ? `Omit<${types.params}, "fields"> & { fields?: ${types.fields} }`
        : types.params;
  const typeAnnotation = `TypedOperation<${argsType}${op.argsOptional ? " | void" : ""}, ${types.response}>`;
  const descriptor: Record<string, unknown> = {
    name: op.name,
    method: op.method,
    path: op.path,
    args: op.args,
  };
  if (op.pathParams.length) descriptor.pathParams = op.pathParams;
  if (op.queryParams.length) descriptor.queryParams = op.queryParams;
  if (op.queryStyles) descriptor.queryStyles = op.queryStyles;
  if (op.headerParams.length) descriptor.headerParams = op.headerParams;
  if (op.body) descriptor.body = op.body;
  if (op.contentType) descriptor.contentType = op.contentType;
  if (op.response !== "json") descriptor.response = op.response;
  if (op.scopes.length && !api.generic) descriptor.scopes = op.scopes;
  if (op.anyScopes) descriptor.anyScopes = op.anyScopes;
  if (!op.auth) descriptor.auth = false;
  if (op.schemes) descriptor.schemes = op.schemes;
  if (op.safe) descriptor.safe = true;
  if (op.paging) descriptor.paging = op.paging;
  if (op.pagingFallback) descriptor.pagingFallback = op.pagingFallback;
  if (op.rateLimit) descriptor.rateLimit = op.rateLimit;

  const route = `${op.method} ${op.path}`;
  const scopeNote = op.scopes.length
    ? ` — scope ${op.scopes.join(", ")}`
    : op.anyScopes
      ? ` — scope ${op.anyScopes.map((set) => set.join(" + ")).join(" or ")}`
      : op.auth
        ? ""
        : api.generic
          ? " — no credentials"
          : " — no token";
  const notes = [
    op.paging ? `paged (${op.paging === "ctia" ? "X-Next / search_after" : "start / limit"})` : "",
    op.safe && op.method === "POST" ? "retried (read-only)" : "",
    op.deprecated ? "deprecated" : "",
    op.nameNote ? mdInline(op.nameNote) : "",
  ].filter(Boolean);
  const waitable = api.workflowRun?.start === op;
  const tags = [`\`${route}\`${scopeNote}`];
  if (op.nameNote) tags.push(op.nameNote);
  if (op.deprecated) tags.push("@deprecated");
  const receiver = api.generic ? "client" : `xdr.${api.name}`;
  const example = exampleCall(api, op, receiver, members, { paged: !!op.paging, waitable });
  tags.push(`@example\n${example}`);
  return {
    name: op.name,
    constName: op.constName,
    methodName: op.methodName,
    memberKey: memberKey(op.methodName),
    descriptorDoc: jsDoc([op.summary ?? op.name, `\`${route}\``]),
    methodDoc: jsDoc([
      op.summary,
      op.description !== op.summary ? op.description : undefined,
      ...tags,
    ]),
    typeAnnotation,
    ...(types.params ? { paramsType: types.params } : {}),
    fields: projectsFields(api, op),
    ...(types.fields ? { fieldsType: types.fields } : {}),
    responseType: types.response,
    literal: tsLiteral(descriptor),
    hasArgs: op.args !== "none",
    optional: op.argsOptional,
    optionsType:
      op.args === "body" && op.queryParams.length > 0
        ? `RequestOptions & { query?: QueryParams<${target}> }`
        : "RequestOptions",
    paginated: op.paging !== undefined,
    waitable,
    mdName: mdCode(api.generic ? op.name : `${api.name}.${op.name}`),
    mdMethod: op.method,
    mdPath: mdCode(op.path),
    mdScopes: op.scopes.length
      ? op.scopes.map(mdCode).join(", ")
      : op.anyScopes
        ? op.anyScopes.map((set) => set.map(mdCode).join(" + ")).join(" or ")
        : op.auth
          ? "—"
          : api.generic
            ? "none (no credentials)"
            : "none (no token)",
    mdSummary: mdInline(op.summary),
    mdNotes: notes.join(", "),
  };
}

export function groupView(group: GroupModel, views: Map<OperationModel, OperationView>): GroupView {
  return {
    name: group.name,
    memberKey: memberKey(group.name),
    operations: group.operations.map((o) => views.get(o)!),
    groups: group.groups.map((g) => groupView(g, views)),
  };
}
