// Paging, end to end: CTIA search through X-Next / X-Total-Hits, Automation lists through
// start / limit and `_links`.
import { describe, expect, it } from "vitest";
import { XdrError } from "../../generated/src/index.js";
import { SIM_WORKFLOW_IDS } from "../simulator/server.js";
import { useSimulator } from "./harness.js";

const t = useSimulator();

const SEARCH = "/ctia/judgement/search";

function searchQueries(): URLSearchParams[] {
  return t.sim.stats.requests
    .filter((r) => r.path === SEARCH)
    .map((r) => new URLSearchParams(r.query));
}

describe("CTIA search", () => {
  it("for await yields every item across pages: 250 judgements, limit 100 → 3 requests", async () => {
    t.sim.seed("judgement", 250);
    const ids = new Set<string>();
    for await (const j of t.xdr().ctia.judgements.search({ query: "*", limit: 100 })) {
      expect(j.type).toBe("judgement");
      ids.add(j.id);
    }
    expect(ids.size).toBe(250);
    const queries = searchQueries();
    expect(queries).toHaveLength(3);
    // The caller's query travels on every page; the cursor comes from X-Next.
    expect(queries.map((q) => q.get("query"))).toEqual(["*", "*", "*"]);
    expect(queries.map((q) => q.get("limit"))).toEqual(["100", "100", "100"]);
    expect(queries[0]!.has("search_after")).toBe(false);
    expect(queries[1]!.getAll("search_after").length).toBeGreaterThan(0);
    expect(queries[2]!.getAll("search_after")).not.toEqual(queries[1]!.getAll("search_after"));
    expect(t.sim.stats.tokenRequests).toBe(1);
  });

  it("awaited: one page with items, totalHits and nextPage()", async () => {
    t.sim.seed("judgement", 250);
    const first = await t.xdr().ctia.judgements.search({ query: "*", limit: 100 });
    expect(first.items).toHaveLength(100);
    expect(first.totalHits).toBe(250);
    expect(first.hasNextPage()).toBe(true);
    expect(searchQueries()).toHaveLength(1);

    const second = await first.nextPage();
    const third = await second.nextPage();
    expect(second.items).toHaveLength(100);
    expect(third.items).toHaveLength(50);
    expect(third.totalHits).toBe(250);
    expect(third.hasNextPage()).toBe(false);
    expect(() => third.nextPage()).toThrow(XdrError);
    const all = [...first.items, ...second.items, ...third.items].map((j) => j.id);
    expect(new Set(all).size).toBe(250);
    expect(searchQueries()).toHaveLength(3);
  });

  it("filters with the query, and counts the matches in totalHits", async () => {
    t.sim.seed("judgement", 250); // dispositions cycle 1..5: 50 Malicious
    const page = await t.xdr().ctia.judgements.search({ query: "disposition:2", limit: 20 });
    expect(page.totalHits).toBe(50);
    let n = 0;
    for await (const j of t.xdr().ctia.judgements.search({ query: "disposition:2", limit: 20 })) {
      expect(j.disposition).toBe(2);
      n++;
    }
    expect(n).toBe(50);
  });

  it("an empty result: one request, no item", async () => {
    const xdr = t.xdr();
    const page = await xdr.ctia.judgements.search({ query: "*" });
    expect(page.items).toEqual([]);
    expect(page.totalHits).toBe(0);
    expect(page.hasNextPage()).toBe(false);
    for await (const _ of xdr.ctia.judgements.search({ query: "*" })) {
      throw new Error("no item expected");
    }
    expect(searchQueries()).toHaveLength(2);
  });

  it("breaking out of the loop stops paging", async () => {
    t.sim.seed("judgement", 250);
    let n = 0;
    for await (const _ of t.xdr().ctia.judgements.search({ query: "*", limit: 100 })) {
      if (++n === 150) break;
    }
    expect(searchQueries()).toHaveLength(2);
  });

  it("a page failing mid-way is retried like any safe request", async () => {
    t.sim.seed("judgement", 250);
    const xdr = t.xdr();
    const first = await xdr.ctia.judgements.search({ query: "*", limit: 100 });
    t.sim.faults.serverError = { count: 1, status: 503, path: SEARCH };
    const second = await first.nextPage();
    expect(second.items).toHaveLength(100);
    expect(searchQueries()).toHaveLength(3);
  });
});

describe("Automation lists", () => {
  it("workflows.search follows _links.next across start/limit pages", async () => {
    const all = t.sim.automation.workflows.map((w) => w.id);
    expect(all).toHaveLength(7);
    const seen: string[] = [];
    for await (const w of t.xdr().automation.workflows.search({ limit: 3 })) {
      seen.push(w.id as string);
    }
    expect(seen).toEqual(all);
    const pages = t.sim.stats.requests.filter((r) => r.path === "/api/v1.2/workflows");
    expect(pages.map((r) => new URLSearchParams(r.query).get("start"))).toEqual([null, "3", "6"]);
  });

  it("workflows.search awaited: the first page, with hasNextPage()", async () => {
    const page = await t.xdr().automation.workflows.search({ limit: 5 });
    expect(page.items).toHaveLength(5);
    expect(page.hasNextPage()).toBe(true);
    const rest = await page.nextPage();
    expect(rest.items).toHaveLength(2);
    expect(rest.hasNextPage()).toBe(false);
  });

  it("instances.search pages the runs with the caller's filters kept", async () => {
    const def = t.sim.automation.workflow(SIM_WORKFLOW_IDS.hello)!;
    for (let i = 0; i < 5; i++) t.sim.automation.start(def, "e2e-client-5Tq8", [], true);
    const seen: string[] = [];
    for await (const run of t.xdr().automation.instances.search({
      date_from: "2000-01-01T00:00:00Z",
      state: "success",
      limit: 2,
    })) {
      seen.push(run.id as string);
    }
    expect(new Set(seen).size).toBe(5);
    const pages = t.sim.stats.requests.filter((r) => r.path === "/api/v1.1/instances");
    expect(pages).toHaveLength(3);
    for (const p of pages) {
      const q = new URLSearchParams(p.query);
      expect(q.get("date_from")).toBe("2000-01-01T00:00:00Z");
      expect(q.get("state")).toBe("success");
      expect(q.get("limit")).toBe("2");
    }
  });

  it("a page limit the server refuses surfaces as an error of the iteration", async () => {
    const iterate = async () => {
      for await (const _ of t.xdr().automation.instances.search({
        date_from: "2000-01-01T00:00:00Z",
        limit: 500,
      })) {
        // nothing
      }
    };
    const err = await t.caught(iterate());
    expect(err.message).toMatch(/^instances\.search failed: HTTP 400: limit must between 0-100/);
  });
});
