// The request loop against a local server: building, parsing, retries, errors, timeouts,
// cancellation, withResponse, the raw fetch and option validation.
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AbortError,
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
  UnprocessableEntityError,
  UsageError,
  XdrError,
} from "../../templates/runtime/errors.js";
import { transportFetch } from "../../templates/runtime/raw.js";
import { createTransport } from "../../templates/runtime/transport.js";
import type { Operation, XdrOptions } from "../../templates/runtime/types.js";
import {
  CLIENT_SECRET,
  type TestServer,
  createIncident,
  getJudgement,
  inspect,
  irohApi,
  irohClient,
  json,
  op,
  until,
  useServer,
} from "./harness.js";

const srv = useServer();
afterEach(() => void vi.useRealTimers());

const client = (extra: XdrOptions = {}) => irohClient(srv, extra);

/** The requests that reached the API (not the token endpoint). */
const apiHits = () => srv.hits.filter((h) => h.path !== "/iroh/oauth2/token");

const echo = (status = 200) =>
  ((_h, res) => json(res, status, { ok: true })) satisfies Parameters<TestServer["route"]>[1];

describe("building requests", () => {
  it("URL-encodes path parameters into the template", async () => {
    srv.route("GET /ctia/judgement/a%2Fb c", echo());
    srv.route("GET /ctia/judgement/a%2Fb%20c", echo());
    await client().call(getJudgement, { id: "a/b c" });
    expect(apiHits()[0]!.url).toBe("/ctia/judgement/a%2Fb%20c");
  });

  it.each<[string, unknown, string]>([
    ["a list", [1, 2, 3], "/x/1,2,3"],
    ["an object", { a: 1, b: "c d" }, "/x/a,1,b,c%20d"],
    ["a one-item list", ["a/b"], "/x/a%2Fb"],
  ])("writes %s path value in OpenAPI's simple style", async (_title, value, want) => {
    const list = op({ path: "/x/{id}", pathParams: ["id"] });
    srv.route(`GET ${want}`, echo());
    await client().call(list, { id: value } as never);
    expect(apiHits()[0]!.url).toBe(want);
  });

  it("refuses a list path value that is `..` once joined", async () => {
    const list = op({ path: "/x/{id}", pathParams: ["id"] });
    await expect(client().call(list, { id: [".."] } as never)).rejects.toThrow(UsageError);
    expect(srv.hits).toHaveLength(0);
  });

  it("adds the query to a path that carries one of its own with &", async () => {
    const own = op({ path: "/current?city=Raleigh", queryParams: ["key"] });
    srv.route("GET /current", echo());
    await client().call(own, { key: "k" } as never);
    expect(apiHits()[0]!.url).toBe("/current?city=Raleigh&key=k");
  });

  it.each<[string, Partial<Operation>, unknown, string, string]>([
    [
      "a plain object where bytes were expected (`*/*`): JSON",
      { body: "binary" },
      { kind: "Pod" },
      "application/json",
      '{"kind":"Pod"}',
    ],
    [
      "a JSON body under its own media type",
      { body: "json", contentType: "application/merge-patch+json" },
      { a: 1 },
      "application/merge-patch+json",
      '{"a":1}',
    ],
    ["bytes stay bytes", { body: "binary" }, "raw text", "application/octet-stream", "raw text"],
  ])("sends %s", async (_title, extra, value, type, text) => {
    const send = op({ method: "POST", path: "/x", args: "body", safe: false, ...extra });
    let seen: { type?: string; body: string } | undefined;
    srv.route("POST /x", (h, res) => {
      seen = { type: h.headers["content-type"] as string | undefined, body: h.body };
      json(res, 200, {});
    });
    await client().call(send, value as never);
    expect(seen).toEqual({ type, body: text });
  });

  it("fails before sending when a path parameter is missing", async () => {
    await expect(client().call(getJudgement, {} as never)).rejects.toThrow(
      'judgements.get: path parameter "id" is missing',
    );
    expect(srv.hits).toHaveLength(0);
  });

  it("a path parameter given under the spec's spelling: the error names the SDK's", async () => {
    const getIncident = op({
      name: "incidents.get",
      path: "/iroh/private-intel/incident/{incident_id}",
      pathParams: ["incident_id"],
    });
    await expect(
      client().call(getIncident, { "incident-id": "incident-1" } as never),
    ).rejects.toThrow(
      'incidents.get: path parameter "incident_id" is missing or empty (the argument is named "incident_id", not "incident-id")',
    );
    expect(srv.hits).toHaveLength(0);
  });

  it("writes arrays as repeated keys, stringifies scalars, skips undefined and null", async () => {
    const list = op({
      path: "/iroh/iroh-int/module-type",
      queryParams: ["enabled", "limit", "mids", "sort_by", "query", "from"],
    });
    srv.route("GET /iroh/iroh-int/module-type", (_h, res) => json(res, 200, []));
    await client().call(list, {
      enabled: true,
      limit: 10,
      mids: ["a", "b c"],
      sort_by: undefined,
      query: null,
      from: new Date("2026-01-02T03:04:05Z"),
    } as never);
    expect(apiHits()[0]!.url).toBe(
      "/iroh/iroh-int/module-type?enabled=true&limit=10&mids=a&mids=b%20c&from=2026-01-02T03%3A04%3A05.000Z",
    );
  });

  it.each<[string, unknown, string]>([
    ["comma", ["a", "b c", "d,e"], "k=a,b%20c,d%2Ce"],
    ["pipe", ["a", "b"], "k=a|b"],
    ["space", ["a", "b"], "k=a%20b"],
    ["comma", { x: 1, y: "z" }, "k=x,1,y,z"],
    ["deepObject", { x: 1, "y[": "z z", n: null }, "k[x]=1&k[y%5B]=z%20z"],
    ["comma", "scalar", "k=scalar"],
    ["deepObject", ["a", "b"], "k=a&k=b"],
    ["json", { x: 1 }, "k=%7B%22x%22%3A1%7D"],
    ["json", [1, 2], "k=%5B1%2C2%5D"],
    ["form (the default)", { x: 1, y: "z z" }, "x=1&y=z%20z"],
  ])("writes a %s-style query parameter %j as %s", async (style, value, want) => {
    const styled = op({
      path: "/iroh/iroh-int/module-type",
      queryParams: ["k", "plain"],
      ...(style.startsWith("form") ? {} : { queryStyles: [["k", style as "comma"]] }),
    });
    srv.route("GET /iroh/iroh-int/module-type", (_h, res) => json(res, 200, []));
    await client().call(styled, { k: value, plain: ["p", "q"] } as never);
    expect(apiHits()[0]!.url).toBe(`/iroh/iroh-int/module-type?${want}&plain=p&plain=q`);
  });

  const start = op({
    name: "workflows.start",
    method: "POST",
    path: "/v1/workflows/start",
    queryParams: ["workflow_id"],
    headerParams: ["X-Tenant"],
    body: "json",
    safe: false,
  });
  const deliberate = op({
    name: "enrich.deliberate",
    method: "POST",
    path: "/iroh/iroh-enrich/deliberate/observables",
    args: "body",
    body: "json",
  });
  const deliberateSplit = op({ ...deliberate, args: "split", queryParams: ["mids"] });
  const observables = [{ type: "ip", value: "1.2.3.4" }];

  it.each<[string, Operation, unknown, string, string]>([
    [
      "flat: parameters by name, the rest is the JSON body",
      start,
      { workflow_id: "w1", "X-Tenant": "t1", input_variables: [{ id: "v" }] },
      "/v1/workflows/start?workflow_id=w1",
      '{"input_variables":[{"id":"v"}]}',
    ],
    [
      "flat without body keys: {}",
      start,
      { workflow_id: "w1" },
      "/v1/workflows/start?workflow_id=w1",
      "{}",
    ],
    [
      "flat without parameters: the argument is the body",
      inspect,
      { content: "1.2.3.4" },
      "/iroh/iroh-inspect/inspect",
      '{"content":"1.2.3.4"}',
    ],
    [
      "body: the argument is the body",
      deliberate,
      observables,
      "/iroh/iroh-enrich/deliberate/observables",
      JSON.stringify(observables),
    ],
    [
      "split: parameters side by side, the body under `body`",
      deliberateSplit,
      { mids: ["m1", "m2"], body: observables },
      "/iroh/iroh-enrich/deliberate/observables?mids=m1&mids=m2",
      JSON.stringify(observables),
    ],
  ])("%s", async (_title, operation, args, url, body) => {
    srv.route(`POST ${url.split("?")[0]}`, echo());
    await client({ accessToken: "t" }).call(operation, args as never);
    const hit = apiHits()[0]!;
    expect(hit.url).toBe(url);
    expect(hit.body).toBe(body);
    expect(hit.headers["content-type"]).toBe("application/json");
    expect(hit.headers.accept).toBe("application/json");
  });

  it("sends header parameters, client headers and call headers", async () => {
    srv.route("POST /v1/workflows/start", echo());
    await client({ accessToken: "t", headers: { "User-Agent": "soc-bot/1.0" } }).call(
      start,
      { workflow_id: "w1", "X-Tenant": "t1" } as never,
      { headers: { "X-Trace": "abc" } },
    );
    const h = apiHits()[0]!.headers;
    expect(h["x-tenant"]).toBe("t1");
    expect(h["user-agent"]).toBe("soc-bot/1.0");
    expect(h["x-trace"]).toBe("abc");
  });

  it("style none: no arguments at all", async () => {
    srv.route("GET /iroh/profile/whoami", (_h, res) => json(res, 200, { user: {} }));
    const whoami = op({ path: "/iroh/profile/whoami", args: "none" });
    await expect(client().call(whoami, undefined as never)).resolves.toEqual({ user: {} });
    expect(apiHits()[0]!.body).toBe("");
  });

  it.each<[string, Operation["body"], unknown, (body: string, type: string) => void]>([
    [
      "form",
      "form",
      { grant: "x y", ids: ["1", "2"], skip: undefined },
      (body, type) => {
        expect(body).toBe("grant=x+y&ids=1&ids=2");
        expect(type).toMatch(/^application\/x-www-form-urlencoded/);
      },
    ],
    [
      "multipart",
      "multipart",
      { request_body: '{"a":1}', file_name: new Blob(["hello"], { type: "text/plain" }) },
      (body, type) => {
        expect(type).toMatch(/^multipart\/form-data; boundary=/);
        expect(body).toContain('name="request_body"');
        expect(body).toContain('{"a":1}');
        expect(body).toContain('name="file_name"');
        expect(body).toContain("hello");
      },
    ],
    [
      "text",
      "text",
      "plain words",
      (body, type) => {
        expect(body).toBe("plain words");
        expect(type).toMatch(/^text\/plain/);
      },
    ],
    [
      "binary",
      "binary",
      new Uint8Array([104, 105]),
      (body, type) => {
        expect(body).toBe("hi");
        expect(type).toBe("application/octet-stream");
      },
    ],
  ])("encodes a %s body", async (_t, encoding, body, check) => {
    srv.route("POST /upload", echo());
    const upload = op({ method: "POST", path: "/upload", args: "body", body: encoding });
    await client({ accessToken: "t" }).call(upload, body as never);
    const hit = apiHits()[0]!;
    check(hit.body, String(hit.headers["content-type"]));
  });
});

