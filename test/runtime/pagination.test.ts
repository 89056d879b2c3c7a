// CTIA (`X-Next` / `X-Total-Hits`) and Automation (`_links` / `start`) paging.
import { describe, expect, it } from "vitest";
import { NotFoundError, XdrError } from "../../templates/runtime/errors.js";
import { paginate } from "../../templates/runtime/pagination.js";
import { createTransport } from "../../templates/runtime/transport.js";
import type { Operation, TypedOperation } from "../../templates/runtime/types.js";
import { type Hit, irohApi, json, useServer } from "./harness.js";

const srv = useServer();

const client = () =>
  createTransport(irohApi(), { accessToken: "t", baseUrls: { iroh: srv.url }, retryDelayMs: 1 });

const judgementsSearch: TypedOperation<
  { query?: string; limit?: number; offset?: number; search_after?: string[] },
  { id: string }[]
> = {
  name: "judgements.search",
  method: "GET",
  path: "/ctia/judgement/search",
  args: "flat",
  queryParams: ["query", "limit", "offset", "search_after", "sort_by"],
  safe: true,
  paging: "ctia",
};

/** 250 judgements served 100 at a time, with CTIA's headers. */
function ctiaServer(total = 250) {
  srv.route("GET /ctia/judgement/search", (hit, res) => {
    const limit = Number(hit.query.get("limit") ?? 100);
    const offset = Number(hit.query.get("offset") ?? 0);
    const items = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => ({
      id: `judgement-${offset + i}`,
    }));
    const headers: Record<string, string> = { "x-total-hits": String(total) };
    if (offset + limit < total) {
      const last = items.at(-1)!.id;
      headers["x-next"] =
        `limit=${limit}&offset=${offset + limit}&search_after=1636590824070&search_after=${last}`;
    }
    json(res, 200, items, headers);
  });
}

describe("CTIA paging", () => {
  it("iterates every item across 3 pages, following X-Next", async () => {
    ctiaServer();
    const ids: string[] = [];
    for await (const j of paginate(client(), judgementsSearch, { query: "disposition:2" })) {
      ids.push(j.id);
    }
    expect(ids).toHaveLength(250);
    expect(ids[0]).toBe("judgement-0");
    expect(ids[249]).toBe("judgement-249");
    const urls = srv.hits.map((h: Hit) => h.url);
    expect(urls).toEqual([
      "/ctia/judgement/search?query=disposition%3A2",
      "/ctia/judgement/search?query=disposition%3A2&limit=100&offset=100&search_after=1636590824070&search_after=judgement-99",
      "/ctia/judgement/search?query=disposition%3A2&limit=100&offset=200&search_after=1636590824070&search_after=judgement-199",
    ]);
  });

  it("lets the cursor replace the caller's paging keys", async () => {
    ctiaServer();
    const items: unknown[] = [];
    for await (const j of paginate(client(), judgementsSearch, {
      query: "*",
      limit: 100,
      offset: 0,
    }))
      items.push(j);
    expect(items).toHaveLength(250);
    expect(srv.hits[1]!.query.getAll("offset")).toEqual(["100"]);
    expect(srv.hits[1]!.query.getAll("limit")).toEqual(["100"]);
  });

  it("awaits to the first page with totalHits, and pages on with nextPage()", async () => {
    ctiaServer();
    const first = await paginate(client(), judgementsSearch, { query: "*" });
    expect(first.items).toHaveLength(100);
    expect(first.totalHits).toBe(250);
    expect(first.response.status).toBe(200);
    expect(first.hasNextPage()).toBe(true);
    const second = await first.nextPage();
    const third = await second.nextPage();
    expect(third.items).toHaveLength(50);
    expect(third.items[0]).toEqual({ id: "judgement-200" });
    expect(third.hasNextPage()).toBe(false);
    expect(() => third.nextPage()).toThrow(XdrError);
  });

  it("stops on a page without X-Next", async () => {
    ctiaServer(40);
    const page = await paginate(client(), judgementsSearch, {});
    expect(page.items).toHaveLength(40);
    expect(page.hasNextPage()).toBe(false);
  });

  it("stops when X-Next repeats itself", async () => {
    srv.route("GET /ctia/judgement/search", (_h, res) =>
      json(res, 200, [{ id: "j" }], { "x-next": "limit=1&offset=1" }),
    );
    const items: unknown[] = [];
    for await (const j of paginate(client(), judgementsSearch, {})) items.push(j);
    // The second page is the first again: not yielded twice, and no third request.
    expect(items).toEqual([{ id: "j" }]);
    expect(srv.hits).toHaveLength(2);
  });

  it("rejects the iteration with the page's error", async () => {
    srv.route("GET /ctia/judgement/search", (_h, res) => json(res, 404, { error: "gone" }));
    const iterate = async () => {
      for await (const _ of paginate(client(), judgementsSearch, {})) void _;
    };
    await expect(iterate()).rejects.toBeInstanceOf(NotFoundError);
  });
});

