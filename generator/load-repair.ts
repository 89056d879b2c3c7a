// Repairs of a parsed document that keep valid-but-awkward specs usable by the later stages:
// reference loops that describe no value, references into the inside of a schema, and
// discriminator mappings that name no schema. Each works in place on the document loadSpec
// reads, before (breakAliasCycles) or after (the others) Redocly bundles it.
import { resolveRef } from "./ref.js";

type Document = Record<string, unknown>;

/**
 * `A: { $ref: B }`, `B: { $ref: A }` (or `C: { $ref: C }`) describes no value, and Redocly's
 * resolver throws on it ("Self-referencing circular pointer"), openapi-typescript prints a type
 * that refers to itself. The reference that closes such a loop becomes `{}` (any value): the
 * document stays usable, typed `unknown` where it says nothing.
 */
export function breakAliasCycles(doc: Record<string, unknown>): void {
  const at = (ref: string): unknown => {
    let node: unknown = doc;
    for (const raw of ref.slice(2).split("/")) {
      const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      if (!node || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    return node;
  };
  const localRef = (node: unknown): string | undefined => {
    if (!node || typeof node !== "object" || !Object.hasOwn(node, "$ref")) return undefined;
    const ref = (node as { $ref: unknown }).$ref;
    return typeof ref === "string" && ref.startsWith("#/") ? ref : undefined;
  };
  const seen = new Set<unknown>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    if (localRef(node) !== undefined) {
      const chain = new Set<unknown>([node]);
      let current: unknown = node;
      for (let ref = localRef(current); ref !== undefined; ref = localRef(current)) {
        const target = at(ref);
        if (chain.has(target)) {
          delete (current as Record<string, unknown>).$ref;
          break;
        }
        chain.add(target);
        current = target;
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(doc);
}

/**
 * A `$ref` into the inside of a schema (`#/components/schemas/E/allOf/0`, or a parameter's
 * `…/schema`) becomes an indexed access type that names nothing in openapi-typescript's
 * output (`components["schemas"]["E"]["allOf"]["0"]`), an error under tsc. Such a reference is
 * replaced by a copy of what it points at. References to a component, or to a property of a
 * component schema (which openapi-typescript prints well), stay as they are.
 */
export function inlineDeepRefs(doc: Document): void {
  const shape = /^#\/components\/[^/]+\/[^/]+(\/properties\/[^/]+)*$/;
  /**
   * A component, or a property chain of one through required properties only: openapi-typescript
   * prints `components["schemas"]["X"]["a"]`, and an optional `a` is `T | undefined`, which has
   * no members to index further nor keys for its `WithRequired`.
   */
  const printable = (ref: string): boolean => {
    if (!shape.test(ref)) return false;
    const [, , kind, name, ...rest] = ref.split("/");
    let node = resolveRef(
      doc,
      (doc.components as Record<string, Document> | undefined)?.[kind!]?.[name!],
    );
    for (let i = 1; i < rest.length; i += 2) {
      const key = rest[i]!.replace(/~1/g, "/").replace(/~0/g, "~");
      const schema = node as
        { required?: unknown; properties?: Record<string, unknown> } | undefined;
      if (!Array.isArray(schema?.required) || !schema.required.includes(key)) return false;
      if (!schema.properties || !Object.hasOwn(schema.properties, key)) return false;
      node = resolveRef(doc, schema.properties[key]);
    }
    return true;
  };
  let found: Record<string, unknown>[] = [];
  let seen = new Set<unknown>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    const ref = (node as { $ref?: unknown }).$ref;
    if (
      Object.hasOwn(node, "$ref") &&
      typeof ref === "string" &&
      ref.startsWith("#/") &&
      !printable(ref)
    ) {
      found.push(node as Record<string, unknown>);
    }
    for (const value of Object.values(node)) visit(value);
  };
  /** Follows the pointer through the `$ref`s it meets on the way (`…/schema/properties/x`). */
  const through = (ref: string, depth = 0): unknown => {
    let node: unknown = doc;
    for (const raw of ref.slice(2).split("/")) {
      node = resolveRef(doc, node);
      let key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      try {
        key = decodeURIComponent(key);
      } catch {
        // A literal `%` in a name.
      }
      if (!node || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    const next = (node as { $ref?: unknown } | undefined)?.$ref;
    return typeof next === "string" && next.startsWith("#/") && depth < 32
      ? through(next, depth + 1)
      : node;
  };
  // A copy may hold references of its own: again, a few rounds at most, and never more than
  // MAX_COPIED_NODES in all: references that reach into each other (Azure's specs) multiply
  // with every round. Past the budget, a reference becomes any value (`{}`), typed `unknown`.
  let budget = MAX_COPIED_NODES;
  for (let round = 0; round < 6; round++) {
    found = [];
    seen = new Set();
    visit(doc);
    // Every copy is taken from the document as it was before this round: a copy taken after
    // another landed inside its target would hold that one too, and grow without bound.
    const copies = found.map((node) => {
      const target = through(node.$ref as string);
      if (!target || typeof target !== "object" || target === node) return undefined;
      // A reference inside what it points at describes a recursive value no copy can end:
      // any value, as breakAliasCycles does for a loop of references.
      const size = holds(target, node) ? Infinity : sizeOf(target, budget);
      if (size > budget) return {};
      budget -= size;
      return structuredClone(target);
    });
    let copied = 0;
    found.forEach((node, i) => {
      const copy = copies[i];
      if (!copy) return;
      delete node.$ref;
      Object.assign(node, copy);
      copied++;
    });
    if (copied === 0) break;
  }
}

/** Most objects and arrays copied in place of references into the inside of a schema. */
const MAX_COPIED_NODES = 20_000;

/** Objects and arrays in `root` (each counted once), or more than `limit` once past it. */
function sizeOf(root: unknown, limit: number): number {
  const seen = new Set<unknown>();
  const stack = [root];
  while (stack.length) {
    const current = stack.pop();
    if (!current || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    if (seen.size > limit) return Infinity;
    stack.push(...Object.values(current));
  }
  return seen.size;
}

/** Whether `node` is `root` or lies somewhere inside it. */
function holds(root: unknown, node: unknown): boolean {
  const seen = new Set<unknown>();
  const stack = [root];
  while (stack.length) {
    const current = stack.pop();
    if (current === node) return true;
    if (!current || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    stack.push(...Object.values(current));
  }
  return false;
}

/** Drops discriminator mappings that name no schema of the document (see `isFatal`). */
export function pruneMappings(doc: Document): void {
  const seen = new Set<unknown>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) return node.forEach(visit);
    const record = node as Record<string, unknown>;
    const discriminator = record.discriminator as { mapping?: Record<string, unknown> } | undefined;
    const mapping = discriminator?.mapping;
    if (mapping && typeof mapping === "object") {
      for (const [key, target] of Object.entries(mapping)) {
        if (typeof target !== "string") continue;
        const isRef = target.includes("/") || target.includes("#");
        const found = isRef
          ? target.startsWith("#/") && resolveRef(doc, { $ref: target }) !== undefined
          : Object.hasOwn(schemasOf(doc), target);
        if (!found) delete mapping[key];
      }
    }
    for (const value of Object.values(record)) visit(value);
  };
  visit(doc);
}

function schemasOf(doc: Document): object {
  const components = doc.components as { schemas?: object } | undefined;
  return components?.schemas ?? {};
}

/**
 * `externalValue` of Example Objects: a URL (or file) of an example, which Redocly's resolver
 * would fetch while bundling, as if it were a `$ref`. Examples never shape a type, and a spec
 * must not make the generator go to the network (offline, it failed as "Can't resolve $ref").
 * Dropped from every `examples` map; a property named `externalValue` is a schema, not a string,
 * and stays.
 */
export function dropExternalExamples(doc: Document): void {
  const seen = new Set<unknown>();
  const visit = (node: unknown, key: string | undefined): void => {
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    if (key === "examples" && !Array.isArray(node)) {
      for (const example of Object.values(node)) {
        const e = example as { externalValue?: unknown } | null;
        if (e && typeof e === "object" && typeof e.externalValue === "string") {
          delete e.externalValue;
        }
      }
    }
    for (const [k, v] of Object.entries(node)) visit(v, k);
  };
  visit(doc, undefined);
}

/** Header parameters OpenAPI says SHALL be ignored (compared case-insensitively). */
const IGNORED_HEADERS = new Set(["accept", "content-type", "authorization"]);

/**
 * OpenAPI: a header parameter named `Accept`, `Content-Type` or `Authorization` SHALL be
 * ignored — the media types, the request body and the security schemes say those. Kept, a
 * required `Content-Type: multipart/form-data` argument replaced the multipart boundary (the
 * upload could not be parsed) and a required `Authorization` argument was overwritten by the
 * token. Dropped from every path item and operation (inline or through a `$ref` to a component),
 * so neither the types nor the model see them; the component itself may stay, unused.
 */
export function dropIgnoredHeaders(doc: Document): void {
  const ignored = (parameter: unknown): boolean => {
    const p = resolveRef(doc, parameter) as { in?: unknown; name?: unknown } | undefined;
    return (
      !!p &&
      typeof p === "object" &&
      p.in === "header" &&
      typeof p.name === "string" &&
      IGNORED_HEADERS.has(p.name.toLowerCase())
    );
  };
  const prune = (holder: unknown): void => {
    const h = resolveRef(doc, holder) as { parameters?: unknown } | undefined;
    if (!h || typeof h !== "object" || !Array.isArray(h.parameters)) return;
    if (h.parameters.some(ignored)) h.parameters = h.parameters.filter((p) => !ignored(p));
  };
  const pathItems = (map: unknown): void => {
    if (!map || typeof map !== "object") return;
    for (const item of Object.values(map)) {
      const pathItem = resolveRef(doc, item);
      if (!pathItem || typeof pathItem !== "object") continue;
      prune(pathItem);
      for (const [key, operation] of Object.entries(pathItem)) {
        if (OPERATION_KEYS.has(key)) prune(operation);
      }
    }
  };
  pathItems(doc.paths);
  pathItems(doc.webhooks);
  const components = doc.components as { pathItems?: unknown } | undefined;
  pathItems(components?.pathItems);
}

const OPERATION_KEYS = new Set([
  "get",
  "put",
  "post",
  "delete",
  "options",
  "head",
  "patch",
  "trace",
]);
