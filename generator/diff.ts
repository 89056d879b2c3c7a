// Compares two SDK surfaces (`diff-surface.ts`) and rates each change for a caller of the SDK.
//
// The rule: a change is `major` (breaking) when code that compiled and worked against the old
// SDK may fail to compile or misbehave against the new one; `minor` when it only adds something
// a caller may start to use; `patch` when nothing a caller does is affected. Direction matters:
// a request accepts what the caller sends (narrowing it breaks), a response is what the caller
// reads (widening it breaks). So in a response, an added enum value is breaking: the SDK types
// it as a union of literals, so an exhaustive `switch` stops compiling and older code meets a
// value it never handled. That is strict on purpose: Cisco's changes arrive unannounced, and a
// major bump is how a caller pinned with `^` is kept from them until they look.
import type { FieldSummary, ApiSurface, MethodSurface, TypeSummary } from "./diff-surface.js";
import { scopeCovers } from "../templates/runtime/scopes.js";

export type Impact = "major" | "minor" | "patch";
export type Bump = Impact | "none";

export type ChangeKind =
  | "api-added"
  | "api-removed"
  | "method-added"
  | "method-removed"
  | "method-renamed"
  | "route-changed"
  | "deprecated"
  | "undeprecated"
  | "scopes-changed"
  | "arguments-changed"
  | "param-added"
  | "param-removed"
  | "param-required"
  | "param-optional"
  | "field-added"
  | "field-removed"
  | "field-required"
  | "field-optional"
  | "type-narrowed"
  | "type-widened"
  | "type-changed"
  | "enum-added"
  | "enum-removed"
  | "response-changed"
  /** A downloaded spec changed while its previous document was not at hand to compare with. */
  | "unrated";

export interface Change {
  api: string;
  /** The SDK method (`workflows.search`); the new name for a rename. */
  method: string;
  kind: ChangeKind;
  /** Where in the call: an argument key path (`body.items[].id`) or `result.…` for responses. */
  at?: string;
  /** One sentence, Markdown inline code for names. */
  message: string;
  impact: Impact;
  breaking: boolean;
}

export interface ApiDiff {
  api: string;
  fromVersion: string;
  toVersion: string;
  changes: Change[];
}

const ORDER: Record<Impact, number> = { major: 0, minor: 1, patch: 2 };

/** The largest impact of a set of changes; `none` when there are none. */
export function suggestBump(changes: readonly Change[]): Bump {
  let best: Bump = "none";
  for (const c of changes) if (best === "none" || ORDER[c.impact] < ORDER[best]) best = c.impact;
  return best;
}

/**
 * The next version. Below 1.0.0 the npm convention applies (a caret range `^0.3.1` takes only
 * 0.3.x): breaking changes bump the minor, everything else the patch.
 */
export function nextVersion(version: string, bump: Bump): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version);
  if (!m) throw new Error(`"${version}" is not a semver version (MAJOR.MINOR.PATCH)`);
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (bump === "none") return version;
  const effective: Impact = major === 0 ? (bump === "major" ? "minor" : "patch") : bump;
  if (effective === "major") return `${major + 1}.0.0`;
  if (effective === "minor") return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

export function diffApi(api: string, before: ApiSurface, after: ApiSurface): ApiDiff {
  const changes: Change[] = [];
  const add = (
    method: string,
    kind: ChangeKind,
    impact: Impact,
    message: string,
    at?: string,
  ): void => {
    changes.push({
      api,
      method,
      kind,
      ...(at !== undefined ? { at } : {}),
      message,
      impact,
      breaking: impact === "major",
    });
  };

  const oldNames = new Map(Object.entries(before.methods));
  const newNames = new Map(Object.entries(after.methods));
  const removed = [...oldNames.keys()].filter((n) => !newNames.has(n));
  const added = new Set([...newNames.keys()].filter((n) => !oldNames.has(n)));

  // A method that disappears while one with the same route (or operationId) appears was renamed:
  // callers must change a name, nothing else, and the rest of the method is compared as usual.
  const pairs: [string, string][] = [];
  for (const name of removed) {
    const was = oldNames.get(name)!;
    const match =
      [...added].find((n) => newNames.get(n)!.route === was.route) ??
      [...added].find(
        (n) => was.operationId !== undefined && newNames.get(n)!.operationId === was.operationId,
      );
    if (match !== undefined) {
      added.delete(match);
      pairs.push([name, match]);
      add(match, "method-renamed", "major", `renamed from \`${name}\` to \`${match}\``);
    } else {
      add(name, "method-removed", "major", `removed (\`${was.route}\`)`);
    }
  }
  for (const name of added) {
    add(name, "method-added", "minor", `added (\`${newNames.get(name)!.route}\`)`);
  }
  for (const name of oldNames.keys()) if (newNames.has(name)) pairs.push([name, name]);

  for (const [oldName, newName] of pairs) {
    compareMethod(newName, oldNames.get(oldName)!, newNames.get(newName)!, add);
  }
  changes.sort(byPlace);
  return { api, fromVersion: before.version, toVersion: after.version, changes };
}

