// Simulated CTIA, its search: Lucene-lite `query` matching, field filters, `from`/`to`, sorting,
// and the paged answers with CTIA's X-Total-Hits / X-Next / X-Previous / X-Sort headers (§5.3–5.4).

import { intParam, isRecord, json, ReplyError, type Reply } from "./http.js";
import { shortId, validation, type Entity } from "./ctia-entities.js";

const MAX_WINDOW = 10_000;

/** Query parameters with a meaning of their own; any other one filters on the field it names. */
export const RESERVED = new Set([
  "query",
  "simple_query",
  "search_fields",
  "from",
  "to",
  "limit",
  "offset",
  "search_after",
  "sort_by",
  "sort_order",
  "fields",
  "wait_for",
  "REALLY_DELETE_ALL_THESE_ENTITIES",
]);

// ---- field access and Lucene-lite query matching -----------------------------------------------

/** All leaf values at a dotted path, flattening arrays on the way. */
function leaves(value: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(value)) return value.flatMap((v) => leaves(v, path));
  if (path.length === 0) return [value];
  if (!isRecord(value)) return [];
  const [head, ...rest] = path;
  return leaves(value[head as string], rest);
}

function allStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value === "number" || typeof value === "boolean") return [String(value)];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (isRecord(value)) return Object.values(value).flatMap(allStrings);
  return [];
}

