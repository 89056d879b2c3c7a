// Simulated IROH services: inspect, enrich (deliberate/observe/refer/health), response, profile.
// Envelopes follow /work/shared/reference/iroh-ctia-api.md §2.2.

import { createHash } from "node:crypto";
import { extractObservables } from "./inspect.js";
import {
  isoTime,
  isRecord,
  json,
  readJson,
  ReplyError,
  type Ctx,
  type Reply,
  type Route,
} from "./http.js";
import {
  DISPOSITION_NAMES,
  dispositionOf,
  MODULE_ERROR_VALUE,
  OBSERVABLE_TYPES,
  type Observable,
} from "./vocab.js";

export interface EnrichModule {
  module: string;
  module_instance_id: string;
  module_type_id: string;
}

/** The two fake enrichment/response modules every simulator has. */
export const SIM_MODULES = {
  intel: {
    module: "Sim Threat Intel",
    module_instance_id: "5f3b2b7e-1c1d-4a5e-9a01-000000000001",
    module_type_id: "5f3b2b7e-1c1d-4a5e-9a01-0000000000a1",
  },
  endpoint: {
    module: "Sim Endpoint",
    module_instance_id: "5f3b2b7e-1c1d-4a5e-9a01-000000000002",
    module_type_id: "5f3b2b7e-1c1d-4a5e-9a01-0000000000a2",
  },
} as const satisfies Record<string, EnrichModule>;

const MODULE_LIST: readonly EnrichModule[] = [SIM_MODULES.intel, SIM_MODULES.endpoint];

const INTEL_TYPES = new Set(["domain", "ip", "ipv6", "url", "email", "sha256", "sha1", "md5"]);
const HASH_TYPES = new Set(["sha256", "sha1", "md5"]);
const ENDPOINT_TYPES = new Set(["sha256", "sha1", "md5", "ip", "ipv6", "domain", "hostname"]);

/** Actions the response service offers, by id. */
export const SIM_ACTIONS: Readonly<
  Record<string, { module: EnrichModule; title: string; description: string; types: Set<string> }>
> = {
  "sim-add-to-watchlist": {
    module: SIM_MODULES.intel,
    title: "Add to watch list",
    description: "Add the observable to the Sim Threat Intel watch list",
    types: INTEL_TYPES,
  },
  "sim-block-destination": {
    module: SIM_MODULES.endpoint,
    title: "Block destination",
    description: "Block connections from managed endpoints to this destination",
    types: new Set(["ip", "ipv6", "domain", "url"]),
  },
  "sim-quarantine-file": {
    module: SIM_MODULES.endpoint,
    title: "Quarantine file",
    description: "Quarantine files with this hash on every managed endpoint",
    types: HASH_TYPES,
  },
  "sim-isolate-host": {
    module: SIM_MODULES.endpoint,
    title: "Isolate host",
    description: "Isolate this host from the network",
    types: new Set(["hostname"]),
  },
};

export interface TriggeredAction {
  moduleInstanceId: string;
  actionId: string;
  observableType?: string;
  observableValue?: string;
  clientId?: string;
}

const DAY = 86_400_000;

function shortHash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
}

function badRequest(message: string): Reply {
  return json(400, { errors: message });
}

/** Validate an `Observable[]` request body (IROH answers `{errors: "<explanation>"}`). */
function readObservables(raw: unknown): Observable[] {
  if (!Array.isArray(raw)) {
    throw new ReplyError(
      badRequest(`(not (sequential? ${raw === undefined ? "nil" : typeof raw}))`),
    );
  }
  raw.forEach((o, i) => {
    if (!isRecord(o) || typeof o.type !== "string" || typeof o.value !== "string") {
      throw new ReplyError(badRequest(`[${i}] (not (map? {:type string, :value string}))`));
    }
    if (!OBSERVABLE_TYPES.has(o.type)) {
      throw new ReplyError(badRequest(`[${i} :type] (not (#{observable types} "${o.type}"))`));
    }
    const extra = Object.keys(o).filter((k) => k !== "type" && k !== "value");
    if (extra.length > 0) throw new ReplyError(badRequest(`[${i} :${extra[0]}] disallowed-key`));
  });
  return (raw as Observable[]).map((o) => ({ type: o.type, value: o.value }));
}

function verdictFor(o: Observable, now: number) {
  const disposition = dispositionOf(o);
  return {
    type: "verdict",
    disposition,
    disposition_name: DISPOSITION_NAMES[disposition],
    observable: o,
    judgement_id: `transient:sim-judgement-${shortHash(o.type, o.value)}`,
    valid_time: {
      start_time: isoTime(now),
      end_time: isoTime(now + (disposition === 5 ? DAY : 7 * DAY)),
    },
  };
}

