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

/**
 * The identifier a path parameter is called by in named methods: `incident-id` → `incident_id`,
 * `module-instance-id` → `module_instance_id` (snake_case, as most of the XDR specs already
 * write them: `workflow_id`, `module_instance_id`). Undefined when the name is one already, or
 * would not become a clean one (spaces, non-Latin text: those stay quoted keys), or would become
 * a name an argument object cannot safely hold (`__proto__` and `Object.prototype`'s names, `body`
 * of split arguments).
 */
export function snakeParamName(name: string): string | undefined {
  if (isIdentifier(name)) return undefined;
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*(?:[-.]+[A-Za-z0-9_$]+)+$/.test(name)) return undefined;
  const renamed = name.replace(/[-.]+/g, "_");
  return RESERVED_MEMBERS.has(renamed) || renamed === "body" ? undefined : renamed;
}

// ---- Exported type names ---------------------------------------------------------------------

/**
 * Type names of each operation: PascalCase of its descriptor's name plus `Params` and `Response`
 * (`inspect` → `InspectParams`/`InspectResponse`, `enrichDeliberate` → `EnrichDeliberateParams`),
 * so that a user finds them from the method (`xdr.iroh.enrich.deliberate`) without a table. A pair
 * whose name is taken (a runtime export such as `QueryParams`, another API export) takes the API's
 * stem in front (`IrohQueryParams`), then a number; both names of a pair always share one stem.
 * `taken` gains every name chosen.
 */
export function operationTypeNames(
  constNames: readonly string[],
  apiStem: string,
  taken: Set<string>,
): { params: string; response: string }[] {
  return constNames.map((constName) => {
    // `new_` (a reserved word as a const) is `NewParams` as a type.
    const trimmed = constName.replace(/_+$/, "") || constName;
    const base = trimmed[0]!.toUpperCase() + trimmed.slice(1);
    const free = (stem: string) => !taken.has(stem + "Params") && !taken.has(stem + "Response");
    let stem = [base, apiStem + base].find(free);
    for (let n = 2; stem === undefined; n++) if (free(base + n)) stem = base + n;
    taken.add(stem + "Params");
    taken.add(stem + "Response");
    return { params: stem + "Params", response: stem + "Response" };
  });
}

/** Longest schema name exported as a type; longer ones are machine-made. */
const MAX_SCHEMA_NAME = 64;

/**
 * The type name a component schema is exported under, or undefined for names not worth one:
 * `Judgement` stays, `judgement` → `Judgement`, `ao.models.Workflow` / `Workflow-Response` →
 * `AoModelsWorkflow` / `WorkflowResponse` (Latin letters, digits and `.`, `-`, `_`, spaces only).
 * Left out: names with a run of 4+ digits (swagger-generated `Body116639InvestigationsTargets`),
 * names over 64 characters, names without a leading letter or with other characters. They stay
 * reachable as `components["schemas"]["…"]`.
 */
export function schemaTypeName(name: string): string | undefined {
  if (name.length > MAX_SCHEMA_NAME || /\d{4,}/.test(name)) return undefined;
  if (!/^[A-Za-z][A-Za-z0-9._\- ]*$/.test(name)) return undefined;
  return name
    .split(/[._\- ]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

/**
 * Export names of the component schemas: names already clean first (so `FooBar` keeps its name
 * over `foo-bar`), then the others, each in spec order. A name that is taken (a runtime export
 * such as `RateLimitError`, an operation's `TokenResponse`, another schema) gains `Schema`; if
 * that is taken too, the schema gets no name of its own. `taken` gains every name chosen.
 */
export function schemaTypeNames(
  schemas: readonly string[],
  taken: Set<string>,
): Map<string, string> {
  const clean = (name: string) => schemaTypeName(name) === name;
  const ordered = [...schemas.filter(clean), ...schemas.filter((s) => !clean(s))];
  const result = new Map<string, string>();
  for (const schema of ordered) {
    const name = schemaTypeName(schema);
    if (name === undefined) continue;
    const chosen = [name, name + "Schema"].find((n) => !taken.has(n));
    if (chosen === undefined) continue;
    taken.add(chosen);
    result.set(schema, chosen);
  }
  return result;
}

/**
 * The runtime list of a string enum's values: UPPER_SNAKE_CASE with the last word in the plural
 * (`ObservableType` → `OBSERVABLE_TYPES`, `Severity` → `SEVERITIES`, `IncidentStatus` →
 * `INCIDENT_STATUSES`, `TLP` → `TLPS`).
 */
/** Singular words ending in -is whose plural is -es; any other -s word is taken as a plural. */
const LATIN_IS = new Set([
  "ANALYSIS",
  "AXIS",
  "BASIS",
  "CRISIS",
  "DIAGNOSIS",
  "EMPHASIS",
  "HYPOTHESIS",
  "PARENTHESIS",
  "PROGNOSIS",
  "SYNOPSIS",
  "THESIS",
]);

export function valuesConstName(typeName: string): string {
  const parts = typeName
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toUpperCase());
  const last = parts.pop() ?? "VALUE";
  const plural = LATIN_IS.has(last)
    ? last.slice(0, -2) + "ES" // ANALYSIS → ANALYSES
    : /(SS|US|X|Z|CH|SH)$/.test(last)
      ? last + "ES" // STATUS → STATUSES
      : /S$/.test(last)
        ? last // already plural: `enabled-repositories`, `ecosystems`, `apis`, `schemas`
        : /[^AEIOU]Y$/.test(last)
          ? last.slice(0, -1) + "IES"
          : last + "S";
  return [...parts, plural].join("_");
}
