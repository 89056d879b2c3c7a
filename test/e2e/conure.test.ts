// Conure v2 (incidents and investigations), end to end: `createXdr().conure` against the
// simulator's Conure (mounted at `/conure`): search with filters and paging, count, detail views,
// writes, investigations, casebooks, report metrics, v3 routes, errors and scopes.
import { describe, expect, it } from "vitest";
import {
  ApiError,
  MissingScopeError,
  NotFoundError,
  type XdrOptions,
} from "../../generated/src/index.js";
import { CONURE_PREFIX, INCIDENT_STATUSES } from "../simulator/server.js";
import { baseUrls, useSimulator } from "./harness.js";

const t = useSimulator();

const SEARCH = `${CONURE_PREFIX}/v2/incident/search`;

/** The SDK pointed at the simulator, Conure included (the shared harness knows three APIs). */
function conure(options: Partial<XdrOptions> = {}) {
  return t.xdr({
    baseUrls: { ...baseUrls(t.sim), conure: `${t.sim.url}${CONURE_PREFIX}` },
    ...options,
  }).conure;
}

function searches(): URLSearchParams[] {
  return t.sim.stats.requests
    .filter((r) => r.path === SEARCH)
    .map((r) => new URLSearchParams(r.query));
}

describe("incident search", () => {
  it("filters by status and sends every filter under its wire name", async () => {
    t.sim.conure.seedIncidents(8); // statuses cycle New, Open, Open: Investigating, Closed: False Positive
    const page = await conure().incidents.search({
      status: "Open",
      limit: 10,
      sort_by: "timestamp:desc",
      high_impact: true,
      search_fields: ["title", "description"],
    });
    // Seeds 1 and 5 are Open, both with severity High.
    expect(page.items.map((i) => i.status)).toEqual(["Open", "Open"]);
    const q = searches()[0]!;
    expect(q.get("status")).toBe("Open");
    expect(q.get("high_impact")).toBe("true");
    expect(q.getAll("search_fields")).toEqual(["title", "description"]);
    expect(page.totalHits).toBe(2);
  });

  it("for await yields every incident across pages (offset/limit, search_after from X-Next)", async () => {
    t.sim.conure.seedIncidents(25);
    const ids: string[] = [];
    for await (const incident of conure().incidents.search({ limit: 10 })) ids.push(incident.id!);
    expect(new Set(ids).size).toBe(25);
    const queries = searches();
    expect(queries).toHaveLength(3);
    expect(queries.map((q) => q.get("limit"))).toEqual(["10", "10", "10"]);
    expect(queries[1]!.get("offset")).toBe("10");
    expect(queries[1]!.getAll("search_after")).toHaveLength(2);
  });

  // Conure's swagger declares no paging header: the searches are marked
  // `x-xdr-pagination-fallback: offset`, so without X-Next the runtime advances `offset` by the
  // page's length until an empty page.
  it("without paging headers, for await still reaches every incident (the offset fallback)", async () => {
    t.sim.conure.seedIncidents(25);
    t.sim.conure.pagingHeaders = false;
    const ids: unknown[] = [];
    for await (const i of conure().incidents.search({ limit: 10 }))
      ids.push((i as { id: unknown }).id);
    expect(new Set(ids).size).toBe(25);
    const queries = searches();
    expect(queries.map((q) => q.get("offset"))).toEqual([null, "10", "20", "25"]);
    expect(queries.map((q) => q.get("limit"))).toEqual(["10", "10", "10", "10"]);
  });

  it("count takes the same filters and answers a bare number", async () => {
    t.sim.conure.seedIncidents(8);
    await expect(conure().incidents.count({ status: "Closed: False Positive" })).resolves.toBe(2);
    await expect(conure().incidents.count()).resolves.toBe(8);
  });

  it("fields narrows what comes back", async () => {
    t.sim.conure.seedIncidents(3);
    const page = await conure().incidents.search({ fields: ["id", "status"] });
    expect(Object.keys(page.items[0]!).sort()).toEqual(["id", "status"]);
  });

  it("an unknown status is a 400 with Conure's {message} body", async () => {
    const error = await t.caught(conure().incidents.search({ status: "Opened" as never }));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).body).toMatchObject({ message: { status: expect.any(String) } });
  });

  it("the status enum has Cisco's 25 values", () => {
    expect(INCIDENT_STATUSES).toHaveLength(25);
  });
});

