// Typed errors, request ids and rate-limit headers, end to end.
import { describe, expect, it } from "vitest";
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  type Xdr,
} from "../../generated/src/index.js";
import { ORG_RATE_LIMIT, SIM_WORKFLOW_IDS, type Simulator } from "../simulator/server.js";
import { useSimulator } from "./harness.js";

const t = useSimulator();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Row {
  name: string;
  arrange?: (sim: Simulator) => void;
  run: (xdr: Xdr, sim: Simulator) => PromiseLike<unknown>;
  type: typeof ApiError;
  status: number;
  operation: string;
  code?: string;
  message: RegExp;
}

const rows: Row[] = [
  {
    name: "400 → BadRequestError",
    run: (x) => x.automation.workflows.start({ workflow_id: SIM_WORKFLOW_IDS.enrichAndBlock }),
    type: BadRequestError,
    status: 400,
    operation: "workflows.start",
    message: /^workflows\.start failed: HTTP 400: required input variable "observable_value"/,
  },
  {
    name: "401 → AuthenticationError",
    arrange: (sim) => (sim.faults.unauthorized = { count: 2 }),
    run: (x) => x.iroh.inspect({ content: "cisco.com" }),
    type: AuthenticationError,
    status: 401,
    operation: "inspect",
    code: "invalid_token",
    message: /^inspect failed: HTTP 401 invalid_token: simulated: token rejected/,
  },
  {
    name: "403 → PermissionDeniedError",
    // A ready-made token without the CTIA scope: no local scope check, the server refuses.
    run: (_x, sim) =>
      t
        .xdr({ accessToken: sim.issueToken(undefined, ["inspect:read"]) })
        .ctia.judgements.search({ query: "*" }),
    type: PermissionDeniedError,
    status: 403,
    operation: "judgements.search",
    code: "missing_capability",
    message: /^judgements\.search failed: HTTP 403 missing_capability: Missing capability/,
  },
  {
    name: "404 → NotFoundError",
    run: (x) => x.ctia.judgements.get({ id: "judgement-00000000-0000-0000-0000-000000000000" }),
    type: NotFoundError,
    status: 404,
    operation: "judgements.get",
    code: "judgement not found",
    message: /^judgements\.get failed: HTTP 404 judgement not found/,
  },
  {
    name: "429 → RateLimitError",
    arrange: (sim) => (sim.faults.rateLimit = { count: 1, retryAfter: 3600 }),
    run: (x) => x.ctia.judgements.search({ query: "*" }),
    type: RateLimitError,
    status: 429,
    operation: "judgements.search",
    code: "Too Many Requests",
    message: /^judgements\.search failed: HTTP 429 Too Many Requests.* \(retry after 3600 s\)/,
  },
  {
    name: "500 (JSON) → ServerError",
    arrange: (sim) => (sim.faults.serverError = { count: 3, path: "/iroh/iroh-enrich" }),
    run: (x) => x.iroh.enrich.deliberate([{ type: "domain", value: "cisco.com" }]),
    type: ServerError,
    status: 500,
    operation: "enrich.deliberate",
    code: "internal_error",
    message: /^enrich\.deliberate failed: HTTP 500 internal_error: simulated server error/,
  },
  {
    name: "502 (HTML) → ServerError",
    arrange: (sim) => (sim.faults.serverError = { count: 3, status: 502 }),
    run: (x) => x.automation.workflows.list(),
    type: ServerError,
    status: 502,
    operation: "workflows.list",
    message: /^workflows\.list failed: HTTP 502: <html><body><h1>502 Bad Gateway/,
  },
];

describe("typed errors", () => {
  it.each(rows.map((r) => [r.name, r] as const))("%s", async (_name, row) => {
    row.arrange?.(t.sim);
    const err = await t.caught(row.run(t.xdr(), t.sim));
    expect(err).toBeInstanceOf(row.type);
    expect(err.constructor).toBe(row.type);
    expect(err.name).toBe(row.type.name);
    const e = err as ApiError;
    expect(e).toMatchObject({ status: row.status, operation: row.operation, code: row.code });
    expect(e.message).toMatch(row.message);
    // X-Request-Id on the error, in its message, and the org's limit from X-Ratelimit-Org-Limit.
    expect(e.requestId).toMatch(UUID);
    expect(e.requestId).toBe(e.headers.get("x-request-id"));
    expect(e.message).toContain(`(request id ${e.requestId})`);
    expect(e.rateLimit).toEqual({ limit: ORG_RATE_LIMIT, remaining: undefined });
  });

  it("keeps the parsed error body, and the text of a non-JSON one", async () => {
    t.sim.faults.serverError = { count: 3, path: "/iroh/iroh-inspect" };
    const json = (await t.caught(t.xdr().iroh.inspect({ content: "x" }))) as ServerError;
    expect(json.body).toEqual({
      error: "internal_error",
      error_description: "simulated server error",
    });
    t.sim.faults.serverError = { count: 3, status: 503, path: "/iroh/iroh-inspect" };
    const html = (await t.caught(t.xdr().iroh.inspect({ content: "x" }))) as ServerError;
    expect(html.body).toMatch(/^<html>.*503 Service Unavailable/);
  });
});

