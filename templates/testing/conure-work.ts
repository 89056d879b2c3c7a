// Simulated Conure v2, third part: investigations (create, edit, copy, views), casebooks,
// report metrics and the v3 entity routes.

import { randomUUID } from "node:crypto";
import { empty, isoTime, isRecord, json, ReplyError } from "./http.js";
import type { Ctx, Reply, Route } from "./http.js";
import {
  body,
  CONURE_PREFIX,
  ConureStore,
  conureError,
  type Incident,
  type Investigation,
  notFound,
  pageOf,
  validObservables,
} from "./conure.js";
import { eventsOf, type Observable, READ, VIEW_NAMES, views } from "./conure-views.js";
import { conureMoreRoutes } from "./conure-more.js";

const PERIODS = new Set(["last_hour", "last_24_hours", "last_7_days", "last_30_days"]);
for (const p of ["last_60_days", "last_90_days"]) PERIODS.add(p);

function investigationRoutes(store: ConureStore): Route[] {
  const p = `${CONURE_PREFIX}/v2/investigation`;
  const RUN = "investigation";
  const inv = (ctx: Ctx) => store.investigation(ctx.params.id as string);
  const idReply = (i: Investigation) => json(200, { investigation_id: i.id });
  const titled = (ctx: Ctx): { title: string; description?: string } => {
    const b = body(ctx);
    if (typeof b.title !== "string" || b.title.length < 1 || b.title.length > 1024)
      throw new ReplyError(conureError(400, { title: "1 to 1024 characters" }));
    return { title: b.title, description: typeof b.description === "string" ? b.description : "" };
  };
  const one = new Map<string, (ctx: Ctx) => Reply>([
    ["bundle", (ctx) => (body(ctx), idReply(inv(ctx)))],
    [
      "observable/add",
      (ctx) => {
        const i = inv(ctx);
        const b = body(ctx);
        if (!validObservables(b.observables)) return conureError(400, { observables: "invalid" });
        i.observables.push(...(b.observables as Observable[]));
        return idReply(i);
      },
    ],
    [
      "observable/remove",
      (ctx) => {
        const i = inv(ctx);
        const gone = body(ctx).observables;
        if (!validObservables(gone)) return conureError(400, { observables: "invalid" });
        const values = new Set((gone as Observable[]).map((o) => `${o.type}\u0000${o.value}`));
        i.observables = i.observables.filter((o) => !values.has(`${o.type}\u0000${o.value}`));
        return idReply(i);
      },
    ],
    ["task", (ctx) => (inv(ctx), json(200, { task: body(ctx), status: "completed" }))],
    [
      "copy",
      (ctx) => {
        const i = inv(ctx);
        const b = body(ctx);
        const copy = store.createInvestigation({ ...i, ...b, observables: [...i.observables] });
        copy.saved = b.saved === true;
        return idReply(copy);
      },
    ],
    [
      "save-as",
      (ctx) => {
        const i = inv(ctx);
        const copy = store.createInvestigation({ ...i, ...titled(ctx) });
        copy.observables = [...i.observables];
        copy.saved = true;
        copy.savedAt = isoTime(store.now());
        return idReply(copy);
      },
    ],
  ]);
  const create = (ctx: Ctx): Reply => {
    const b = body(ctx);
    if (!validObservables(b.observables)) return conureError(400, { observables: "required" });
    return idReply(store.createInvestigation(b));
  };
  return [
    { method: "POST", pattern: p, scope: RUN, handler: create },
    {
      method: "POST",
      pattern: `${p}/bundle`,
      scope: RUN,
      handler: (ctx) => {
        const b = body(ctx);
        if (!isRecord(b.bundle)) return conureError(400, { bundle: "missing-required-key" });
        return idReply(
          store.createInvestigation({ ...b, observables: b.investigated_observables }),
        );
      },
    },
    ...[...one].map(([suffix, handler]): Route => ({
      method: "POST",
      pattern: `${p}/:id/${suffix}`,
      scope: RUN,
      handler,
    })),
    {
      method: "PUT",
      pattern: `${p}/:id/edit`,
      scope: RUN,
      handler: (ctx) => {
        const i = inv(ctx);
        Object.assign(i, titled(ctx), { saved: true, savedAt: isoTime(store.now()) });
        return idReply(i);
      },
    },
    {
      method: "DELETE",
      pattern: `${p}/:id/delete`,
      scope: RUN,
      handler: (ctx) => json(200, { success: store.investigations.delete(inv(ctx).id) }),
    },
    ...VIEW_NAMES.map((view): Route => ({
      method: "GET",
      pattern: `${p}/:id/${view}`,
      scope: READ,
      handler: (ctx) => json(200, views(store, inv(ctx)).get(view)?.()),
    })),
  ];
}

