// The OAuth2 token, end to end: createXdr → simulator token endpoint → bearer checks.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AuthenticationError,
  MissingScopeError,
  ServerError,
  TimeoutError,
} from "../../generated/src/index.js";
import { SIM_WORKFLOW_IDS, TOKEN_PATH } from "../simulator/server.js";
import { CLIENT_SECRET, NEW_JUDGEMENT as judgement, useSimulator } from "./harness.js";

const t = useSimulator();

afterEach(() => {
  vi.useRealTimers();
});

describe("token request", () => {
  it("posts HTTP Basic credentials and a form body to the token URL, then sends the bearer token", async () => {
    const observables = await t.xdr().iroh.inspect({ content: "cisco.com" });
    expect(observables).toEqual([{ type: "domain", value: "cisco.com" }]);
    expect(t.sim.stats.tokenRequests).toBe(1);
    expect(t.sim.stats.requests).toEqual([
      {
        method: "POST",
        path: TOKEN_PATH,
        auth: "basic",
        contentType: "application/x-www-form-urlencoded",
      },
      {
        method: "POST",
        path: "/iroh/iroh-inspect/inspect",
        auth: "bearer",
        contentType: "application/json",
      },
    ]);
  });

  it("caches the token across calls, APIs and clients made with the same credentials", async () => {
    const xdr = t.xdr();
    await xdr.iroh.inspect({ content: "cisco.com" });
    await xdr.ctia.judgements.search({ query: "*" });
    await xdr.automation.workflows.list();
    await t.xdr().iroh.inspect({ content: "8.8.8.8" });
    expect(t.sim.stats.tokenRequests).toBe(1);
    expect(t.sim.stats.requests).toHaveLength(5);
  });

  it(
    "sends one token request for 1000 concurrent calls on a cold cache",
    { timeout: 240_000 },
    async () => {
      // A loaded 2-core machine may take longer than the default 30 s per attempt for the last of
      // 1000 calls; a timeout would retry and count extra hits that say nothing about tokens.
      const xdr = t.xdr({ timeoutMs: 180_000 });
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          xdr.iroh.inspect({ content: `10.0.${i >> 8}.${i & 255}` }),
        ),
      );
      expect(results).toHaveLength(1000);
      expect(results[999]).toEqual([{ type: "ip", value: "10.0.3.231" }]);
      expect(t.sim.stats.tokenRequests).toBe(1);
      expect(t.hits("/iroh/iroh-inspect/inspect")).toBe(1000);
    },
  );

  it.each(["bearer", "Bearer", "BEARER"])("accepts token_type %s", async (tokenType) => {
    const sim = await t.startExtra({ tokenType });
    await expect(t.xdr({}, sim).iroh.inspect({ content: "cisco.com" })).resolves.toHaveLength(1);
    expect(t.hits("/iroh/iroh-inspect", undefined, sim)).toBe(1);
  });

  it("refuses a token_type other than bearer, naming it, and sends nothing with it", async () => {
    const sim = await t.startExtra({ tokenType: "mac" });
    const err = await t.caught(t.xdr({}, sim).iroh.inspect({ content: "cisco.com" }));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toContain('"mac"');
    expect(t.hits("/iroh/iroh-inspect", undefined, sim)).toBe(0);
  });
});

describe("refresh ahead of expiry", () => {
  it.each([
    // lifetime (s), refreshed at (s) = lifetime − min(60, lifetime / 2)
    [600, 540],
    [60, 30],
    [3600, 3540],
  ])(
    "a %i s token is replaced from %i s on, before the simulator expires it",
    async (lifetime, refreshAt) => {
      vi.useFakeTimers({ toFake: ["Date"] });
      const t0 = Date.parse("2030-03-01T10:00:00Z");
      vi.setSystemTime(t0);
      // The simulator's clock follows the faked one: its tokens expire after `lifetime` fake seconds.
      const sim = await t.startExtra({ tokenLifetimeSec: lifetime, clock: () => Date.now() });
      const xdr = t.xdr({}, sim);
      const call = () => xdr.iroh.inspect({ content: "cisco.com" });

      await call();
      vi.setSystemTime(t0 + refreshAt * 1000 - 1);
      await call();
      expect(sim.stats.tokenRequests).toBe(1);
      vi.setSystemTime(t0 + refreshAt * 1000);
      await call();
      expect(sim.stats.tokenRequests).toBe(2);
      // Just before the first token would have expired, the second one is in use: no 401 on the way.
      vi.setSystemTime(t0 + lifetime * 1000 - 1);
      await call();
      expect(sim.stats.tokenRequests).toBe(2);
      expect(t.hits("/iroh/iroh-inspect", undefined, sim)).toBe(4);
    },
  );
});

