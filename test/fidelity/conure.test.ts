/**
 * Fidelity of the hand-written Conure spec (specs/conure.yaml) against Cisco's Conure swagger.
 *
 * Cisco's swagger (Swagger 2.0, `info.version conure-218-1-ee422dee`, 5.4 MB) is not under
 * ../shared, and tests cannot reach the network. So the facts read from it are kept here as
 * expectations, each citing where it was read:
 *
 * - S1: `api-evangelist/cisco-xdr:openapi/cisco-xdr-incidents-investigations-openapi.json`
 *   (the live https://conure.us.security.cisco.com/swagger.json, harvested 2026-08-19), regions
 *   listed in ../shared/reference/conure-globalintel-playbook.md §1.5 and §1.10, plus the casebook
 *   GET/PUT/DELETE/PATCH region at characters 540 000–588 000 read for this test.
 * - S2: the same swagger split by its "Report" tag (`cisco-xdr-report-api-openapi.yml`).
 * - S4: `oatman-crogl/crogl-connector-skills-public:community/cisco-xdr-incidents/`
 *   (SKILL.md, scripts/cisco_xdr_incidents.py), whose route list, status enum and search
 *   parameters were taken from the live swagger.
 *
 * When a copy of the swagger is put at ../shared/specs/reference/conure-swagger.json, the last
 * test compares the spec with it directly (routes and parameter names) as the CTIA test does.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  compare,
  coverageRatio,
  formatCoverage,
  loadOurSpec,
  loadSwagger,
  readSpec,
  referenceDir,
  routeKey,
  type RouteOp,
} from "./oracle.js";

const OUR_SPEC = "specs/conure.yaml";

/** The incident search set, in S1's order (S1 `GET /v2/incident/search`, playbook §1.6.1). */
const INCIDENT_SEARCH_PARAMS = [
  "sort_by",
  "sort_order",
  "offset",
  "limit",
  "search_after",
  "fields",
  "tlp",
  "from",
  "to",
  "language",
  "id",
  "source",
  "search_fields",
  "query",
  "simple_query",
  "revision",
  "assignees",
  "categories",
  "confidence",
  "detection_sources",
  "discovery_method",
  "intended_effect",
  "promotion_method",
  "high_impact",
  "status",
];

/** IncidentStatusType (S1 definitions; S4 INCIDENT_STATUS_VALUES, same 25 values). */
const STATUS_ENUM = [
  "New",
  "New: Processing",
  "New: Presented",
  "Open",
  "Open: Reported",
  "Open: Investigating",
  "Open: Contained",
  "Open: Recovered",
  "Hold",
  "Hold: Internal",
  "Hold: External",
  "Hold: Legal",
  "Stalled",
  "Containment Achieved",
  "Restoration Achieved",
  "Incident Reported",
  "Closed",
  "Closed: Confirmed Threat",
  "Closed: False Positive",
  "Closed: Suspected",
  "Closed: Near-Miss",
  "Closed: Merged",
  "Closed: Under Review",
  "Closed: Other",
  "Rejected",
];

/** `fields` enum of the incident search (S1). */
const INCIDENT_FIELDS = [
  "assignees",
  "confidence",
  "detection_sources",
  "discovery_method",
  "id",
  "incident_time.opened",
  "incident_time.discovered",
  "incident_time.reported",
  "incident_time.remediated",
  "incident_time.closed",
  "incident_time.rejected",
  "intended_effect",
  "language",
  "meta",
  "promotion_method",
  "revision",
  "schema_version",
  "source",
  "source_uri",
  "status",
  "timestamp",
  "title",
  "tlp",
];

const I = "{incident-id}";
const V = "{investigation-id}";
const C = "{casebook-id}";
const REPORTS = [
  "incident-status-by-assignment",
  "mitre-attack-incidents",
  "top-seen-techniques",
  "detection-sources-histogram",
  "top-targeted-devices",
  "top-targeted-users",
  "top-targeted-assets",
  "team-mean-time-to-engage",
  "user-mean-time-to-engage",
  "team-mean-time-to-contain",
  "user-mean-time-to-contain",
  "team-mean-time-to-resolve",
  "user-mean-time-to-resolve",
];
const GRAPH_BOOLS = [
  "important_observables",
  "important_sightings",
  "important_only",
  "include_process_parents",
];

/**
 * Every Cisco operation a source names: `[method, path, source, path+query parameters read in
 * S1 (undefined when they were not read)]`. Its length is what the coverage is measured on; the
 * whole swagger has 101 operations by a third party's count (S15), which no source lists.
 */