function valueMatcher(raw: string, partial: boolean): (s: string) => boolean {
  const v = raw.toLowerCase();
  if (v === "*") return () => true;
  if (/[*?]/.test(v)) {
    const re = new RegExp(
      `^${v
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
    return (s) => re.test(s.toLowerCase());
  }
  return partial ? (s) => s.toLowerCase().includes(v) : (s) => s.toLowerCase() === v;
}

export type Predicate = (e: Entity) => boolean;

function termPredicate(term: string): Predicate {
  let t = term.trim();
  let negate = false;
  if (/^NOT\s+/i.test(t)) {
    negate = true;
    t = t.replace(/^NOT\s+/i, "");
  } else if (t.startsWith("-")) {
    negate = true;
    t = t.slice(1);
  }
  let p: Predicate;
  const m = /^([A-Za-z_][\w.-]*):(.*)$/.exec(t);
  if (t === "*" || t === "*:*") {
    p = () => true;
  } else if (m) {
    const path = (m[1] as string).split(".");
    const raw = (m[2] as string).replace(/^"(.*)"$/, "$1");
    const match = valueMatcher(raw, false);
    p = (e) => leaves(e, path).some((v) => allStrings(v).some(match));
  } else {
    const match = valueMatcher(t.replace(/^"(.*)"$/, "$1"), true);
    p = (e) => allStrings(e).some(match);
  }
  return negate ? (e) => !p(e) : p;
}

/** `a:b AND c:d OR e:f` — AND binds tighter than OR; no parentheses; `*` matches everything. */
export function parseQuery(query: string | null): Predicate {
  const q = (query ?? "").trim();
  if (q === "" || q === "*") return () => true;
  if (/[()]/.test(q) || (q.match(/"/g) ?? []).length % 2 === 1) {
    throw new ReplyError(
      json(400, {
        type: "ES Invalid Request",
        message: `Failed to parse query [${q}] (the simulator supports field:value terms joined by AND/OR)`,
        class: "clojure.lang.ExceptionInfo",
      }),
    );
  }
  const groups = q.split(/\s+OR\s+|\s*\|\|\s*/).map((g) =>
    g
      .split(/\s+AND\s+|\s*&&\s*/)
      .filter((t) => t.trim() !== "")
      .map(termPredicate),
  );
  return (e) => groups.some((g) => g.every((p) => p(e)));
}

// ---- sorting and paging --------------------------------------------------------------------------

type SortKey = number | string;
interface SortField {
  field: string;
  desc: boolean;
}

function sortValue(e: Entity, field: string): SortKey {
  const v = field === "id" ? shortId(e.id) : leaves(e, field.split("."))[0];
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    if (/^\d{4}-\d{2}-\d{2}T/.test(v)) {
      const t = Date.parse(v);
      if (!Number.isNaN(t)) return t;
    }
    return v;
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  return "";
}

function compareKeys(a: SortKey, b: SortKey | string): number {
  if (typeof a === "number") {
    const n = typeof b === "number" ? b : Number(b);
    if (!Number.isNaN(n)) return a < n ? -1 : a > n ? 1 : 0;
  }
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function parseSort(query: URLSearchParams): SortField[] {
  const defaultDesc = query.get("sort_order") === "desc";
  const raw = query.get("sort_by");
  const fields: SortField[] = (raw ? raw.split(",") : ["created"])
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      const [field = "", order] = s.split(":");
      return { field, desc: order ? order === "desc" : defaultDesc };
    });
  if (!fields.some((f) => f.field === "id")) fields.push({ field: "id", desc: false });
  return fields;
}

function ednVector(values: readonly SortKey[]): string {
  return `[${values.map((v) => (typeof v === "number" ? String(v) : JSON.stringify(v))).join(" ")}]`;
}

export function project(e: Entity, fields: string[]): Record<string, unknown> {
  if (fields.length === 0) return e;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in e) out[f] = e[f];
  return out;
}

/**
 * What keeps an entity in a search: `query`, field filters, `from`/`to` on `created` and `extra`.
 * Throws a `ReplyError` (400) for a query or time it cannot read.
 */
export function searchFilter(query: URLSearchParams, extra?: Predicate): Predicate {
  const pred = parseQuery(query.get("query"));
  const filters: Predicate[] = [];
  for (const [k, v] of query) {
    if (RESERVED.has(k)) continue;
    const path = k.split(".");
    const match = valueMatcher(v, false);
    filters.push((e) => leaves(e, path).some((x) => allStrings(x).some(match)));
  }
  const from = query.get("from");
  const to = query.get("to");
  const fromMs = from ? Date.parse(from) : undefined;
  const toMs = to ? Date.parse(to) : undefined;
  if (Number.isNaN(fromMs) || Number.isNaN(toMs)) {
    throw new ReplyError(validation({ [Number.isNaN(fromMs) ? "from" : "to"]: "(not (inst? x))" }));
  }
  return (e) => {
    if (extra && !extra(e)) return false;
    if (!pred(e) || !filters.every((f) => f(e))) return false;
    const created = Date.parse(String(e.created));
    if (fromMs !== undefined && created < fromMs) return false;
    if (toMs !== undefined && created >= toMs) return false;
    return true;
  };
}

/** A paged list answer: JSON array + X-Total-Hits / X-Next / X-Previous / X-Sort (§5.4). */
export function pageOf(items: Entity[], query: URLSearchParams, defaultLimit: number): Reply {
  const limit = intParam(query, "limit", defaultLimit);
  const offset = intParam(query, "offset", 0);
  if (limit === null) return validation({ limit: `(not (integer? "${query.get("limit")}"))` });
  if (offset === null) return validation({ offset: `(not (integer? "${query.get("offset")}"))` });
  if (limit > MAX_WINDOW) return validation({ limit: `(not (less-than-10000? ${limit}))` });
  const searchAfter = query.getAll("search_after");
  if (searchAfter.length === 0 && offset + limit > MAX_WINDOW) {
    return json(400, {
      type: "ES Invalid Request",
      message: `Result window is too large, from + size must be less than or equal to: [${MAX_WINDOW}] but was [${offset + limit}]`,
      class: "clojure.lang.ExceptionInfo",
    });
  }
  const sort = parseSort(query);
  const keyed = items.map((e) => ({ e, k: sort.map((s) => sortValue(e, s.field)) }));
  const cmpTuple = (a: readonly SortKey[], b: readonly (SortKey | string)[]): number => {
    for (let i = 0; i < sort.length && i < b.length; i++) {
      const c = compareKeys(a[i] as SortKey, b[i] as SortKey);
      if (c !== 0) return (sort[i] as SortField).desc ? -c : c;
    }
    return 0;
  };
  keyed.sort((a, b) => cmpTuple(a.k, b.k));
  const total = keyed.length;
  const rest = searchAfter.length > 0 ? keyed.filter((x) => cmpTuple(x.k, searchAfter) > 0) : keyed;
  const start = searchAfter.length > 0 ? 0 : offset;
  const pageItems = rest.slice(start, start + limit);
  const fields = query.getAll("fields").flatMap((f) => f.split(","));
  const headers: Record<string, string> = { "X-Total-Hits": String(total) };
  const last = pageItems[pageItems.length - 1];
  if (last) headers["X-Sort"] = ednVector(last.k);
  const hasNext =
    limit > 0 && (searchAfter.length > 0 ? pageItems.length === limit : total > offset + limit);
  if (hasNext) {
    const next = new URLSearchParams({ limit: String(limit), offset: String(offset + limit) });
    if (last) for (const v of last.k) next.append("search_after", String(v));
    headers["X-Next"] = next.toString();
  }
  if (offset > 0 && searchAfter.length === 0 && offset + limit < MAX_WINDOW) {
    headers["X-Previous"] = new URLSearchParams({
      limit: String(limit),
      offset: String(Math.max(0, offset - limit)),
    }).toString();
  }
  return json(
    200,
    pageItems.map((x) => project(x.e, fields)),
    headers,
  );
}
