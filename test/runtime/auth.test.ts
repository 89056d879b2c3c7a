// Token endpoint, token cache, 401 handling and the scope check, against a local server.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AuthenticationError,
  ConnectionError,
  MissingScopeError,
  RateLimitError,
} from "../../templates/runtime/errors.js";
import { clearTokenCache, tokenSource } from "../../templates/runtime/token.js";
import { createTransport } from "../../templates/runtime/transport.js";
import type { XdrOptions } from "../../templates/runtime/types.js";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  createIncident,
  inspect,
  irohApi,
  irohClient,
  json,
  op,
  until,
  useServer,
} from "./harness.js";

const srv = useServer();
beforeEach(() => {
  srv.route("POST /iroh/iroh-inspect/inspect", (_h, res) =>
    json(res, 200, [{ type: "ip", value: "1.2.3.4" }]),
  );
});
afterEach(() => void vi.useRealTimers());

const TOKEN = "POST /iroh/oauth2/token";
const INSPECT = "POST /iroh/iroh-inspect/inspect";

const client = (extra: XdrOptions = {}) => irohClient(srv, extra);

describe("token request", () => {
  it("posts grant_type=client_credentials with HTTP Basic credentials, and uses the token", async () => {
    await client().call(inspect, { content: "1.2.3.4" });
    const [tokenHit, apiHit] = srv.hits;
    expect(tokenHit!.method).toBe("POST");
    expect(tokenHit!.path).toBe("/iroh/oauth2/token");
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64");
    expect(tokenHit!.headers.authorization).toBe(`Basic ${basic}`);
    expect(tokenHit!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(tokenHit!.headers.accept).toBe("application/json");
    expect(tokenHit!.body).toBe("grant_type=client_credentials");
    expect(apiHit!.headers.authorization).toBe("Bearer tok-1");
  });

  it("goes to baseUrls.token when given", async () => {
    srv.route("POST /custom/token", (_h, res) =>
      json(res, 200, { access_token: "custom", token_type: "bearer", expires_in: 600 }),
    );
    await client({ baseUrls: { iroh: srv.url, token: srv.url + "/custom/token" } }).call(inspect, {
      content: "x",
    });
    expect(srv.count("POST /custom/token")).toBe(1);
    expect(srv.count(TOKEN)).toBe(0);
    expect(srv.hits[1]!.headers.authorization).toBe("Bearer custom");
  });

  it.each(["bearer", "Bearer", "BEARER"])("accepts token_type %s", async (tokenType) => {
    srv.token = { tokenType };
    await expect(client().call(inspect, { content: "x" })).resolves.toHaveLength(1);
  });

  it("rejects a token type other than bearer, naming it", async () => {
    srv.token = { tokenType: "mac" };
    const err = await client()
      .call(inspect, { content: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toMatch(/"mac".*only bearer/);
    expect(srv.count(INSPECT)).toBe(0);
  });

  it("surfaces a refused client as AuthenticationError with the server's error, never the secret", async () => {
    srv.route(TOKEN, (_h, res) =>
      json(res, 400, {
        error: "invalid_client",
        error_description: "unknown client",
        error_uri: "https://tools.ietf.org/html/rfc6749#section-5.2",
      }),
    );
    const err = (await client()
      .call(inspect, { content: "x" })
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.status).toBe(400);
    expect(err.code).toBe("invalid_client");
    expect(err.message).toContain("invalid_client: unknown client");
    expect(`${err.message}\n${err.stack}\n${JSON.stringify(err.body)}`).not.toContain(
      CLIENT_SECRET,
    );
    expect(srv.count(TOKEN)).toBe(1);
    expect(srv.count(INSPECT)).toBe(0);
  });

  it("scrubs the secret even when the token endpoint echoes it", async () => {
    srv.route(TOKEN, (_h, res) =>
      json(res, 401, { error: "invalid_client", error_description: `bad ${CLIENT_SECRET}` }),
    );
    const err = (await client()
      .call(inspect, { content: "x" })
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toContain("bad [redacted]");
    expect(JSON.stringify(err.body)).not.toContain(CLIENT_SECRET);
  });

  it("retries a token endpoint 5xx, even for an unsafe operation (nothing was sent yet)", async () => {
    srv.route(TOKEN, (_h, res, n) =>
      n === 1
        ? json(res, 503, { error: "unavailable" })
        : json(res, 200, { access_token: "t", token_type: "bearer", expires_in: 600 }),
    );
    srv.route("POST /ctia/incident", (_h, res) => json(res, 201, { id: "incident-1" }));
    await expect(client().call(createIncident, { title: "x" })).resolves.toEqual({
      id: "incident-1",
    });
    expect(srv.count(TOKEN)).toBe(2);
    expect(srv.count("POST /ctia/incident")).toBe(1);
  });

  it("gives up at once on a token endpoint 429 whose Retry-After is too long", async () => {
    srv.route(TOKEN, (_h, res) =>
      json(res, 429, { error: "Too Many Requests" }, { "retry-after": "3557" }),
    );
    const err = (await client()
      .call(inspect, { content: "x" })
      .catch((e: unknown) => e)) as RateLimitError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.operation).toBe("oauth2.token");
    expect(err.retryAfterMs).toBe(3_557_000);
    expect(srv.count(TOKEN)).toBe(1);
  });

  it("reports an unreachable token endpoint as ConnectionError, not AuthenticationError", async () => {
    const t = client({
      baseUrls: { iroh: srv.url, token: "http://127.0.0.1:1/iroh/oauth2/token" },
      maxRetries: 0,
    });
    const err = (await t.call(inspect, { content: "x" }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).not.toBeInstanceOf(AuthenticationError);
    expect(err.message).toMatch(/^Token request failed: /);
  });
});

describe("token cache", () => {
  it("reuses the token across calls and across clients with the same credentials", async () => {
    await client().call(inspect, { content: "a" });
    await client().call(inspect, { content: "b" });
    const other = client();
    await other.call(inspect, { content: "c" });
    expect(srv.count(TOKEN)).toBe(1);
    expect(srv.hits.filter((h) => h.path === "/iroh/iroh-inspect/inspect").length).toBe(3);
  });

  it("keeps credentials apart: another secret gets its own token", async () => {
    await client().call(inspect, { content: "a" });
    await client({ clientSecret: "another-secret" }).call(inspect, { content: "b" });
    expect(srv.count(TOKEN)).toBe(2);
  });

  it("sends one token request for 1000 concurrent calls on a cold cache", async () => {
    // No per-attempt timeout: on a loaded machine 1000 sockets may take long, and a timed-out
    // attempt would be retried (counting twice) — this test is about the token count.
    const t = client({ timeoutMs: 0 });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => t.call(inspect, { content: String(i) })),
    );
    expect(results).toHaveLength(1000);
    expect(srv.count(TOKEN)).toBe(1);
    expect(srv.count(INSPECT)).toBe(1000);
  });

  it.each([
    // expires_in (s), last second served from cache, refreshed at (s)
    [600, 539, 540],
    [60, 29, 30],
    [10, 4, 5],
  ])("a %i s token is refreshed %i→%i s after issue", async (expiresIn, cachedAt, refreshAt) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.parse("2026-03-01T10:00:00Z");
    vi.setSystemTime(t0);
    srv.token = { expiresIn };
    const t = client();
    await t.call(inspect, { content: "x" });
    vi.setSystemTime(t0 + cachedAt * 1000);
    await t.call(inspect, { content: "x" });
    expect(srv.count(TOKEN)).toBe(1);
    vi.setSystemTime(t0 + refreshAt * 1000);
    // The still-valid token serves this call while the refresh runs beside it…
    await t.call(inspect, { content: "x" });
    expect(srv.hits.at(-1)!.headers.authorization).toBe("Bearer tok-1");
    await until(() => srv.count(TOKEN) === 2);
    // …and the next call has the new one.
    await t.call(inspect, { content: "x" });
    expect(srv.count(TOKEN)).toBe(2);
    expect(srv.hits.at(-1)!.headers.authorization).toBe("Bearer tok-2");
  });

  it("clearTokenCache forgets tokens, also for clients already made", async () => {
    const t = client();
    await t.call(inspect, { content: "x" });
    clearTokenCache();
    await t.call(inspect, { content: "x" });
    expect(srv.count(TOKEN)).toBe(2);
  });
});

describe("tokenSource", () => {
  it("never scrubs a successful token response, even when the secret occurs in it", async () => {
    const fetchStub = (async () =>
      Response.json({
        access_token: "abc",
        token_type: "bearer",
        expires_in: 600,
      })) as typeof fetch;
    const source = tokenSource({
      tokenUrl: "http://127.0.0.1:9/token",
      clientId: "id",
      clientSecret: "b",
      fetch: fetchStub,
      timeoutMs: 1000,
    });
    expect((await source.get()).header).toBe("Bearer abc");
  });

  it("drops the token only while it is still the current one", async () => {
    let n = 0;
    const fetchStub = (async () =>
      Response.json({
        access_token: `t${++n}`,
        token_type: "bearer",
        expires_in: 600,
      })) as typeof fetch;
    const source = tokenSource({
      tokenUrl: "http://127.0.0.1:9/token",
      clientId: "invalidate-test",
      clientSecret: "x",
      fetch: fetchStub,
      timeoutMs: 1000,
    });
    expect((await source.get()).value).toBe("t1");
    source.invalidate("t0");
    expect((await source.get()).value).toBe("t1");
    source.invalidate("t1");
    expect((await source.get()).value).toBe("t2");
    source.invalidate("t1");
    expect((await source.get()).value).toBe("t2");
    expect(n).toBe(2);
  });
});

describe("401", () => {
  it("drops the token, fetches one new token and retries the request once", async () => {
    srv.route(INSPECT, (hit, res) =>
      hit.headers.authorization === "Bearer tok-1"
        ? json(res, 401, { error: "jwt_expired", error_description: "expired 32s ago" })
        : json(res, 200, [{ type: "ip", value: "1.2.3.4" }]),
    );
    await expect(client().call(inspect, { content: "x" })).resolves.toHaveLength(1);
    expect(srv.count(TOKEN)).toBe(2);
    expect(srv.count(INSPECT)).toBe(2);
  });

  it("refreshes once even for an unsafe POST", async () => {
    srv.route("POST /ctia/incident", (hit, res) =>
      hit.headers.authorization === "Bearer tok-1"
        ? json(res, 401, { error: "jwt_expired" })
        : json(res, 201, { id: "incident-1" }),
    );
    await expect(client().call(createIncident, { title: "x" })).resolves.toEqual({
      id: "incident-1",
    });
  });

  it("a second 401 surfaces as AuthenticationError: no loop", async () => {
    srv.route(INSPECT, (_h, res) =>
      json(res, 401, { error: "invalid_request", error_description: "No JWT found" }),
    );
    const err = (await client()
      .call(inspect, { content: "x" })
      .catch((e: unknown) => e)) as AuthenticationError;
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.status).toBe(401);
    expect(err.code).toBe("invalid_request");
    expect(err.operation).toBe("inspect");
    expect(srv.count(TOKEN)).toBe(2);
    expect(srv.count(INSPECT)).toBe(2);
  });

  it("with a ready accessToken: used as is, a 401 is final", async () => {
    srv.route(INSPECT, (_h, res) => json(res, 401, { error: "jwt_expired" }));
    const t = createTransport(irohApi(), { accessToken: "ready", baseUrls: { iroh: srv.url } });
    await expect(t.call(inspect, { content: "x" })).rejects.toBeInstanceOf(AuthenticationError);
    expect(srv.count(TOKEN)).toBe(0);
    expect(srv.count(INSPECT)).toBe(1);
    expect(srv.hits[0]!.headers.authorization).toBe("Bearer ready");
  });

  it("operations with auth: false carry no Authorization header and need no token", async () => {
    srv.route("GET /ctia/feed/f1/view", (_h, res) => json(res, 200, []));
    const feedView = op({ path: "/ctia/feed/{id}/view", pathParams: ["id"], auth: false });
    await client().call(feedView, { id: "f1" } as never);
    expect(srv.count(TOKEN)).toBe(0);
    expect(srv.hits[0]!.headers.authorization).toBeUndefined();
  });
});