type Row = readonly [method: string, path: string, source: string, params?: readonly string[]];
const CISCO: readonly Row[] = [
  ["GET", "/v1/incident-summary/search", "S1", INCIDENT_SEARCH_PARAMS],
  ["GET", `/v1/incident/${I}/assets`, "S1", ["incident-id"]],
  ["GET", `/v1/incident/${I}/summary`, "S1", ["incident-id"]],
  ["GET", `/v1/incident/${I}/events`, "S1 path"],
  ["POST", "/v2/casebook", "S1 path (S3 v2 split)"],
  ["GET", "/v2/casebook/search", "S1 parameters, S4 path"],
  ["GET", `/v2/casebook/${C}`, "S1 @540 000", ["casebook-id"]],
  ["PUT", `/v2/casebook/${C}`, "S1 @540 000"],
  ["DELETE", `/v2/casebook/${C}`, "S1 @572 000", ["casebook-id"]],
  ["PATCH", `/v2/casebook/${C}`, "S1 @572 000"],
  ["GET", `/v2/casebook/${C}/summary`, "S1", ["casebook-id"]],
  ["POST", `/v2/casebook/${C}/observables`, "S1", ["casebook-id"]],
  ["POST", `/v2/casebook/${C}/bundle`, "S1", ["casebook-id"]],
  ["POST", `/v2/casebook/${C}/texts`, "S1", ["casebook-id"]],
  ["POST", "/v2/investigation", "S1", []],
  ["POST", "/v2/investigation/bundle", "S1", []],
  ...["entities", "events"].map((v): Row => ["GET", `/v2/investigation/${V}/${v}`, "S1"]),
  ...[
    "overview",
    "summary",
    "observables",
    "verdicts",
    "indicators",
    "targets",
    "status",
    "graph",
  ].map((v): Row => ["GET", `/v2/investigation/${V}/${v}`, "S4"]),
  ["POST", `/v2/investigation/${V}/bundle`, "S1 body, S4 path"],
  ["POST", `/v2/investigation/${V}/snapshot`, "S4 only"],
  ["POST", `/v2/investigation/${V}/observable/add`, "S1", ["investigation-id"]],
  ["POST", `/v2/investigation/${V}/observable/remove`, "S1 body, path by ordering"],
  ["POST", `/v2/investigation/${V}/task`, "S1", ["investigation-id"]],
  ["PUT", `/v2/investigation/${V}/edit`, "S1", ["investigation-id"]],
  ["POST", `/v2/investigation/${V}/copy`, "S1", ["investigation-id"]],
  ["DELETE", `/v2/investigation/${V}/delete`, "S1", ["investigation-id"]],
  ["POST", `/v2/investigation/${V}/save-as`, "S1", ["investigation-id"]],
  ["POST", "/v2/incident", "S1", []],
  ["POST", "/v2/incident/delete", "S1", []],
  ["GET", "/v2/incident/search", "S1", INCIDENT_SEARCH_PARAMS],
  ["GET", "/v2/incident/search/count", "S1", INCIDENT_SEARCH_PARAMS],
  ["GET", `/v2/incident/${I}`, "S1", ["incident-id"]],
  ["PUT", `/v2/incident/${I}`, "S1", ["incident-id"]],
  ["PATCH", `/v2/incident/${I}`, "S1", ["incident-id"]],
  ["DELETE", `/v2/incident/${I}`, "S1", ["incident-id"]],
  ["POST", `/v2/incident/${I}/actions-taken`, "S1", ["incident-id"]],
  [
    "POST",
    `/v2/incident/${I}/link/{entity-type}/{entity-id}`,
    "S1",
    ["entity-id", "entity-type", "incident-id"],
  ],
  [
    "DELETE",
    `/v2/incident/${I}/link/{entity-type}/{entity-id}`,
    "S1",
    ["entity-id", "entity-type", "incident-id"],
  ],
  ["POST", `/v2/incident/${I}/update-context`, "S1", ["incident-id"]],
  ["POST", `/v2/incident/${I}/status`, "S4 only"],
  ["GET", `/v2/incident/${I}/report`, "S1", ["incident-id", "timezone"]],
  ["GET", `/v2/incident/${I}/report/{section-id}`, "S1", ["incident-id", "section-id", "timezone"]],
  [
    "POST",
    `/v2/incident/${I}/report/{section-id}`,
    "S1",
    ["incident-id", "section-id", "timezone"],
  ],
  [
    "POST",
    `/v2/incident/${I}/report/{section-id}/regenerate`,
    "S1",
    ["incident-id", "section-id", "timezone"],
  ],
  ["GET", `/v2/incident/${I}/summary`, "S1", ["incident-id"]],
  ...[
    "overview",
    "entities",
    "observables",
    "verdicts",
    "events",
    "mitre",
    "targets",
    "status",
    "indicators",
    "primary-investigation",
    "graph",
    "errors",
    "export",
    "linked-casebooks",
    "linked-incidents",
  ].map((v): Row => ["GET", `/v2/incident/${I}/${v}`, "S4"]),
  ...REPORTS.map((r): Row => ["GET", `/v2/report/${r}`, "S2", ["period"]]),
  ["GET", "/v3/incident/filters", "S1 path (S3 v3 split)"],
  ["POST", `/v3/incident/${I}/graph`, "S1", ["incident-id", ...GRAPH_BOOLS]],
  ["GET", `/v3/incident/${I}/entity/{entity-id}`, "S1", ["entity-id", "incident-id"]],
  ["GET", `/v3/incident/${I}/storyboard`, "S4 only"],
  ["GET", `/v3/investigation/${V}/storyboard`, "S4 only"],
  ["GET", `/v3/investigation/${V}/graph`, "S1", ["investigation-id", ...GRAPH_BOOLS]],
  ["POST", `/v3/investigation/${V}/graph`, "S1", ["investigation-id", ...GRAPH_BOOLS]],
  ["GET", `/v3/investigation/${V}/events`, "S1 parameters from offset on"],
  ["GET", `/v3/investigation/${V}/entity/{entity-id}`, "S1", ["entity-id", "investigation-id"]],
];

