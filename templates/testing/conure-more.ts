// Simulated Conure v2/v3, fourth part: the routes of Cisco's swagger read last (events with their
// query and filters, recommendations, import, sighting findings, casebooks by external id,
// investigations from snapshots and their errors, the v3 search, events, storyboard and incident
// graph). Shapes follow specs/conure.yaml.

import { isoTime, isRecord, json, ReplyError } from "./http.js";
import type { Ctx, Reply, Route } from "./http.js";
import {
  body,
  CONURE_PREFIX,
  ConureStore,
  conureError,
  type Incident,
  notFound,
  pageOf,
} from "./conure.js";
import { STATUS_SET } from "./conure-search.js";
import { eventsOf, READ } from "./conure-views.js";

const WRITE = "private-intel:write";
type Event = ReturnType<typeof eventsOf>[number];

/** The events of an incident's primary investigation. */
function incidentEvents(store: ConureStore, incident: Incident): Event[] {
  const inv = store.investigation(store.primary.get(incident.id) ?? "");
  return eventsOf(inv, incident.timestamp);
}

const ORDERS = new Set(["start_time", "time", "title", "severity", "source"]);

/** Applies S1's event query: filters, then `order`/`sort`, then `offset`/`limit`. */
export function filterEvents(events: Event[], q: URLSearchParams, sightings?: unknown): Event[] {
  const sev = q.getAll("severity");
  const src = q.getAll("source");
  const types = q.getAll("type");
  const text = (q.get("search_text") ?? "").toLowerCase();
  const order = q.get("order") || "start_time";
  if (!ORDERS.has(order)) throw new ReplyError(conureError(400, { order }));
  const ids = Array.isArray(sightings) ? new Set(sightings.map(String)) : undefined;
  const kept = events.filter(
    (e) =>
      (!ids || ids.has(e.id)) &&
      (!sev.length || sev.includes(e.severity)) &&
      (!src.length || src.includes(e.source)) &&
      (!types.length || types.includes(e.original ? "Original" : "Investigated")) &&
      (q.get("notable") !== "true" || e.notable) &&
      (q.get("important_only") !== "true" || e.notable) &&
      (!text || JSON.stringify(e.data.rows).toLowerCase().includes(text)),
  );
  const key = (e: Event) =>
    order === "start_time" || order === "time"
      ? e.observed_time.start_time
      : String((e as Record<string, unknown>)[order]);
  const sign = q.get("sort") === "desc" ? -1 : 1;
  kept.sort((a, b) => (key(a) < key(b) ? -sign : key(a) > key(b) ? sign : 0));
  const offset = Number(q.get("offset") ?? 0);
  const limit = q.get("limit") === null ? kept.length : Number(q.get("limit"));
  return kept.slice(offset, offset + limit);
}

function eventRoutes(store: ConureStore): Route[] {
  const p = `${CONURE_PREFIX}/v2/incident/:id`;
  const inc = (ctx: Ctx) => store.incident(ctx.params.id as string);
  const events = (ctx: Ctx, sightings?: unknown): Reply =>
    json(200, filterEvents(incidentEvents(store, inc(ctx)), ctx.query, sightings));
  return [
    { method: "GET", pattern: `${p}/events`, scope: READ, handler: (ctx) => events(ctx) },
    {
      method: "POST",
      pattern: `${p}/events`,
      scope: READ,
      handler: (ctx) => {
        // The body is optional and may be null (S1 @4082000).
        const b = ctx.body.length ? (JSON.parse(ctx.body.toString("utf8")) as unknown) : null;
        if (b !== null && !isRecord(b)) return conureError(400, "an object or null");
        return events(ctx, b?.sightings);
      },
    },
    {
      method: "GET",
      pattern: `${p}/event-filters`,
      scope: READ,
      handler: (ctx) => {
        const all = incidentEvents(store, inc(ctx));
        const uniq = (xs: string[]) => (xs.length ? [...new Set(xs)] : null);
        return json(200, {
          severity: uniq(all.map((e) => e.severity)),
          type: uniq(all.map((e) => (e.original ? "Original" : "Investigated"))),
          source: uniq(all.map((e) => e.source)),
        });
      },
    },
  ];
}

/** One playbook phase per incident, with a task whose state follows the incident's status. */
function recommendation(incident: Incident) {
  const closed = String(incident.status).startsWith("Closed");
  const task = {
    type: "task",
    action: "execute",
    id: `task-${incident.id}`,
    task_id: `task-${incident.id}`,
    phase_id: "identification",
    phase_title: "Identification",
    is_global: true,
    title: "Confirm Incident",
    description: "Upon analysis, change the incident status.",
    short_description: "Confirm or reject the incident.",
    note_draft: null,
    select: [],
  };
  const counts = { available: closed ? 0 : 1, completed: closed ? 1 : 0 };
  return {
    phases: [
      {
        phase_id: "identification",
        phase_title: "Identification",
        status: closed ? "completed" : "available",
        action_total_count: 1,
        action_counts: {
          ...counts,
          running: 0,
          "not-applicable": 0,
          failed: 0,
          "action-required": 0,
          "partially-completed": 0,
          errored: 0,
        },
      },
    ],
    incident,
    incident_id: incident.id,
    available_actions: closed ? [] : [task],
    completed_actions: closed ? [task] : [],
    running_actions: [],
    partially_completed_actions: [],
    errored_actions: [],
  };
}

