// Simulated Conure v2 (incidents and investigations), mounted under `/conure` so that its `/v1`,
// `/v2`, `/v3` paths cannot meet Automation's. The store, seeded incidents, incident search with
// offset/limit/search_after, and incident writes; views, investigations, casebooks and reports
// are in conure-views.ts. Shapes follow specs/conure.yaml; errors are Conure's `{message}`.

import { randomUUID } from "node:crypto";
import { empty, isoTime, isRecord, json, readJson, ReplyError } from "./http.js";
import type { Ctx, Route } from "./http.js";
import { OBSERVABLE_TYPES } from "./vocab.js";
import { conureError, notFound, pageOf, searchIncidents, STATUS_SET } from "./conure-search.js";

export {
  conureError,
  INCIDENT_STATUSES,
  notFound,
  pageOf,
  searchIncidents,
} from "./conure-search.js";

export const CONURE_PREFIX = "/conure";

const SEVERITIES = ["Critical", "High", "Medium", "Low"] as const;
const SEED_STATUSES = ["New", "Open", "Open: Investigating", "Closed: False Positive"] as const;

export type Incident = Record<string, unknown> & { id: string; timestamp: string };

export interface Investigation {
  id: string;
  title: string;
  description: string;
  source: string;
  observables: { type: string; value: string }[];
  saved: boolean;
  savedAt: string | null;
}

/** The store behind the Conure routes; `clear()` empties it, `seedIncidents` fills it. */
export class ConureStore {
  readonly incidents = new Map<string, Incident>();
  readonly casebooks = new Map<string, Record<string, unknown>>();
  readonly investigations = new Map<string, Investigation>();
  /** Actions taken per incident id. */
  readonly actions = new Map<string, Record<string, unknown>[]>();
  /** Linked entity ids per incident id (`casebook-…`, `incident-…`, investigation uuids). */
  readonly links = new Map<string, Set<string>>();
  /** The primary investigation of each incident. */
  readonly primary = new Map<string, string>();
  readonly reportEdits = new Map<string, string | null>();
  /** Storyboard feedback received (v3), newest last. */
  readonly feedback: Record<string, unknown>[] = [];
  /** When false, searches answer without `X-Next`/`X-Total-Hits` (S1 declares no headers). */
  pagingHeaders = true;

  constructor(
    readonly now: () => number,
    readonly pageSize: number,
  ) {}

  clear(): void {
    for (const m of [this.incidents, this.casebooks, this.investigations, this.actions]) m.clear();
    this.links.clear();
    this.primary.clear();
    this.reportEdits.clear();
    this.feedback.length = 0;
    this.pagingHeaders = true;
  }

  /** `n` incidents with deterministic ids, statuses, severities, observables and an investigation. */
  seedIncidents(n: number, make?: (i: number) => Record<string, unknown>): Incident[] {
    const out: Incident[] = [];
    const base = this.now();
    for (let i = 0; i < n; i++) {
      const id = `incident-${hex(this.incidents.size + 1, 8)}-0000-4000-8000-${hex(i, 12)}`;
      const time = isoTime(base - (n - i) * 60_000);
      const incident: Incident = {
        id,
        type: "incident",
        short_id: `INC-${String(this.incidents.size + 1).padStart(4, "0")}`,
        schema_version: "1.3.9",
        revision: 0,
        groups: ["sim-org"],
        client_id: "sim-client",
        owner: "sim-user",
        title: `Simulated incident ${i + 1}`,
        description: `Beaconing from host-${i} to internetbadguys.com`,
        source: i % 2 === 0 ? "Cisco Secure Endpoint" : "Cisco Umbrella",
        tlp: "amber",
        language: "en",
        status: SEED_STATUSES[i % SEED_STATUSES.length],
        severity: SEVERITIES[i % SEVERITIES.length],
        confidence: "High",
        categories: ["Malicious Code"],
        promotion_method: "Automated",
        detection_sources: ["Cisco Secure Endpoint"],
        assignees: i % 3 === 0 ? ["analyst@example.com"] : [],
        tactics: ["TA0011"],
        techniques: ["T1071"],
        incident_time: { opened: time, discovered: time },
        scores: { asset: 7, global: 900 - i, ttp: 50 },
        meta: { ai_description: false, helios_report_generated: false },
        created: time,
        modified: time,
        timestamp: time,
        ...make?.(i),
      };
      this.incidents.set(id, incident);
      const investigation = this.createInvestigation({
        title: `Investigation of ${incident.title as string}`,
        observables: [
          { type: "domain", value: "internetbadguys.com" },
          { type: "hostname", value: `host-${i}` },
        ],
      });
      this.primary.set(id, investigation.id);
      out.push(incident);
    }
    return out;
  }