describe("parsing responses", () => {
  it.each<
    [string, Operation["response"], (res: import("node:http").ServerResponse) => void, unknown]
  >([
    ["JSON", "json", (res) => json(res, 200, { a: 1 }), { a: 1 }],
    ["an empty JSON body", "json", (res) => res.writeHead(200).end(), undefined],
    ["a 204", "json", (res) => res.writeHead(204).end(), undefined],
    ["text", "text", (res) => res.writeHead(200).end("1.2.3.4\n5.6.7.8"), "1.2.3.4\n5.6.7.8"],
    ["none", "none", (res) => res.writeHead(200, { status: "ok" }).end("ignored"), undefined],
  ])("reads %s", async (_t, response, answer, expected) => {
    srv.route("GET /thing", (_h, res) => answer(res));
    await expect(client().call(op({ path: "/thing", response }), {} as never)).resolves.toEqual(
      expected,
    );
  });

  it("reads binary as a Blob", async () => {
    srv.route("GET /thing", (_h, res) => res.writeHead(200).end(Buffer.from([1, 2, 3])));
    const blob = (await client().call(
      op({ path: "/thing", response: "binary" }),
      {} as never,
    )) as Blob;
    expect(blob).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([1, 2, 3]);
  });

  it("turns malformed JSON on a 200 into an ApiError that says so", async () => {
    srv.route("GET /thing", (_h, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end("<html>proxy login</html>"),
    );
    const err = (await client()
      .call(op({ name: "things.get", path: "/thing" }), {} as never)
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(200);
    expect(err.message).toBe(
      "things.get: HTTP 200 with a body that is not valid JSON (content-type text/html)",
    );
    expect(err.body).toBe("<html>proxy login</html>");
    expect(apiHits()).toHaveLength(1);
  });
});

describe("errors", () => {
  it.each<[number, new (...a: never[]) => Error, string]>([
    [400, BadRequestError, "BadRequestError"],
    [401, AuthenticationError, "AuthenticationError"],
    [403, PermissionDeniedError, "PermissionDeniedError"],
    [404, NotFoundError, "NotFoundError"],
    [409, ConflictError, "ConflictError"],
    [418, ApiError, "ApiError"],
    [422, UnprocessableEntityError, "UnprocessableEntityError"],
    [429, RateLimitError, "RateLimitError"],
    [500, ServerError, "ServerError"],
    [503, ServerError, "ServerError"],
  ])("%i → %s with request id and rate-limit info", async (status, Class, name) => {
    srv.route("GET /ctia/judgement/j1", (_h, res) =>
      json(
        res,
        status,
        { error: "some_error", error_description: "what went wrong" },
        { "x-request-id": "req-42", "x-ratelimit-org-limit": "8000" },
      ),
    );
    const t = createTransport(irohApi(), {
      accessToken: "ready",
      baseUrls: { iroh: srv.url },
      maxRetries: 0,
    });
    const err = (await t.call(getJudgement, { id: "j1" }).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(Class);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(XdrError);
    expect(err.name).toBe(name);
    expect(err.status).toBe(status);
    expect(err.operation).toBe("judgements.get");
    expect(err.code).toBe("some_error");
    expect(err.body).toEqual({ error: "some_error", error_description: "what went wrong" });
    expect(err.requestId).toBe("req-42");
    expect(err.rateLimit).toEqual({ limit: 8000, remaining: undefined });
    expect(err.headers.get("x-request-id")).toBe("req-42");
    expect(err.message).toBe(
      `judgements.get failed: HTTP ${status} some_error: what went wrong (request id req-42)`,
    );
    expect(err.stack).toContain(name);
  });

  it.each([
    ["an empty body", "", "judgements.get failed: HTTP 404"],
    [
      "CTIA validation errors",
      '{"errors":{"limit":"(not (< 10001))"}}',
      'judgements.get failed: HTTP 404: {"limit":"(not (< 10001))"}',
    ],
    [
      "CTIA messages",
      '{"message":"Missing capability","error":"missing_capability"}',
      "judgements.get failed: HTTP 404 missing_capability: Missing capability",
    ],
    ["plain text", "nope", "judgements.get failed: HTTP 404: nope"],
  ])("describes %s", async (_t, body, message) => {
    srv.route("GET /ctia/judgement/j1", (_h, res) => res.writeHead(404).end(body));
    const err = await client()
      .call(getJudgement, { id: "j1" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe(message);
  });
});

describe("retries", () => {
  it.each([500, 502, 503, 504, 408])("retries a safe operation after %i", async (status) => {
    srv.route("GET /ctia/judgement/j1", (_h, res, n) =>
      n === 1 ? json(res, status, { error: "busy" }) : json(res, 200, { id: "j1" }),
    );
    await expect(client().call(getJudgement, { id: "j1" })).resolves.toEqual({ id: "j1" });
    expect(apiHits()).toHaveLength(2);
  });

  it("does not retry an unsafe POST after a 503", async () => {
    srv.route("POST /ctia/incident", echo(503));
    await expect(client().call(createIncident, { title: "x" })).rejects.toBeInstanceOf(ServerError);
    expect(apiHits()).toHaveLength(1);
  });

  it("retries a 429 even for an unsafe POST (it was not processed)", async () => {
    srv.route("POST /ctia/incident", (_h, res, n) =>
      n === 1
        ? json(res, 429, { error: "Too Many Requests" }, { "retry-after": "0" })
        : json(res, 201, { id: "incident-1" }),
    );
    await expect(client().call(createIncident, { title: "x" })).resolves.toEqual({
      id: "incident-1",
    });
    expect(apiHits()).toHaveLength(2);
  });

  it("gives up after maxRetries (default 2) with the last error", async () => {
    srv.route("GET /ctia/judgement/j1", echo(502));
    await expect(client().call(getJudgement, { id: "j1" })).rejects.toBeInstanceOf(ServerError);
    expect(apiHits()).toHaveLength(3);
  });

  it("takes maxRetries per call", async () => {
    srv.route("GET /ctia/judgement/j1", echo(502));
    await expect(
      client().call(getJudgement, { id: "j1" }, { maxRetries: 0 }),
    ).rejects.toBeInstanceOf(ServerError);
    expect(apiHits()).toHaveLength(1);
  });

  it("retries a safe operation after a connection reset", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res, n) =>
      n === 1 ? res.socket!.destroy() : json(res, 200, { id: "j1" }),
    );
    await expect(client().call(getJudgement, { id: "j1" })).resolves.toEqual({ id: "j1" });
    expect(apiHits()).toHaveLength(2);
  });

  it("does not retry an unsafe POST after a connection reset", async () => {
    srv.route("POST /ctia/incident", (_h, res) => res.socket!.destroy());
    const err = await client()
      .call(createIncident, { title: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(
      /^incidents\.create: connection to 127\.0\.0\.1:\d+ failed \(/,
    );
    expect((err as Error).cause).toBeDefined();
    expect(apiHits()).toHaveLength(1);
  });

  it("reports an unreachable server as ConnectionError", async () => {
    const t = createTransport(irohApi(), {
      accessToken: "t",
      baseUrls: { iroh: "http://127.0.0.1:1" },
      retryDelayMs: 1,
    });
    await expect(t.call(getJudgement, { id: "j1" })).rejects.toBeInstanceOf(ConnectionError);
  });

  it.each([
    ["seconds", () => "2"],
    ["an HTTP date", () => new Date(Date.now() + 2000).toUTCString()],
  ])("waits for Retry-After given in %s", async (_t, retryAfter) => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    vi.setSystemTime(Date.parse("2026-03-01T10:00:00Z"));
    srv.route("GET /ctia/judgement/j1", (_h, res, n) =>
      n === 1
        ? json(res, 429, { error: "Too Many Requests" }, { "retry-after": retryAfter() })
        : json(res, 200, { id: "j1" }),
    );
    const p = client({ timeoutMs: 0 }).call(getJudgement, { id: "j1" });
    await until(() => apiHits().length === 1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(apiHits()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(p).resolves.toEqual({ id: "j1" });
    expect(apiHits()).toHaveLength(2);
  });

  it("throws RateLimitError at once when Retry-After exceeds maxRetryAfterMs", async () => {
    srv.route("POST /ctia/incident", (_h, res) =>
      json(res, 429, { error: "Too Many Requests" }, { "retry-after": "3557" }),
    );
    const err = (await client()
      .call(createIncident, { title: "x" })
      .catch((e: unknown) => e)) as RateLimitError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(3_557_000);
    expect(apiHits()).toHaveLength(1);
  });

  it("honours a configured maxRetryAfterMs", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res) =>
      json(res, 429, { error: "Too Many Requests" }, { "retry-after": "2" }),
    );
    const err = (await client({ maxRetryAfterMs: 1000 })
      .call(getJudgement, { id: "j1" })
      .catch((e: unknown) => e)) as RateLimitError;
    expect(err.retryAfterMs).toBe(2000);
    expect(apiHits()).toHaveLength(1);
  });

  it("ends with RateLimitError (and its retryAfterMs) once retries are used up", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res) =>
      json(res, 429, { error: "Too Many Requests" }, { "retry-after": "0" }),
    );
    const err = (await client()
      .call(getJudgement, { id: "j1" })
      .catch((e: unknown) => e)) as RateLimitError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(0);
    expect(apiHits()).toHaveLength(3);
  });
});