function incidentMoreRoutes(store: ConureStore): Route[] {
  const p = `${CONURE_PREFIX}/v2/incident/:id`;
  return [
    {
      method: "GET",
      pattern: `${p}/recommend`,
      scope: READ,
      handler: (ctx) => json(200, recommendation(store.incident(ctx.params.id as string))),
    },
    {
      method: "POST",
      pattern: `${p}/import`,
      scope: WRITE,
      handler: (ctx) => {
        // Importing an incident Conure does not know yet makes a fresh record of it.
        const raw = ctx.params.id as string;
        const tail = raw.slice(raw.lastIndexOf("/") + 1);
        const id = tail.startsWith("incident-") ? tail : `incident-${tail}`;
        const known = store.incidents.get(id);
        if (!known) {
          const time = isoTime(store.now());
          store.incidents.set(id, {
            id,
            type: "incident",
            title: "Imported from CTIA",
            status: "New",
            confidence: "Unknown",
            incident_time: { opened: time },
            groups: ["sim-org"],
            schema_version: "1.3.9",
            timestamp: time,
          });
          store.primary.set(id, store.createInvestigation({ title: "Imported" }).id);
        }
        return json(201, { incident_id: id, short_id: known?.short_id ?? null });
      },
    },
    {
      method: "GET",
      pattern: `${CONURE_PREFIX}/v2/sighting/:id/findings`,
      scope: READ,
      handler: (ctx) => {
        const id = ctx.params.id as string;
        for (const inv of store.investigations.values()) {
          const event = eventsOf(inv, isoTime(store.now())).find((e) => e.id === id);
          if (event) return json(200, [{ sighting_id: id, observables: event.data.rows.flat() }]);
        }
        return notFound();
      },
    },
    {
      method: "GET",
      pattern: `${CONURE_PREFIX}/v2/casebook/external_id/:eid`,
      scope: "casebook:read",
      handler: (ctx) => {
        const eid = ctx.params.eid as string;
        const all = [...store.casebooks.values()].filter(
          (c) => Array.isArray(c.external_ids) && c.external_ids.includes(eid),
        ) as Incident[];
        return pageOf(store, ctx, all);
      },
    },
  ];
}

type Range = { start_date?: string; end_date?: string };
const SORT_FIELDS = new Set(["title", "scores", "status", "created_at", "updated_at"]);
for (const f of ["last_activity", "short_id"]) SORT_FIELDS.add(f);

