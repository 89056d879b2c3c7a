// User-facing operation names: what a user would guess from the path and method
// (`GET /v1/workflows/{id}` → `workflows.get`), so that operationIds such as
// `getAllWorkflowsPostQueryParamsV1Dot2` never reach the primary surface. Pure functions.

/** Members every client object has already; an operation or group may not take these names. */
export const RESERVED_MEMBERS = new Set([
  "raw",
  "transport",
  "then",
  "constructor",
  "prototype",
  "__proto__",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
]);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text);
}

/** `start_config` → `startConfig`, `module-type` → `moduleType`, `V1.2` → `v1_2`. */
export function camelCase(text: string): string {
  const words = text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const joined = words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join("");
  if (joined === "") return "op";
  return /^[0-9]/.test(joined) ? "_" + joined : joined;
}

const pascal = (text: string): string => {
  const c = camelCase(text);
  return c[0]!.toUpperCase() + c.slice(1);
};

/** Leading segments that say where the API lives rather than what it does. */
const PREFIX_SEGMENT = /^(v\d+(\.\d+)*|api|rest)$/i;

export interface PathShape {
  /** The first resource segment after version prefixes, e.g. `workflows`. */
  resource?: string;
  /** Static segments after the resource. */
  statics: string[];
  /** Whether the path ends in a `{param}`. */
  endsWithParam: boolean;
  /** Whether a `{param}` follows the resource directly (`/workflows/{id}/…`). */
  itemPath: boolean;
  /** The version segment, e.g. `v1.2`, if any. */
  version?: string;
}

export function pathShape(path: string): PathShape {
  const segments = path.split("/").filter(Boolean);
  let version: string | undefined;
  while (segments.length > 0 && PREFIX_SEGMENT.test(segments[0]!)) {
    const segment = segments.shift()!;
    if (/^v\d/i.test(segment)) version = segment.toLowerCase();
  }
  const isParam = (s: string) => s.startsWith("{") && s.endsWith("}");
  const firstStatic = segments.findIndex((s) => !isParam(s));
  const resource = firstStatic >= 0 ? segments[firstStatic] : undefined;
  const rest = firstStatic >= 0 ? segments.slice(firstStatic + 1) : [];
  return {
    resource,
    statics: rest.filter((s) => !isParam(s)),
    endsWithParam: segments.length > 0 && isParam(segments[segments.length - 1]!),
    itemPath: rest.length > 0 && isParam(rest[0]!),
    version,
  };
}

const COLLECTION_VERBS: Record<string, string> = {
  get: "list",
  post: "create",
  put: "replace",
  patch: "patch",
  delete: "deleteAll",
};
const ITEM_VERBS: Record<string, string> = {
  get: "get",
  post: "post",
  put: "update",
  patch: "patch",
  delete: "delete",
};

/** `triggers` → `trigger`, `policies` → `policy`; `status`, `address` stay as they are. */
export function singular(word: string): string {
  if (/ies$/i.test(word)) return word.slice(0, -3) + "y";
  if (/(ss|us|is)$/i.test(word) || !/s$/i.test(word)) return word;
  return word.slice(0, -1);
}

const isPlural = (word: string) => singular(word) !== word;

/**
 * `group.method` from the path and HTTP method:
 * - `GET /workflows` → `workflows.list`, `POST /workflows` → `workflows.create`
 * - `GET|PUT|PATCH|DELETE /workflows/{id}` → `workflows.get|update|patch|delete`
 * - sub-collections: `GET /workflows/{id}/triggers` → `workflows.listTriggers`,
 *   `POST …/triggers` → `createTrigger`, `GET …/actions/{actionId}` → `getAction`
 * - actions: `POST /workflows/start` → `workflows.start`, `POST /instances/{id}/cancel` →
 *   `instances.cancel`, `POST …/actions/{actionId}/duplicate` → `duplicateAction`,
 *   `GET /workflows/start_config` → `workflows.startConfig`
 */
export function deriveName(method: string, path: string): string {
  const shape = pathShape(path);
  const group = shape.resource ? camelCase(shape.resource) : "root";
  const m = method.toLowerCase();
  const statics = shape.statics;
  let name: string;
  if (statics.length === 0) {
    name = (shape.endsWithParam ? ITEM_VERBS : COLLECTION_VERBS)[m] ?? m;
  } else {
    const last = statics[statics.length - 1]!;
    const others = statics
      .slice(0, -1)
      .map((s) => pascal(singular(s)))
      .join("");
    if (shape.endsWithParam) {
      // `/workflows/{id}/actions/{actionId}`: an item of a sub-collection.
      const verb = m === "post" ? "set" : (ITEM_VERBS[m] ?? m);
      name = verb + others + pascal(singular(last));
    } else if (isPlural(last)) {
      const sub = others + pascal(last);
      name =
        m === "get"
          ? "list" + sub
          : m === "post"
            ? "create" + others + pascal(singular(last))
            : (m === "delete" ? "delete" : m) + sub;
    } else {
      const action = camelCase(last) + others;
      name = m === "get" || m === "post" || shape.itemPath ? action : m + pascal(action);
    }
  }
  // Derived names must always be usable; only explicit names may fail on a reserved word.
  const safeGroup = RESERVED_MEMBERS.has(group) ? group + "Api" : group;
  const safeName = RESERVED_MEMBERS.has(name) ? m + pascal(name) : name;
  return `${safeGroup}.${safeName}`;
}

/**
 * Settles names that two derived operations share: versions first (`/v1.1/…` keeps its base
 * name only if no older version has it, otherwise gains `V1_1`), then the operationId, then a
 * counter. Explicit names (spec or config) never reach here: their collisions are errors.
 */
export function disambiguate(
  candidates: readonly { name: string; version?: string; operationId?: string }[],
): string[] {
  const result = candidates.map((c) => c.name);
  const byName = new Map<string, number[]>();
  result.forEach((name, i) => byName.set(name, [...(byName.get(name) ?? []), i]));
  const taken = new Set(result);
  for (const [name, indexes] of byName) {
    if (indexes.length < 2) continue;
    const ordered = [...indexes].sort((a, b) =>
      compareVersions(candidates[a]!.version, candidates[b]!.version),
    );
    ordered.slice(1).forEach((i, n) => {
      const c = candidates[i]!;
      const versioned = c.version && c.version !== candidates[ordered[0]!]!.version;
      const suffixes = [
        versioned ? "V" + c.version!.slice(1).replace(/\./g, "_") : undefined,
        c.operationId ? pascal(c.operationId) : undefined,
        String(n + 2),
      ];
      for (const suffix of suffixes) {
        if (!suffix) continue;
        const next = name + suffix;
        if (!taken.has(next)) {
          result[i] = next;
          taken.add(next);
          break;
        }
      }
    });
  }
  return result;
}

function compareVersions(a?: string, b?: string): number {
  const parts = (v?: string) => (v ? v.slice(1).split(".").map(Number) : [0]);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** `ctia` → `Ctia`, `my-api` → `MyApi`: the stem of `createCtiaClient` and `CtiaClient`. */
export function typeStem(apiName: string): string {
  return pascal(apiName);
}