type Add = (method: string, kind: ChangeKind, impact: Impact, message: string, at?: string) => void;

/** A route as the wire sees it: a placeholder's name (`{incident-id}`) is not sent. */
const wireRoute = (route: string): string => route.replace(/\{[^}]*\}/g, "{}");

function compareMethod(name: string, a: MethodSurface, b: MethodSurface, add: Add): void {
  // A renamed placeholder shows as its argument removed and added, not as a new route.
  if (wireRoute(a.route) !== wireRoute(b.route)) {
    add(name, "route-changed", "patch", `now calls \`${b.route}\` (was \`${a.route}\`)`);
  }
  if (!a.deprecated && b.deprecated) add(name, "deprecated", "patch", "deprecated");
  if (a.deprecated && !b.deprecated) add(name, "undeprecated", "patch", "no longer deprecated");

  const gained = b.scopes.filter((s) => !a.scopes.includes(s));
  const lost = a.scopes.filter((s) => !b.scopes.includes(s));
  if (gained.length > 0 || lost.length > 0) {
    // A token without a newly required scope is refused before sending: breaking. Unless an old
    // one covers it (`private-intel:read` → `private-intel/judgement:read`): every token that
    // passed still passes, the runtime's check being the same `scopeCovers`.
    const breaking = gained.some((s) => !a.scopes.some((old) => scopeCovers(old, s)));
    add(
      name,
      "scopes-changed",
      breaking ? "major" : "patch",
      `scopes ${list(a.scopes)} → ${list(b.scopes)}`,
    );
  }

  if (a.args !== b.args) {
    add(
      name,
      "arguments-changed",
      "major",
      `takes its arguments differently (${argStyle(a.args)} → ${argStyle(b.args)})`,
    );
  } else {
    let requestBroke = false;
    const track: Add = (...args) => {
      requestBroke ||= args[2] === "major";
      add(...args);
    };
    compareFields(name, a.params, b.params, "request", "", track, true);
    if (a.body && b.body) compareTypes(name, a.body, b.body, "request", "body", track);
    // Usually a newly required key explains it (already reported); otherwise the body became
    // required.
    if (a.argsOptional && !b.argsOptional && !requestBroke) {
      add(name, "param-required", "major", "the argument object is now required");
    }
  }

  // Paged or not decides what awaiting the method gives (a Page of items, or the body). A
  // surface recorded before paging was kept has none: nothing to compare.
  if (a.paging !== undefined && b.paging !== undefined && a.paging !== b.paging) {
    add(
      name,
      "response-changed",
      "major",
      b.paging === "none"
        ? "is no longer paged: awaiting it gives the body, not a Page"
        : a.paging === "none"
          ? "is paged now: awaiting it gives a Page of items, not the body"
          : `pages differently: ${a.paging} → ${b.paging}`,
    );
  }
  if (a.response !== b.response) {
    // A method that returned nothing was awaited for its effect only: a result breaks no one.
    add(
      name,
      "response-changed",
      a.response === "none" ? "minor" : "major",
      `returns ${b.response === "none" ? "nothing" : b.response} (was ${a.response === "none" ? "nothing" : a.response})`,
    );
  } else if (a.result && b.result) {
    compareTypes(name, a.result, b.result, "response", "result", add);
  }
}