function judgementFor(o: Observable, now: number, source: string) {
  const disposition = dispositionOf(o);
  return {
    id: `transient:sim-judgement-${shortHash(o.type, o.value)}`,
    type: "judgement",
    schema_version: "1.3.30",
    observable: o,
    disposition,
    disposition_name: DISPOSITION_NAMES[disposition],
    priority: 90,
    severity: disposition === 2 ? "High" : disposition === 3 ? "Medium" : "Low",
    confidence: disposition === 5 ? "Low" : "High",
    source,
    source_uri: `https://sim.example/intel/${o.type}/${encodeURIComponent(o.value)}`,
    reason: disposition === 2 ? "Known bad in simulated feed" : "Simulated reputation",
    tlp: "amber",
    timestamp: isoTime(now),
    valid_time: {
      start_time: isoTime(now),
      end_time: isoTime(now + 7 * DAY),
    },
  };
}

function sightingFor(o: Observable, now: number) {
  const disposition = dispositionOf(o);
  const host = `sim-host-${shortHash(o.value).slice(0, 4)}`;
  return {
    id: `transient:sim-sighting-${shortHash("sighting", o.type, o.value)}`,
    type: "sighting",
    schema_version: "1.3.30",
    count: 1,
    confidence: "High",
    severity: disposition === 2 ? "High" : "Medium",
    source: SIM_MODULES.endpoint.module,
    title: `Observed on ${host}`,
    description: `The ${o.type} ${o.value} was seen on a managed endpoint`,
    sensor: "endpoint",
    internal: true,
    resolution: "detected",
    observables: [o],
    observed_time: { start_time: isoTime(now - DAY) },
    timestamp: isoTime(now),
    tlp: "amber",
    targets: [
      {
        type: "endpoint",
        os: "Windows 10",
        observables: [
          { type: "hostname", value: host },
          { type: "ip", value: `10.0.${parseInt(shortHash(o.value).slice(0, 2), 16)}.17` },
        ],
        observed_time: { start_time: isoTime(now - DAY) },
      },
    ],
  };
}

function docs<T>(items: T[]): { count: number; docs: T[] } {
  return { count: items.length, docs: items };
}

type Kind = "deliberate" | "observe";

/** The enrich envelope for deliberate or observe. */
function enrich(kind: Kind, observables: Observable[], now: number) {
  const data: unknown[] = [];
  const errors: unknown[] = [];

  const intelObs = observables.filter((o) => INTEL_TYPES.has(o.type));
  const intelData: Record<string, unknown> = {
    verdicts: docs(intelObs.map((o) => verdictFor(o, now))),
  };
  if (kind === "observe") {
    intelData.judgements = docs(
      intelObs.map((o) => judgementFor(o, now, SIM_MODULES.intel.module)),
    );
  }
  data.push({ ...SIM_MODULES.intel, data: intelData });

  if (observables.some((o) => o.value.toLowerCase() === MODULE_ERROR_VALUE)) {
    errors.push({
      ...SIM_MODULES.endpoint,
      type: "error",
      code: "server-error",
      message: "Sim Endpoint: upstream returned 503 Service Unavailable",
    });
  } else {
    const endpointObs = observables.filter((o) => ENDPOINT_TYPES.has(o.type));
    const hashObs = endpointObs.filter((o) => HASH_TYPES.has(o.type));
    const endpointData: Record<string, unknown> = {
      verdicts: docs(hashObs.map((o) => verdictFor(o, now))),
    };
    if (kind === "observe") {
      const seen = endpointObs.filter((o) => {
        const d = dispositionOf(o);
        return d === 2 || d === 3 || o.type === "hostname";
      });
      endpointData.sightings = docs(seen.map((o) => sightingFor(o, now)));
    }
    data.push({ ...SIM_MODULES.endpoint, data: endpointData });
  }
  return errors.length > 0 ? { data, errors } : { data };
}

function refer(observables: Observable[]) {
  const data = observables
    .filter((o) => INTEL_TYPES.has(o.type))
    .flatMap((o) => [
      {
        ...SIM_MODULES.intel,
        id: `ref-sim-threat-intel-search-${o.type}-${shortHash(o.value)}`,
        title: `Search for this ${o.type}`,
        description: `Look up this ${o.type} in Sim Threat Intel`,
        url: `https://intel.sim.example/search?type=${o.type}&q=${encodeURIComponent(o.value)}`,
        categories: ["Search", "Sim Threat Intel"],
      },
      {
        ...SIM_MODULES.intel,
        id: `ref-sim-threat-intel-browse-${o.type}-${shortHash(o.value)}`,
        title: `Browse this ${o.type}`,
        description: `Browse this ${o.type} in Sim Threat Intel`,
        url: `https://intel.sim.example/browse/${o.type}/${encodeURIComponent(o.value)}`,
        categories: ["Browse", "Sim Threat Intel"],
      },
    ]);
  return { data };
}

function respond(observables: Observable[]) {
  const data = observables.flatMap((o) =>
    Object.entries(SIM_ACTIONS)
      .filter(([, a]) => a.types.has(o.type))
      .map(([id, a]) => {
        const q = new URLSearchParams({ observable_type: o.type, observable_value: o.value });
        return {
          id,
          title: a.title,
          description: a.description,
          categories: [a.module.module, "Response"],
          module: a.module.module,
          module_instance_id: a.module.module_instance_id,
          module_type_id: a.module.module_type_id,
          url: `/iroh/iroh-response/respond/trigger/${a.module.module_instance_id}/${id}?${q.toString()}`,
          "query-params": { observable_type: o.type, observable_value: o.value },
        };
      }),
  );
  return { data };
}