describe("timeouts and cancellation", () => {
  const hang = () => srv.route("GET /ctia/judgement/j1", () => undefined);
  /** A ready token: no token request to share the tiny timeouts with. */
  const direct = (extra: XdrOptions = {}) =>
    createTransport(irohApi(), {
      accessToken: "t",
      baseUrls: { iroh: srv.url },
      retryDelayMs: 1,
      ...extra,
    });

  it("throws TimeoutError when no answer comes within timeoutMs", async () => {
    hang();
    const err = await direct({ timeoutMs: 30, maxRetries: 0 })
      .call(getJudgement, { id: "j1" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe("judgements.get: no answer within 30 ms");
  });

  it("applies timeoutMs per attempt and retries safe operations", async () => {
    hang();
    const attempts: unknown[] = [];
    const logger = {
      debug: (m: string, f?: Record<string, unknown>) => void attempts.push(f?.error),
    };
    await expect(
      direct({ timeoutMs: 20, logger }).call(getJudgement, { id: "j1" }),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(attempts.filter((e) => e === "TimeoutError")).toHaveLength(3);
  });

  it("takes timeoutMs per call (the token request keeps the client's)", async () => {
    hang();
    await expect(
      client().call(getJudgement, { id: "j1" }, { timeoutMs: 20, maxRetries: 0 }),
    ).rejects.toThrow("judgements.get: no answer within 20 ms");
  });

  it("covers a body that stalls after the headers", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"id":');
    });
    await expect(
      direct({ timeoutMs: 30, maxRetries: 0 }).call(getJudgement, { id: "j1" }),
    ).rejects.toBeInstanceOf(TimeoutError);
  });

  it("honours the caller's AbortSignal: AbortError with the reason as cause, no retry", async () => {
    hang();
    const ctrl = new AbortController();
    const p = client().call(getJudgement, { id: "j1" }, { signal: ctrl.signal });
    await until(() => apiHits().length === 1);
    ctrl.abort(new Error("analyst closed the tab"));
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(err).toBeInstanceOf(XdrError);
    expect((err as Error).name).toBe("AbortError");
    expect((err as Error).cause).toEqual(new Error("analyst closed the tab"));
    expect(apiHits()).toHaveLength(1);
  });

  it("leaves no listener on a long-lived signal shared by many calls", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res) => json(res, 200, { id: "j1" }));
    const ctrl = new AbortController();
    const t = client();
    for (let i = 0; i < 5; i++) await t.call(getJudgement, { id: "j1" }, { signal: ctrl.signal });
    expect(getEventListeners(ctrl.signal, "abort")).toHaveLength(0);
  });

  it("sends nothing when the signal is already aborted", async () => {
    await expect(
      client().call(getJudgement, { id: "j1" }, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(srv.hits).toHaveLength(0);
  });

  it("stops waiting between retries when aborted", async () => {
    srv.route("GET /ctia/judgement/j1", echo(503));
    const ctrl = new AbortController();
    const p = client({ retryDelayMs: 60_000 }).call(
      getJudgement,
      { id: "j1" },
      { signal: ctrl.signal },
    );
    await until(() => apiHits().length === 1);
    ctrl.abort();
    await expect(p).rejects.toBeInstanceOf(AbortError);
    expect(apiHits()).toHaveLength(1);
  });
});