describe("single flight on renewal", () => {
  it("100 concurrent calls past the refresh time: one token request", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.parse("2030-03-01T10:00:00Z");
    vi.setSystemTime(t0);
    const xdr = t.xdr();
    await xdr.iroh.inspect({ content: "cisco.com" });
    vi.setSystemTime(t0 + 540_000);
    await Promise.all(Array.from({ length: 100 }, () => xdr.iroh.inspect({ content: "x" })));
    expect(t.sim.stats.tokenRequests).toBe(2);
  });

  it("100 concurrent calls that all get a 401: one new token, each call retried once", async () => {
    const xdr = t.xdr();
    await xdr.iroh.inspect({ content: "cisco.com" });
    t.sim.revokeTokens();
    const results = await Promise.all(
      Array.from({ length: 100 }, () => xdr.iroh.inspect({ content: "cisco.com" })),
    );
    expect(results.every((r) => r.length === 1)).toBe(true);
    expect(t.sim.stats.tokenRequests).toBe(2);
    expect(t.hits("/iroh/iroh-inspect")).toBe(1 + 200);
  });
});

describe("401", () => {
  it("drops the token, fetches one new token and retries the request once", async () => {
    t.sim.faults.unauthorized = { count: 1 };
    await expect(t.xdr().iroh.inspect({ content: "cisco.com" })).resolves.toHaveLength(1);
    expect(t.sim.stats.tokenRequests).toBe(2);
    expect(t.hits("/iroh/iroh-inspect")).toBe(2);
  });

  it("recovers from revoked tokens", async () => {
    const xdr = t.xdr();
    await xdr.iroh.inspect({ content: "cisco.com" });
    t.sim.revokeTokens();
    await expect(xdr.iroh.inspect({ content: "cisco.com" })).resolves.toHaveLength(1);
    expect(t.sim.stats.tokenRequests).toBe(2);
    expect(t.hits("/iroh/iroh-inspect")).toBe(3);
  });

  it("recovers when the server's clock expired the token early (jwt_expired)", async () => {
    let skewMs = 0;
    const sim = await t.startExtra({ clock: () => Date.now() + skewMs });
    const xdr = t.xdr({}, sim);
    await xdr.iroh.inspect({ content: "cisco.com" });
    skewMs = 601_000;
    await expect(xdr.iroh.inspect({ content: "cisco.com" })).resolves.toHaveLength(1);
    expect(sim.stats.tokenRequests).toBe(2);
  });

  it("refreshes and retries once even for an unsafe POST (a 401 was not processed)", async () => {
    t.sim.faults.unauthorized = { count: 1 };
    const created = await t.xdr().ctia.judgements.create(judgement);
    expect(created).toMatchObject({ type: "judgement", disposition_name: "Malicious" });
    expect(t.hits("/ctia/judgement", "POST")).toBe(2);
    expect(t.sim.ctia.table("judgement").size).toBe(1);
  });

  it("a second 401 surfaces as AuthenticationError: one refresh, never a loop", async () => {
    t.sim.faults.unauthorized = { count: 100 };
    const err = await t.caught(t.xdr({ maxRetries: 5 }).iroh.inspect({ content: "cisco.com" }));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: "invalid_token", operation: "inspect" });
    expect(t.sim.stats.tokenRequests).toBe(2);
    expect(t.hits("/iroh/iroh-inspect")).toBe(2);
  });
});

