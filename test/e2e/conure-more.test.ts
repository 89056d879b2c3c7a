// Conure, end to end, for the routes of Cisco's swagger read last (S1 offsets in
// test/fidelity/conure.test.ts): the event query and its filters, events by sighting,
// recommendations, import, sighting findings, casebooks by external id, investigations from
// snapshots and their errors, the v3 search, events,
// storyboard (and feedback) and incident graph, plus the S1 shapes of status, primary
// investigation and export. `createXdr().conure` against the simulator's Conure.
import { describe, expect, it } from "vitest";
import { ApiError, MissingScopeError, type XdrOptions } from "../../generated/src/index.js";
import { CONURE_PREFIX } from "../simulator/server.js";
import { baseUrls, useSimulator } from "./harness.js";

const t = useSimulator();

function conure(options: Partial<XdrOptions> = {}) {
  return t.xdr({
    baseUrls: { ...baseUrls(t.sim), conure: `${t.sim.url}${CONURE_PREFIX}` },
    ...options,
  }).conure;
}

/** The query of the last request to a Conure path. */
function lastQuery(path: string): URLSearchParams {
  const hits = t.sim.stats.requests.filter((r) => r.path === `${CONURE_PREFIX}${path}`);
  return new URLSearchParams(hits[hits.length - 1]!.query);
}

describe("incident events: S1's query", () => {
  it("filters by severity and type, orders, pages; the filters route lists the values", async () => {
    const [seeded] = t.sim.conure.seedIncidents(1); // two events: High (original), Medium
    const c = conure();
    const incident_id = seeded!.id;
    const all = await c.incidents.events({ incident_id });
    expect(all.map((e) => e.severity)).toEqual(["High", "Medium"]);

    const high = await c.incidents.events({ incident_id, severity: ["High"], type: ["Original"] });
    expect(high).toHaveLength(1);
    const q = lastQuery(`/v2/incident/${incident_id}/events`);
    expect(q.getAll("severity")).toEqual(["High"]);
    expect(q.getAll("type")).toEqual(["Original"]);

    const page = await c.incidents.events({
      incident_id,
      order: "severity",
      sort: "desc",
      limit: 1,
    });
    expect(page.map((e) => e.severity)).toEqual(["Medium"]);

    await expect(c.incidents.eventFilters({ incident_id })).resolves.toEqual({
      severity: ["High", "Medium"],
      type: ["Original", "Investigated"],
      source: ["Cisco Secure Endpoint"],
    });
  });

  it("POST events narrows to the sightings named in the body; v3 events take the same query", async () => {
    const [seeded] = t.sim.conure.seedIncidents(1);
    const c = conure();
    const incident_id = seeded!.id;
    const [first] = await c.incidents.events({ incident_id });
    const picked = await c.incidents.eventsBySightings({ incident_id, sightings: [first!.id!] });
    expect(picked.map((e) => e.id)).toEqual([first!.id]);
    const v3 = await c.v3.incidents.events({ incident_id, notable: true });
    expect(v3.map((e) => e.id)).toEqual([first!.id]);
  });

  it("a sighting's findings; an unknown sighting is a 404", async () => {
    const [seeded] = t.sim.conure.seedIncidents(1);
    const c = conure();
    const [event] = await c.incidents.events({ incident_id: seeded!.id });
    const findings = await c.sightings.findings({ sighting_id: event!.id! });
    expect(findings).toEqual([{ sighting_id: event!.id, observables: ["internetbadguys.com"] }]);
    const error = await t.caught(c.sightings.findings({ sighting_id: "sighting-nope" }));
    expect((error as ApiError).status).toBe(404);
  });
});

describe("one incident: S1's shapes and the routes read last", () => {
  it("status, primary investigation and export (with fields) as S1 declares them", async () => {
    const [seeded] = t.sim.conure.seedIncidents(1);
    const c = conure();
    const incident_id = seeded!.id;
    const status = await c.incidents.status({ incident_id });
    expect(status).toMatchObject({ incident_id, completed: 1, pending: 0 });
    const primary = await c.incidents.primaryInvestigation({ incident_id });
    expect(Object.keys(primary).sort()).toEqual([
      "description",
      "id",
      "short_description",
      "source",
    ]);

    const exported = await c.incidents.export({ incident_id, fields: ["incident_summary"] });
    expect(Object.keys(exported).sort()).toEqual(["incident_id", "incident_summary", "short_id"]);
    expect(exported.incident_summary?.endpoint_url).toBe(`/v2/incident/${incident_id}/summary`);
    const full = await c.incidents.export({ incident_id });
    expect(Object.keys(full)).toHaveLength(7);
  });

  it("recommend follows the status: an open incident has the task available, a closed one done", async () => {
    const [open, , , closed] = t.sim.conure.seedIncidents(4); // the 4th is Closed: False Positive
    // The spec infers playbook:read for it (Cisco: "Get playbook state"); the default client lacks it.
    t.sim.clients.set("triage", {
      secret: "triage-secret-1",
      scopes: ["private-intel", "playbook:read"],
    });
    const c = conure({ clientId: "triage", clientSecret: "triage-secret-1" });
    const a = await c.incidents.recommend({ incident_id: open!.id });
    expect(a.available_actions.map((x) => x.title)).toEqual(["Confirm Incident"]);
    expect(a.phases[0]).toMatchObject({ status: "available", action_total_count: 1 });
    const b = await c.incidents.recommend({ incident_id: closed!.id });
    expect(b.completed_actions).toHaveLength(1);
    expect(b.phases[0]?.status).toBe("completed");
  });

  it("import creates an incident Conure did not know, and answers 201 with its id", async () => {
    const c = conure();
    const guid = "7889a175-f43c-42ad-baac-ff55497c1730";
    const { incident_id } = await c.incidents.importFromCtia({ incident_id: guid });
    expect(incident_id).toBe(`incident-${guid}`);
    await expect(c.incidents.get({ incident_id })).resolves.toMatchObject({ status: "New" });
  });

  it("casebooks by external id, with the casebook paging", async () => {
    const c = conure();
    const tagged = await c.casebooks.create({ title: "Tagged", external_ids: ["ext-42"] });
    await c.casebooks.create({ title: "Other", external_ids: ["ext-7"] });
    const page = await c.casebooks.listByExternalId({ external_id: "ext-42", limit: 5 });
    expect(page.items.map((b) => b.id)).toEqual([tagged.id]);
  });
});

