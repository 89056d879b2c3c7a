// The transport under a budget: calls are counted before sending, a spent budget fails fast
// (nothing sent) with a client-side RateLimitError, a 429's Retry-After blocks the org's next
// calls, and later pages of a listing go in the low lane.
import { describe, expect, it } from "vitest";
import { memoryTokenStore } from "../../templates/runtime/budget-token.js";
import { createBudget } from "../../templates/runtime/budget.js";
import { clearTokenCache } from "../../templates/runtime/token.js";
import { RateLimitError } from "../../templates/runtime/errors.js";
import { paginate } from "../../templates/runtime/pagination.js";
import { getJudgement, irohClient, json, op, useServer } from "./harness.js";

const srv = useServer();
const API = () => srv.hits.filter((h) => h.path !== "/iroh/oauth2/token");

describe("transport with a budget", () => {
  it("sends at most the share, then fails fast without sending", async () => {
    srv.route("GET /ctia/judgement/a", (_h, res) => json(res, 200, { id: "a" }));
    const budget = createBudget({ share: 3, reserve: 0, lowReserve: 0, windowMs: 60_000 });
    const t = irohClient(srv, { budget, maxRetryAfterMs: 10 });
    for (let i = 0; i < 3; i++) await t.call(getJudgement, { id: "a" });
    const err = (await t
      .call(getJudgement, { id: "a" })
      .catch((e: unknown) => e)) as RateLimitError & {
      clientSide?: boolean;
    };
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.clientSide).toBe(true);
    expect(err.retryAfterMs).toBeGreaterThan(10);
    expect(API()).toHaveLength(3);
    expect((await budget.state()).used).toBe(3);
  });

  it("a 429 with a long Retry-After blocks the next call of every client sharing the budget", async () => {
    srv.route("GET /ctia/judgement/a", (_h, res) => json(res, 429, {}, { "retry-after": "3172s" }));
    const budget = createBudget({ share: 100, windowMs: 60_000 });
    const one = irohClient(srv, { budget });
    const two = irohClient(srv, { budget, clientSecret: "another" });
    await expect(one.call(getJudgement, { id: "a" })).rejects.toMatchObject({
      retryAfterMs: 3_172_000,
    });
    const err = (await two
      .call(getJudgement, { id: "a" })
      .catch((e: unknown) => e)) as RateLimitError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBeGreaterThan(3_000_000);
    expect(API()).toHaveLength(1);
  });

  it("pages after the first go in the low lane, which the reserve does not serve", async () => {
    srv.route("GET /ctia/judgement/search", (h, res) => {
      const offset = Number(h.query.get("offset") ?? 0);
      json(res, 200, [{ id: `j${offset}` }], { "x-next": `offset=${offset + 1}` });
    });
    // share 4: high 4, normal 3, low 2.
    const budget = createBudget({ share: 4, reserve: 1, lowReserve: 1, windowMs: 60_000 });
    const t = irohClient(srv, { budget, maxRetryAfterMs: 5 });
    const search = op({
      path: "/ctia/judgement/search",
      name: "judgements.search",
      paging: "ctia",
    });
    const ids: unknown[] = [];
    const err = await (async () => {
      for await (const j of paginate(t, search, {} as never)) ids.push(j);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    // first page (normal) + one more page in the low lane (ceiling 2)
    expect(ids).toEqual([{ id: "j0" }, { id: "j1" }]);
  });

  it("shares one token between processes through the budget's token store", async () => {
    srv.route("GET /ctia/judgement/a", (h, res) =>
      json(res, 200, { auth: h.headers.authorization }),
    );
    const budget = createBudget({ share: 100, tokens: memoryTokenStore() });
    await expect(irohClient(srv, { budget }).call(getJudgement, { id: "a" })).resolves.toEqual({
      auth: "Bearer tok-1",
    });
    // Another process: nothing in its own cache, the same store.
    clearTokenCache();
    await expect(irohClient(srv, { budget }).call(getJudgement, { id: "a" })).resolves.toEqual({
      auth: "Bearer tok-1",
    });
    expect(srv.count("POST /iroh/oauth2/token")).toBe(1);
  });
});
