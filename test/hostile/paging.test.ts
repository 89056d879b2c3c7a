// Issue #8, item 2: paging ends on any repeated cursor (CTIA X-Next, Automation _links), offers
// maxPages / maxItems, and never drops items silently when an Automation server caps its page
// size (no _links: `start` advances by the page's length until an empty page).
import { describe, expect, it } from "vitest";
import { XdrError } from "../../templates/runtime/errors.js";
import { paginate } from "../../templates/runtime/pagination.js";
import { createTransport } from "../../templates/runtime/transport.js";
import type { Operation, RequestOptions } from "../../templates/runtime/types.js";
import { irohApi, json, recorder, type Recorder, useServer } from "./servers.js";

const srv = useServer();

const client = (log?: Recorder) =>
  createTransport(irohApi(), {
    accessToken: "t",
    baseUrls: { iroh: srv.url, automation: srv.url },
    retryDelayMs: 1,
    logger: log,
  });

const ctiaSearch: Operation = {
  name: "judgements.search",
  method: "GET",
  path: "/ctia/judgement/search",
  args: "flat",
  queryParams: ["query", "limit", "offset", "search_after"],
  safe: true,
  paging: "ctia",
};
const linksList: Operation = {
  name: "workflows.list",
  method: "GET",
  path: "/v1/workflows",
  args: "flat",
  queryParams: ["start", "limit"],
  safe: true,
  paging: "links",
};

const CTIA = "GET /ctia/judgement/search";
const LINKS = "GET /v1/workflows";

/** Drains an iteration, with a hard stop so that a runaway loop fails instead of hanging. */
async function drain<T>(
  it: AsyncIterable<T>,
  hardStop = 200,
): Promise<{ items: T[]; runaway: boolean }> {
  const items: T[] = [];
  for await (const x of it) {
    items.push(x);
    if (items.length >= hardStop) return { items, runaway: true };
  }
  return { items, runaway: false };
}

/** A CTIA server whose X-Next after page `n` (1-based) is `next(n, hitQuery)`. */
function ctiaCursors(next: (n: number, q: URLSearchParams) => string | undefined, per = 2) {
  srv.route(CTIA, (hit, res, n) => {
    const items = Array.from({ length: per }, (_, i) => ({ id: `p${n}-${i}` }));
    const x = next(n, hit.query);
    json(res, 200, items, x === undefined ? {} : { "x-next": x });
  });
}

describe("CTIA X-Next cycles", () => {
  it("ends when X-Next cycles A, B, A (any repeated cursor, not only the previous one), and warns", async () => {
    const log = recorder();
    ctiaCursors((n) => (n % 2 === 1 ? "limit=2&offset=2" : "limit=2&offset=4"));
    const { items, runaway } = await drain(paginate(client(log), ctiaSearch, { query: "*" }));
    expect(runaway).toBe(false);
    expect(srv.count(CTIA)).toBe(3);
    expect(items).toHaveLength(6);
    expect(log.warnings.join("\n")).toMatch(/paging|cursor/i);
  });

  it("ends when X-Next repeats itself (A, A)", async () => {
    ctiaCursors(() => "limit=2&offset=2");
    const { runaway } = await drain(paginate(client(), ctiaSearch, {}));
    expect(runaway).toBe(false);
    expect(srv.count(CTIA)).toBe(2);
  });

  it("ends on a longer cycle (A, B, C, A)", async () => {
    ctiaCursors((n) => `offset=${((n - 1) % 3) * 10 + 10}`);
    const { runaway } = await drain(paginate(client(), ctiaSearch, {}), 1000);
    expect(runaway).toBe(false);
    expect(srv.count(CTIA)).toBe(4);
  });

  it("treats the same cursor with its keys in another order as repeated", async () => {
    ctiaCursors((n) => (n % 2 === 1 ? "limit=2&offset=2" : "offset=2&limit=2"));
    const { runaway } = await drain(paginate(client(), ctiaSearch, {}));
    expect(runaway).toBe(false);
    expect(srv.count(CTIA)).toBe(2);
  });

  it("ends when search_after cycles between two values", async () => {
    ctiaCursors((n) => `limit=2&search_after=${n % 2 === 1 ? "x" : "y"}`);
    const { runaway } = await drain(paginate(client(), ctiaSearch, {}));
    expect(runaway).toBe(false);
    expect(srv.count(CTIA)).toBe(3);
  });

  it("ends on an empty page even when X-Next is still set", async () => {
    let n = 0;
    srv.route(CTIA, (_h, res) => {
      n++;
      json(res, 200, n === 1 ? [{ id: 1 }] : [], { "x-next": `offset=${n}` });
    });
    const { items, runaway } = await drain(paginate(client(), ctiaSearch, {}));
    expect(runaway).toBe(false);
    expect(items).toHaveLength(1);
    expect(srv.count(CTIA)).toBe(2);
  });

  it("reports no next page through the manual API once a cursor repeats", async () => {
    ctiaCursors(() => "offset=2");
    const first = await paginate(client(), ctiaSearch, {});
    expect(first.hasNextPage()).toBe(true);
    const second = await first.nextPage();
    expect(second.hasNextPage()).toBe(false);
    expect(() => second.nextPage()).toThrow(XdrError);
  });

  it("keeps separate iterations separate (a cursor seen by one does not end the other)", async () => {
    ctiaCursors((n, q) => (q.get("offset") === "2" ? undefined : n > 100 ? undefined : "offset=2"));
    const t = client();
    const a = await drain(paginate(t, ctiaSearch, {}));
    const b = await drain(paginate(t, ctiaSearch, {}));
    expect(a.items).toHaveLength(4);
    expect(b.items).toHaveLength(4);
  });
});