function compareFields(
  method: string,
  a: Record<string, FieldSummary>,
  b: Record<string, FieldSummary>,
  direction: "request" | "response",
  prefix: string,
  add: Add,
  topLevel = false,
): void {
  const before = new Map(Object.entries(a));
  const after = new Map(Object.entries(b));
  const what = topLevel ? "argument" : "field";
  const kindOf = (k: "added" | "removed" | "required" | "optional") =>
    `${topLevel ? "param" : "field"}-${k}` as ChangeKind;
  for (const [key, field] of before) {
    const at = prefix ? `${prefix}.${key}` : key;
    const next = after.get(key);
    if (!next) {
      // Request: a caller still passing it gets a compile error (and it would be ignored).
      // Response: code reading it gets undefined.
      add(method, kindOf("removed"), "major", `${what} \`${at}\` removed`, at);
      continue;
    }
    if (field.required !== next.required) {
      const nowRequired = next.required;
      // Request: a newly required key breaks callers that omit it. Response: a field that may
      // now be missing breaks readers; one that is now always present breaks no one.
      const breaking = direction === "request" ? nowRequired : !nowRequired;
      add(
        method,
        kindOf(nowRequired ? "required" : "optional"),
        breaking ? "major" : "patch",
        `${what} \`${at}\` is now ${nowRequired ? "required" : "optional"}`,
        at,
      );
    }
    compareTypes(method, field.type, next.type, direction, at, add);
  }
  for (const [key, field] of after) {
    if (before.has(key)) continue;
    const at = prefix ? `${prefix}.${key}` : key;
    const breaking = direction === "request" && field.required;
    add(
      method,
      kindOf("added"),
      breaking ? "major" : "minor",
      `${field.required && direction === "request" ? "required " : ""}${what} \`${at}\` added`,
      at,
    );
  }
}

function compareTypes(
  method: string,
  a: TypeSummary,
  b: TypeSummary,
  direction: "request" | "response",
  at: string,
  add: Add,
): void {
  const label = `\`${at}\``;
  if (!sameSet(a.types, b.types)) {
    const widened = covers(b.types, a.types);
    const narrowed = covers(a.types, b.types);
    const kind: ChangeKind = widened ? "type-widened" : narrowed ? "type-narrowed" : "type-changed";
    // Requests may widen (the caller's values still fit); responses may narrow.
    const safe = (direction === "request" && widened) || (direction === "response" && narrowed);
    add(
      method,
      kind,
      safe ? "patch" : "major",
      `type of ${label} ${kind === "type-changed" ? "changed" : kind.slice(5)}: ${a.types.join(" | ")} → ${b.types.join(" | ")}`,
      at,
    );
  }
  if (a.enum || b.enum) {
    const before = new Set((a.enum ?? []).map((v) => JSON.stringify(v)));
    const after = new Set((b.enum ?? []).map((v) => JSON.stringify(v)));
    // No enum on one side means any value of the type: that is a widening or narrowing of the
    // whole type, reported as such rather than value by value.
    if (a.enum && b.enum) {
      const gone = [...before].filter((v) => !after.has(v));
      const come = [...after].filter((v) => !before.has(v));
      if (gone.length > 0) {
        add(
          method,
          "enum-removed",
          direction === "request" ? "major" : "patch",
          `${label} no longer ${direction === "request" ? "accepts" : "returns"} ${gone.join(", ")}`,
          at,
        );
      }
      if (come.length > 0) {
        add(
          method,
          "enum-added",
          direction === "request" ? "minor" : "major",
          `${label} ${direction === "request" ? "accepts" : "may return"} ${come.join(", ")}`,
          at,
        );
      }
    } else {
      const nowOpen = !b.enum;
      const safe = direction === "request" ? nowOpen : !nowOpen;
      add(
        method,
        nowOpen ? "type-widened" : "type-narrowed",
        safe ? "patch" : "major",
        nowOpen
          ? `${label} takes any value of its type (was ${[...before].join(", ")})`
          : `${label} is limited to ${[...after].join(", ")}`,
        at,
      );
    }
  }
  if (a.fields && b.fields) compareFields(method, a.fields, b.fields, direction, at, add);
  if (a.items && b.items) compareTypes(method, a.items, b.items, direction, `${at}[]`, add);
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((t) => b.includes(t));
}

/** Every value of type set `inner` is a value of `outer` (`integer` is a `number`). */
function covers(outer: string[], inner: string[]): boolean {
  if (outer.includes("any")) return true;
  return inner.every((t) => outer.includes(t) || (t === "integer" && outer.includes("number")));
}

function list(scopes: string[]): string {
  return scopes.length ? scopes.map((s) => `\`${s}\``).join(", ") : "none";
}

function argStyle(style: string): string {
  return (
    {
      none: "no argument",
      flat: "one argument object",
      body: "the body as its argument",
      split: "parameters and body apart",
    }[style] ?? style
  );
}

function byPlace(a: Change, b: Change): number {
  return (
    cmp(a.method, b.method) ||
    ORDER[a.impact] - ORDER[b.impact] ||
    cmp(a.at ?? "", b.at ?? "") ||
    cmp(a.kind, b.kind)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