function casebookRoutes(store: ConureStore): Route[] {
  const p = `${CONURE_PREFIX}/v2/casebook`;
  const get = (ctx: Ctx) => {
    const c = store.casebooks.get(ctx.params.id as string);
    if (!c) throw new ReplyError(notFound());
    return c;
  };
  const save = (input: Record<string, unknown>, prior?: Record<string, unknown>) => {
    const time = isoTime(store.now());
    const id = (prior?.id as string | undefined) ?? `casebook-${randomUUID()}`;
    const c = { observables: [], texts: [], ...prior, ...input, id, type: "casebook" };
    store.casebooks.set(id, {
      ...c,
      schema_version: "1.3.9",
      groups: ["sim-org"],
      timestamp: time,
    });
    return store.casebooks.get(id)!;
  };
  const edit = (field: "observables" | "texts" | "bundle") => (ctx: Ctx) => {
    const c = get(ctx);
    const b = body(ctx);
    if (!["add", "remove", "replace"].includes(String(b.operation)) || !(field in b))
      return conureError(400, { operation: "add, remove or replace", [field]: "required" });
    if (field === "bundle" || b.operation === "replace")
      return json(200, save({ [field]: b[field] }, c));
    const list = Array.isArray(c[field]) ? (c[field] as unknown[]) : [];
    const given = Array.isArray(b[field]) ? (b[field] as unknown[]) : [];
    const key = (x: unknown) => JSON.stringify(x);
    const next =
      b.operation === "add"
        ? [...list, ...given]
        : list.filter((x) => !given.some((g) => key(g) === key(x)));
    return json(200, save({ [field]: next }, c));
  };
  return [
    { method: "POST", pattern: p, scope: "casebook", handler: (ctx) => json(201, save(body(ctx))) },
    {
      method: "GET",
      pattern: `${p}/search`,
      scope: "casebook:read",
      handler: (ctx) => {
        const q = (ctx.query.get("query") ?? "").toLowerCase();
        const all = [...store.casebooks.values()].filter(
          (c) =>
            !q ||
            q === "*" ||
            String(c.title ?? "")
              .toLowerCase()
              .includes(q),
        ) as Incident[];
        return pageOf(store, ctx, all);
      },
    },
    {
      method: "GET",
      pattern: `${p}/:id`,
      scope: "casebook:read",
      handler: (ctx) => json(200, get(ctx)),
    },
    {
      method: "PUT",
      pattern: `${p}/:id`,
      scope: "casebook",
      handler: (ctx) => json(200, save(body(ctx), get(ctx))),
    },
    {
      method: "PATCH",
      pattern: `${p}/:id`,
      scope: "casebook",
      handler: (ctx) => json(200, save(body(ctx), get(ctx))),
    },
    {
      method: "DELETE",
      pattern: `${p}/:id`,
      scope: "casebook",
      handler: (ctx) => (store.casebooks.delete(get(ctx).id as string), empty(204)),
    },
    {
      method: "GET",
      pattern: `${p}/:id/summary`,
      scope: "casebook:read",
      handler: (ctx) => {
        const c = get(ctx);
        const incidents = [...store.incidents.values()].filter((i) =>
          store.links.get(i.id)?.has(c.id as string),
        );
        return json(200, { ...c, incidents });
      },
    },
    {
      method: "POST",
      pattern: `${p}/:id/observables`,
      scope: "casebook",
      handler: edit("observables"),
    },
    { method: "POST", pattern: `${p}/:id/texts`, scope: "casebook", handler: edit("texts") },
    { method: "POST", pattern: `${p}/:id/bundle`, scope: "casebook", handler: edit("bundle") },
  ];
}

