// Checks of a parsed document that must run before Redocly and openapi-typescript see it,
// because they would hang, fetch or crash on what they find: YAML aliases that expand to an
// enormous (or endless) tree, a `$ref` that is not a string, a remote `$ref` under --offline;
// and the resolver that applies the same refusals to the files a spec refers to.
import { relative } from "node:path";
import { BadInputError, toPointer, type Place } from "./errors.js";

type PlaceOf = (pointer: string) => Place;

/**
 * Most values YAML aliases may add to a document beyond what it spells out: the document's own
 * count of values, plus this. A few anchors (shared responses, a repeated schema) stay far below;
 * an alias bomb (nine aliases of nine aliases of …: 43 million values from 479 bytes) is refused
 * in milliseconds instead of running the linter out of memory.
 */
export const MAX_ALIAS_GROWTH = 100_000;

/**
 * Refuses a YAML document whose aliases expand past the budget or make a value contain itself
 * (`a: &x {b: *x}`: no JSON value is that). js-yaml shares an alias's object rather than copying
 * it, so the parse is cheap; every later stage walks the expanded tree. Counted over the shared
 * graph, each object once.
 */
/**
 * Deepest nesting of objects and arrays a document may have. Every later stage (the alias count,
 * the repairs, Redocly, openapi-typescript) walks it recursively, and 20,000 levels overflow the
 * stack; real specs nest a few dozen levels.
 */
export const MAX_NESTING = 500;

/** Refuses a document nested deeper than MAX_NESTING, naming where: walked without recursion. */
export function checkNesting(parsed: unknown, placeOf: PlaceOf): void {
  const seen = new Set<object>();
  const stack: [unknown, string, number][] = [[parsed, "", 0]];
  while (stack.length) {
    const [node, pointer, depth] = stack.pop()!;
    if (!node || typeof node !== "object" || seen.has(node)) continue;
    seen.add(node);
    if (depth >= MAX_NESTING) {
      // Where the deep part starts: a pointer 500 levels long says nothing more.
      const start = (pointer || "#").split("/").slice(0, 9).join("/");
      throw new BadInputError(
        placeOf(start),
        `nested more than ${MAX_NESTING} levels deep below here: no OpenAPI document needs that`,
      );
    }
    for (const [k, v] of Object.entries(node)) {
      if (v && typeof v === "object") {
        stack.push([
          v,
          `${pointer || "#"}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`,
          depth + 1,
        ]);
      }
    }
  }
}

export function checkAliasExpansion(parsed: unknown, placeOf: PlaceOf): void {
  /** Expanded size of each object; -1 while it is being counted (seen again: a cycle). */
  const sizes = new Map<object, number>();
  /** Where each object is first met (its anchor): the others are alias uses. */
  const firstAt = new Map<object, { parent: object; key: string }>();
  const count = (node: unknown, parent: object | undefined, key: string): number => {
    if (!node || typeof node !== "object") return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known === -1 ? Infinity : known;
    sizes.set(node, -1);
    if (parent) firstAt.set(node, { parent, key });
    let size = 1;
    for (const [k, v] of Object.entries(node)) size += count(v, node, k);
    sizes.set(node, size);
    return size;
  };
  const expanded = count(parsed, undefined, "");
  const limit = sizes.size + Math.max(sizes.size, MAX_ALIAS_GROWTH);
  if (expanded <= limit) return;
  // The place: from the root down the largest value spelled out where it stands, to the one
  // whose own content is the aliases.
  const path: string[] = [];
  let node = parsed as object;
  for (;;) {
    let next: [string, object] | undefined;
    let nextSize = -1;
    for (const [k, v] of Object.entries(node)) {
      if (!v || typeof v !== "object") continue;
      const at = firstAt.get(v);
      if (at?.parent !== node || at.key !== k) continue;
      const size = sizes.get(v) ?? 0;
      if (size > nextSize) [next, nextSize] = [[k, v], size];
    }
    if (!next || nextSize <= limit) break;
    path.push(next[0]);
    node = next[1];
  }
  const reason = Number.isFinite(expanded)
    ? `YAML aliases here expand to ${amount(expanded)} values (more than ${limit}): ` +
      "an alias bomb? Refusing to load it"
    : "a YAML alias here refers to the value that holds it: no JSON value is endless";
  throw new BadInputError(placeOf(path.length ? toPointer(path) : "#"), reason);
}