function health(m: EnrichModule) {
  return { ...m, data: { status: "ok" } };
}

export function irohRoutes(env: { actions: TriggeredAction[] }): Route[] {
  const observablesBody = (ctx: Ctx) => readObservables(readJson(ctx, badRequest));
  return [
    {
      method: "POST",
      pattern: "/iroh/iroh-inspect/inspect",
      scope: "inspect:read",
      handler: (ctx) => {
        const body = readJson(ctx, badRequest);
        if (!isRecord(body)) {
          return badRequest(
            `(not (map? ${Array.isArray(body) ? "a-clojure.lang.LazySeq" : String(body)}))`,
          );
        }
        if (typeof body.content !== "string") {
          return badRequest(
            body.content === undefined
              ? "{:content missing-required-key}"
              : "{:content (not (instance? java.lang.String))}",
          );
        }
        const extra = Object.keys(body).filter((k) => k !== "content");
        if (extra.length > 0) return badRequest(`{:${extra[0]} disallowed-key}`);
        return json(200, extractObservables(body.content));
      },
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-enrich/deliberate/observables",
      scope: "enrich/observables/deliberate:read",
      handler: (ctx) => json(200, enrich("deliberate", observablesBody(ctx), ctx.now())),
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-enrich/observe/observables",
      scope: "enrich/observables/observe:read",
      handler: (ctx) => json(200, enrich("observe", observablesBody(ctx), ctx.now())),
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-enrich/observe/targets",
      scope: "enrich/targets/observe:read",
      handler: (ctx) => {
        const body = readJson(ctx, badRequest);
        if (!isRecord(body)) return badRequest("(not (map? body))");
        return json(200, enrich("observe", readObservables(body.observables), ctx.now()));
      },
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-enrich/refer/observables",
      scope: "enrich/observables/refer:read",
      handler: (ctx) => json(200, refer(observablesBody(ctx))),
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-enrich/health",
      scope: "integration/health:read",
      handler: () => json(200, { data: MODULE_LIST.map(health) }),
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-enrich/health/:mid",
      scope: "integration/health:read",
      handler: (ctx) => {
        const m = MODULE_LIST.find((x) => x.module_instance_id === ctx.params.mid);
        if (!m) {
          return json(404, {
            error: "module_instance_not_found",
            error_description: `module instance ${ctx.params.mid} not found`,
          });
        }
        return json(200, { data: health(m) });
      },
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-response/respond/observables",
      scope: "response/observables:read",
      handler: (ctx) => json(200, respond(observablesBody(ctx))),
    },
    {
      method: "POST",
      pattern: "/iroh/iroh-response/respond/trigger/:mid/:aid",
      scope: "response/trigger:write",
      handler: (ctx) => {
        const { mid = "", aid = "" } = ctx.params;
        if (!MODULE_LIST.some((m) => m.module_instance_id === mid)) {
          return json(404, {
            error: "module_instance_not_found",
            error_description: `module instance ${mid} not found`,
          });
        }
        const type = ctx.query.get("observable_type") ?? undefined;
        const value = ctx.query.get("observable_value") ?? undefined;
        if (type !== undefined && !OBSERVABLE_TYPES.has(type)) {
          return badRequest(`{:observable_type (not (#{observable types} "${type}"))}`);
        }
        const action = SIM_ACTIONS[aid];
        if (
          !action ||
          action.module.module_instance_id !== mid ||
          value?.toLowerCase() === MODULE_ERROR_VALUE
        ) {
          return json(200, { data: { status: "failure" } });
        }
        env.actions.push({
          moduleInstanceId: mid,
          actionId: aid,
          ...(type !== undefined ? { observableType: type } : {}),
          ...(value !== undefined ? { observableValue: value } : {}),
          ...(ctx.principal ? { clientId: ctx.principal.clientId } : {}),
        });
        return json(200, { data: { status: "success" } });
      },
    },
    {
      method: "GET",
      pattern: "/iroh/profile/whoami",
      scope: "profile:read",
      handler: (ctx) => {
        const clientId = ctx.principal?.clientId ?? "unknown";
        const created = isoTime(Date.UTC(2024, 0, 15, 9, 30));
        return json(200, {
          user: {
            "user-id": `user-${shortHash(clientId)}`,
            "user-name": "Sim API Client",
            "user-email": "api-client@sim.example",
            "user-nick": clientId,
            "org-id": "org-sim-0001",
            role: "admin",
            scopes: ctx.principal?.scopes ?? [],
            "enabled?": true,
            "created-at": created,
            "updated-at": created,
            "idp-mappings": [],
            "last-logged-at": [],
          },
          org: {
            id: "org-sim-0001",
            name: "Simulated Org",
            "xdr-enabled?": true,
            "enabled?": true,
            "created-at": created,
            "updated-at": created,
            "scim-status": "activated",
          },
          idp: { id: "sim-idp" },
        });
      },
    },
  ];
}
