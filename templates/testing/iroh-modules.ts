// Simulated IROH, its two fake integration modules ("Sim Threat Intel", "Sim Endpoint"): their
// ids, the response actions they offer, and what they answer to enrich (deliberate, observe),
// refer, respond and health, with verdicts that follow vocab.ts's fixed dispositions. Envelopes
// follow /work/shared/reference/iroh-ctia-api.md §2.2.

import { createHash } from "node:crypto";
import { isoTime } from "./http.js";
import { DISPOSITION_NAMES, dispositionOf, MODULE_ERROR_VALUE, type Observable } from "./vocab.js";

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

export const MODULE_LIST: readonly EnrichModule[] = [SIM_MODULES.intel, SIM_MODULES.endpoint];

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

const DAY = 86_400_000;

export function shortHash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
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
export function enrich(kind: Kind, observables: Observable[], now: number) {
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

export function refer(observables: Observable[]) {
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

export function respond(observables: Observable[]) {
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

export function health(m: EnrichModule) {
  return { ...m, data: { status: "ok" } };
}
