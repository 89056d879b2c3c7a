// Method names for a spec xdr-codegen knows nothing about (`generate --input`, or an API whose
// config does not ask for path-derived names). The spec's own operationIds are used when they
// are meaningful (GitHub's `pulls/list` → `pulls.list`, Azure's `Pets_List` → `pets.list`,
// `listPets` → `pets.listPets`); ids that only restate the method and path (Stripe's
// `GetCustomersCustomer`) are not, and such operations are named from the path instead. Two
// operations never share a name: the one that yields falls back to a longer name that says what
// differs (its operationId, then its full path), never to a bare counter. Pure functions.
import { camelCase, deriveName, RESERVED_MEMBERS } from "./naming.js";

export interface NamingInput {
  /** `get`, `post`… */
  readonly method: string;
  readonly path: string;
  readonly operationId?: string;
  readonly tags: readonly string[];
}

/** Words an operation may not be called by in the named-method surface (see `safeMember`). */
export { RESERVED_MEMBERS };

/**
 * ECMAScript reserved words, strict-mode restrictions and globals that cannot name a `const`:
 * a descriptor named `new` or `delete` is exported as `new_`, `delete_`. `paths` is the
 * operations module's own import of the path types.
 */
export const RESERVED_BINDINGS = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends " +
    "false finally for function if import in instanceof new null return super switch this throw " +
    "true try typeof var void while with yield let static implements interface package private " +
    "protected public await arguments eval undefined NaN Infinity paths"
  ).split(" "),
);

/** A `const` name for an operation descriptor. */
export function safeBinding(name: string): string {
  return RESERVED_BINDINGS.has(name) ? name + "_" : name;
}

/**
 * A member name that does not clash with what every client object has (`raw`, `transport`,
 * `then`, `Object.prototype`'s names): methods gain their HTTP verb (`toString` → `getToString`),
 * groups the suffix `Api` (`raw` → `rawApi`), as derived names do.
 */
export function safeMember(name: string, method: string, isGroup: boolean): string {
  if (!RESERVED_MEMBERS.has(name)) return name;
  if (isGroup) return name + "Api";
  const verb = camelCase(method);
  return verb + name[0]!.toUpperCase() + name.slice(1);
}

const words = (text: string): string[] =>
  text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());

const HTTP_WORDS = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);
const FILLER = new Set(["by", "id", "all", "and", "for", "with", "of", "the", "a", "an"]);

/**
 * Whether an operationId is a name someone chose rather than the method and path spelled out:
 * `GetCustomersCustomer` and `get_v1_users_id` restate `GET /v1/customers/{customer}` and
 * `GET /v1/users/{id}`; `listPets` and `pulls/list` say something of their own.
 */
export function isMeaningfulId(operationId: string, method: string, path: string): boolean {
  const id = words(operationId);
  if (id.length === 0) return false;
  if (!HTTP_WORDS.has(id[0]!)) return true;
  const fromRoute = new Set([method.toLowerCase(), ...words(path)]);
  for (const segment of words(path)) {
    // `customers` in the path, `customer` in the id (or the other way round).
    fromRoute.add(segment.replace(/ies$/, "y").replace(/s$/, ""));
  }
  return !id.every((w) => fromRoute.has(w) || FILLER.has(w) || /^\d+$/.test(w));
}

/** `pulls/list` → [`pulls`, `list`]; `Pets_List` → [`pets`, `list`]; otherwise undefined. */
function splitId(operationId: string): string[] | undefined {
  let parts: string[] | undefined;
  if (/[/.]/.test(operationId)) parts = operationId.split(/[/.]+/).filter(Boolean);
  else if (/^[A-Z][A-Za-z0-9]*_[A-Z][A-Za-z0-9]*$/.test(operationId))
    parts = operationId.split("_");
  // Each part a name (`list-for-repo`, `Pets`): `get /pets` is a route, not a group and a name.
  const isName = (p: string) => /^[A-Za-z_$][\w$-]*$/.test(p) && words(p).length > 0;
  if (!parts || parts.length < 2 || !parts.every(isName)) {
    return undefined;
  }
  return parts.map(camelCase);
}