describe("Automation _links cycles", () => {
  function linksServer(next: (n: number) => string | undefined, per = 2) {
    srv.route(LINKS, (_h, res, n) =>
      json(res, 200, {
        results: Array.from({ length: per }, (_, i) => ({ id: `p${n}-${i}` })),
        _links: { next: next(n) ?? null },
      }),
    );
  }

  it("ends when _links.next alternates between two URLs, and warns", async () => {
    const log = recorder();
    linksServer((n) => `/v1/workflows?start=${n % 2 === 1 ? 2 : 4}&limit=2`);
    const { items, runaway } = await drain(paginate(client(log), linksList, {}));
    expect(runaway).toBe(false);
    expect(srv.count(LINKS)).toBe(3);
    expect(items).toHaveLength(6);
    expect(log.warnings.length).toBeGreaterThan(0);
  });

  it("keeps following on the configured host when _links.next names another origin", async () => {
    srv.route(LINKS, (h, res) =>
      json(res, 200, {
        results: [{ id: h.query.get("start") ?? "0" }],
        _links: {
          next: h.query.get("start") ? null : "https://evil.example/v1/workflows?start=1",
        },
      }),
    );
    const { items } = await drain(paginate(client(), linksList, {}));
    expect(items).toEqual([{ id: "0" }, { id: "1" }]);
    expect(srv.hits.map((h) => h.url)).toEqual(["/v1/workflows", "/v1/workflows?start=1"]);
  });

  it("ends when _links.next points at the page itself", async () => {
    linksServer(() => "/v1/workflows?start=0&limit=2");
    const { runaway } = await drain(paginate(client(), linksList, {}));
    expect(runaway).toBe(false);
    expect(srv.count(LINKS)).toBe(2);
  });

  it("ends when an absolute _links.next URL cycles", async () => {
    linksServer((n) => `${srv.url}/v1/workflows?limit=2&start=${n % 3}`);
    const { runaway } = await drain(paginate(client(), linksList, {}), 1000);
    expect(runaway).toBe(false);
    expect(srv.count(LINKS)).toBeLessThanOrEqual(4);
  });

  it("ends when a bare-query _links.next cycles", async () => {
    linksServer((n) => (n % 2 ? "start=2&limit=2" : "start=4&limit=2"));
    const { runaway } = await drain(paginate(client(), linksList, {}));
    expect(runaway).toBe(false);
    expect(srv.count(LINKS)).toBe(3);
  });
});

describe("servers that ignore their cursor (same page, new cursor every time)", () => {
  it("CTIA: the same page with an ever-new X-Next ends without yielding duplicates", async () => {
    srv.route(CTIA, (_h, res, n) =>
      json(res, 200, [{ id: "a" }, { id: "b" }], { "x-next": `limit=2&offset=${n * 2}` }),
    );
    const { items, runaway } = await drain(paginate(client(), ctiaSearch, {}), 20);
    expect(runaway).toBe(false);
    expect(items.map((i) => (i as { id: string }).id)).toEqual(["a", "b"]);
  });

  it("Automation: the same page with an ever-new _links.next ends without yielding duplicates", async () => {
    srv.route(LINKS, (_h, res, n) =>
      json(res, 200, {
        results: [{ id: "a" }, { id: "b" }],
        _links: { next: `/v1/workflows?start=${n * 2}&limit=2` },
      }),
    );
    const { items, runaway } = await drain(paginate(client(), linksList, {}), 20);
    expect(runaway).toBe(false);
    expect(items.map((i) => (i as { id: string }).id)).toEqual(["a", "b"]);
  });
});