function metricRoutes(store: ConureStore): Route[] {
  const rows = new Map<string, () => unknown[]>([
    [
      "incident-status-by-assignment",
      () => {
        const counts = new Map<string, number>();
        for (const i of store.incidents.values()) {
          const key = `${String(i.status)}\u0000${(i.assignees as unknown[]).length ? "assigned" : "unassigned"}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        return [...counts].map(([k, n]) => {
          const [status, assignment] = k.split("\u0000");
          return { status, assignment, incident_count: n };
        });
      },
    ],
    ["mitre-attack-incidents", () => [{ tactic: "TA0011", incident_count: store.incidents.size }]],
    ["top-seen-techniques", () => [{ technique: "T1071", incident_count: store.incidents.size }]],
    ["detection-sources-histogram", () => []],
    ["top-targeted-devices", () => []],
    ["top-targeted-users", () => []],
    ["top-targeted-assets", () => []],
  ]);
  const means = ["team", "user"].flatMap((who) =>
    ["engage", "contain", "resolve"].map((what) => `${who}-mean-time-to-${what}`),
  );
  const period = (ctx: Ctx) => {
    const value = ctx.query.get("period");
    if (value !== null && !PERIODS.has(value))
      throw new ReplyError(conureError(400, { period: value }));
  };
  return [
    ...[...rows].map(([name, make]): Route => ({
      method: "GET",
      pattern: `${CONURE_PREFIX}/v2/report/${name}`,
      scope: READ,
      handler: (ctx) => (period(ctx), json(200, make())),
    })),
    ...means.map((name): Route => ({
      method: "GET",
      pattern: `${CONURE_PREFIX}/v2/report/${name}`,
      scope: READ,
      handler: (ctx) => (period(ctx), json(200, { current_avg: 3600, prior_avg: null })),
    })),
  ];
}

function v3Routes(store: ConureStore): Route[] {
  const graph = () => json(200, { nodes: {}, edges: {}, errors: [] });
  const entity = (ctx: Ctx) =>
    json(200, {
      entity: {
        id: ctx.params.entity,
        type: "device",
        disposition: 5,
        investigated: true,
        label: "host",
      },
      activities: [],
    });
  const inc = (ctx: Ctx) => store.incident(ctx.params.id as string);
  const inv = (ctx: Ctx) => store.investigation(ctx.params.id as string);
  const p = `${CONURE_PREFIX}/v3`;
  return [
    {
      method: "GET",
      pattern: `${p}/incident/filters`,
      scope: READ,
      handler: () => {
        const all = [...store.incidents.values()];
        const values = (k: string) => [...new Set(all.flatMap((i) => (i[k] as string[]) ?? []))];
        return json(200, {
          detection_sources: values("detection_sources"),
          tactics: values("tactics"),
          techniques: values("techniques"),
        });
      },
    },
    {
      method: "POST",
      pattern: `${p}/incident/:id/graph`,
      scope: READ,
      handler: (c) => (inc(c), graph()),
    },
    {
      method: "GET",
      pattern: `${p}/incident/:id/entity/:entity`,
      scope: READ,
      handler: (c) => (inc(c), entity(c)),
    },
    {
      method: "GET",
      pattern: `${p}/investigation/:id/graph`,
      scope: READ,
      handler: (c) => (inv(c), graph()),
    },
    {
      method: "POST",
      pattern: `${p}/investigation/:id/graph`,
      scope: READ,
      handler: (c) => (inv(c), graph()),
    },
    {
      method: "GET",
      pattern: `${p}/investigation/:id/events`,
      scope: READ,
      handler: (c) => json(200, eventsOf(inv(c), isoTime(store.now()))),
    },
    {
      method: "GET",
      pattern: `${p}/investigation/:id/entity/:entity`,
      scope: READ,
      handler: (c) => (inv(c), entity(c)),
    },
  ];
}

/** Investigations, casebooks, report metrics and v3 routes. */
export function conureWorkRoutes(store: ConureStore): Route[] {
  return [
    ...investigationRoutes(store),
    ...casebookRoutes(store),
    ...metricRoutes(store),
    ...v3Routes(store),
    ...conureMoreRoutes(store),
  ];
}
