/**
 * Fidelity of the hand-written Conure spec (specs/conure.yaml) against Cisco's Conure swagger.
 *
 * Cisco's swagger (Swagger 2.0, `info.version conure-218-1-ee422dee`, 5.4 MB) is not under
 * ../shared, and tests cannot reach the network. So the facts read from it are kept here as
 * expectations, each citing where it was read:
 *
 * - S1: `api-evangelist/cisco-xdr:openapi/cisco-xdr-incidents-investigations-openapi.json`
 *   (the live https://conure.us.security.cisco.com/swagger.json, harvested 2026-08-19, 5 377 383
 *   characters), read page by page at its operation boundaries; every row of `CISCO` below
 *   carries the character offset it was read at (`@n`). Regions read before this list was drawn
 *   up are marked `S1` without an offset (../shared/reference/conure-globalintel-playbook.md §1.5).
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

/** The incident search set, in S1's order (S1 `GET /v2/incident/search`, order as read @3132000). */
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
  "search_fields",
  "source",
  "query",
  "simple_query",
  "revision",
  "assignees",
  "categories",
  "confidence",
  "detection_sources",
  "discovery_method",
  "high_impact",
  "intended_effect",
  "promotion_method",
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
/** The event query (S1 @3796000, @4082000, @5066000, @5296000: the same ten parameters). */
const EVENT_QUERY = [
  "limit",
  "offset",
  "sort",
  "order",
  "important_only",
  "notable",
  "source",
  "severity",
  "type",
  "search_text",
];
const CASEBOOK_PAGING = ["sort_by", "sort_order", "offset", "limit", "search_after", "fields"];

/**
 * S1's operations in the order S1 declares them, as read: method, path, where it was read
 * (`@offset` in characters), the path+query parameter names when the whole list was read, and
 * Cisco's `deprecated` flag (no operation carries `"deprecated": true`). Coverage is measured
 * against this list: 101 operations on 89 paths, the count a third party (S15) gives too.
 */
interface CiscoOp {
  method: string;
  path: string;
  readAt: string;
  params?: readonly string[];
  deprecated: boolean;
}
type Row = readonly [method: string, path: string, readAt: string, params?: readonly string[]];
const row = ([method, path, readAt, params]: Row): CiscoOp => ({
  method,
  path,
  readAt,
  params,
  deprecated: false,
});
const views = (base: string, id: string, at: string, names: readonly string[]): Row[] =>
  names.map((v) => ["GET", `${base}/${v}`, at, [id]]);

