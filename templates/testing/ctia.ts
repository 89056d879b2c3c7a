// Simulated CTIA (private intelligence): in-memory entity store, CRUD, Lucene-lite search with
// CTIA's paging headers, observable verdicts, bulk. See iroh-ctia-api.md §3 and §5.3–5.5.

import { randomUUID } from "node:crypto";
import {
  empty,
  intParam,
  isoTime,
  isRecord,
  json,
  readJson,
  ReplyError,
  type Ctx,
  type Reply,
  type Route,
} from "./http.js";
import { DISPOSITION_NAMES, OBSERVABLE_TYPES, type Disposition } from "./vocab.js";

export const CTIA_PUBLIC_BASE = "https://private.intel.amp.cisco.com/ctia";
const FOREVER = "2525-01-01T00:00:00.000Z";
const MAX_WINDOW = 10_000;
const BULK_MAX = 2000;

interface EntityConfig {
  plural: string;
  required: readonly string[];
  /** Server sets `valid_time` defaults on create. */
  validTime?: boolean;
  patch?: boolean;
}

export const ENTITIES: Readonly<Record<string, EntityConfig>> = {
  judgement: {
    plural: "judgements",
    required: ["observable", "source", "priority", "severity", "confidence"],
    validTime: true,
  },
  sighting: { plural: "sightings", required: ["observed_time"] },
  incident: {
    plural: "incidents",
    required: ["confidence", "status", "incident_time"],
    patch: true,
  },
  casebook: { plural: "casebooks", required: [], patch: true },
  indicator: { plural: "indicators", required: ["producer"], validTime: true },
  relationship: {
    plural: "relationships",
    required: ["relationship_type", "source_ref", "target_ref"],
  },
  actor: {
    plural: "actors",
    required: ["title", "description", "short_description", "source"],
    validTime: true,
  },
  "attack-pattern": {
    plural: "attack_patterns",
    required: ["title", "description", "short_description"],
  },
  campaign: {
    plural: "campaigns",
    required: ["title", "description", "short_description", "campaign_type"],
    validTime: true,
  },
  coa: { plural: "coas", required: [], validTime: true },
  malware: {
    plural: "malwares",
    required: ["title", "description", "short_description", "labels"],
  },
  tool: { plural: "tools", required: ["title", "description", "short_description", "labels"] },
  note: { plural: "notes", required: ["content", "note_class", "related_entities"], patch: true },
  investigation: { plural: "investigations", required: ["source"] },
  vulnerability: { plural: "vulnerabilities", required: ["description"] },
  asset: { plural: "assets", required: ["asset_type", "source", "valid_time"] },
  "target-record": { plural: "target_records", required: ["source", "targets"] },
};

const BY_PLURAL = new Map(Object.entries(ENTITIES).map(([name, c]) => [c.plural, name]));