describe("one incident", () => {
  it("get, summary, observables, targets, mitre, primary investigation and its views", async () => {
    const [seeded] = t.sim.conure.seedIncidents(1);
    const c = conure();
    const id = seeded!.id;
    const incident = await c.incidents.get({ incident_id: id });
    expect(incident.title).toBe("Simulated incident 1");
    // A bare GUID is accepted too (DevNet: short id, GUID or legacy URL).
    await expect(
      c.incidents.get({ incident_id: id.slice("incident-".length) }),
    ).resolves.toMatchObject({ id });

    const summary = await c.incidents.summary({ incident_id: id });
    expect(summary.observables?.total_count).toBe(2);
    const observables = await c.incidents.observables({ incident_id: id });
    expect(observables.find((o) => o.value === "internetbadguys.com")?.disposition).toBe(2);
    expect(await c.incidents.targets({ incident_id: id })).toHaveLength(1);
    expect((await c.incidents.mitre({ incident_id: id }))[0]?.id).toBe("TA0011");

    const primary = await c.incidents.primaryInvestigation({ incident_id: id });
    const overview = await c.investigations.overview({ investigation_id: primary.id! });
    expect(overview.investigated_observables).toHaveLength(2);
    const status = await c.investigations.status({ investigation_id: primary.id! });
    expect(status.investigation_id).toBe(primary.id);
  });

  it("an unknown incident is a NotFoundError", async () => {
    const error = await t.caught(conure().incidents.get({ incident_id: "incident-nope" }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as ApiError).body).toEqual({ message: "Not Found" });
  });

  it("create, patch the status, record actions taken, link a casebook, delete", async () => {
    const c = conure();
    const created = await c.incidents.create({
      title: "From the SDK",
      status: "New",
      confidence: "High",
      incident_time: { opened: "2026-01-01T00:00:00.000Z" },
    });
    const id = created.id!;
    const patched = await c.incidents.update({
      incident_id: id,
      status: "Closed: Confirmed Threat",
    });
    expect(patched.status).toBe("Closed: Confirmed Threat");
    expect(patched.incident_time?.opened).toBe("2026-01-01T00:00:00.000Z");

    const actionIds = await c.incidents.addActionsTaken({
      incident_id: id,
      body: [
        {
          action: "blocked",
          status: "completed",
          started_at: null,
          completed_at: null,
          description: null,
          reason: null,
          source: "e2e",
          source_url: null,
          observable: { type: "domain", value: "internetbadguys.com" },
        },
      ],
    });
    expect(actionIds).toHaveLength(1);

    const casebook = await c.casebooks.create({ title: "Evidence" });
    const link = await c.incidents.link({
      incident_id: id,
      entity_type: "casebook",
      entity_id: casebook.id!,
    });
    expect(link.target_ref).toBe(casebook.id);
    expect(await c.incidents.linkedCasebooks({ incident_id: id })).toHaveLength(1);

    await c.incidents.delete({ incident_id: id });
    await expect(c.incidents.get({ incident_id: id })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("report: all sections, then edit and regenerate one", async () => {
    const [seeded] = t.sim.conure.seedIncidents(1);
    const c = conure();
    const id = seeded!.id;
    const report = await c.incidents.report.get({ incident_id: id, timezone: "UTC" });
    expect(Object.keys(report).sort()).toEqual(["events", "executive", "incident", "timeline"]);
    const edited = await c.incidents.report.updateSection({
      incident_id: id,
      section_id: "executive",
      content: "Contained.",
    });
    expect(edited).toMatchObject({ content: "Contained.", ai_generated: false });
    const again = await c.incidents.report.regenerateSection({
      incident_id: id,
      section_id: "executive",
    });
    expect(again.ai_generated).toBe(true);
  });
});

describe("investigations and casebooks", () => {
  it("create an investigation, add observables, save it, copy it, delete it", async () => {
    const c = conure();
    const { investigation_id } = await c.investigations.create({
      observables: [{ type: "ip", value: "203.0.113.66" }],
      title: "From the SDK",
    });
    await c.investigations.addObservables({
      investigation_id,
      observables: [{ type: "domain", value: "cisco.com" }],
    });
    const verdicts = await c.investigations.verdicts({ investigation_id });
    expect(verdicts.map((v) => v.disposition)).toEqual([2, 1]);
    await c.investigations.save({ investigation_id, title: "Saved" });
    const copy = await c.investigations.copy({
      investigation_id,
      title: "Copy",
    });
    expect(copy.investigation_id).not.toBe(investigation_id);
    await expect(c.investigations.delete({ investigation_id })).resolves.toEqual({
      success: true,
    });
  });

  it("casebooks: create, add observables and texts, search", async () => {
    const c = conure();
    const book = await c.casebooks.create({ title: "Phishing wave" });
    await c.casebooks.updateObservables({
      casebook_id: book.id!,
      operation: "add",
      observables: [{ type: "email", value: "bad@example.com" }],
    });
    const withText = await c.casebooks.updateTexts({
      casebook_id: book.id!,
      operation: "add",
      texts: [{ type: "note", text: "seen twice" }],
    });
    expect(withText.observables).toHaveLength(1);
    expect(withText.texts).toHaveLength(1);
    const found = await c.casebooks.search({ query: "phishing" });
    expect(found.items.map((b) => b.id)).toEqual([book.id]);
  });
});

describe("report metrics and v3", () => {
  it("metrics take a period; mean times are seconds or null", async () => {
    t.sim.conure.seedIncidents(4);
    const c = conure();
    const rows = await c.reports.incidentStatusByAssignment({ period: "last_7_days" });
    expect(rows.length).toBeGreaterThan(0);
    await expect(c.reports.teamMeanTimeToResolve({ period: "last_30_days" })).resolves.toEqual({
      current_avg: 3600,
      prior_avg: null,
    });
  });

  it("v3 filters and graph", async () => {
    const [seeded] = t.sim.conure.seedIncidents(2);
    const c = conure();
    await expect(c.v3.incidents.filters()).resolves.toMatchObject({ tactics: ["TA0011"] });
    const graph = await c.v3.incidents.graph({ incident_id: seeded!.id, important_only: true });
    expect(graph).toMatchObject({ nodes: {}, edges: {} });
  });
});

describe("scopes", () => {
  it("a token without private-intel is refused before sending (MissingScopeError)", async () => {
    t.sim.clients.set("narrow", { secret: "narrow-secret-1", scopes: ["casebook:read"] });
    const c = conure({ clientId: "narrow", clientSecret: "narrow-secret-1" });
    await c.casebooks.search({}); // casebook:read is enough here
    const error = await t.caught(c.incidents.search({}));
    expect(error).toBeInstanceOf(MissingScopeError);
    expect(error.message).toContain("private-intel:read");
    expect(t.hits(SEARCH)).toBe(0);
  });
});
