// Simulated Conure v2, second part: the incident and investigation detail views, the incident
// report and the v1 routes. Values are computed from
// the seeded incidents so that tests can assert on them; shapes follow specs/conure.yaml.

import { isoTime, isRecord, json, ReplyError } from "./http.js";
import type { Ctx, Route } from "./http.js";
import {
  body,
  CONURE_PREFIX,
  ConureStore,
  conureError,
  type Incident,
  type Investigation,
  pageOf,
  searchIncidents,
} from "./conure.js";
import { dispositionOf } from "./vocab.js";

export const READ = "private-intel:read";
const WRITE = "private-intel:write";
const SECTIONS = new Set(["timeline", "executive", "events", "incident"]);

export type Observable = { type: string; value: string };

/** The detail views incidents and investigations share (`status` is separate for incidents). */
export const VIEW_NAMES = ["overview", "summary", "observables", "entities", "verdicts", "events"];
VIEW_NAMES.push("targets", "indicators", "status", "graph");

function disposition(o: Observable): number {
  return dispositionOf(o);
}

function observablesOf(store: ConureStore, inv: Investigation, incidentId?: string) {
  const actions = incidentId ? (store.actions.get(incidentId) ?? []) : [];
  return inv.observables.map((o) => ({
    ...o,
    disposition: disposition(o),
    actions_taken: actions.filter((a) => isRecord(a.observable) && a.observable.value === o.value),
  }));
}

function targetsOf(store: ConureStore, inv: Investigation, incidentId?: string) {
  const actions = incidentId ? (store.actions.get(incidentId) ?? []) : [];
  return inv.observables
    .filter((o) => o.type === "hostname")
    .map((o) => ({
      type: "endpoint",
      value: o.value,
      count: 1,
      is_asset: true,
      asset_id: null,
      asset_value: 7,
      observableType: o.type,
      observables: [o],
      properties: [],
      actions_taken: actions,
    }));
}

export function eventsOf(inv: Investigation, time: string) {
  return inv.observables.map((o, i) => ({
    id: `sighting-${inv.id}-${i}`,
    type: "sighting",
    confidence: "High",
    count: 1,
    severity: i === 0 ? "High" : "Medium",
    source: "Cisco Secure Endpoint",
    // The first event is the one that raised the incident (S1's `original`, `notable`).
    original: i === 0,
    notable: i === 0,
    observed_time: { start_time: time, end_time: null },
    data: { columns: [{ name: "value", type: "observable" }], rows: [[o.value]], row_count: 1 },
    compacted_entities: [],
  }));
}

function summaryOf(store: ConureStore, inv: Investigation, incident?: Incident) {
  const observables = observablesOf(store, inv, incident?.id);
  const targets = targetsOf(store, inv, incident?.id);
  const time = incident?.timestamp ?? isoTime(store.now());
  return {
    event_count: inv.observables.length,
    first_seen_event: time,
    last_seen_event: time,
    sources: [String(incident?.source ?? inv.source)],
    indicators: { total_count: 0, data: [] },
    observables: { total_count: observables.length, data: observables },
    targets: { total_count: targets.length, data: targets },
  };
}

/** The views shared by incidents (through their primary investigation) and investigations. */
export function views(store: ConureStore, inv: Investigation, incident?: Incident) {
  const time = incident?.timestamp ?? isoTime(store.now());
  const overview = {
    id: incident?.id ?? inv.id,
    title: incident?.title ?? inv.title,
    description: incident?.description ?? inv.description,
    ...(incident ? { owner: incident.owner } : {}),
    investigated_observables: inv.observables,
    saved: inv.saved,
    saved_at: inv.savedAt,
  };
  const observables = observablesOf(store, inv, incident?.id);
  return new Map<string, () => unknown>([
    ["overview", () => overview],
    ["summary", () => summaryOf(store, inv, incident)],
    ["observables", () => observables],
    [
      "entities",
      () => observables.map((o) => ({ ...o, observableType: o.type, count: 1, sightings: [] })),
    ],
    [
      "verdicts",
      () =>
        observables.map((o) => ({
          type: "verdict",
          observable: { type: o.type, value: o.value },
          disposition: o.disposition,
          module: "Sim Intel",
          judgement_ids: [],
        })),
    ],
    ["events", () => eventsOf(inv, time)],
    ["targets", () => targetsOf(store, inv, incident?.id)],
    ["indicators", () => []],
    [
      "status",
      () => ({ investigation_id: inv.id, completed: 1, pending: 0, sightings: 2, indicators: 0 }),
    ],
    ["graph", () => ({ nodes: {}, edges: {}, errors: [] })],
  ]);
}