describe("maxPages and maxItems", () => {
  /** A server with an endless supply of distinct cursors. */
  const endless = (per = 10) => ctiaCursors((n) => `limit=${per}&offset=${n * per}`, per);

  it("stops after maxPages pages on an endless server", async () => {
    endless();
    const { items, runaway } = await drain(
      paginate(client(), ctiaSearch, {}, { maxPages: 3 }),
      1000,
    );
    expect(runaway).toBe(false);
    expect(srv.count(CTIA)).toBe(3);
    expect(items).toHaveLength(30);
  });

  it("maxPages: 1 fetches one page only", async () => {
    endless();
    const { items } = await drain(paginate(client(), ctiaSearch, {}, { maxPages: 1 }));
    expect(items).toHaveLength(10);
    expect(srv.count(CTIA)).toBe(1);
  });

  it("stops after maxItems items, without fetching a page it does not need", async () => {
    endless();
    const { items } = await drain(paginate(client(), ctiaSearch, {}, { maxItems: 25 }), 1000);
    expect(items).toHaveLength(25);
    expect(srv.count(CTIA)).toBe(3);
  });

  it("maxItems smaller than a page makes one request", async () => {
    endless();
    const { items } = await drain(paginate(client(), ctiaSearch, {}, { maxItems: 3 }));
    expect(items.map((i) => (i as { id: string }).id)).toEqual(["p1-0", "p1-1", "p1-2"]);
    expect(srv.count(CTIA)).toBe(1);
  });

  it("maxItems: 0 yields nothing", async () => {
    endless();
    const { items } = await drain(paginate(client(), ctiaSearch, {}, { maxItems: 0 }));
    expect(items).toHaveLength(0);
    expect(srv.count(CTIA)).toBeLessThanOrEqual(1);
  });

  it("bounds Automation _links paging with maxPages", async () => {
    srv.route(LINKS, (_h, res, n) =>
      json(res, 200, { results: [{ id: n }], _links: { next: `/v1/workflows?start=${n}` } }),
    );
    const { items } = await drain(paginate(client(), linksList, {}, { maxPages: 4 }), 1000);
    expect(items).toHaveLength(4);
    expect(srv.count(LINKS)).toBe(4);
  });

  it("bounds Automation paging without _links with maxItems", async () => {
    srv.route(LINKS, (h, res) => {
      const start = Number(h.query.get("start") ?? 0);
      json(res, 200, { results: Array.from({ length: 5 }, (_, i) => ({ id: start + i })) });
    });
    const opts: RequestOptions = { maxItems: 12 };
    const { items } = await drain(paginate(client(), linksList, {}, opts), 1000);
    expect(items).toHaveLength(12);
    expect(srv.count(LINKS)).toBe(3);
  });
});

describe("Automation without _links: short pages are not the end", () => {
  /** `total` items; the server pages by at most `cap` whatever `limit` asks for. */
  function capped(total: number, cap: number) {
    srv.route(LINKS, (h, res) => {
      const start = Number(h.query.get("start") ?? 0);
      const limit = Number(h.query.get("limit") ?? cap);
      const n = Math.max(0, Math.min(limit, cap, total - start));
      json(res, 200, { results: Array.from({ length: n }, (_, i) => ({ id: start + i })) });
    });
  }

  it("gets all 250 items when asked for 500 and the server pages by 100", async () => {
    capped(250, 100);
    const { items } = await drain(paginate(client(), linksList, { limit: 500 } as never), 1000);
    expect(items).toHaveLength(250);
    expect(new Set(items.map((i) => (i as { id: number }).id)).size).toBe(250);
    const starts = srv.hits.map((h) => h.query.get("start") ?? "0");
    expect(starts).toEqual(["0", "100", "200", "250"]);
  });

  it("keeps going across pages of uneven length until an empty page", async () => {
    const sizes = [3, 1, 2, 0];
    let at = 0;
    srv.route(LINKS, (h, res, n) => {
      const start = Number(h.query.get("start") ?? 0);
      expect(start).toBe(at);
      const len = sizes[n - 1] ?? 0;
      at += len;
      json(res, 200, { results: Array.from({ length: len }, (_, i) => ({ id: start + i })) });
    });
    const { items } = await drain(paginate(client(), linksList, { limit: 50 } as never));
    expect(items.map((i) => (i as { id: number }).id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(srv.count(LINKS)).toBe(4);
  });

  it("advances from the caller's own start", async () => {
    capped(30, 10);
    const { items } = await drain(paginate(client(), linksList, { start: 10 } as never));
    expect(items).toHaveLength(20);
    expect(srv.hits[0]!.query.get("start")).toBe("10");
    expect(srv.hits[1]!.query.get("start")).toBe("20");
  });

  it("sends start only once per request (the cursor replaces the caller's)", async () => {
    capped(20, 10);
    await drain(paginate(client(), linksList, { start: 0, limit: 10 } as never));
    for (const h of srv.hits) expect(h.query.getAll("start")).toHaveLength(1);
  });

  it("ends without duplicates when the server ignores start and repeats the same page, and warns", async () => {
    const log = recorder();
    srv.route(LINKS, (_h, res) =>
      json(res, 200, { results: [{ id: "a" }, { id: "b" }, { id: "c" }] }),
    );
    const { items, runaway } = await drain(paginate(client(log), linksList, {}));
    expect(runaway).toBe(false);
    expect(items.map((i) => (i as { id: string }).id)).toEqual(["a", "b", "c"]);
    expect(srv.count(LINKS)).toBeLessThanOrEqual(3);
    expect(log.warnings.length).toBeGreaterThan(0);
  });

  it("ends when the server ignores start and alternates between two pages", async () => {
    srv.route(LINKS, (_h, res, n) =>
      json(res, 200, { results: n % 2 ? [{ id: "a" }] : [{ id: "b" }] }),
    );
    const { items, runaway } = await drain(paginate(client(), linksList, {}), 20);
    expect(runaway).toBe(false);
    expect(items.length).toBeLessThan(20);
  });
});