/** The group of an operation whose operationId names only the method: its first tag, or the path's. */
function groupOf(op: NamingInput): string {
  const tag = op.tags.find((t) => words(t).length > 0);
  if (tag !== undefined) return camelCase(tag);
  return deriveName(op.method, op.path).split(".")[0]!;
}

/**
 * `get` + every path segment: `GET /users/{id}/keys` → `getUsersByIdKeys`. Unique for a method
 * and path up to punctuation, and a reader sees from it which route it is.
 */
export function fullPathName(method: string, path: string): string {
  const parts = path
    .split("/")
    .filter(Boolean)
    .map((s) => (/^\{.*\}$/.test(s) ? "by " + s.slice(1, -1) : s));
  return camelCase([method, ...parts].join(" "));
}

/** Name candidates of one operation, best first; each a list of identifiers (group…, method). */
function candidates(op: NamingInput, notes: Map<string, string>): string[][] {
  const list: string[][] = [];
  const id = op.operationId;
  const derived = deriveName(op.method, op.path).split(".");
  const group =
    id !== undefined && isMeaningfulId(id, op.method, op.path) ? groupOf(op) : undefined;
  const split = id !== undefined ? splitId(id) : undefined;
  if (split) list.push(split);
  // `health` in group `health` says nothing the group does not: the path's name says more.
  else if (group !== undefined && camelCase(id!) !== group) list.push([group, camelCase(id!)]);
  list.push(derived);
  if (id !== undefined) list.push([derived[0]!, camelCase(id)]);
  list.push([derived[0]!, fullPathName(op.method, op.path)]);
  return list.map((segments) => {
    const safe = segments.map((s, i) => safeMember(s, op.method, i < segments.length - 1));
    const renamed = segments.findIndex((s, i) => s !== safe[i]);
    if (renamed >= 0) {
      notes.set(
        safe.join("."),
        `named ${safe[renamed]}: ${segments[renamed]} is a member every client object has`,
      );
    }
    return safe;
  });
}

/**
 * One dotted name per operation (`pulls.list`), unique, and never both an operation and a group
 * (`repos` cannot be a method when `repos.get` exists). Operations whose first choice is theirs
 * alone keep it; the others take their next candidate that is free.
 */
export function specNames(
  ops: readonly NamingInput[],
  reserved: readonly string[] = [],
): { names: string[]; notes: Map<string, string> } {
  const notes = new Map<string, string>();
  const options = ops.map((op) => candidates(op, notes));
  const key = (segments: string[]) => segments.join(".");
  const firstChoice = new Map<string, number>();
  for (const o of options) firstChoice.set(key(o[0]!), (firstChoice.get(key(o[0]!)) ?? 0) + 1);

  const taken = new Set<string>();
  const groups = new Set<string>();
  const fits = (segments: string[]) => {
    const name = key(segments);
    if (taken.has(name) || groups.has(name)) return false;
    // None of its prefixes may be an operation.
    for (let i = 1; i < segments.length; i++) {
      if (taken.has(segments.slice(0, i).join("."))) return false;
    }
    return true;
  };
  const take = (segments: string[]) => {
    taken.add(key(segments));
    for (let i = 1; i < segments.length; i++) groups.add(segments.slice(0, i).join("."));
  };

  // Names set by hand (`x-xdr-name`, the config) are taken first.
  for (const name of reserved) take(name.split("."));
  const result: (string | undefined)[] = ops.map(() => undefined);
  // First pass: first choices that nobody else wants.
  options.forEach((o, i) => {
    if (firstChoice.get(key(o[0]!)) === 1 && fits(o[0]!)) {
      take(o[0]!);
      result[i] = key(o[0]!);
    }
  });
  // Second pass, in route order: the best free candidate.
  options.forEach((o, i) => {
    if (result[i] !== undefined) return;
    let chosen = o.find(fits);
    if (!chosen) {
      // Only reachable when two routes differ by punctuation alone (`/a-b` and `/a_b`).
      const last = o[o.length - 1]!;
      let n = 2;
      while (!fits([...last.slice(0, -1), `${last[last.length - 1]}Route${n}`])) n++;
      chosen = [...last.slice(0, -1), `${last[last.length - 1]}Route${n}`];
    }
    take(chosen);
    result[i] = key(chosen);
  });
  return { names: result as string[], notes };
}