const RESERVED = new Set([
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

type Entity = Record<string, unknown> & { id: string; type: string };

export function shortId(id: string): string {
  return id.slice(id.lastIndexOf("/") + 1);
}

function longId(entity: string, short: string): string {
  return `${CTIA_PUBLIC_BASE}/${entity}/${short}`;
}

function validation(errors: Record<string, string>): Reply {
  return json(400, { errors });
}

function invalidEntity(message: string, entity: unknown): Reply {
  return json(400, {
    error: "Spec Validation Client Error",
    type: "Invalid Entity Error",
    message,
    entity,
    class: "clojure.lang.ExceptionInfo",
  });
}

function notFound(entity: string): Reply {
  return json(404, { error: `${entity} not found` });
}

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

type Predicate = (e: Entity) => boolean;

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

function project(e: Entity, fields: string[]): Record<string, unknown> {
  if (fields.length === 0) return e;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in e) out[f] = e[f];
  return out;
}

// ---- the store ---------------------------------------------------------------------------------

export class CtiaStore {
  private readonly data = new Map<string, Map<string, Entity>>();
  private lastCreated = 0;

  constructor(
    private readonly now: () => number,
    private readonly defaultLimit: number,
  ) {}

  clear(): void {
    this.data.clear();
    this.lastCreated = 0;
  }

  table(entity: string): Map<string, Entity> {
    let t = this.data.get(entity);
    if (!t) {
      t = new Map();
      this.data.set(entity, t);
    }
    return t;
  }

  /** Validate and realize a new entity; throws a `ReplyError` (400) when invalid. */
  create(entity: string, body: unknown, owner: string, presetShort?: string): Entity {
    if (!ENTITIES[entity]) throw new ReplyError(notFound(entity));
    const realized = this.realize(entity, body, owner);
    const short = presetShort ?? `${entity}-${randomUUID()}`;
    const now = this.now();
    const created = isoTime(Math.max(now, this.lastCreated + 1));
    this.lastCreated = Date.parse(created);
    const stored: Entity = {
      ...realized,
      id: longId(entity, short),
      type: entity,
      created,
      modified: created,
    };
    this.table(entity).set(short, stored);
    return stored;
  }

  private realize(entity: string, body: unknown, owner: string): Record<string, unknown> {
    const fail = (r: Reply): never => {
      throw new ReplyError(r);
    };
    const cfg = ENTITIES[entity] as EntityConfig;
    if (!isRecord(body)) return fail(validation({ body: "(not (map? body))" }));
    const missing = cfg.required.filter((k) => body[k] === undefined || body[k] === null);
    if (missing.length > 0) {
      return fail(validation(Object.fromEntries(missing.map((k) => [k, "missing-required-key"]))));
    }
    if (body.type !== undefined && body.type !== entity) {
      return fail(validation({ type: `(not (= "${entity}" "${String(body.type)}"))` }));
    }
    const tlp = body.tlp ?? "green";
    if (!["red", "amber", "green", "white"].includes(String(tlp))) {
      return fail(
        json(400, {
          type: "Invalid TLP Error",
          message: `Invalid document TLP ${String(tlp)}, allowed TLPs are: red,amber,green,white`,
          entity: body,
          class: "clojure.lang.ExceptionInfo",
        }),
      );
    }
    const now = this.now();
    const out: Record<string, unknown> & { type: string } = {
      ...body,
      type: entity,
      schema_version: "1.3.30",
      owner,
      groups: ["org-sim-0001"],
      tlp,
      timestamp: body.timestamp ?? isoTime(now),
    };
    delete out.id;
    if (cfg.validTime) {
      const vt = isRecord(body.valid_time) ? body.valid_time : {};
      out.valid_time = { start_time: isoTime(now), end_time: FOREVER, ...vt };
    }
    if (entity === "judgement") {
      const obs = body.observable;
      if (!isRecord(obs) || typeof obs.type !== "string" || typeof obs.value !== "string") {
        return fail(validation({ observable: "(not (map? {:type string, :value string}))" }));
      }
      if (!OBSERVABLE_TYPES.has(obs.type)) {
        return fail(
          validation({ observable: `{:type (not (#{observable types} "${obs.type}"))}` }),
        );
      }
      const d = body.disposition as Disposition | undefined;
      const dn = body.disposition_name as string | undefined;
      if (d !== undefined && !(d in DISPOSITION_NAMES)) {
        return fail(validation({ disposition: `(not (#{1 2 3 4 5} ${String(d)}))` }));
      }
      const fromName = Object.entries(DISPOSITION_NAMES).find(([, n]) => n === dn)?.[0];
      if (dn !== undefined && fromName === undefined) {
        return fail(validation({ disposition_name: `(not (#{disposition names} "${dn}"))` }));
      }
      if (d !== undefined && dn !== undefined && DISPOSITION_NAMES[d] !== dn) {
        return fail(
          invalidEntity("Mismatched disposition and dispositon_name for judgement", body),
        );
      }
      const disposition = d ?? (fromName !== undefined ? (Number(fromName) as Disposition) : 5);
      out.disposition = disposition;
      out.disposition_name = DISPOSITION_NAMES[disposition];
      if (typeof body.priority !== "number" || body.priority < 0 || body.priority > 100) {
        return fail(validation({ priority: "(not (<= 0 priority 100))" }));
      }
    }
    return out;
  }

  get(entity: string, id: string): Entity | undefined {
    return this.data.get(entity)?.get(shortId(id));
  }

  replace(entity: string, id: string, body: unknown, owner: string): Entity {
    const existing = this.get(entity, id);
    if (!existing) throw new ReplyError(notFound(entity));
    const realized = this.realize(entity, body, owner);
    const updated: Entity = {
      ...realized,
      id: existing.id,
      type: entity,
      owner: existing.owner,
      created: existing.created,
      modified: isoTime(this.now()),
    };
    this.table(entity).set(shortId(id), updated);
    return updated;
  }

  patch(entity: string, id: string, body: unknown): Entity {
    const existing = this.get(entity, id);
    if (!existing) throw new ReplyError(notFound(entity));
    if (!isRecord(body)) throw new ReplyError(validation({ body: "(not (map? body))" }));
    const updated: Entity = {
      ...existing,
      ...body,
      id: existing.id,
      type: entity,
      modified: isoTime(this.now()),
    };
    this.table(entity).set(shortId(id), updated);
    return updated;
  }

  delete(entity: string, id: string): boolean {
    return this.data.get(entity)?.delete(shortId(id)) ?? false;
  }

  /** Entities of a type matching the search filters of a request (no paging). */
  filter(entity: string, query: URLSearchParams, extra?: Predicate): Entity[] {
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
      throw new ReplyError(
        validation({ [Number.isNaN(fromMs) ? "from" : "to"]: "(not (inst? x))" }),
      );
    }
    return [...this.table(entity).values()].filter((e) => {
      if (extra && !extra(e)) return false;
      if (!pred(e) || !filters.every((f) => f(e))) return false;
      const created = Date.parse(String(e.created));
      if (fromMs !== undefined && created < fromMs) return false;
      if (toMs !== undefined && created >= toMs) return false;
      return true;
    });
  }

  /** A paged list answer: JSON array + X-Total-Hits / X-Next / X-Previous / X-Sort (§5.4). */
  page(items: Entity[], query: URLSearchParams): Reply {
    const limit = intParam(query, "limit", this.defaultLimit);
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
    const rest =
      searchAfter.length > 0 ? keyed.filter((x) => cmpTuple(x.k, searchAfter) > 0) : keyed;
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

  /** The current verdict for an observable: best non-expired judgement (§3.5). */
  verdict(type: string, value: string): Record<string, unknown> | undefined {
    const now = this.now();
    const candidates = [...this.table("judgement").values()].filter((j) => {
      const o = j.observable;
      if (!isRecord(o) || o.type !== type || o.value !== value) return false;
      const vt = isRecord(j.valid_time) ? j.valid_time : {};
      const start = Date.parse(String(vt.start_time ?? ""));
      const end = Date.parse(String(vt.end_time ?? FOREVER));
      return !(start > now) && !(end <= now);
    });
    candidates.sort(
      (a, b) =>
        Number(b.priority) - Number(a.priority) || Number(a.disposition) - Number(b.disposition),
    );
    const best = candidates[0];
    if (!best) return undefined;
    return {
      type: "verdict",
      disposition: best.disposition,
      disposition_name: best.disposition_name,
      observable: best.observable,
      judgement_id: best.id,
      valid_time: best.valid_time,
    };
  }

  /** Create `n` plausible entities of a type, bypassing HTTP; for tests and benchmarks. */
  seed(
    entity: string,
    n: number,
    make?: (i: number) => Record<string, unknown>,
    owner = "sim-client",
  ): Entity[] {
    if (!ENTITIES[entity]) throw new Error(`simulator: unknown CTIA entity "${entity}"`);
    const out: Entity[] = [];
    for (let i = 0; i < n; i++) {
      const override = make ? make(i) : {};
      const body = { ...sample(entity, i, this.now()), ...override };
      // An override of one of disposition / disposition_name decides the other.
      if ("disposition" in override && !("disposition_name" in override)) {
        delete body.disposition_name;
      }
      if ("disposition_name" in override && !("disposition" in override)) delete body.disposition;
      try {
        out.push(this.create(entity, body, owner));
      } catch (e) {
        const detail = e instanceof ReplyError ? JSON.stringify(e.reply.json) : String(e);
        throw new Error(`simulator: seed ${entity}[${i}] rejected: ${detail}`, { cause: e });
      }
    }
    return out;
  }
}

const SEVERITIES = ["Low", "Medium", "High", "Critical"] as const;

function ipFor(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

/** A valid `New<Entity>` body for seeding. */
function sample(entity: string, i: number, now: number): Record<string, unknown> {
  const t = isoTime(now);
  switch (entity) {
    case "judgement": {
      const disposition = ((i % 5) + 1) as Disposition;
      return {
        observable: { type: "ip", value: ipFor(i) },
        disposition,
        disposition_name: DISPOSITION_NAMES[disposition],
        source: "sim seed",
        priority: 90,
        severity: SEVERITIES[i % 4],
        confidence: "High",
        reason: `seeded judgement ${i}`,
      };
    }
    case "sighting":
      return {
        observed_time: { start_time: t },
        count: 1,
        source: "sim seed",
        sensor: "endpoint",
        confidence: "High",
        severity: SEVERITIES[i % 4],
        title: `Seeded sighting ${i}`,
        observables: [{ type: "domain", value: `host${i}.sim.example` }],
        targets: [
          {
            type: "endpoint",
            observables: [{ type: "hostname", value: `sim-host-${i}` }],
            observed_time: { start_time: t },
          },
        ],
      };
    case "incident":
      return {
        title: `Seeded incident ${i}`,
        confidence: "High",
        status: "New",
        severity: SEVERITIES[i % 4],
        incident_time: { opened: t },
        source: "sim seed",
      };
    case "casebook":
      return {
        title: `Seeded casebook ${i}`,
        observables: [{ type: "ip", value: ipFor(i) }],
        texts: [],
        source: "sim seed",
      };
    case "indicator":
      return { producer: "sim seed", title: `Seeded indicator ${i}`, severity: SEVERITIES[i % 4] };
    case "relationship":
      return {
        relationship_type: "related-to",
        source_ref: `${CTIA_PUBLIC_BASE}/incident/incident-${randomUUID()}`,
        target_ref: `${CTIA_PUBLIC_BASE}/sighting/sighting-${randomUUID()}`,
      };
    default: {
      const filler: Record<string, unknown> = {
        title: `Seeded ${entity} ${i}`,
        description: `Seeded ${entity} ${i}`,
        short_description: `Seeded ${entity} ${i}`,
        source: "sim seed",
        labels: ["sim"],
        campaign_type: "sim",
        content: `Seeded note ${i}`,
        note_class: "sim",
        related_entities: [],
        asset_type: "device",
        valid_time: {},
        targets: [],
      };
      const cfg = ENTITIES[entity] as EntityConfig;
      return Object.fromEntries(
        Object.entries(filler).filter(([k]) => k === "title" || cfg.required.includes(k)),
      );
    }
  }
}

// ---- routes ------------------------------------------------------------------------------------

const isEntity = (p: Record<string, string>) => p.entity !== undefined && p.entity in ENTITIES;
const isObservableType = (p: Record<string, string>) =>
  p.type !== undefined && OBSERVABLE_TYPES.has(p.type) && !(p.type in ENTITIES);

function readScope(entity: string): string[] {
  return entity === "casebook"
    ? ["private-intel/casebook:read", "casebook:read"]
    : [`private-intel/${entity}:read`];
}
function writeScope(entity: string): string[] {
  return entity === "casebook"
    ? ["private-intel/casebook:write", "casebook:write"]
    : [`private-intel/${entity}:write`];
}

function entityReply(e: Entity, status = 200): Reply {
  return status === 201 ? json(201, e, { Location: e.id }) : json(status, e);
}

function bodyOf(ctx: Ctx): unknown {
  return readJson(ctx, (m) => validation({ body: m }));
}

/** Deep-replace transient ids (bulk payloads reference each other by `transient:…`). */
function resolveTransients(value: unknown, ids: Map<string, string>): unknown {
  if (typeof value === "string") return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => resolveTransients(v, ids));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveTransients(v, ids)]),
    );
  }
  return value;
}