describe("scope check", () => {
  const NO_AO = "e2e-client-no-ao";
  const xdrWithoutAo = () => {
    t.sim.clients.set(NO_AO, {
      secret: CLIENT_SECRET,
      scopes: ["inspect:read", "enrich:read", "private-intel"],
    });
    return t.xdr({ clientId: NO_AO });
  };

  it("fails before sending when the token lacks the operation's scope, naming it", async () => {
    const xdr = xdrWithoutAo();
    const err = await t.caught(xdr.automation.workflows.list());
    expect(err).toBeInstanceOf(MissingScopeError);
    expect(err).toMatchObject({ operation: "workflows.list", missing: ["ao"] });
    expect(err.message).toMatch(/workflows\.list needs the scope ao/);
    expect(t.hits("/api")).toBe(0);
    expect(t.sim.stats.requests.map((r) => r.path)).toEqual([TOKEN_PATH]);
  });

  it("starts no workflow run without the scope, and still serves what was granted", async () => {
    const xdr = xdrWithoutAo();
    const err = await t.caught(
      xdr.automation.workflows.start(
        { workflow_id: SIM_WORKFLOW_IDS.hello },
        { wait: true, pollIntervalMs: 1 },
      ),
    );
    expect(err).toBeInstanceOf(MissingScopeError);
    expect(t.sim.automation.instances.size).toBe(0);
    await expect(xdr.iroh.inspect({ content: "cisco.com" })).resolves.toHaveLength(1);
    expect(t.hits("/api")).toBe(0);
  });
});

describe("token endpoint failures", () => {
  it("a refused client: AuthenticationError with the server's error, not retried", async () => {
    const err = await t.caught(
      t.xdr({ clientSecret: "e2e-wrong-S3cr3t-Zq" }).iroh.inspect({ content: "x" }),
    );
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 400, code: "invalid_client", operation: "oauth2.token" });
    expect(err.message).toContain("invalid_client: unknown client");
    expect(err.message).not.toContain("e2e-wrong-S3cr3t-Zq");
    expect(t.sim.stats.tokenRequests).toBe(1);
    expect(t.hits("/iroh/iroh-inspect")).toBe(0);
  });

  it("a 400 from the token endpoint: AuthenticationError with error and error_description", async () => {
    t.sim.faults.tokenFailure = { count: 1, status: 400, error: "unauthorized_client" };
    const err = await t.caught(t.xdr().iroh.inspect({ content: "x" }));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toBe(
      "oauth2.token failed: HTTP 400 unauthorized_client: simulated token endpoint failure" +
        ` (request id ${(err as AuthenticationError).requestId})`,
    );
  });

  it("a token endpoint echoing the credentials: scrubbed from the error", async () => {
    t.sim.faults.echoCredentials = { count: 1, path: "/iroh/oauth2", status: 401 };
    const err = await t.caught(t.xdr().iroh.inspect({ content: "x" }));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toMatch(/rejected Authorization: (Basic )?\[redacted\]/);
    expect(err.message).toContain("secret [redacted]");
    expect(JSON.stringify((err as AuthenticationError).body)).not.toContain(CLIENT_SECRET);
  });

  it("a 5xx from the token endpoint is retried, even for an unsafe POST (nothing was sent)", async () => {
    t.sim.faults.tokenFailure = { count: 1 };
    await expect(t.xdr().ctia.judgements.create(judgement)).resolves.toMatchObject({
      type: "judgement",
    });
    expect(t.sim.stats.tokenRequests).toBe(2);
    expect(t.hits("/ctia/judgement", "POST")).toBe(1);
  });

  it("a token endpoint that keeps failing with 500: ServerError once retries are used up", async () => {
    t.sim.faults.tokenFailure = { count: 10 };
    const err = await t.caught(t.xdr({ maxRetries: 1 }).iroh.inspect({ content: "x" }));
    // A server failure, not a refusal of the credentials.
    expect(err).toBeInstanceOf(ServerError);
    expect(err).not.toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 500, code: "server_error", operation: "oauth2.token" });
    expect(t.sim.stats.tokenRequests).toBe(2);
    expect(t.hits("/iroh/iroh-inspect")).toBe(0);
  });

  it("a token endpoint that never answers: TimeoutError, not AuthenticationError", async () => {
    t.sim.faults.slow = { count: 10, delayMs: 2_000, path: "/iroh/oauth2" };
    const err = await t.caught(
      t.xdr({ maxRetries: 1, timeoutMs: 50 }).iroh.inspect({ content: "x" }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).not.toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toMatch(/no answer within 50 ms/);
    expect(t.hits("/iroh/iroh-inspect")).toBe(0);
  });

  it("a connection reset at the token endpoint is retried, even for an unsafe POST", async () => {
    t.sim.faults.reset = { count: 1, path: "/iroh/oauth2" };
    await expect(t.xdr().ctia.judgements.create(judgement)).resolves.toMatchObject({
      type: "judgement",
    });
    expect(t.sim.stats.tokenRequests).toBe(2);
    expect(t.hits("/ctia/judgement", "POST")).toBe(1);
  });
});
