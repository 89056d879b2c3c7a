// The parts of an `ApiModel` that look at all its operations or at the document as a whole:
// the operations' names (settled side by side, as derived names can collide), their grouping by
// the dots in those names, the servers per region, and the OAuth2 token URL.
import { REGIONS, type ApiConfig, type RegionMap } from "./config.js";
import type { Fail, OperationDraft } from "./model-operation.js";
import type { GroupModel, OperationModel } from "./model-types.js";
import { camelCase, disambiguate, isIdentifier, RESERVED_MEMBERS } from "./naming.js";
import { safeBinding, specNames } from "./naming-spec.js";
import { resolveRef } from "./ref.js";
import { expandServer } from "./servers.js";

type Json = Record<string, unknown>;

/**
 * The drafts as operations, named (explicit names as given, the others derived from the path or,
 * for a standalone client, from the spec's operationIds and tags), checked and sorted by name.
 */
export function nameOperations(
  raw: OperationDraft[],
  generic: boolean,
  fail: Fail,
): OperationModel[] {
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
  return operations;
}

export function serversOf(doc: Json, api: ApiConfig): RegionMap {
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

export function tokenUrlOf(doc: Json): RegionMap | undefined {
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

export function groupTree(
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
