// Simulated CTIA, its store: entities in memory by type and short id, create / replace / patch /
// delete, search and paging over them, the current verdict of an observable (§3.5), and seeding
// with plausible entities for tests and benchmarks.

import { randomUUID } from "node:crypto";
import { isoTime, isRecord, ReplyError, type Reply } from "./http.js";
import { DISPOSITION_NAMES, type Disposition } from "./vocab.js";
import {
  CTIA_PUBLIC_BASE,
  ENTITIES,
  FOREVER,
  longId,
  notFound,
  realize,
  shortId,
  validation,
  type Entity,
  type EntityConfig,
} from "./ctia-entities.js";
import { pageOf, searchFilter, type Predicate } from "./ctia-search.js";

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
    const realized = realize(entity, body, owner, this.now);
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

  get(entity: string, id: string): Entity | undefined {
    return this.data.get(entity)?.get(shortId(id));
  }

  replace(entity: string, id: string, body: unknown, owner: string): Entity {
    const existing = this.get(entity, id);
    if (!existing) throw new ReplyError(notFound(entity));
    const realized = realize(entity, body, owner, this.now);
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
    const keep = searchFilter(query, extra);
    return [...this.table(entity).values()].filter(keep);
  }

  /** A paged list answer: JSON array + X-Total-Hits / X-Next / X-Previous / X-Sort (§5.4). */
  page(items: Entity[], query: URLSearchParams): Reply {
    return pageOf(items, query, this.defaultLimit);
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