const CISCO: readonly CiscoOp[] = (
  [
    ["GET", "/v1/incident-summary/search", "S1 @0", INCIDENT_SEARCH_PARAMS],
    ["GET", `/v1/incident/${I}/assets`, "S1", ["incident-id"]],
    ["GET", `/v1/incident/${I}/summary`, "S1", ["incident-id"]],
    ["GET", `/v1/incident/${I}/events`, "S1 @450000", ["incident-id"]],
    ["POST", "/v2/casebook", "S1 @450800", []],
    [
      "GET",
      "/v2/casebook/external_id/{external-id}",
      "S1 @476500-@489000",
      ["external-id", ...CASEBOOK_PAGING],
    ],
    [
      "GET",
      "/v2/casebook/search",
      "S1 @499500-@524000",
      [
        ...CASEBOOK_PAGING,
        ...["tlp", "from", "to", "language", "id", "search_fields", "source", "query"],
        ...["simple_query", "revision", "texts.text"],
      ],
    ],
    ["GET", `/v2/casebook/${C}`, "S1 @525300", ["casebook-id"]],
    ["PUT", `/v2/casebook/${C}`, "S1 @540000"],
    ["DELETE", `/v2/casebook/${C}`, "S1 @572000", ["casebook-id"]],
    ["PATCH", `/v2/casebook/${C}`, "S1 @572000"],
    ["GET", `/v2/casebook/${C}/summary`, "S1", ["casebook-id"]],
    ["POST", `/v2/casebook/${C}/observables`, "S1 @640000", ["casebook-id"]],
    ["POST", `/v2/casebook/${C}/bundle`, "S1", ["casebook-id"]],
    ["POST", `/v2/casebook/${C}/texts`, "S1", ["casebook-id"]],
    ["POST", "/v2/investigation", "S1", []],
    ["POST", "/v2/investigation/bundle", "S1 @1590000", []],
    ["POST", "/v2/investigation/snapshot", "S1 @1606100", []],
    ["GET", `/v2/investigation/${V}/snapshot`, "S1 @1611500", ["investigation-id"]],
    ["GET", `/v2/investigation/${V}/errors`, "S1 @1617000", ["investigation-id"]],
    ["GET", `/v2/investigation/${V}/entities`, "S1 @1618500", ["investigation-id"]],
    // Its parameters were read from `source` on only (@1938000).
    ["GET", `/v2/investigation/${V}/events`, "S1 @1938000"],
    ["GET", `/v2/investigation/${V}/verdicts`, "S1 @1941000", ["investigation-id"]],
    ["GET", `/v2/investigation/${V}/graph`, "S1 @1952000-@1986000"],
    ...views(`/v2/investigation/${V}`, "investigation-id", "S1 @1986000-@2121000", [
      "indicators",
      "observables",
      "overview",
      "status",
      "summary",
      "targets",
    ]),
    ["POST", `/v2/investigation/${V}/bundle`, "S1 @2122000-@3020000", ["investigation-id"]],
    ["POST", `/v2/investigation/${V}/observable/add`, "S1 @3021000", ["investigation-id"]],
    ["POST", `/v2/investigation/${V}/observable/remove`, "S1 @3027000", ["investigation-id"]],
    ["POST", `/v2/investigation/${V}/task`, "S1 @3041000", ["investigation-id"]],
    ["PUT", `/v2/investigation/${V}/edit`, "S1 @3046500", ["investigation-id"]],
    ["POST", `/v2/investigation/${V}/copy`, "S1", ["investigation-id"]],
    ["DELETE", `/v2/investigation/${V}/delete`, "S1 @3066000", ["investigation-id"]],
    ["POST", `/v2/investigation/${V}/save-as`, "S1 @3067500", ["investigation-id"]],
    ["POST", "/v2/incident", "S1 @3074600", []],
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
    ["GET", `/v2/incident/${I}/report`, "S1 @3292000", ["incident-id", "timezone"]],
    [
      "GET",
      `/v2/incident/${I}/report/{section-id}`,
      "S1 @3292000",
      ["incident-id", "section-id", "timezone"],
    ],
    [
      "POST",
      `/v2/incident/${I}/report/{section-id}`,
      "S1 @3292000",
      ["incident-id", "section-id", "timezone"],
    ],
    [
      "POST",
      `/v2/incident/${I}/report/{section-id}/regenerate`,
      "S1",
      ["incident-id", "section-id", "timezone"],
    ],
    ["GET", `/v2/incident/${I}/summary`, "S1 @3300000-@3432000", ["incident-id"]],
    ["GET", `/v2/incident/${I}/mitre`, "S1 @3433500", ["incident-id"]],
    ["GET", `/v2/incident/${I}/targets`, "S1 @3450500", ["incident-id"]],
    ["GET", `/v2/incident/${I}/observables`, "S1 @3479500", ["incident-id"]],
    ["GET", `/v2/incident/${I}/indicators`, "S1 @3503000", ["incident-id"]],
    ["GET", `/v2/incident/${I}/entities`, "S1 @3508000", ["incident-id"]],
    ["GET", `/v2/incident/${I}/events`, "S1 @3523000-@3796000", ["incident-id", ...EVENT_QUERY]],
    ["POST", `/v2/incident/${I}/events`, "S1 @3806000-@4082000", ["incident-id", ...EVENT_QUERY]],
    ["GET", `/v2/incident/${I}/status`, "S1 @4094000", ["incident-id"]],
    ["POST", `/v2/incident/${I}/status`, "S1 @4100500", ["incident-id"]],
    ["GET", `/v2/incident/${I}/event-filters`, "S1 @4118500", ["incident-id"]],
    ["GET", `/v2/incident/${I}/verdicts`, "S1 @4125500", ["incident-id"]],
    ["GET", `/v2/incident/${I}/graph`, "S1 @4137500", ["incident-id"]],
    ["GET", `/v2/incident/${I}/linked-casebooks`, "S1 @4172000", ["incident-id"]],
    ["GET", `/v2/incident/${I}/linked-incidents`, "S1 @4190000", ["incident-id"]],
    ["GET", `/v2/incident/${I}/primary-investigation`, "S1 @4208000", ["incident-id"]],
    ["GET", `/v2/incident/${I}/errors`, "S1 @4214500", ["incident-id"]],
    ["GET", `/v2/incident/${I}/overview`, "S1 @4222500", ["incident-id"]],
    ["GET", `/v2/incident/${I}/recommend`, "S1 @4232500-@4330000", ["incident-id"]],
    ["GET", `/v2/incident/${I}/export`, "S1 @4337000-@4826000", ["fields", "incident-id"]],
    ["POST", `/v2/incident/${I}/import`, "S1 @4833000", ["incident-id"]],
    ["GET", "/v2/sighting/{sighting-id}/findings", "S1 @4838500", ["sighting-id"]],
    ...REPORTS.map((r): Row => ["GET", `/v2/report/${r}`, "S2; S1 @4843300-@4922000", ["period"]]),
    ["GET", "/v3/incident/filters", "S1 @4925500", []],
    ["POST", "/v3/incident/search", "S1 @4930500-@4958000", []],
    ["GET", `/v3/incident/${I}/events`, "S1 @4966500-@5066000", ["incident-id", ...EVENT_QUERY]],
    ["GET", `/v3/incident/${I}/storyboard`, "S1 @5069500", ["incident-id"]],
    ["POST", `/v3/incident/${I}/storyboard/feedback`, "S1 @5074500", ["incident-id"]],
    ["GET", `/v3/incident/${I}/graph`, "S1 @5082000-@5116000", ["incident-id", ...GRAPH_BOOLS]],
    ["POST", `/v3/incident/${I}/graph`, "S1 @5117700", ["incident-id", ...GRAPH_BOOLS]],
    ["GET", `/v3/incident/${I}/entity/{entity-id}`, "S1 @5188000", ["entity-id", "incident-id"]],
    [
      "GET",
      `/v3/investigation/${V}/events`,
      "S1 @5189500-@5296000",
      ["investigation-id", ...EVENT_QUERY],
    ],
    ["GET", `/v3/investigation/${V}/graph`, "S1 @5296000", ["investigation-id", ...GRAPH_BOOLS]],
    ["POST", `/v3/investigation/${V}/graph`, "S1", ["investigation-id", ...GRAPH_BOOLS]],
    ["GET", `/v3/investigation/${V}/entity/{entity-id}`, "S1", ["entity-id", "investigation-id"]],
  ] satisfies Row[]
).map(row);