describe("investigations from a snapshot or another investigation", () => {
  it("POST snapshot needs S1's four keys; GET {id}/snapshot copies; errors is a list", async () => {
    const c = conure();
    const { investigation_id } = await c.investigations.createFromSnapshot({
      short_description: "Seen on the proxy",
      source: "e2e",
      actions: "[]",
      timestamp: "2026-05-01T10:00:00.000Z",
    });
    const overview = await c.investigations.overview({ investigation_id });
    expect(overview.title).toBe("Seen on the proxy");
    await c.investigations.addObservables({
      investigation_id,
      observables: [{ type: "ip", value: "203.0.113.9" }],
    });
    const copy = await c.investigations.createFromInvestigation({ investigation_id });
    expect(copy.investigation_id).not.toBe(investigation_id);
    const copied = await c.investigations.overview({ investigation_id: copy.investigation_id });
    expect(copied.investigated_observables).toEqual([{ type: "ip", value: "203.0.113.9" }]);
    await expect(c.investigations.errors({ investigation_id })).resolves.toEqual([]);

    const error = await t.caught(
      c.investigations.createFromSnapshot({ short_description: "x" } as never),
    );
    expect((error as ApiError).status).toBe(400);
  });
});

describe("v3 incident routes", () => {
  it("search: include/exclude, wildcard tactics, score range, sort, fields", async () => {
    t.sim.conure.seedIncidents(8); // statuses cycle New, Open, Open: Investigating, Closed: …
    const c = conure();
    const found = await c.v3.incidents.search({
      filters: {
        status: { include: ["Open", "New"] },
        tactics: { include: ["TA00*"] },
        score: { min: 890 },
      },
      sort_by: [{ field: "scores", direction: "desc" }],
      fields: ["id", "status", "scores"],
    });
    // Global scores are 900 − i: seeds 0 (New, 900), 1 (Open, 899), 4 (New, 896), 5 (Open, 895).
    expect(found.map((i) => (i.scores as { global: number }).global)).toEqual([900, 899, 896, 895]);
    expect(Object.keys(found[0]!).sort()).toEqual(["id", "scores", "status"]);

    const none = await c.v3.incidents.search({ filters: { tactics: { exclude: ["TA*"] } } });
    expect(none).toEqual([]);
    const byShortId = await c.v3.incidents.search({ filters: { short_id: "0002" }, limit: 5 });
    expect(byShortId.map((i) => i.short_id)).toEqual(["INC-0002"]);
  });

  it("an unknown status in a v3 filter is a 400 with Conure's {message}", async () => {
    const error = await t.caught(
      conure().v3.incidents.search({ filters: { status: { include: ["Opened"] } } }),
    );
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).body).toMatchObject({ message: { filters: { status: "Opened" } } });
  });

  it("storyboard, feedback on it, and the graph by GET", async () => {
    const [seeded] = t.sim.conure.seedIncidents(1);
    const c = conure();
    const incident_id = seeded!.id;
    await expect(c.v3.incidents.storyboard({ incident_id })).resolves.toMatchObject({
      incident_id,
    });
    await c.v3.incidents.storyboardFeedback({
      incident_id,
      type: "verdict",
      report_metadata: { langsmith_trace_id: "t-1", xdr_chain_id: "c-1" },
      feedback_metadata: { status: "accurate" },
      text: "The verdict matches what we saw.",
    });
    expect(t.sim.conure.feedback).toMatchObject([{ incident_id, type: "verdict" }]);
    const graph = await c.v3.incidents.getGraph({ incident_id, include_process_parents: true });
    expect(graph).toEqual({ nodes: {}, edges: {}, errors: [] });
    expect(lastQuery(`/v3/incident/${incident_id}/graph`).get("include_process_parents")).toBe(
      "true",
    );
  });

  it("feedback needs private-intel:write: a read-only token is refused before sending", async () => {
    const [seeded] = t.sim.conure.seedIncidents(1);
    t.sim.clients.set("reader", { secret: "reader-secret-1", scopes: ["private-intel:read"] });
    const c = conure({ clientId: "reader", clientSecret: "reader-secret-1" });
    await c.v3.incidents.storyboard({ incident_id: seeded!.id });
    const error = await t.caught(
      c.v3.incidents.storyboardFeedback({
        incident_id: seeded!.id,
        type: "general",
        report_metadata: { langsmith_trace_id: "t", xdr_chain_id: "c" },
        feedback_metadata: null,
        text: "x",
      }),
    );
    expect(error).toBeInstanceOf(MissingScopeError);
  });
});