describe("ApiPromise", () => {
  it("withResponse() gives data, Response, request id and rate-limit info", async () => {
    srv.route("POST /iroh/iroh-inspect/inspect", (_h, res) =>
      json(res, 200, [{ type: "ip", value: "1.2.3.4" }], {
        "x-request-id": "req-7",
        "x-ratelimit-org-limit": "8000",
        "x-ratelimit-org-remaining": "7990",
      }),
    );
    const r = await client().call(inspect, { content: "1.2.3.4" }).withResponse();
    expect(r.data).toEqual([{ type: "ip", value: "1.2.3.4" }]);
    expect(r.response.status).toBe(200);
    expect(r.requestId).toBe("req-7");
    expect(r.rateLimit).toEqual({ limit: 8000, remaining: 7990 });
  });

  it("can be awaited and asked withResponse() on the same call: one request", async () => {
    srv.route("POST /iroh/iroh-inspect/inspect", (_h, res) => json(res, 200, []));
    const p = client().call(inspect, { content: "x" });
    const [data, full] = await Promise.all([p, p.withResponse()]);
    expect(data).toEqual([]);
    expect(full.data).toBe(data);
    expect(apiHits()).toHaveLength(1);
    expect(Object.prototype.toString.call(p)).toBe("[object Promise]");
  });

  it("a failure awaited only through withResponse() raises no unhandled rejection", async () => {
    srv.route("POST /iroh/iroh-inspect/inspect", echo(404));
    await expect(client().call(inspect, { content: "x" }).withResponse()).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("supports catch and finally", async () => {
    srv.route("POST /iroh/iroh-inspect/inspect", echo(404));
    let finished = false;
    const caught = await client()
      .call(inspect, { content: "x" })
      .finally(() => (finished = true))
      .catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(NotFoundError);
    expect(finished).toBe(true);
  });
});

describe("transport.fetch (raw client)", () => {
  const url = () => srv.url + "/iroh/iroh-inspect/inspect";

  it("adds the bearer token and client headers to a Request", async () => {
    srv.route("POST /iroh/iroh-inspect/inspect", (h, res) => json(res, 200, JSON.parse(h.body)));
    const t = client({ headers: { "x-app": "soc" } });
    const res = await transportFetch(t)(
      new Request(url(), {
        method: "POST",
        body: JSON.stringify({ content: "x" }),
        headers: { "content-type": "application/json" },
      }),
    );
    expect(await res.json()).toEqual({ content: "x" });
    expect(apiHits()[0]!.headers.authorization).toBe("Bearer tok-1");
    expect(apiHits()[0]!.headers["x-app"]).toBe("soc");
  });

  it("returns error responses instead of throwing", async () => {
    srv.route("GET /ctia/judgement/j1", echo(404));
    const res = await transportFetch(client())(srv.url + "/ctia/judgement/j1");
    expect(res.status).toBe(404);
  });

  it("retries a GET after a 503 and a POST not at all", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res, n) =>
      n === 1 ? json(res, 503, {}) : json(res, 200, { id: "j1" }),
    );
    srv.route("POST /ctia/incident", echo(503));
    const t = client();
    expect((await transportFetch(t)(srv.url + "/ctia/judgement/j1")).status).toBe(200);
    const res = await transportFetch(t)(srv.url + "/ctia/incident", { method: "POST", body: "{}" });
    expect(res.status).toBe(503);
    expect(srv.count("GET /ctia/judgement/j1")).toBe(2);
    expect(srv.count("POST /ctia/incident")).toBe(1);
  });

  it("replays the body after a 401 refresh (the Request is cloned per attempt)", async () => {
    srv.route("POST /iroh/iroh-inspect/inspect", (h, res) =>
      h.headers.authorization === "Bearer tok-1"
        ? json(res, 401, { error: "jwt_expired" })
        : json(res, 200, { echoed: h.body }),
    );
    const res = await transportFetch(client())(url(), { method: "POST", body: '{"content":"x"}' });
    expect(await res.json()).toEqual({ echoed: '{"content":"x"}' });
    expect(srv.count("POST /iroh/iroh-inspect/inspect")).toBe(2);
    expect(srv.count("POST /iroh/oauth2/token")).toBe(2);
  });

  it("returns a 429 whose Retry-After is too long without waiting", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res) => json(res, 429, {}, { "retry-after": "3600" }));
    const res = await transportFetch(client())(srv.url + "/ctia/judgement/j1");
    expect(res.status).toBe(429);
    expect(apiHits()).toHaveLength(1);
  });

  it("throws TimeoutError / AbortError like named calls", async () => {
    srv.route("GET /ctia/judgement/j1", () => undefined);
    const t = createTransport(irohApi(), {
      accessToken: "t",
      baseUrls: { iroh: srv.url },
      timeoutMs: 20,
      maxRetries: 0,
    });
    await expect(transportFetch(t)(srv.url + "/ctia/judgement/j1")).rejects.toThrow(
      "fetch: no answer within 20 ms",
    );
    await expect(
      transportFetch(t)(srv.url + "/ctia/judgement/j1", { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortError);
  });
});