function viewRoutes(store: ConureStore): Route[] {
  const p = `${CONURE_PREFIX}/v2/incident/:id`;
  const withIncident = (ctx: Ctx) => {
    const incident = store.incident(ctx.params.id as string);
    const inv = store.investigation(store.primary.get(incident.id) ?? "");
    return { incident, inv, all: views(store, inv, incident) };
  };
  const incidentViews: [string, (x: ReturnType<typeof withIncident>) => unknown][] = [
    // Events and status have incident-specific routes (conure-more.ts, below).
    ...VIEW_NAMES.filter((v) => v !== "status" && v !== "events").map(
      (v): [string, (x: ReturnType<typeof withIncident>) => unknown] => [
        v,
        (x) => x.all.get(v)?.(),
      ],
    ),
    ["mitre", (x) => mitreOf(x.incident)],
    [
      "primary-investigation",
      (x) => ({
        id: x.inv.id,
        short_description: x.inv.title,
        description: x.inv.description,
        source: x.inv.source,
      }),
    ],
    ["errors", () => []],
    [
      "linked-casebooks",
      (x) =>
        [...(store.links.get(x.incident.id) ?? [])].flatMap((id) => store.casebooks.get(id) ?? []),
    ],
    [
      "linked-incidents",
      (x) =>
        [...(store.links.get(x.incident.id) ?? [])].flatMap((id) => store.incidents.get(id) ?? []),
    ],
  ];
  return [
    ...incidentViews.map(([view, make]): Route => ({
      method: "GET",
      pattern: `${p}/${view}`,
      scope: READ,
      handler: (ctx) => json(200, make(withIncident(ctx))),
    })),
    {
      method: "GET",
      pattern: `${p}/status`,
      scope: READ,
      handler: (ctx) => {
        const x = withIncident(ctx);
        const counts = x.all.get("status")?.() as Record<string, unknown>;
        const { investigation_id: _, ...rest } = counts;
        return json(200, { ...rest, incident_id: x.incident.id, short_id: x.incident.short_id });
      },
    },
    {
      method: "GET",
      pattern: `${p}/export`,
      scope: READ,
      handler: (ctx) => {
        const x = withIncident(ctx);
        const url = (s: string) => `/v2/incident/${x.incident.id}/${s}`;
        // Keyed by query text: a Map, so that `__proto__` and the like are simply unknown.
        const sections = new Map<string, () => { endpoint_url: string; data: unknown }>([
          [
            "incident_summary",
            () => ({ endpoint_url: url("summary"), data: x.all.get("summary")?.() }),
          ],
          ["incident_graph", () => ({ endpoint_url: url("graph"), data: x.all.get("graph")?.() })],
          ["incident_errors", () => ({ endpoint_url: url("errors"), data: [] })],
          ["incident_worklog", () => ({ endpoint_url: url("worklog"), data: [] })],
          [
            "incident_events",
            () => ({ endpoint_url: url("events"), data: x.all.get("events")?.() }),
          ],
        ]);
        const asked = ctx.query.getAll("fields");
        const bad = asked.filter((f) => !sections.has(f));
        if (bad.length) return conureError(400, { fields: bad });
        const names = asked.length ? asked : [...sections.keys()];
        const out: Record<string, unknown> = {
          incident_id: x.incident.id,
          short_id: x.incident.short_id ?? null,
        };
        for (const n of names) out[n] = sections.get(n)!();
        return json(200, out);
      },
    },
    ...reportRoutes(store, p),
  ];
}

function mitreOf(incident: Incident) {
  const techniques = Array.isArray(incident.techniques) ? incident.techniques : [];
  return (Array.isArray(incident.tactics) ? incident.tactics : []).map((t) => ({
    id: t,
    title: t === "TA0011" ? "Command and Control" : String(t),
    techniques: techniques.map((id) => ({ id, title: String(id), subtechniques: [] })),
  }));
}