/** Cisco operations the spec leaves out, with the reason (each also named in its description). */
const OMITTED: ReadonlyMap<string, string> = new Map([
  [
    routeKey("POST", `/v2/investigation/${V}/snapshot`),
    "named by S4 only: no body or answer known",
  ],
  [
    routeKey("GET", `/v3/incident/${I}/storyboard`),
    "named by S4 only: no parameters or answer known",
  ],
  [
    routeKey("GET", `/v3/investigation/${V}/storyboard`),
    "named by S4 only: no parameters or answer known",
  ],
]);

const ours = loadOurSpec(OUR_SPEC);
const reference: RouteOp[] = CISCO.map(([method, path]) => ({
  method,
  path,
  key: routeKey(method, path),
  params: [],
}));
const comparison = compare(ours, reference);

describe("specs/conure.yaml against the Conure routes Cisco's swagger has", () => {
  it("covers at least 95 % of them; what it leaves out is listed with a reason", () => {
    console.info(formatCoverage("conure (routes named by S1/S2/S4)", comparison));
    expect(coverageRatio(comparison)).toBeGreaterThanOrEqual(0.95);
    expect(comparison.missing.map((r) => r.key).sort()).toEqual([...OMITTED.keys()].sort());
  });

  it("declares no operation Cisco does not have (at most 3 allowed; none today)", () => {
    expect(comparison.ourExtra.map((r) => r.key)).toEqual([]);
  });

  it("has the path and query parameters S1 declares, where S1 was read", () => {
    const byKey = new Map(ours.map((r) => [r.key, r.params]));
    const mismatches = CISCO.filter(([, , , params]) => params !== undefined).flatMap(
      ([method, path, source, params]) => {
        const mine = byKey.get(routeKey(method, path)) ?? [];
        const theirs = [...(params ?? [])].sort();
        return mine.join() === theirs.join()
          ? []
          : [{ route: `${method} ${path}`, source, mine, theirs }];
      },
    );
    expect(mismatches).toEqual([]);
  });
});