/** Routes other sources name that S1 does not have where their siblings are (not declared). */
const NOT_IN_S1 = [
  routeKey("POST", `/v2/investigation/${V}/snapshot`), // S4; a GET in S1 (@1611500)
  routeKey("GET", `/v3/investigation/${V}/storyboard`), // S4 only; absent between @5189500 and @5299500
];

const ours = loadOurSpec(OUR_SPEC);
const reference: RouteOp[] = CISCO.map(({ method, path }) => ({
  method,
  path,
  key: routeKey(method, path),
  params: [],
}));
const comparison = compare(ours, reference);

describe("specs/conure.yaml against the operations of Cisco's swagger (S1)", () => {
  it("the list of S1's operations is whole and consistent (no duplicate, none deprecated)", () => {
    const keys = CISCO.map((o) => routeKey(o.method, o.path));
    expect(new Set(keys).size).toBe(keys.length);
    expect(CISCO).toHaveLength(101);
    expect(new Set(CISCO.map((o) => o.path)).size).toBe(89);
    expect(CISCO.filter((o) => o.deprecated)).toEqual([]);
    expect(CISCO.every((o) => /^S[12]/.test(o.readAt))).toBe(true);
  });

  it("covers at least 95 % of S1's non-deprecated operations (all of them)", () => {
    const live = CISCO.filter((o) => !o.deprecated);
    const covered = live.filter((o) =>
      comparison.matched.some((m) => m.key === routeKey(o.method, o.path)),
    );
    console.info(formatCoverage("conure (S1 operations as read)", comparison));
    expect(covered.length / live.length).toBeGreaterThanOrEqual(0.95);
    expect(coverageRatio(comparison)).toBe(1);
    expect(comparison.missing.map((r) => r.key)).toEqual([]);
  });

  it("declares no operation Cisco does not have (at most 3 allowed; none today)", () => {
    expect(comparison.ourExtra.map((r) => r.key)).toEqual([]);
    const mine = new Set(ours.map((r) => r.key));
    expect(NOT_IN_S1.filter((k) => mine.has(k))).toEqual([]);
  });

  it("has the path and query parameters S1 declares, where S1 was read", () => {
    const byKey = new Map(ours.map((r) => [r.key, r.params]));
    const mismatches = CISCO.filter((o) => o.params !== undefined).flatMap(
      ({ method, path, readAt, params }) => {
        const mine = byKey.get(routeKey(method, path)) ?? [];
        const theirs = [...new Set(params)].sort();
        return mine.join() === theirs.join()
          ? []
          : [{ route: `${method} ${path}`, readAt, mine, theirs }];
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

describe("the event query and the v3 search are S1's", () => {
  const doc = readSpec(OUR_SPEC);
  const params = (path: string, method = "get") => {
    const item = doc.paths[path]!;
    const op = item[method] as { parameters?: unknown[] };
    const all = [...((item.parameters as unknown[]) ?? []), ...(op.parameters ?? [])];
    return new Map(
      all.map((p) => {
        const r = doc.resolve(p) as { name: string; schema: Record<string, unknown> };
        return [r.name, doc.resolve(r.schema) as Record<string, unknown>];
      }),
    );
  };
  const itemsEnum = (schema: Record<string, unknown> | undefined) =>
    (doc.resolve(schema?.items) as { enum?: string[] }).enum;

  // S1 @3796000 (v2 incident), @5066000 (v3 incident), @5296000 (v3 investigation).
  it.each([
    [`/v2/incident/${I}/events`, "get"],
    [`/v2/incident/${I}/events`, "post"],
    [`/v3/incident/${I}/events`, "get"],
    [`/v3/investigation/${V}/events`, "get"],
  ])("%s %s: sort, order, severity and type enums", (path, method) => {
    const p = params(path, method);
    expect(p.get("sort")!.enum).toEqual(["asc", "desc"]);
    expect(p.get("order")!.enum).toEqual(["start_time", "time", "title", "severity", "source"]);
    expect(itemsEnum(p.get("severity"))).toEqual([
      "Critical",
      "High",
      "Info",
      "Low",
      "Medium",
      "None",
      "Unknown",
    ]);
    expect(itemsEnum(p.get("type"))).toEqual(["Original", "Investigated"]);
    expect(p.get("limit")).toMatchObject({ type: "integer", minimum: 0 });
  });

  it("export takes S1's five section names (@4826000)", () => {
    expect(itemsEnum(params(`/v2/incident/${I}/export`).get("fields"))).toEqual([
      "incident_events",
      "incident_worklog",
      "incident_summary",
      "incident_errors",
      "incident_graph",
    ]);
  });

  it("POST /v3/incident/search: S1's sort fields, filters and 33 field names (@4942000)", () => {
    const body = doc.resolve({ $ref: "#/components/schemas/V3IncidentSearch" }) as {
      properties: Record<string, { items?: unknown; properties?: Record<string, unknown> }>;
    };
    const sortItem = doc.resolve(body.properties.sort_by!.items) as {
      properties: { field: { enum: string[] } };
    };
    expect(sortItem.properties.field.enum).toEqual([
      "title",
      "scores",
      "status",
      "created_at",
      "updated_at",
      "last_activity",
      "short_id",
    ]);
    expect(Object.keys(body.properties.filters!.properties!)).toEqual([
      "id",
      "status",
      "detection_status",
      "score",
      "assignees",
      "detection_sources",
      "tactics",
      "techniques",
      "short_id",
      "created_at",
      "last_activity",
      "updated_at",
      "opened",
      "closed",
      "discovered",
      "reported",
      "remediated",
      "rejected",
    ]);
    const fields = doc.resolve(body.properties.fields!.items) as { enum: string[] };
    expect(fields.enum).toHaveLength(33);
    expect(Object.keys(body.properties)).toEqual([
      "limit",
      "offset",
      "sort_by",
      "filters",
      "fields",
      "search_text",
    ]);
  });

  it("storyboard feedback and the status change carry S1's required keys (@5080000, @4114000)", () => {
    const feedback = doc.resolve({ $ref: "#/components/schemas/StoryboardFeedback" }) as {
      required: string[];
    };
    expect(feedback.required).toEqual(["type", "report_metadata", "feedback_metadata", "text"]);
    const status = doc.paths[`/v2/incident/${I}/status`]!.post as {
      requestBody: { content: { "application/json": { schema: { required: string[] } } } };
    };
    expect(status.requestBody.content["application/json"].schema.required).toEqual(["status"]);
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
