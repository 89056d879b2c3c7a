/**
 * Global Intel (public, read-only CTIA) against Cisco's Python SDK `threatresponse` 0.15.0.
 *
 * `ThreatResponse.global_intel` is `IntelAPI` on intel{,.eu,.apjc}.amp.cisco.com: the CTIA entity
 * families below and the extra calls of ../shared/reference/iroh-ctia-api.md §6.2 (and
 * conure-globalintel-playbook.md §3.2). The instance is read-only (DevNet "Global-Intel API
 * Docs"), so the SDK's write calls are not expected; every read call whose route CTIA v2.71 has
 * must be in `xdr.globalIntel`, and nothing else may be.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../generator/config.js";
import { deriveSpec } from "../../generator/derive.js";
import { loadSpec } from "../../generator/load.js";
import { loadOurSpec, repoRoot, routeKey } from "./oracle.js";

/** Entity families of `global_intel` (IntelAPI); asset, asset_mapping, asset_properties and target_record are private_intel only. */
const FAMILIES = [
  "actor",
  "campaign",
  "coa",
  "data-table",
  "attack-pattern",
  "feedback",
  "malware",
  "relationship",
  "tool",
  "investigation",
  "weakness",
  "identity-assertion",
  "event",
  "incident",
  "indicator",
  "judgement",
  "casebook",
  "sighting",
  "feed",
  "vulnerability",
];

/** The SDK's read calls per entity: `get(id)`, `external_id`, `search.get`, `search.count`, `metric.*`. */
const READS = [
  "/{id}",
  "/external_id/{external_id}",
  "/search",
  "/search/count",
  "/metric/histogram",
  "/metric/topn",
  "/metric/cardinality",
];

const T = "{observable_type}/{observable_value}";
/** The SDK's extra read calls (§6.2), as `METHOD /path`. */
const EXTRAS = [
  "GET /ctia/bundle/export",
  "POST /ctia/bundle/export",
  "GET /ctia/event/history/{id}",
  "GET /ctia/feed/{id}/view",
  "GET /ctia/feed/{id}/view.txt",
  `GET /ctia/${T}/sightings/incidents`,
  `GET /ctia/${T}/judgements/indicators`, // the SDK swaps type and value here (a bug); the route is this one
  `GET /ctia/${T}/sightings/indicators`,
  `GET /ctia/${T}/judgements`,
  `GET /ctia/${T}/sightings`,
  "GET /ctia/vulnerability/cpe_match_strings",
  `GET /ctia/${T}/verdict`,
  "GET /ctia/status",
  "GET /ctia/version",
  "GET /ctia/properties",
  "GET /ctia/metrics",
  "POST /ctia/graphql",
  "GET /ctia/bulk", // bulk.get(params=…)
];

/** Reads of CTIA that `xdr.globalIntel` has although the SDK has no call for them (§6.2). */
const BEYOND_SDK: ReadonlyMap<string, string> = new Map([
  ["GET /ctia/attack-pattern/mitre/{}", "a read; the SDK predates it"],
  ["GET /ctia/incident/metric/average", "a read; the SDK predates it"],
]);

/** SDK read calls whose route the CTIA spec leaves out, with the reason. */
const NOT_IN_CTIA: ReadonlyMap<string, string> = new Map([
  ["GET /ctia/properties", "needs CTIA's `developer` capability, never granted to API clients"],
  ["GET /ctia/metrics", "needs CTIA's `developer` capability, never granted to API clients"],
]);

const sdkReads = (): string[] => {
  const out = new Set<string>(EXTRAS.map((e) => routeKey(...(e.split(" ") as [string, string]))));
  for (const family of FAMILIES) {
    for (const suffix of READS) out.add(routeKey("GET", `/ctia/${family}${suffix}`));
  }
  return [...out];
};

const config = await loadConfig(`${repoRoot()}/xdr-codegen.config.json`);
const api = config.apis.find((a) => a.name === "globalIntel")!;
const derived = deriveSpec(await loadSpec(api.spec), api.derive);
const ours = new Map(
  Object.entries(derived.document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => ["get", "put", "post", "patch", "delete", "head"].includes(m))
      .map((m) => [
        routeKey(m, path),
        { method: m.toUpperCase(), path, op: item[m] as Record<string, unknown> },
      ]),
  ),
);
const ctia = new Set(loadOurSpec("specs/ctia.yaml").map((r) => r.key));

describe("xdr.globalIntel against the Python SDK's global_intel", () => {
  it("has every SDK read call whose route CTIA has", () => {
    const missing = sdkReads().filter((k) => ctia.has(k) && !ours.has(k));
    expect(missing).toEqual([]);
  });

  it("the SDK reads it lacks are only those CTIA v2.71 does not serve, or the developer routes", () => {
    const absent = sdkReads().filter((k) => !ours.has(k));
    for (const k of absent) {
      const why = NOT_IN_CTIA.get(k) ?? (ctia.has(k) ? undefined : "not a route of CTIA v2.71");
      expect(why, k).toBeDefined();
    }
    // data-table, feedback, weakness and identity-assertion: the SDK has accessors, CTIA no routes.
    expect(
      absent.filter((k) => /data-table|feedback|weakness|identity-assertion/.test(k)),
    ).toHaveLength(4 * 7);
  });

  it("has nothing the SDK's global_intel does not read, but two newer CTIA reads", () => {
    const sdk = new Set(sdkReads());
    expect([...ours.keys()].filter((k) => !sdk.has(k)).sort()).toEqual(
      [...BEYOND_SDK.keys()].sort(),
    );
  });

  it("is read-only: GETs, plus the bundle export and GraphQL POSTs", () => {
    const writes = [...ours.values()]
      .filter((o) => o.method !== "GET")
      .map((o) => `${o.method} ${o.path}`);
    expect(writes.sort()).toEqual(["POST /ctia/bundle/export", "POST /ctia/graphql"]);
  });

  it("serves intel{,.eu,.apjc}.amp.cisco.com with scope global-intel:read", () => {
    expect(api.servers).toEqual({
      us: "https://intel.amp.cisco.com",
      eu: "https://intel.eu.amp.cisco.com",
      apjc: "https://intel.apjc.amp.cisco.com",
    });
    expect(api.scopes).toEqual(["global-intel:read"]);
    expect(ours.size).toBe(123);
  });
});