describe("scope check", () => {
  const trigger = op({
    name: "response.trigger",
    method: "POST",
    path: "/iroh/iroh-response/respond/trigger/{module}/{action}",
    pathParams: ["module", "action"],
    scopes: ["response/trigger:write"],
    safe: false,
  });

  it("fails before sending when a required scope was not granted, naming it", async () => {
    const err = (await client()
      .call(trigger, { module: "m", action: "a" } as never)
      .catch((e: unknown) => e)) as MissingScopeError;
    expect(err).toBeInstanceOf(MissingScopeError);
    expect(err.missing).toEqual(["response/trigger:write"]);
    expect(err.operation).toBe("response.trigger");
    expect(err.message).toContain("response.trigger needs the scope response/trigger:write");
    expect(srv.count("POST /iroh/iroh-response/respond/trigger/m/a")).toBe(0);
  });

  it("passes when a root scope covers the required one", async () => {
    srv.token = { scope: "response" };
    srv.route("POST /iroh/iroh-response/respond/trigger/m/a", (_h, res) =>
      json(res, 200, { data: { status: "success" } }),
    );
    await expect(client().call(trigger, { module: "m", action: "a" } as never)).resolves.toEqual({
      data: { status: "success" },
    });
  });

  it("is skipped when the token response lists no scope", async () => {
    srv.token = { scope: null };
    srv.route("POST /iroh/iroh-response/respond/trigger/m/a", (_h, res) => json(res, 200, {}));
    await expect(
      client().call(trigger, { module: "m", action: "a" } as never),
    ).resolves.toBeDefined();
  });

  it("is skipped with a ready accessToken", async () => {
    srv.route("POST /iroh/iroh-response/respond/trigger/m/a", (_h, res) => json(res, 200, {}));
    const t = createTransport(irohApi(), { accessToken: "ready", baseUrls: { iroh: srv.url } });
    await expect(t.call(trigger, { module: "m", action: "a" } as never)).resolves.toBeDefined();
  });
});