describe("options", () => {
  it.each<[string, XdrOptions, RegExp]>([
    ["an unknown region", { region: "mars" as never, accessToken: "t" }, /Unknown region "mars"/],
    [
      "no credentials: says which entry points read the environment",
      {},
      /^clientId and clientSecret are missing: pass clientId and clientSecret \(or accessToken\); only createXdr\(\) and withEnvironment\(\) read XDR_CLIENT_ID/,
    ],
    ["an empty secret", { clientId: "id", clientSecret: "" }, /^clientSecret is missing/],
    ["an empty accessToken", { accessToken: "" }, /accessToken is empty/],
    [
      "a base URL of another region",
      { region: "eu", accessToken: "t", baseUrls: { iroh: "https://visibility.amp.cisco.com" } },
      /baseUrls\.iroh \(visibility\.amp\.cisco\.com\) is a Cisco XDR host of region "us", but region is "eu"/,
    ],
    [
      "a CTIA base URL of another region",
      {
        region: "us",
        accessToken: "t",
        baseUrls: { ctia: "https://private.intel.apjc.amp.cisco.com/" },
      },
      /region "apjc", but region is "us"/,
    ],
    [
      "an Automation base URL of another region",
      {
        region: "apjc",
        accessToken: "t",
        baseUrls: { automation: "https://automate.eu.security.cisco.com/api" },
      },
      /region "eu", but region is "apjc"/,
    ],
    [
      "a relative base URL",
      { accessToken: "t", baseUrls: { iroh: "/iroh" } },
      /absolute http\(s\) URL/,
    ],
    ["a negative timeout", { accessToken: "t", timeoutMs: -1 }, /timeoutMs must be a number/],
    [
      "a fractional retry count",
      { accessToken: "t", maxRetries: 1.5 },
      /^maxRetries must be a whole number ≥ 0$/,
    ],
    ["a non-numeric maxRetries", { accessToken: "t", maxRetries: "2" as never }, /maxRetries/],
  ])("rejects %s with ConfigurationError", (_t, options, message) => {
    let err: unknown;
    try {
      createTransport(irohApi(), options);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain(CLIENT_SECRET);
  });

  it.each<[string, XdrOptions, string]>([
    ["us by default", { accessToken: "t" }, "https://visibility.amp.cisco.com"],
    [
      "the region's server",
      { accessToken: "t", region: "eu" },
      "https://visibility.eu.amp.cisco.com",
    ],
    [
      "baseUrls of the API, without trailing slash",
      { accessToken: "t", baseUrls: { iroh: "https://proxy.local:8080/xdr/" } },
      "https://proxy.local:8080/xdr",
    ],
    [
      "a matching Cisco host with a region",
      { accessToken: "t", region: "eu", baseUrls: { iroh: "https://visibility.eu.amp.cisco.com" } },
      "https://visibility.eu.amp.cisco.com",
    ],
  ])("uses %s", (_t, options, base) => {
    expect(createTransport(irohApi(), options).baseUrl).toBe(base);
  });

  it.each<[string, XdrOptions, string]>([
    [
      "the region's token URL",
      { region: "apjc" },
      "https://visibility.apjc.amp.cisco.com/iroh/oauth2/token",
    ],
    [
      "<iroh base URL>/iroh/oauth2/token",
      { baseUrls: { iroh: "https://x.local/" } },
      "https://x.local/iroh/oauth2/token",
    ],
    [
      "baseUrls.token",
      { baseUrls: { iroh: "https://x.local", token: "https://t.local/tok" } },
      "https://t.local/tok",
    ],
    [
      "<baseUrl>/iroh/oauth2/token on an IROH client (baseUrl is its baseUrls entry)",
      { baseUrl: "https://sim.local:9000" },
      "https://sim.local:9000/iroh/oauth2/token",
    ],
  ])("gets tokens from %s", async (_t, options, tokenUrl) => {
    const urls: string[] = [];
    const fake = (async (input: RequestInfo | URL) => {
      urls.push(String(input));
      return urls.length === 1
        ? Response.json({ access_token: "t", token_type: "bearer", expires_in: 600 })
        : Response.json([]);
    }) as typeof fetch;
    const t = createTransport(irohApi(), {
      clientId: "id",
      clientSecret: "secret-" + tokenUrl,
      fetch: fake,
      ...options,
    });
    await t.call(inspect, { content: "x" });
    expect(urls[0]).toBe(tokenUrl);
  });

  it("passes the dispatcher through to fetch", async () => {
    const dispatcher = { marker: true };
    const seen: unknown[] = [];
    const fake = (async (
      _input: RequestInfo | URL,
      init?: RequestInit & { dispatcher?: unknown },
    ) => {
      seen.push(init?.dispatcher);
      return Response.json(
        seen.length === 1 ? { access_token: "t", token_type: "bearer", expires_in: 600 } : [],
      );
    }) as typeof fetch;
    await createTransport(irohApi(), {
      clientId: "id",
      clientSecret: "dispatcher-test",
      fetch: fake,
      dispatcher,
    }).call(inspect, { content: "x" });
    expect(seen).toEqual([dispatcher, dispatcher]);
  });

  it("on the raw path, prefers the dispatcher of the call's RequestInit", async () => {
    const seen: unknown[] = [];
    const fake = (async (
      _input: RequestInfo | URL,
      init?: RequestInit & { dispatcher?: unknown },
    ) => {
      seen.push(init?.dispatcher);
      return Response.json({});
    }) as typeof fetch;
    const t = createTransport(irohApi(), { accessToken: "t", fetch: fake, dispatcher: "client" });
    await transportFetch(t)("https://visibility.amp.cisco.com/x");
    await transportFetch(t)("https://visibility.amp.cisco.com/x", {
      dispatcher: "call",
    } as RequestInit);
    expect(seen).toEqual(["client", "call"]);
  });

  it("needs no credentials for an API without OAuth2", async () => {
    const api = { name: "public", servers: { us: srv.url, eu: srv.url, apjc: srv.url } };
    srv.route("GET /thing", (_h, res) => json(res, 200, 1));
    await expect(createTransport(api).call(op({ path: "/thing" }), {} as never)).resolves.toBe(1);
    expect(srv.hits[0]!.headers.authorization).toBeUndefined();
  });
});
