// Simulated CTIA, its vocabulary: the entity types with their required fields, long and short
// ids, the error bodies CTIA answers with, and the validation that turns a create or replace body
// into a stored entity (server-set fields, judgement dispositions). See iroh-ctia-api.md §3.

import { isoTime, isRecord, json, readJson, ReplyError, type Ctx, type Reply } from "./http.js";
import { DISPOSITION_NAMES, OBSERVABLE_TYPES, type Disposition } from "./vocab.js";

export const CTIA_PUBLIC_BASE = "https://private.intel.amp.cisco.com/ctia";
/**
 * Where the simulator serves Global Intel: `/global-intel/ctia/...` answers as `/ctia/...` from the
 * same store. Real Global Intel has the same `/ctia/` paths on a host of its own; a prefix of its
 * own here lets faults and the request log tell it from CTIA on the simulator's single port.
 */
export const GLOBAL_INTEL_PREFIX = "/global-intel";
export const FOREVER = "2525-01-01T00:00:00.000Z";

export interface EntityConfig {
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

export const BY_PLURAL = new Map(Object.entries(ENTITIES).map(([name, c]) => [c.plural, name]));

export type Entity = Record<string, unknown> & { id: string; type: string };

export function shortId(id: string): string {
  return id.slice(id.lastIndexOf("/") + 1);
}

export function longId(entity: string, short: string): string {
  return `${CTIA_PUBLIC_BASE}/${entity}/${short}`;
}

export function validation(errors: Record<string, string>): Reply {
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

export function notFound(entity: string): Reply {
  return json(404, { error: `${entity} not found` });
}

export function bodyOf(ctx: Ctx): unknown {
  return readJson(ctx, (m) => validation({ body: m }));
}

/** The API client a request runs as: the `owner` of what it creates. */
export function ownerOf(ctx: Ctx): string {
  return ctx.principal?.clientId ?? "anonymous";
}

/** Validate a create or replace body and add what the server sets; throws a `ReplyError` (400). */
export function realize(
  entity: string,
  body: unknown,
  owner: string,
  clock: () => number,
): Record<string, unknown> {
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
  const now = clock();
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
      return fail(validation({ observable: `{:type (not (#{observable types} "${obs.type}"))}` }));
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
      return fail(invalidEntity("Mismatched disposition and dispositon_name for judgement", body));
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