/** Tactic/technique ids with `*` wildcards (S1: `TA01*`). */
function wildcard(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${re}$`).test(value);
}

/** `POST /v3/incident/search`: include/exclude filters, ranges, search_text, sort, fields. */
export function v3Search(store: ConureStore, b: Record<string, unknown>): unknown[] {
  const f = isRecord(b.filters) ? b.filters : {};
  const inex = (name: string, values: (i: Incident) => string[], wild = false) => {
    const spec = isRecord(f[name]) ? f[name] : {};
    const inc = Array.isArray(spec.include) ? spec.include.map(String) : [];
    const exc = Array.isArray(spec.exclude) ? spec.exclude.map(String) : [];
    const hit = (pats: string[], v: string[]) =>
      pats.some((p) => v.some((x) => (wild ? wildcard(p, x) : p === x)));
    return (i: Incident) => (!inc.length || hit(inc, values(i))) && !hit(exc, values(i));
  };
  const list = (k: string) => (i: Incident) => (Array.isArray(i[k]) ? (i[k] as string[]) : []);
  const status = isRecord(f.status) ? f.status : {};
  for (const s of [status.include, status.exclude].flat())
    if (s !== undefined && !STATUS_SET.has(String(s)))
      throw new ReplyError(conureError(400, { filters: { status: String(s) } }));
  const tests = [
    inex("id", (i) => [i.id, i.id.slice("incident-".length)]),
    inex("status", (i) => [String(i.status)]),
    inex("detection_sources", list("detection_sources")),
    inex("tactics", list("tactics"), true),
    inex("techniques", list("techniques"), true),
  ];
  const created = (isRecord(f.created_at) ? f.created_at : {}) as Range;
  const score = isRecord(f.score) ? f.score : {};
  const short = typeof f.short_id === "string" ? f.short_id.replace(/^INC-/, "") : undefined;
  const text = typeof b.search_text === "string" ? b.search_text.toLowerCase() : "";
  const global = (i: Incident) => Number((i.scores as { global?: number } | undefined)?.global);
  let found = [...store.incidents.values()].filter(
    (i) =>
      tests.every((t) => t(i)) &&
      (!short || String(i.short_id ?? "").replace(/^INC-/, "") === short) &&
      (created.start_date === undefined || String(i.created) >= created.start_date) &&
      (created.end_date === undefined || String(i.created) <= created.end_date) &&
      (typeof score.min !== "number" || global(i) >= score.min) &&
      (typeof score.max !== "number" || global(i) <= score.max) &&
      (!text ||
        ["id", "title", "description", "short_description", "source"].some((k) =>
          String(i[k] ?? "")
            .toLowerCase()
            .includes(text),
        )),
  );
  const sorts = Array.isArray(b.sort_by) ? b.sort_by.filter(isRecord) : [];
  for (const s of [...sorts].reverse()) {
    const field = String(s.field);
    if (!SORT_FIELDS.has(field)) throw new ReplyError(conureError(400, { sort_by: field }));
    const sign = s.direction === "desc" ? -1 : 1;
    const v = (i: Incident) =>
      field === "scores" ? global(i) : String(i[field === "created_at" ? "created" : field]);
    found = [...found].sort((a, c) => (v(a) < v(c) ? -sign : v(a) > v(c) ? sign : 0));
  }
  const offset = typeof b.offset === "number" ? b.offset : 0;
  const limit = typeof b.limit === "number" ? b.limit : found.length;
  const fields = Array.isArray(b.fields) ? b.fields.map(String) : [];
  return found
    .slice(offset, offset + limit)
    .map((i) =>
      fields.length
        ? Object.fromEntries(fields.filter((k) => Object.hasOwn(i, k)).map((k) => [k, i[k]]))
        : i,
    );
}

function v3MoreRoutes(store: ConureStore): Route[] {
  const p = `${CONURE_PREFIX}/v3/incident`;
  const inc = (ctx: Ctx) => store.incident(ctx.params.id as string);
  return [
    {
      method: "POST",
      pattern: `${p}/search`,
      scope: READ,
      handler: (ctx) => json(200, v3Search(store, body(ctx))),
    },
    {
      method: "GET",
      pattern: `${p}/:id/events`,
      scope: READ,
      handler: (ctx) => json(200, filterEvents(incidentEvents(store, inc(ctx)), ctx.query)),
    },
    {
      method: "GET",
      pattern: `${p}/:id/storyboard`,
      scope: READ,
      handler: (ctx) => {
        const i = inc(ctx);
        const events = incidentEvents(store, i);
        return json(200, { incident_id: i.id, title: i.title, chapters: events.map((e) => e.id) });
      },
    },
    {
      method: "POST",
      pattern: `${p}/:id/storyboard/feedback`,
      scope: WRITE,
      handler: (ctx) => {
        const i = inc(ctx);
        const b = body(ctx);
        const meta = b.report_metadata;
        const missing = ["type", "report_metadata", "feedback_metadata", "text"].filter(
          (k) => !(k in b),
        );
        if (missing.length || !["general", "verdict"].includes(String(b.type)))
          return conureError(400, { missing, type: b.type });
        if (!isRecord(meta) || typeof meta.xdr_chain_id !== "string")
          return conureError(400, { report_metadata: "langsmith_trace_id and xdr_chain_id" });
        if (typeof b.text !== "string" || b.text.length < 1 || b.text.length > 6000)
          return conureError(400, { text: "1 to 6000 characters" });
        store.feedback.push({ incident_id: i.id, ...b });
        return json(201, {});
      },
    },
    {
      method: "GET",
      pattern: `${p}/:id/graph`,
      scope: READ,
      handler: (ctx) => (inc(ctx), json(200, { nodes: {}, edges: {}, errors: [] })),
    },
  ];
}

/** Investigations from a snapshot or from another investigation, and their errors. */
function snapshotRoutes(store: ConureStore): Route[] {
  const p = `${CONURE_PREFIX}/v2/investigation`;
  const RUN = "investigation";
  return [
    {
      method: "POST",
      pattern: `${p}/snapshot`,
      scope: RUN,
      handler: (ctx) => {
        const b = body(ctx);
        // S1 @1606100: an object of strings, four of them required.
        const missing = ["short_description", "source", "actions", "timestamp"].filter(
          (k) => typeof b[k] !== "string",
        );
        const notString = Object.keys(b).filter((k) => typeof b[k] !== "string");
        if (missing.length || notString.length)
          return conureError(400, { missing, not_a_string: notString });
        const inv = store.createInvestigation({
          title: b.short_description,
          description: b.description,
          source: b.source,
        });
        return json(200, { investigation_id: inv.id });
      },
    },
    {
      // A GET that creates (S1 @1611500): a new investigation with the same observables.
      method: "GET",
      pattern: `${p}/:id/snapshot`,
      scope: RUN,
      handler: (ctx) => {
        const from = store.investigation(ctx.params.id as string);
        const copy = store.createInvestigation({ ...from, observables: [...from.observables] });
        return json(200, { investigation_id: copy.id });
      },
    },
    {
      method: "GET",
      pattern: `${p}/:id/errors`,
      scope: READ,
      handler: (ctx) => (store.investigation(ctx.params.id as string), json(200, [])),
    },
  ];
}

/** The routes read last in Cisco's swagger. */
export function conureMoreRoutes(store: ConureStore): Route[] {
  return [
    ...eventRoutes(store),
    ...incidentMoreRoutes(store),
    ...snapshotRoutes(store),
    ...v3MoreRoutes(store),
  ];
}