function reportRoutes(store: ConureStore, p: string): Route[] {
  const section = (incident: Incident, id: string) => {
    const edited = store.reportEdits.get(`${incident.id}/${id}`);
    return {
      ai_generated: edited === undefined,
      content: edited ?? `${id}: ${String(incident.title)}`,
      created_at: String(incident.created ?? incident.timestamp),
      error: null,
      failed: false,
      generating: false,
      section_id: id,
      user_id: "sim-user",
      updated_at: null,
    };
  };
  const checked = (ctx: Ctx) => {
    const incident = store.incident(ctx.params.id as string);
    const id = ctx.params.section as string;
    if (!SECTIONS.has(id)) throw new ReplyError(conureError(400, { "section-id": id }));
    return { incident, id };
  };
  return [
    {
      method: "GET",
      pattern: `${p}/report`,
      scope: READ,
      handler: (ctx) => {
        const incident = store.incident(ctx.params.id as string);
        return json(200, Object.fromEntries([...SECTIONS].map((s) => [s, section(incident, s)])));
      },
    },
    {
      method: "GET",
      pattern: `${p}/report/:section`,
      scope: READ,
      handler: (ctx) => {
        const { incident, id } = checked(ctx);
        return json(200, section(incident, id));
      },
    },
    {
      method: "POST",
      pattern: `${p}/report/:section`,
      scope: WRITE,
      handler: (ctx) => {
        const { incident, id } = checked(ctx);
        const content = body(ctx).content;
        if (content !== null && (typeof content !== "string" || content.length > 2500))
          return conureError(400, { content: "a string of at most 2500 characters, or null" });
        store.reportEdits.set(`${incident.id}/${id}`, content);
        return json(200, section(incident, id));
      },
    },
    {
      method: "POST",
      pattern: `${p}/report/:section/regenerate`,
      scope: WRITE,
      handler: (ctx) => {
        const { incident, id } = checked(ctx);
        store.reportEdits.delete(`${incident.id}/${id}`);
        return json(200, section(incident, id));
      },
    },
  ];
}

function v1Routes(store: ConureStore): Route[] {
  const p = `${CONURE_PREFIX}/v1/incident`;
  const inc = (ctx: Ctx) => store.incident(ctx.params.id as string);
  const invOf = (i: Incident) => store.investigation(store.primary.get(i.id) ?? "");
  return [
    {
      method: "GET",
      pattern: `${CONURE_PREFIX}/v1/incident-summary/search`,
      scope: READ,
      handler: (ctx) => {
        const page = pageOf(store, ctx, searchIncidents(store, ctx.query));
        const rows = (page.json as Incident[]).map((i) => {
          const full = store.incidents.get(i.id);
          const inv = full && store.investigations.get(store.primary.get(full.id) ?? "");
          const counted = (data: unknown[]) => ({ totalCount: data.length, data });
          return {
            ...i,
            summary: {
              eventsCount: inv?.observables.length ?? 0,
              firstEventDate: full?.timestamp ?? null,
              lastEventDate: full?.timestamp ?? null,
              indicators: counted([]),
              mitreData: counted([]),
              observables: counted(inv ? observablesOf(store, inv) : []),
              severity: counted([{ count: 1, value: full?.severity }]),
              source: counted([{ count: 1, value: full?.source }]),
              targets: counted([]),
              top_assets: [],
            },
          };
        });
        return { ...page, json: rows };
      },
    },
    {
      method: "GET",
      pattern: `${p}/:id/assets`,
      scope: READ,
      handler: (ctx) => (store.incident(ctx.params.id as string), json(200, [])),
    },
    {
      method: "GET",
      pattern: `${p}/:id/events`,
      scope: READ,
      handler: (ctx) => {
        const i = inc(ctx);
        return json(200, { events: eventsOf(invOf(i), i.timestamp) });
      },
    },
    {
      method: "GET",
      pattern: `${p}/:id/summary`,
      scope: READ,
      handler: (ctx) => {
        const i = inc(ctx);
        return json(200, { eventsCount: invOf(i).observables.length, incident: i });
      },
    },
  ];
}

/** The incident detail views and report, and the v1 routes. */
export function conureViewRoutes(store: ConureStore): Route[] {
  return [...viewRoutes(store), ...v1Routes(store)];
}
