// Contract tests: the generated Conure client against a Prism mock of specs/conure.yaml. Every
// operation must produce a request Prism finds valid (path, query, body, bearer token).
import { describe, expect, it } from "vitest";
import { ApiError, createConureClient, type ConureClient } from "../../generated/src/index.js";
import {
  type Call,
  callName,
  conform,
  contractTests,
  methodNames,
  usePrismClient,
} from "./prism.js";

const prism = usePrismClient("conure", "specs/conure.yaml", createConureClient);

const T0 = "2026-05-01T10:00:00.000Z";
const INC = "incident-0a38949f-d192-4d30-91ae-e593c1f57c14";
const INV = "61399c06-5ea8-44ae-8256-cfcf4437ca5a";
const CB = "casebook-8d148239-8fda-4fe8-973e-3f181396101f";
const ip = { type: "ip", value: "198.51.100.7" } as const;
const inc = { incident_id: INC } as const;
const inv = { investigation_id: INV } as const;
const cb = { casebook_id: CB } as const;
const newIncident = {
  title: "Contract",
  status: "Open: Investigating",
  confidence: "High",
  incident_time: { opened: T0 },
} as const;
const action = {
  action: "blocked",
  status: "completed",
  started_at: T0,
  completed_at: T0,
  description: "Blocked at the firewall",
  reason: null,
  source: "contract",
  source_url: null,
  observable: ip,
} as const;

const views = ["entities", "errors", "events", "export", "graph", "indicators"] as const;
// events and export also take S1's query (@3796000, @4826000): exercised below too.
const moreViews = [
  "linkedCasebooks",
  "linkedIncidents",
  "mitre",
  "observables",
  "overview",
] as const;
const lastViews = ["primaryInvestigation", "status", "summary", "targets", "verdicts"] as const;
const invViews = ["entities", "events", "graph", "indicators", "observables", "overview"] as const;
const moreInvViews = ["status", "summary", "targets", "verdicts"] as const;
const reports = [
  "detectionSourcesHistogram",
  "incidentStatusByAssignment",
  "mitreAttackIncidents",
  "teamMeanTimeToContain",
  "teamMeanTimeToEngage",
  "teamMeanTimeToResolve",
  "topSeenTechniques",
  "topTargetedAssets",
  "topTargetedDevices",
  "topTargetedUsers",
  "userMeanTimeToContain",
  "userMeanTimeToEngage",
  "userMeanTimeToResolve",
] as const;