export const CTIA_VERSION = {
  base: "/ctia",
  "ctim-version": "1.3.30",
  "ctia-build": "simulator",
  beta: false,
  "ctia-config": "simulator",
  "ctia-supported_features": [],
};

export function ctiaRoutes(store: CtiaStore): Route[] {
  const owner = (ctx: Ctx) => ctx.principal?.clientId ?? "anonymous";
  return [
    {
      method: "GET",
      pattern: "/ctia/version",
      public: true,
      handler: () => json(200, CTIA_VERSION),
    },
    { method: "GET", pattern: "/ctia/status", handler: () => json(200, { status: "ok" }) },
    {
      method: "POST",
      pattern: "/ctia/bulk",
      scope: "private-intel:write",
      handler: (ctx) => {
        const body = bodyOf(ctx);
        if (!isRecord(body)) return validation({ body: "(not (map? body))" });
        const unknown = Object.keys(body).filter((k) => !BY_PLURAL.has(k));
        if (unknown.length > 0) {
          return validation(Object.fromEntries(unknown.map((k) => [k, "disallowed-key"])));
        }
        const lists = Object.entries(body).map(([plural, list]) => {
          if (!Array.isArray(list))
            throw new ReplyError(validation({ [plural]: "(not (sequential? x))" }));
          return [plural, list as unknown[]] as const;
        });
        const count = lists.reduce((n, [, l]) => n + l.length, 0);
        if (count > BULK_MAX) {
          return validation({ body: `Bulk max nb of entities: ${BULK_MAX}` });
        }
        // Allocate every id first so that entities can reference each other by transient id.
        const tempids = new Map<string, string>();
        const planned = lists.map(([plural, list]) => {
          const entity = BY_PLURAL.get(plural) as string;
          return [
            plural,
            list.map((raw) => {
              const short = `${entity}-${randomUUID()}`;
              if (isRecord(raw) && typeof raw.id === "string" && raw.id.startsWith("transient:")) {
                tempids.set(raw.id, longId(entity, short));
              }
              return { entity, short, raw };
            }),
          ] as const;
        });
        const out: Record<string, unknown> = {};
        for (const [plural, items] of planned) {
          out[plural] = items.map(({ entity, short, raw }) => {
            try {
              return store.create(entity, resolveTransients(raw, tempids), owner(ctx), short).id;
            } catch (e) {
              if (!(e instanceof ReplyError)) throw e;
              const err = isRecord(e.reply.json) ? e.reply.json : {};
              return {
                error: typeof err.error === "string" ? err.error : "Spec Validation Client Error",
                msg: JSON.stringify(err),
                entity: raw,
                type: entity,
              };
            }
          });
        }
        if (tempids.size > 0) out.tempids = Object.fromEntries(tempids);
        return json(201, out);
      },
    },
    {
      method: "GET",
      pattern: "/ctia/bulk",
      scope: "private-intel:read",
      handler: (ctx) => {
        const out: Record<string, unknown> = {};
        for (const [plural, id] of ctx.query) {
          const entity = BY_PLURAL.get(plural);
          if (!entity) return validation({ [plural]: "disallowed-key" });
          const list = (out[plural] ??= []) as unknown[];
          list.push(store.get(entity, id) ?? null);
        }
        return json(200, out);
      },
    },
    {
      method: "GET",
      pattern: "/ctia/:entity/search",
      guard: isEntity,
      scope: (p) => readScope(p.entity as string),
      handler: (ctx) => {
        const entity = ctx.params.entity as string;
        return store.page(store.filter(entity, ctx.query), ctx.query);
      },
    },
    {
      method: "GET",
      pattern: "/ctia/:entity/search/count",
      guard: isEntity,
      scope: (p) => readScope(p.entity as string),
      handler: (ctx) => json(200, store.filter(ctx.params.entity as string, ctx.query).length),
    },
    {
      method: "DELETE",
      pattern: "/ctia/:entity/search",
      guard: isEntity,
      scope: (p) => writeScope(p.entity as string),
      handler: (ctx) => {
        const entity = ctx.params.entity as string;
        const filtered = [...ctx.query.keys()].some(
          (k) => k === "query" || k === "from" || k === "to" || !RESERVED.has(k),
        );
        if (!filtered) {
          return json(403, {
            error: "you must provide at least one of from, to, query or any field filter.",
          });
        }
        const matches = store.filter(entity, ctx.query);
        if (ctx.query.get("REALLY_DELETE_ALL_THESE_ENTITIES") === "true") {
          for (const e of matches) store.delete(entity, e.id);
        }
        return json(200, matches.length);
      },
    },
    {
      method: "GET",
      pattern: "/ctia/:entity/external_id/:eid",
      guard: isEntity,
      scope: (p) => readScope(p.entity as string),
      handler: (ctx) => {
        const eid = ctx.params.eid as string;
        const entity = ctx.params.entity as string;
        const items = store.filter(entity, new URLSearchParams(), (e) =>
          Array.isArray(e.external_ids) ? e.external_ids.includes(eid) : false,
        );
        return store.page(items, ctx.query);
      },
    },
    {
      method: "POST",
      pattern: "/ctia/:entity",
      guard: isEntity,
      scope: (p) => writeScope(p.entity as string),
      handler: (ctx) =>
        entityReply(store.create(ctx.params.entity as string, bodyOf(ctx), owner(ctx)), 201),
    },
    {
      method: "GET",
      pattern: "/ctia/:entity/:id",
      guard: isEntity,
      scope: (p) => readScope(p.entity as string),
      handler: (ctx) => {
        const entity = ctx.params.entity as string;
        const e = store.get(entity, ctx.params.id as string);
        if (!e) return notFound(entity);
        return json(
          200,
          project(
            e,
            ctx.query.getAll("fields").flatMap((f) => f.split(",")),
          ),
        );
      },
    },
    {
      method: "PUT",
      pattern: "/ctia/:entity/:id",
      guard: isEntity,
      scope: (p) => writeScope(p.entity as string),
      handler: (ctx) =>
        entityReply(
          store.replace(
            ctx.params.entity as string,
            ctx.params.id as string,
            bodyOf(ctx),
            owner(ctx),
          ),
        ),
    },
    {
      method: "PATCH",
      pattern: "/ctia/:entity/:id",
      guard: (p) => isEntity(p) && ENTITIES[p.entity as string]?.patch === true,
      scope: (p) => writeScope(p.entity as string),
      handler: (ctx) =>
        entityReply(store.patch(ctx.params.entity as string, ctx.params.id as string, bodyOf(ctx))),
    },
    {
      method: "DELETE",
      pattern: "/ctia/:entity/:id",
      guard: isEntity,
      scope: (p) => writeScope(p.entity as string),
      handler: (ctx) => {
        const entity = ctx.params.entity as string;
        return store.delete(entity, ctx.params.id as string) ? empty(204) : notFound(entity);
      },
    },
    {
      method: "POST",
      pattern: "/ctia/judgement/:id/expire",
      scope: writeScope("judgement"),
      handler: (ctx) => {
        const reason = ctx.query.get("reason");
        if (!reason) return validation({ reason: "missing-required-key" });
        const e = store.get("judgement", ctx.params.id as string);
        if (!e) return json(404, { error: "Judgement not found" });
        const vt = isRecord(e.valid_time) ? e.valid_time : {};
        return entityReply(
          store.patch("judgement", e.id, {
            valid_time: { ...vt, end_time: isoTime(ctx.now()) },
            reason: `${typeof e.reason === "string" ? `${e.reason} ` : ""}${reason}`,
          }),
        );
      },
    },
    {
      method: "POST",
      pattern: "/ctia/incident/:id/status",
      scope: writeScope("incident"),
      handler: (ctx) => {
        const body = bodyOf(ctx);
        if (!isRecord(body) || typeof body.status !== "string") {
          return validation({ status: "missing-required-key" });
        }
        const e = store.get("incident", ctx.params.id as string);
        if (!e) return notFound("incident");
        const it = isRecord(e.incident_time) ? e.incident_time : {};
        const stamp = body.status.startsWith("Closed") ? { closed: isoTime(ctx.now()) } : {};
        return entityReply(
          store.patch("incident", e.id, {
            status: body.status,
            incident_time: { ...it, ...stamp },
          }),
        );
      },
    },
    {
      method: "GET",
      pattern: "/ctia/:type/:value/verdict",
      guard: isObservableType,
      scope: "private-intel/verdict:read",
      handler: (ctx) => {
        const v = store.verdict(ctx.params.type as string, ctx.params.value as string);
        if (!v) {
          return json(404, {
            message: "no verdict currently available for the supplied observable",
          });
        }
        return json(200, v);
      },
    },
    {
      method: "GET",
      pattern: "/ctia/:type/:value/judgements",
      guard: isObservableType,
      scope: readScope("judgement"),
      handler: (ctx) => {
        const { type, value } = ctx.params;
        const items = store.filter("judgement", new URLSearchParams(), (e) => {
          const o = e.observable;
          return isRecord(o) && o.type === type && o.value === value;
        });
        return store.page(items, ctx.query);
      },
    },
    {
      method: "GET",
      pattern: "/ctia/:type/:value/sightings",
      guard: isObservableType,
      scope: readScope("sighting"),
      handler: (ctx) => {
        const { type, value } = ctx.params;
        const items = store.filter("sighting", new URLSearchParams(), (e) =>
          Array.isArray(e.observables)
            ? e.observables.some((o) => isRecord(o) && o.type === type && o.value === value)
            : false,
        );
        return store.page(items, ctx.query);
      },
    },
  ];
}