const instancesList: Operation = {
  name: "instances.list",
  method: "POST",
  path: "/v1.1/instances",
  args: "split",
  queryParams: ["limit", "start", "date_from"],
  body: "json",
  paging: "links",
};

/** 25 instances, `limit` per page, with `_links.next` in the given form. */
function linksServer(form: "path" | "query" | "absolute" | "none", total = 25) {
  srv.route("POST /v1.1/instances", (hit, res) => {
    const limit = Number(hit.query.get("limit"));
    const start = Number(hit.query.get("start") ?? 0);
    const results = Array.from({ length: Math.max(0, Math.min(limit, total - start)) }, (_, i) => ({
      id: `wf-${start + i}`,
    }));
    const q = `start=${start + limit}&limit=${limit}`;
    const next =
      start + limit >= total
        ? undefined
        : form === "path"
          ? `/api/v1.1/instances?${q}`
          : form === "absolute"
            ? `https://automate.us.security.cisco.com/api/v1.1/instances?${q}`
            : q;
    const _links = { self: "x", ...(next ? { next } : {}) };
    json(res, 200, form === "none" ? { results } : { _links, results });
  });
}

describe("Automation paging", () => {
  it.each(["path", "query", "absolute"] as const)(
    "follows _links.next given as a %s",
    async (form) => {
      linksServer(form);
      const ids: string[] = [];
      const body = { workflow_ids: ["w1"] };
      for await (const i of paginate(client(), instancesList, {
        limit: 10,
        date_from: "2026-01-01T00:00:00Z",
        body,
      } as never)) {
        ids.push((i as { id: string }).id);
      }
      expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `wf-${i}`));
      expect(srv.hits.map((h) => h.query.get("start"))).toEqual([null, "10", "20"]);
      for (const h of srv.hits) {
        expect(h.query.get("date_from")).toBe("2026-01-01T00:00:00Z");
        expect(h.query.getAll("limit")).toEqual(["10"]);
        expect(JSON.parse(h.body)).toEqual(body);
      }
    },
  );

  it("without _links, advances start by the page length until an empty page", async () => {
    linksServer("none");
    const ids: unknown[] = [];
    for await (const i of paginate(client(), instancesList, { limit: 10, body: {} } as never))
      ids.push(i);
    expect(ids).toHaveLength(25);
    // A short page is not the end (servers cap page sizes): only an empty one is.
    expect(srv.hits.map((h) => h.query.get("start"))).toEqual([null, "10", "20", "25"]);
  });

  it("stops on an empty page", async () => {
    srv.route("POST /v1.1/instances", (_h, res) =>
      json(res, 200, { _links: { next: "start=10&limit=10" }, results: [] }),
    );
    const page = await paginate(client(), instancesList, { limit: 10, body: {} } as never);
    expect(page.items).toEqual([]);
    expect(page.hasNextPage()).toBe(false);
  });

  it("treats results: null as an empty page", async () => {
    srv.route("POST /v1.1/instances", (_h, res) => json(res, 200, { results: null }));
    const page = await paginate(client(), instancesList, { limit: 10, body: {} } as never);
    expect(page.items).toEqual([]);
    expect(page.hasNextPage()).toBe(false);
  });
});