/** Maps whose keys are names, where a key `$ref` is a name, not a reference. */
const NAME_MAPS = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
  "schemas",
  "responses",
  "parameters",
  "examples",
  "requestBodies",
  "headers",
  "securitySchemes",
  "links",
  "callbacks",
  "pathItems",
  "paths",
  "webhooks",
  "content",
  "encoding",
  "variables",
  "mapping",
  "scopes",
]);

/** Fields whose value is data, not OpenAPI: a `$ref` in there is an example's content. */
const DATA_FIELDS = new Set(["example", "default", "enum", "const", "value", "security"]);

export const isRemoteRef = (ref: string) => /^https?:\/\//i.test(ref);

/**
 * Every `$ref` must be a string: Redocly leaves `$ref: 5` alone and openapi-typescript crashes
 * on it (`ref.split is not a function`). With `offline`, a remote (http/https) `$ref` is refused
 * here, where its pointer is known, rather than fetched.
 */
export function checkRefs(parsed: unknown, placeOf: PlaceOf, offline: boolean): void {
  const seen = new Set<object>();
  const path: (string | number)[] = [];
  const visit = (node: unknown, isNameMap: boolean): void => {
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        path.push(i);
        visit(item, false);
        path.pop();
      });
      return;
    }
    if (!isNameMap && Object.hasOwn(node, "$ref")) {
      const ref = (node as { $ref: unknown }).$ref;
      const pointer = () => toPointer([...path, "$ref"]);
      if (typeof ref !== "string") {
        throw new BadInputError(
          placeOf(pointer()),
          `\`$ref\` must be a string such as "#/components/schemas/Pet", not ${describe(ref)}`,
        );
      }
      if (offline && isRemoteRef(ref)) throw remoteRefError(placeOf(pointer()), ref);
    }
    for (const [key, value] of Object.entries(node)) {
      if (!isNameMap && (DATA_FIELDS.has(key) || key.startsWith("x-"))) continue;
      // A schema's `examples` is a list of values.
      if (!isNameMap && key === "examples" && Array.isArray(value)) continue;
      path.push(key);
      visit(value, !isNameMap && NAME_MAPS.has(key));
      path.pop();
    }
  };
  visit(parsed, false);
}

export function remoteRefError(place: Place, ref: string): BadInputError {
  return new BadInputError(
    place,
    `remote reference ${JSON.stringify(ref)}: --offline never fetches from the network ` +
      "(download it and refer to the local file, or run without --offline)",
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

const amount = (n: number) => (n >= 1e6 ? `about ${Math.round(n / 1e6)} million` : String(n));

type Redocly = typeof import("@redocly/openapi-core");
type Resolver = InstanceType<Redocly["BaseResolver"]>;

/**
 * Redocly's resolver, refusing what the root document's checks refuse in the files it refers
 * to: a remote `$ref` under --offline (instead of fetching it) and an alias bomb. The resolver's
 * errors become "Can't resolve $ref" findings, so the reason is kept in `refused` and thrown
 * first.
 */
export function guardedResolver(
  redocly: Redocly,
  config: ConstructorParameters<Redocly["BaseResolver"]>[0],
  file: string,
  offline: boolean,
): Resolver & { refused?: BadInputError } {
  class Guarded extends redocly.BaseResolver {
    refused?: BadInputError;

    override async loadExternalRef(absoluteRef: string) {
      if (offline && isRemoteRef(absoluteRef)) {
        this.refused ??= remoteRefError({ file }, absoluteRef);
        throw new Error("not fetched under --offline");
      }
      return super.loadExternalRef(absoluteRef);
    }

    override parseDocument(...args: Parameters<Resolver["parseDocument"]>) {
      const document = super.parseDocument(...args);
      const shown = relative(process.cwd(), args[0].absoluteRef) || args[0].absoluteRef;
      try {
        checkAliasExpansion(document.parsed, (pointer) => ({ file: shown, pointer }));
      } catch (error) {
        if (error instanceof BadInputError) this.refused ??= error;
        throw error;
      }
      return document;
    }
  }
  return new Guarded(config);
}