  createInvestigation(req: Record<string, unknown>): Investigation {
    const inv: Investigation = {
      id: randomUUID(),
      title: typeof req.title === "string" ? req.title : "Untitled investigation",
      description: typeof req.description === "string" ? req.description : "",
      source: typeof req.source === "string" ? req.source : "xdr-sdk",
      observables: Array.isArray(req.observables)
        ? (req.observables as { type: string; value: string }[])
        : [],
      saved: false,
      savedAt: null,
    };
    this.investigations.set(inv.id, inv);
    return inv;
  }

  /** The incident for a path id: short id, bare GUID or a URL ending in the short id. */
  incident(raw: string): Incident {
    const tail = raw.slice(raw.lastIndexOf("/") + 1);
    const id = tail.startsWith("incident-") ? tail : `incident-${tail}`;
    const found = this.incidents.get(id);
    if (!found) throw new ReplyError(notFound());
    return found;
  }

  investigation(id: string): Investigation {
    const found = this.investigations.get(id);
    if (!found) throw new ReplyError(notFound());
    return found;
  }
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** The body as an object, or a 400 `{message}`. */
export function body(ctx: Ctx): Record<string, unknown> {
  const value = readJson(ctx, (m) => conureError(400, m));
  if (!isRecord(value)) throw new ReplyError(conureError(400, "the body must be a JSON object"));
  return value;
}

export function validObservables(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (o) => isRecord(o) && typeof o.value === "string" && OBSERVABLE_TYPES.has(String(o.type)),
    )
  );
}

/** Checks a NewIncident (or a patch: nothing required); throws a 400 naming the problem. */
function checkIncident(input: Record<string, unknown>, partial: boolean): void {
  const problems: string[] = [];
  if (!partial) {
    for (const k of ["confidence", "incident_time", "status"]) if (!(k in input)) problems.push(k);
    const time = input.incident_time;
    if (isRecord(time) && typeof time.opened !== "string") problems.push("incident_time.opened");
  }
  if ("status" in input && !STATUS_SET.has(String(input.status))) problems.push("status");
  if (problems.length) throw new ReplyError(conureError(400, { missing_or_invalid: problems }));
}

// ---- incident routes ---------------------------------------------------------------------------

const READ = "private-intel:read";
const WRITE = "private-intel:write";