/** One row per operation of specs/conure.yaml. */
const calls: readonly Call<ConureClient>[] = [
  ["v1", "incidentSummaries.search", (c) => c.v1.incidentSummaries.search({ status: "Open" })],
  ["v1", "incidents.assets", (c) => c.v1.incidents.assets(inc)],
  ["v1", "incidents.events", (c) => c.v1.incidents.events(inc)],
  ["v1", "incidents.summary", (c) => c.v1.incidents.summary(inc)],

  [
    "incidents",
    "search",
    (c) =>
      c.incidents.search({
        status: "Closed: False Positive",
        high_impact: true,
        limit: 25,
        offset: 0,
        sort_by: "timestamp:desc",
        sort_order: "desc",
        fields: ["id", "status", "incident_time.opened"],
        search_fields: ["title", "description"],
        search_after: ["2026-05-01T10:00:00.000Z", INC],
        tlp: "amber",
        from: T0,
        to: T0,
        query: "ransomware",
        assignees: "analyst@example.com",
      }),
  ],
  ["incidents", "count", (c) => c.incidents.count({ status: "New", detection_sources: "EDR" })],
  ["incidents", "create", (c) => c.incidents.create(newIncident)],
  ["incidents", "deleteMany", (c) => c.incidents.deleteMany({ incident_ids: [INC] })],
  ["incidents", "get", (c) => c.incidents.get(inc)],
  ["incidents", "replace", (c) => c.incidents.replace({ ...inc, ...newIncident })],
  ["incidents", "update", (c) => c.incidents.update({ ...inc, status: "Closed" })],
  ["incidents", "delete", (c) => c.incidents.delete(inc)],
  ["incidents", "setStatus", (c) => c.incidents.setStatus({ ...inc, status: "Hold: Legal" })],
  ["incidents", "addActionsTaken", (c) => c.incidents.addActionsTaken({ ...inc, body: [action] })],
  [
    "incidents",
    "link",
    (c) => c.incidents.link({ ...inc, entity_type: "casebook", entity_id: CB }),
  ],
  [
    "incidents",
    "unlink",
    (c) => c.incidents.unlink({ ...inc, entity_type: "investigation", entity_id: INV }),
  ],
  [
    "incidents",
    "updateContext",
    (c) =>
      c.incidents.updateContext({
        ...inc,
        observables: [ip],
        targets: [{ type: "endpoint", observables: [ip], observed_time: { start_time: T0 } }],
        tactics: ["TA0011"],
      }),
  ],
  [
    "incidents",
    "eventsBySightings",
    (c) =>
      c.incidents.eventsBySightings({
        ...inc,
        sightings: ["0a38949f-d192-4d30-91ae-e593c1f57c14"],
        severity: ["High", "Critical"],
        order: "severity",
        limit: 20,
      }),
  ],
  ["incidents", "eventFilters", (c) => c.incidents.eventFilters(inc)],
  ["incidents", "recommend", (c) => c.incidents.recommend(inc)],
  ["incidents", "importFromCtia", (c) => c.incidents.importFromCtia(inc)],
  [
    "sightings",
    "findings",
    (c) => c.sightings.findings({ sighting_id: "0a38949f-d192-4d30-91ae-e593c1f57c14" }),
  ],
  ["incidents", "report.get", (c) => c.incidents.report.get({ ...inc, timezone: "UTC" })],
  [
    "incidents",
    "report.getSection",
    (c) => c.incidents.report.getSection({ ...inc, section_id: "timeline" }),
  ],
  [
    "incidents",
    "report.updateSection",
    (c) => c.incidents.report.updateSection({ ...inc, section_id: "executive", content: "Ok" }),
  ],
  [
    "incidents",
    "report.regenerateSection",
    (c) => c.incidents.report.regenerateSection({ ...inc, section_id: "events" }),
  ],
  [
    "incidents",
    "events",
    (c) =>
      c.incidents.events({
        ...inc,
        limit: 10,
        offset: 10,
        sort: "desc",
        order: "time",
        important_only: true,
        source: ["Cisco Secure Endpoint"],
        search_text: "beacon",
      }),
  ],
  [
    "incidents",
    "export",
    (c) => c.incidents.export({ ...inc, fields: ["incident_summary", "incident_events"] }),
  ],
  ...[...views, ...moreViews, ...lastViews].map((v): Call<ConureClient> => [
    "incidents",
    v,
    (c) => c.incidents[v](inc),
  ]),

  [
    "investigations",
    "create",
    (c) =>
      c.investigations.create({
        observables: [ip],
        modules: ["m-1"],
        time_window: { start_time: T0 },
        title: "Contract",
      }),
  ],
  [
    "investigations",
    "createFromBundle",
    (c) => c.investigations.createFromBundle({ bundle: { type: "bundle" }, title: "Snapshot" }),
  ],
  [
    "investigations",
    "createFromSnapshot",
    (c) =>
      c.investigations.createFromSnapshot({
        short_description: "Snapshot",
        source: "contract",
        actions: "[]",
        timestamp: T0,
      }),
  ],
  [
    "investigations",
    "createFromInvestigation",
    (c) => c.investigations.createFromInvestigation(inv),
  ],
  ["investigations", "errors", (c) => c.investigations.errors(inv)],
  [
    "investigations",
    "addBundle",
    (c) => c.investigations.addBundle({ ...inv, bundle: { type: "bundle" } }),
  ],
  [
    "investigations",
    "addObservables",
    (c) => c.investigations.addObservables({ ...inv, observables: [ip] }),
  ],
  [
    "investigations",
    "removeObservables",
    (c) => c.investigations.removeObservables({ ...inv, observables: [ip] }),
  ],
  ["investigations", "runTask", (c) => c.investigations.runTask({ ...inv, body: { task: "x" } })],
  ["investigations", "save", (c) => c.investigations.save({ ...inv, title: "Saved" })],
  ["investigations", "saveAs", (c) => c.investigations.saveAs({ ...inv, title: "New" })],
  ["investigations", "copy", (c) => c.investigations.copy({ ...inv, saved: false })],
  ["investigations", "delete", (c) => c.investigations.delete(inv)],
  ...[...invViews, ...moreInvViews].map((v): Call<ConureClient> => [
    "investigations",
    v,
    (c) => c.investigations[v](inv),
  ]),

  ["casebooks", "create", (c) => c.casebooks.create({ title: "Contract", observables: [ip] })],
  ["casebooks", "search", (c) => c.casebooks.search({ query: "phishing", search_fields: "title" })],
  [
    "casebooks",
    "listByExternalId",
    (c) => c.casebooks.listByExternalId({ external_id: "ext-1", limit: 10, fields: ["id"] }),
  ],
  ["casebooks", "get", (c) => c.casebooks.get(cb)],
  ["casebooks", "replace", (c) => c.casebooks.replace({ ...cb, title: "Renamed" })],
  ["casebooks", "update", (c) => c.casebooks.update({ ...cb, description: "More" })],
  ["casebooks", "delete", (c) => c.casebooks.delete(cb)],
  ["casebooks", "summary", (c) => c.casebooks.summary(cb)],
  [
    "casebooks",
    "updateObservables",
    (c) => c.casebooks.updateObservables({ ...cb, operation: "add", observables: [ip] }),
  ],
  [
    "casebooks",
    "updateTexts",
    (c) =>
      c.casebooks.updateTexts({
        ...cb,
        operation: "replace",
        texts: [{ text: "t", type: "note" }],
      }),
  ],
  [
    "casebooks",
    "updateBundle",
    (c) => c.casebooks.updateBundle({ ...cb, operation: "remove", bundle: { sightings: [] } }),
  ],

  ...reports.map((r): Call<ConureClient> => [
    "reports",
    r,
    (c) => c.reports[r]({ period: "last_7_days" }),
  ]),

  ["v3", "incidents.filters", (c) => c.v3.incidents.filters()],
  ["v3", "incidents.graph", (c) => c.v3.incidents.graph({ ...inc, important_only: true })],
  ["v3", "incidents.entity", (c) => c.v3.incidents.entity({ ...inc, entity_id: "e-1" })],
  [
    "v3",
    "incidents.search",
    (c) =>
      c.v3.incidents.search({
        limit: 25,
        offset: 0,
        sort_by: [{ field: "created_at", direction: "desc" }],
        filters: {
          status: { include: ["Open"], exclude: ["Closed"] },
          tactics: { include: ["TA01*"] },
          score: { min: 10, max: 1000 },
          created_at: { start_date: T0 },
          short_id: "INC-123",
        },
        fields: ["id", "status", "scores"],
        search_text: "beacon",
      }),
  ],
  [
    "v3",
    "incidents.events",
    (c) => c.v3.incidents.events({ ...inc, type: ["Investigated"], notable: true, offset: 5 }),
  ],
  ["v3", "incidents.storyboard", (c) => c.v3.incidents.storyboard(inc)],
  [
    "v3",
    "incidents.storyboardFeedback",
    (c) =>
      c.v3.incidents.storyboardFeedback({
        ...inc,
        type: "general",
        report_metadata: { langsmith_trace_id: "trace-1", xdr_chain_id: "chain-1" },
        feedback_metadata: null,
        text: "Helpful",
      }),
  ],
  ["v3", "incidents.getGraph", (c) => c.v3.incidents.getGraph({ ...inc, important_only: true })],
  [
    "v3",
    "investigations.getGraph",
    (c) => c.v3.investigations.getGraph({ ...inv, important_observables: true }),
  ],
  ["v3", "investigations.graph", (c) => c.v3.investigations.graph(inv)],
  [
    "v3",
    "investigations.events",
    (c) =>
      c.v3.investigations.events({ ...inv, severity: ["High"], type: ["Original"], sort: "asc" }),
  ],
  ["v3", "investigations.entity", (c) => c.v3.investigations.entity({ ...inv, entity_id: "e-1" })],
];

describe("Conure client against a Prism mock of specs/conure.yaml", () => {
  contractTests("conure", calls, () => prism);

  it("covers every operation of the client", () => {
    const covered = new Set(calls.map(([g, l]) => callName(g, l)));
    expect(methodNames(prism.client).filter((name) => !covered.has(name))).toEqual([]);
  });
});

describe("the harness catches requests that break specs/conure.yaml", () => {
  it("a status outside the 25-value enum is rejected by Prism", async () => {
    const attempt = conform(prism.mock, "conure.incidents.search", () =>
      prism.client.incidents.search({ status: "Opened" as never }),
    );
    await expect(attempt).rejects.toThrow(/status/);
  });

  it("an incident without incident_time is rejected", async () => {
    const error = await prism.client.incidents
      .create({ status: "New", confidence: "High" } as never)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ApiError);
    expect([400, 422]).toContain((error as ApiError).status);
  });
});