describe(".withResponse()", () => {
  it("gives the data, the Response, X-Request-Id and X-Ratelimit-Org-Limit", async () => {
    const { data, response, requestId, rateLimit } = await t
      .xdr()
      .iroh.inspect({ content: "cisco.com 8.8.8.8" })
      .withResponse();
    expect(data).toEqual([
      { type: "domain", value: "cisco.com" },
      { type: "ip", value: "8.8.8.8" },
    ]);
    expect(response.status).toBe(200);
    expect(requestId).toMatch(UUID);
    expect(requestId).toBe(response.headers.get("x-request-id"));
    expect(rateLimit).toEqual({ limit: ORG_RATE_LIMIT, remaining: undefined });
  });

  it("works on every API, and awaiting the same call again sends nothing more", async () => {
    const xdr = t.xdr();
    const call = xdr.automation.workflows.get({ workflow_id: SIM_WORKFLOW_IDS.hello });
    const [data, meta] = await Promise.all([call, call.withResponse()]);
    expect(data).toMatchObject({ id: SIM_WORKFLOW_IDS.hello });
    expect(meta.data).toBe(data);
    expect(meta.requestId).toMatch(UUID);
    expect(t.hits("/api/v1/workflows/")).toBe(1);
    const ctia = await xdr.ctia.judgements.count({ query: "*" }).withResponse();
    expect(ctia).toMatchObject({ data: 0, rateLimit: { limit: ORG_RATE_LIMIT } });
  });

  it("rejects with the typed error when the call fails", async () => {
    const err = await t.caught(
      t.xdr().ctia.judgements.get({ id: "judgement-missing" }).withResponse(),
    );
    expect(err).toBeInstanceOf(NotFoundError);
  });

  it("pages carry their Response, with the request id", async () => {
    t.sim.seed("judgement", 3);
    const page = await t.xdr().ctia.judgements.search({ query: "*" });
    expect(page.response.headers.get("x-request-id")).toMatch(UUID);
    expect(page.response.headers.get("x-ratelimit-org-limit")).toBe(String(ORG_RATE_LIMIT));
  });
});

describe("malformed JSON", () => {
  it("a 200 whose JSON is cut short: ApiError that says so, not retried", async () => {
    t.sim.faults.malformedJson = { count: 1, path: "/iroh/iroh-inspect" };
    const err = await t.caught(t.xdr().iroh.inspect({ content: "cisco.com" }));
    expect(err.constructor).toBe(ApiError);
    expect(err.message).toBe(
      "inspect: HTTP 200 with a body that is not valid JSON (content-type application/json;charset=utf-8)",
    );
    expect(err).toMatchObject({ status: 200, operation: "inspect" });
    expect((err as ApiError).requestId).toMatch(UUID);
    expect((err as ApiError).body).toMatch(/^\[\{"type":"domain"/);
    expect(t.hits("/iroh/iroh-inspect")).toBe(1);
  });

  it("in the middle of a paged search: the iteration rejects with the ApiError", async () => {
    t.sim.seed("judgement", 5);
    t.sim.faults.malformedJson = { count: 1, path: "/ctia/judgement/search" };
    const iterate = async () => {
      const seen: unknown[] = [];
      for await (const j of t.xdr().ctia.judgements.search({ query: "*", limit: 2 })) seen.push(j);
      return seen;
    };
    const err = await t.caught(iterate());
    expect(err.constructor).toBe(ApiError);
    expect(err.message).toMatch(/^judgements\.search: HTTP 200 with a body that is not valid JSON/);
  });

  it("from the token endpoint: AuthenticationError, no API request", async () => {
    t.sim.faults.malformedJson = { count: 1, path: "/iroh/oauth2" };
    const err = await t.caught(t.xdr().iroh.inspect({ content: "cisco.com" }));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toBe("oauth2.token: the token endpoint answered without an access_token");
    expect(t.hits("/iroh/iroh-inspect")).toBe(0);
  });
});