export function incidentRoutes(store: ConureStore): Route[] {
  const p = `${CONURE_PREFIX}/v2/incident`;
  const one = (ctx: Ctx) => store.incident(ctx.params.id as string);
  const write = (input: Record<string, unknown>, prior?: Incident): Incident => {
    const time = isoTime(store.now());
    const id = prior?.id ?? `incident-${randomUUID()}`;
    const incident: Incident = {
      ...(prior ?? { created: time, groups: ["sim-org"], schema_version: "1.3.9" }),
      ...input,
      id,
      type: "incident",
      revision: prior ? Number(prior.revision ?? 0) + 1 : 0,
      modified: time,
      timestamp: time,
    };
    store.incidents.set(id, incident);
    // Conure investigates a new incident at once: give it a primary investigation.
    if (!prior) store.primary.set(id, store.createInvestigation({ title: incident.title }).id);
    return incident;
  };
  return [
    {
      method: "GET",
      pattern: `${p}/search`,
      scope: READ,
      handler: (ctx) => pageOf(store, ctx, searchIncidents(store, ctx.query)),
    },
    {
      method: "GET",
      pattern: `${p}/search/count`,
      scope: READ,
      handler: (ctx) => json(200, searchIncidents(store, ctx.query).length),
    },
    {
      method: "POST",
      pattern: p,
      scope: WRITE,
      handler: (ctx) => {
        const input = body(ctx);
        checkIncident(input, false);
        return json(201, write(input));
      },
    },
    {
      method: "POST",
      pattern: `${p}/delete`,
      scope: WRITE,
      handler: (ctx) => {
        const ids = body(ctx).incident_ids;
        if (!Array.isArray(ids)) return conureError(400, { incident_ids: "missing-required-key" });
        for (const id of ids) store.incidents.delete(String(id));
        return json(200, { "success?": true });
      },
    },
    { method: "GET", pattern: `${p}/:id`, scope: READ, handler: (ctx) => json(200, one(ctx)) },
    {
      method: "PUT",
      pattern: `${p}/:id`,
      scope: WRITE,
      handler: (ctx) => {
        const prior = one(ctx);
        const input = body(ctx);
        checkIncident(input, false);
        return json(200, write(input, prior));
      },
    },
    {
      method: "PATCH",
      pattern: `${p}/:id`,
      scope: WRITE,
      handler: (ctx) => {
        const prior = one(ctx);
        const input = body(ctx);
        checkIncident(input, true);
        const time = isRecord(input.incident_time)
          ? { ...(prior.incident_time as object), ...input.incident_time }
          : prior.incident_time;
        return json(200, write({ ...input, incident_time: time }, prior));
      },
    },
    {
      method: "DELETE",
      pattern: `${p}/:id`,
      scope: WRITE,
      handler: (ctx) => {
        store.incidents.delete(one(ctx).id);
        return empty(204);
      },
    },
    {
      method: "POST",
      pattern: `${p}/:id/status`,
      scope: WRITE,
      handler: (ctx) => {
        const prior = one(ctx);
        const input = body(ctx);
        if (!STATUS_SET.has(String(input.status))) return conureError(400, { status: "invalid" });
        return json(200, write({ status: input.status }, prior));
      },
    },
    {
      method: "POST",
      pattern: `${p}/:id/actions-taken`,
      scope: WRITE,
      handler: (ctx) => {
        const incident = one(ctx);
        const list = readJson(ctx, (m) => conureError(400, m));
        if (!Array.isArray(list) || !list.every((a) => isRecord(a) && typeof a.action === "string"))
          return conureError(400, "expected an array of actions, each with `action`");
        const saved = list.map((a) => ({ ...(a as object), id: randomUUID() }));
        store.actions.set(incident.id, [...(store.actions.get(incident.id) ?? []), ...saved]);
        return json(
          201,
          saved.map((a) => a.id),
        );
      },
    },
    ...linkRoutes(store, p),
    {
      method: "POST",
      pattern: `${p}/:id/update-context`,
      scope: WRITE,
      handler: (ctx) => {
        one(ctx);
        const input = body(ctx);
        if (!validObservables(input.observables) || !Array.isArray(input.targets))
          return conureError(400, "observables and targets are required");
        return empty(204);
      },
    },
  ];
}

function linkRoutes(store: ConureStore, p: string): Route[] {
  const check = (ctx: Ctx): { from: Incident; to: string } => {
    const from = store.incident(ctx.params.id as string);
    const type = ctx.params.type as string;
    const to = ctx.params.entity as string;
    if (!["casebook", "incident", "investigation"].includes(type) || to.length < 10)
      throw new ReplyError(conureError(400, { "entity-type": type }));
    return { from, to };
  };
  return [
    {
      method: "POST",
      pattern: `${p}/:id/link/:type/:entity`,
      scope: WRITE,
      handler: (ctx) => {
        const { from, to } = check(ctx);
        const set = store.links.get(from.id) ?? new Set<string>();
        set.add(to);
        store.links.set(from.id, set);
        const time = isoTime(store.now());
        return json(201, {
          id: `relationship-${randomUUID()}`,
          type: "relationship",
          relationship_type: "related-to",
          source_ref: from.id,
          target_ref: to,
          schema_version: "1.3.9",
          groups: ["sim-org"],
          created: time,
          timestamp: time,
        });
      },
    },
    {
      method: "DELETE",
      pattern: `${p}/:id/link/:type/:entity`,
      scope: WRITE,
      handler: (ctx) => {
        const { from, to } = check(ctx);
        store.links.get(from.id)?.delete(to);
        return empty(204);
      },
    },
  ];
}