describe("the incident search is S1's, parameter for parameter", () => {
  const doc = readSpec(OUR_SPEC);
  const op = (path: string, method = "get") =>
    doc.paths[path]![method] as { parameters: unknown[] };
  const param = (ref: unknown) =>
    doc.resolve(ref) as {
      name: string;
      in: string;
      required?: boolean;
      schema: Record<string, unknown>;
    };

  it.each(["/v2/incident/search", "/v2/incident/search/count", "/v1/incident-summary/search"])(
    "%s: the same 25 query parameters, in S1's order, none required",
    (path) => {
      const params = op(path).parameters.map(param);
      expect(params.map((p) => p.name)).toEqual(INCIDENT_SEARCH_PARAMS);
      expect(params.every((p) => p.in === "query" && p.required !== true)).toBe(true);
    },
  );

  it("status is IncidentStatusType with Cisco's 25 values", () => {
    const status = param(
      op("/v2/incident/search").parameters.find((p) => param(p).name === "status"),
    );
    const schema = doc.resolve(status.schema) as { enum: string[] };
    expect(schema.enum).toEqual(STATUS_ENUM);
    expect(new Set(schema.enum).size).toBe(25);
  });

  it("the enums and types of the other parameters", () => {
    const byName = new Map(
      op("/v2/incident/search").parameters.map((p) => [param(p).name, param(p).schema]),
    );
    const items = (name: string) =>
      doc.resolve((byName.get(name)!.items as unknown) ?? {}) as { enum?: string[] };
    expect(items("fields").enum).toEqual(INCIDENT_FIELDS);
    expect(items("search_fields").enum).toEqual([
      "id",
      "short_description",
      "title",
      "source",
      "description",
    ]);
    expect((doc.resolve(byName.get("tlp")) as { enum: string[] }).enum).toEqual([
      "amber",
      "green",
      "red",
      "white",
    ]);
    expect(byName.get("sort_order")!.enum).toEqual(["asc", "desc"]);
    for (const n of ["offset", "limit", "revision"])
      expect(byName.get(n)).toMatchObject({ type: "integer", minimum: 0 });
    for (const n of ["from", "to"])
      expect(byName.get(n)).toMatchObject({ type: "string", format: "date-time" });
    expect(byName.get("high_impact")).toEqual({ type: "boolean" });
    // S1 gives these plain strings, although the incident's fields have enums.
    for (const n of [
      "assignees",
      "categories",
      "confidence",
      "detection_sources",
      "discovery_method",
    ])
      expect(byName.get(n)).toEqual({ type: "string" });
  });

  it("report metrics take S1's period enum", () => {
    const period = param(op("/v2/report/top-seen-techniques").parameters[0]);
    expect(period.schema.enum).toEqual([
      "last_hour",
      "last_24_hours",
      "last_7_days",
      "last_30_days",
      "last_60_days",
      "last_90_days",
    ]);
  });
});

describe("scopes and evidence", () => {
  const doc = readSpec(OUR_SPEC);
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => ["get", "put", "post", "patch", "delete"].includes(m))
      .map(([method, op]) => ({
        key: `${method.toUpperCase()} ${path}`,
        op: op as Record<string, unknown>,
      })),
  );

  it("every operation names the scopes it needs, marked inferred (S1 assigns none)", () => {
    const bad = operations.filter(({ op }) => {
      const security = op.security as { oauth2?: string[] }[] | undefined;
      return op["x-xdr-scopes"] !== "inferred" || !security?.[0]?.oauth2?.length;
    });
    expect(bad.map((o) => o.key)).toEqual([]);
  });

  it("every operation says what its evidence is", () => {
    const bad = operations.filter(
      ({ op }) => !/^(confirmed|confirmed-path|inferred) \(/.test(String(op["x-xdr-evidence"])),
    );
    expect(bad.map((o) => o.key)).toEqual([]);
  });

  it("the OAuth2 scopes are the 13 S1 declares", () => {
    const scopes = Object.keys(
      (
        doc.document.components as {
          securitySchemes: { oauth2: { flows: { clientCredentials: { scopes: object } } } };
        }
      ).securitySchemes.oauth2.flows.clientCredentials.scopes,
    );
    expect(scopes.sort()).toEqual(
      [
        "global-intel:read",
        "private-intel:read",
        "private-intel",
        "private-intel:write",
        "event:read",
        "playbook:read",
        "asset",
        "enrich:read",
        "integration:read",
        "investigation",
        "casebook",
        "casebook:read",
        "ao",
      ].sort(),
    );
  });
});

const swagger = referenceDir() && join(referenceDir()!, "conure-swagger.json");
describe.runIf(swagger !== undefined && existsSync(swagger))(
  "against a local copy of Cisco's swagger",
  () => {
    it("matches its routes and parameter names (≥ 95 %, ≤ 3 extra)", () => {
      const c = compare(ours, loadSwagger(swagger!));
      console.info(formatCoverage("conure (swagger)", c));
      expect(coverageRatio(c)).toBeGreaterThanOrEqual(0.95);
      expect(c.ourExtra.length).toBeLessThanOrEqual(3);
    });
  },
);
