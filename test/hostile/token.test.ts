// Issue #8, item 3: the token lifecycle against a hostile or broken token endpoint.
import { spawn } from "node:child_process";
import { buildSync } from "esbuild";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AbortError,
  ApiError,
  AuthenticationError,
  ConnectionError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from "../../templates/runtime/errors.js";
import type { XdrOptions } from "../../templates/runtime/types.js";
import {
  basicOf,
  caught,
  closedPort,
  inspectOp as inspect,
  irohClient,
  json,
  plainServer,
  recorder,
  TOKEN,
  timed,
  until,
  useServer,
} from "./servers.js";

const srv = useServer();
afterEach(() => void vi.useRealTimers());

const INSPECT = "POST /iroh/iroh-inspect/inspect";
const client = (extra: XdrOptions = {}) => irohClient(srv, extra);
const call = (t = client()) => t.call(inspect, { content: "1.2.3.4" });
const apiAnswers = () =>
  srv.route(INSPECT, (_h, res) => json(res, 200, [{ type: "ip", value: "1.2.3.4" }]));
const lastAuth = () =>
  srv.hits.filter((h) => h.path.startsWith("/iroh/iroh-inspect")).at(-1)?.headers.authorization;
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A token endpoint that issues `tok-N` unless `down` says how to fail. */
function tokenEndpoint(expiresIn = 600) {
  const state = {
    down: undefined as undefined | "503" | "reset",
    issued: 0,
  };
  srv.route(TOKEN, (_h, res) => {
    if (state.down === "503") return json(res, 503, { error: "unavailable" });
    if (state.down === "reset") return void res.socket?.destroy();
    json(res, 200, {
      access_token: `tok-${++state.issued}`,
      token_type: "bearer",
      expires_in: expiresIn,
    });
  });
  return state;
}

describe("refresh window: an outage of the token endpoint does not fail calls", () => {
  // A background refresh may still be on its way: let it land before the next test's counts.
  afterEach(() => pause(200));
  it("keeps serving the valid token while a refresh fails, retries the refresh with backoff, then switches", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.parse("2026-03-01T10:00:00Z");
    vi.setSystemTime(t0);
    apiAnswers();
    const ep = tokenEndpoint(600);
    const log = recorder();
    const failed = () => log.lines.filter((l) => l.includes("refresh failed")).length;
    const t = client({ logger: log });
    await call(t);
    expect(srv.count(TOKEN)).toBe(1);

    // In the refresh window (refresh at 540 s), with the token endpoint down.
    ep.down = "503";
    vi.setSystemTime(t0 + 545_000);
    await expect(call(t)).resolves.toHaveLength(1);
    expect(lastAuth()).toBe("Bearer tok-1");
    await until(() => failed() === 1);
    expect(srv.count(TOKEN)).toBe(2);

    // Right after the failure: still the old token, and no hammering of the endpoint.
    await expect(Promise.all([call(t), call(t), call(t)])).resolves.toHaveLength(3);
    expect(lastAuth()).toBe("Bearer tok-1");
    await pause(30);
    expect(srv.count(TOKEN)).toBe(2);

    // After the backoff, the refresh is tried again (and fails again: calls still succeed).
    vi.setSystemTime(t0 + 547_000);
    await expect(call(t)).resolves.toHaveLength(1);
    await until(() => failed() === 2);
    expect(srv.count(TOKEN)).toBe(3);

    // The endpoint is back: the next refresh succeeds and later calls use the new token.
    ep.down = undefined;
    vi.setSystemTime(t0 + 560_000);
    await call(t);
    expect(lastAuth()).toBe("Bearer tok-1");
    await until(() => ep.issued === 2);
    for (let i = 0; i < 200 && lastAuth() !== "Bearer tok-2"; i++) {
      await pause(5);
      await call(t);
    }
    expect(lastAuth()).toBe("Bearer tok-2");
    expect(srv.count(TOKEN)).toBe(4);
  });

  it("survives a token endpoint that resets connections during the window", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.parse("2026-03-01T10:00:00Z");
    vi.setSystemTime(t0);
    apiAnswers();
    const ep = tokenEndpoint(600);
    const t = client({ maxRetries: 0 });
    await call(t);
    ep.down = "reset";
    vi.setSystemTime(t0 + 550_000);
    for (let i = 0; i < 5; i++) {
      await expect(call(t)).resolves.toHaveLength(1);
      vi.setSystemTime(t0 + 550_000 + (i + 1) * 5_000);
    }
    expect(srv.count(INSPECT)).toBe(6);
    expect(lastAuth()).toBe("Bearer tok-1");
  });

  it("starts one background refresh for many concurrent calls in the window", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.parse("2026-03-01T10:00:00Z");
    vi.setSystemTime(t0);
    apiAnswers();
    const ep = tokenEndpoint(600);
    const t = client();
    await call(t);
    ep.down = "503";
    vi.setSystemTime(t0 + 541_000);
    const log = recorder();
    await Promise.all(Array.from({ length: 50 }, () => call(client({ logger: log }))));
    await until(() => log.lines.some((l) => l.includes("refresh failed")));
    expect(srv.count(TOKEN)).toBe(2);
  });

  it("does not serve a token past its expiry: the call then fails with the endpoint's error", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.parse("2026-03-01T10:00:00Z");
    vi.setSystemTime(t0);
    apiAnswers();
    const ep = tokenEndpoint(600);
    const t = client({ maxRetries: 0 });
    await call(t);
    ep.down = "503";
    vi.setSystemTime(t0 + 601_000);
    const err = await caught(call(t));
    expect(err).toBeInstanceOf(ServerError);
    expect(srv.count(INSPECT)).toBe(1);
  });
});

describe("an unreachable token endpoint is a connection failure, not an authentication failure", () => {
  it("refused connection → ConnectionError", async () => {
    apiAnswers();
    const port = await closedPort();
    const err = await caught(
      call(
        client({
          baseUrls: { iroh: srv.url, token: `http://127.0.0.1:${port}/token` },
          maxRetries: 0,
        }),
      ),
    );
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).not.toBeInstanceOf(AuthenticationError);
    expect(srv.count(INSPECT)).toBe(0);
  });

  it("connection reset → ConnectionError, retried 1 + maxRetries times", async () => {
    apiAnswers();
    srv.route(TOKEN, (_h, res) => void res.socket?.destroy());
    const err = await caught(call(client({ maxRetries: 2 })));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).not.toBeInstanceOf(AuthenticationError);
    expect(srv.count(TOKEN)).toBe(3);
  });

  it("a reset once, then a token: the call succeeds", async () => {
    apiAnswers();
    srv.route(TOKEN, (_h, res, n) =>
      n === 1
        ? void res.socket?.destroy()
        : json(res, 200, { access_token: "tok-ok", token_type: "bearer", expires_in: 600 }),
    );
    await expect(call()).resolves.toHaveLength(1);
    expect(lastAuth()).toBe("Bearer tok-ok");
  });

  it("a host that does not resolve → ConnectionError or TimeoutError", async () => {
    const err = await caught(
      call(
        client({
          baseUrls: { iroh: srv.url, token: "https://no-such-host.invalid/iroh/oauth2/token" },
          maxRetries: 0,
          timeoutMs: 5_000,
        }),
      ),
    );
    expect(err instanceof ConnectionError || err instanceof TimeoutError).toBe(true);
    expect(err).not.toBeInstanceOf(AuthenticationError);
  });

  it("no answer → TimeoutError within the call's timeoutMs", async () => {
    srv.route(TOKEN, () => undefined);
    const { ms, error } = await timed(call(client({ timeoutMs: 100, maxRetries: 0 })));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).not.toBeInstanceOf(AuthenticationError);
    expect(ms).toBeLessThan(2_100);
  });

  it("no answer → each attempt times out and is retried (1 + maxRetries token requests)", async () => {
    srv.route(TOKEN, () => undefined);
    const err = await caught(call(client({ timeoutMs: 60, maxRetries: 1 })));
    expect(err).toBeInstanceOf(TimeoutError);
    await until(() => srv.count(TOKEN) === 2);
  });
});

describe("a token endpoint that refuses or fails", () => {
  it.each([400, 401, 403])("HTTP %i refusal → AuthenticationError, not retried", async (status) => {
    srv.route(TOKEN, (_h, res) =>
      json(res, status, { error: "invalid_client", error_description: "no such client" }),
    );
    const err = await caught(call(client({ maxRetries: 3 })));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as unknown as AuthenticationError).status).toBe(status);
    expect(srv.count(TOKEN)).toBe(1);
    expect(srv.count(INSPECT)).toBe(0);
  });

  it.each([500, 502, 503, 504])("HTTP %i → ServerError, retried", async (status) => {
    srv.route(TOKEN, (_h, res) => json(res, status, { error: "down" }));
    const err = await caught(call(client({ maxRetries: 2 })));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).not.toBeInstanceOf(AuthenticationError);
    expect(srv.count(TOKEN)).toBe(3);
  });

  it("HTTP 429 → RateLimitError, retried after its Retry-After", async () => {
    srv.route(TOKEN, (_h, res) =>
      json(res, 429, { error: "slow down" }, { "retry-after": "0.01" }),
    );
    const err = await caught(call(client({ maxRetries: 1 })));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(srv.count(TOKEN)).toBe(2);
  });

  it("HTTP 503 then a token: the call succeeds", async () => {
    apiAnswers();
    srv.route(TOKEN, (_h, res, n) =>
      n < 3
        ? json(res, 503, {})
        : json(res, 200, { access_token: "late", token_type: "bearer", expires_in: 600 }),
    );
    await expect(call(client({ maxRetries: 2 }))).resolves.toHaveLength(1);
  });
});

describe("a token answer that is not a usable token", () => {
  it.each([
    ["no access_token", { token_type: "bearer", expires_in: 600 }],
    ["an empty access_token", { access_token: "", token_type: "bearer" }],
    ["a numeric access_token", { access_token: 12345, token_type: "bearer" }],
    ["a token with a space", { access_token: "tok en", token_type: "bearer" }],
    ["a non-bearer token type", { access_token: "tok-x", token_type: "mac" }],
  ])("%s → AuthenticationError, not retried, nothing sent to the API", async (_what, body) => {
    srv.route(TOKEN, (_h, res) => json(res, 200, body));
    const err = await caught(call(client({ maxRetries: 3 })));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(srv.count(TOKEN)).toBe(1);
    expect(srv.count(INSPECT)).toBe(0);
  });

  it("an HTML 200 page → AuthenticationError naming the missing access_token", async () => {
    srv.route(TOKEN, (_h, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>login</html>");
    });
    const err = await caught(call(client({ maxRetries: 0 })));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toMatch(/access_token/);
  });

  it.each([0, -5, "soon", 1e15])("expires_in %j still gives a usable, cached token", async (e) => {
    apiAnswers();
    srv.route(TOKEN, (_h, res) =>
      json(res, 200, { access_token: "tok-e", token_type: "bearer", expires_in: e }),
    );
    const t = client();
    await call(t);
    await call(t);
    expect(srv.count(TOKEN)).toBe(1);
    expect(lastAuth()).toBe("Bearer tok-e");
  });
});

describe("a token answer that breaks off mid-body", () => {
  const partial = (res: import("node:http").ServerResponse) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "200" });
    res.write('{"access_token":"tok-');
  };

  it("reset mid-body → ConnectionError (not 'answered without an access_token')", async () => {
    srv.route(TOKEN, (_h, res) => {
      partial(res);
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const err = await caught(call(client({ maxRetries: 0 })));
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).not.toBeInstanceOf(AuthenticationError);
    expect(err.message).not.toMatch(/without an access_token/);
  });

  it("reset mid-body is retried: the next answer's token is used", async () => {
    apiAnswers();
    srv.route(TOKEN, (_h, res, n) => {
      if (n > 1)
        return json(res, 200, { access_token: "whole", token_type: "bearer", expires_in: 600 });
      partial(res);
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await expect(call(client({ maxRetries: 2 }))).resolves.toHaveLength(1);
    expect(srv.count(TOKEN)).toBe(2);
    expect(lastAuth()).toBe("Bearer whole");
  });

  it("a chunked answer cut short → ConnectionError", async () => {
    srv.route(TOKEN, (_h, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"access_token":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const err = await caught(call(client({ maxRetries: 0 })));
    expect(err).toBeInstanceOf(ConnectionError);
  });

  it("a body that stalls mid-way → TimeoutError within timeoutMs", async () => {
    srv.route(TOKEN, (_h, res) => partial(res));
    const { ms, error } = await timed(call(client({ maxRetries: 0, timeoutMs: 150 })));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).not.toBeInstanceOf(AuthenticationError);
    expect(ms).toBeLessThan(2_150);
  });
});

describe("the token wait is bounded by the call's timeout and signal", () => {
  /** A token endpoint that never answers; tells when its connection closes. */
  function stalled() {
    const state = { closed: 0, pending: [] as import("node:http").ServerResponse[] };
    srv.route(TOKEN, (_h, res) => {
      state.pending.push(res);
      res.on("close", () => state.closed++);
    });
    return state;
  }

  it("a caller's abort ends its wait at once (AbortError) and the token request is cancelled", async () => {
    const s = stalled();
    const ctrl = new AbortController();
    const p = client().call(inspect, { content: "x" }, { signal: ctrl.signal });
    await until(() => srv.count(TOKEN) === 1);
    const t0 = performance.now();
    ctrl.abort();
    const err = await caught(p);
    expect(err).toBeInstanceOf(AbortError);
    expect(performance.now() - t0).toBeLessThan(1_000);
    await until(() => s.closed === 1);
  });

  it("the token request goes on while another caller still waits, and serves it", async () => {
    const s = stalled();
    apiAnswers();
    const t = client();
    const a = new AbortController();
    const pa = t.call(inspect, { content: "a" }, { signal: a.signal });
    const pb = t.call(inspect, { content: "b" });
    await until(() => s.pending.length === 1);
    a.abort();
    await expect(pa).rejects.toBeInstanceOf(AbortError);
    await pause(50);
    expect(s.closed).toBe(0);
    json(s.pending[0]!, 200, { access_token: "shared", token_type: "bearer", expires_in: 600 });
    await expect(pb).resolves.toHaveLength(1);
    expect(lastAuth()).toBe("Bearer shared");
  });

  it("when every waiting caller has aborted, the token request is cancelled", async () => {
    const s = stalled();
    const t = client();
    const ctrls = [new AbortController(), new AbortController(), new AbortController()];
    const ps = ctrls.map((c) => caught(t.call(inspect, { content: "x" }, { signal: c.signal })));
    await until(() => s.pending.length === 1);
    for (const c of ctrls.slice(0, 2)) c.abort();
    await pause(30);
    expect(s.closed).toBe(0);
    ctrls[2]!.abort();
    for (const p of ps) expect(await p).toBeInstanceOf(AbortError);
    await until(() => s.closed === 1);
    expect(srv.count(TOKEN)).toBe(1);
  });

  it("a per-call timeoutMs bounds the token wait even when the client's timeout is long", async () => {
    const s = stalled();
    const { ms, error } = await timed(
      client({ timeoutMs: 60_000 }).call(
        inspect,
        { content: "x" },
        { timeoutMs: 80, maxRetries: 0 },
      ),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(2_080);
    // Its only waiter gave up: the token request is cancelled, not left to the 60 s timeout.
    await until(() => s.closed === 1);
  });

  it("an aborted caller does not leave a token request keeping the process alive", async () => {
    const s = stalled();
    const dir = mkdtempSync(join(tmpdir(), "xdr-hostile-"));
    // The runtime bundled to plain JS (esbuild: fast), so the child starts in a blink.
    const runtime = join(dir, "transport.mjs");
    buildSync({
      entryPoints: [resolve("templates/runtime/transport.ts")],
      bundle: true,
      format: "esm",
      platform: "node",
      outfile: runtime,
      logLevel: "silent",
    });
    const script = join(dir, "child.mjs");
    // The child aborts when told on stdin (once its token request is at the server), then must
    // exit by itself: nothing may keep it alive (the default token timeout is 30 s).
    writeFileSync(
      script,
      `import { createTransport } from ${JSON.stringify(runtime)};
const t = createTransport({ name: "iroh", servers: { us: "", eu: "", apjc: "" }, tokenUrls: { us: "", eu: "", apjc: "" } },
  { clientId: "id", clientSecret: "secret-secret", baseUrls: { iroh: ${JSON.stringify(srv.url)} } });
const ctrl = new AbortController();
process.stdin.once("data", () => { process.stdin.destroy(); ctrl.abort(); });
await t.call({ name: "x", method: "GET", path: "/x", args: "none", safe: true }, undefined, { signal: ctrl.signal })
  .catch((e) => console.log("caught", e.name));
`,
    );
    const child = spawn(process.execPath, [script], {
      cwd: process.cwd(),
      stdio: ["pipe", "pipe", "inherit"],
    });
    const kill = setTimeout(() => child.kill("SIGKILL"), 35_000);
    try {
      let stdout = "";
      child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
      for (let i = 0; i < 600 && s.pending.length === 0; i++) await pause(50);
      expect(s.pending).toHaveLength(1);
      const abortedAt = performance.now();
      child.stdin!.write("abort\n");
      const code = await exited;
      expect(stdout).toContain("caught AbortError");
      expect(code).toBe(0);
      // Far below the 30 s a forgotten token request (and its timer) would keep it alive.
      expect(performance.now() - abortedAt).toBeLessThan(10_000);
      await until(() => s.closed === 1);
    } finally {
      clearTimeout(kill);
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("token redirects", () => {
  it.each([301, 302, 303, 307, 308])(
    "a %i to another origin fails with an ApiError naming only that origin; credentials never go there",
    async (status) => {
      const evil = await plainServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ access_token: "evil", token_type: "bearer", expires_in: 600 }));
      });
      try {
        apiAnswers();
        srv.route(TOKEN, (_h, res) => {
          res.writeHead(status, { location: `${evil.url}/steal/path?leak=query` });
          res.end();
        });
        const err = await caught(call(client({ maxRetries: 2 })));
        expect(err).toBeInstanceOf(ApiError);
        expect(err).not.toBeInstanceOf(ConnectionError);
        expect(err.message).toContain(evil.url);
        expect(err.message).not.toContain("/steal");
        expect(err.message).not.toContain("leak=query");
        expect(evil.requests).toHaveLength(0);
        expect(srv.count(INSPECT)).toBe(0);
        expect(srv.count(TOKEN)).toBe(1);
      } finally {
        await evil.close();
      }
    },
  );

  it("a redirect to another port of the same host is another origin", async () => {
    const other = await plainServer((_req, res) => res.end());
    try {
      srv.route(TOKEN, (_h, res) => {
        res.writeHead(307, { location: `http://localhost:${other.port}/iroh/oauth2/token` });
        res.end();
      });
      const err = await caught(call(client({ maxRetries: 0 })));
      expect(err).toBeInstanceOf(ApiError);
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it.each([307, 308])(
    "a same-origin %i is followed, with the POST body and credentials",
    async (status) => {
      apiAnswers();
      srv.route(TOKEN, (_h, res) => {
        res.writeHead(status, { location: "/iroh/oauth2/token-v2" });
        res.end();
      });
      srv.route("POST /iroh/oauth2/token-v2", (_h, res) =>
        json(res, 200, { access_token: "moved", token_type: "bearer", expires_in: 600 }),
      );
      await expect(call()).resolves.toHaveLength(1);
      const hop = srv.hits.find((h) => h.path === "/iroh/oauth2/token-v2")!;
      expect(hop.body).toBe("grant_type=client_credentials");
      expect(hop.headers.authorization).toMatch(/^Basic /);
      expect(lastAuth()).toBe("Bearer moved");
    },
  );

  it("a same-origin redirect loop ends with an error after a few hops", async () => {
    srv.route(TOKEN, (_h, res) => {
      res.writeHead(307, { location: "/iroh/oauth2/token" });
      res.end();
    });
    const err = await caught(call(client({ maxRetries: 0 })));
    expect(err).toBeInstanceOf(ApiError);
    expect(srv.count(TOKEN)).toBeLessThanOrEqual(10);
  });

  it("a redirect without a usable Location fails clearly", async () => {
    srv.route(TOKEN, (_h, res) => {
      res.writeHead(302);
      res.end();
    });
    const err = await caught(call(client({ maxRetries: 0 })));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toMatch(/redirect/i);
  });
});

describe("token cache key", () => {
  it("ids and secrets with newlines do not share a token", async () => {
    apiAnswers();
    let n = 0;
    srv.route(TOKEN, (_h, res) =>
      json(res, 200, { access_token: `tok-${++n}`, token_type: "bearer", expires_in: 600 }),
    );
    const a = client({ clientId: "a\nb", clientSecret: "c-secret-value" });
    const b = client({ clientId: "a", clientSecret: "b\nc-secret-value" });
    await call(a);
    const authA = lastAuth();
    await call(b);
    const authB = lastAuth();
    expect(srv.count(TOKEN)).toBe(2);
    expect(authA).not.toBe(authB);
    const basics = srv.hits
      .filter((h) => h.path === "/iroh/oauth2/token")
      .map((h) => h.headers.authorization);
    expect(basics).toEqual([
      basicOf("a\nb", "c-secret-value").header,
      basicOf("a", "b\nc-secret-value").header,
    ]);
  });

  it("ids and secrets with other separators (':', JSON quotes, NUL) do not share a token", async () => {
    apiAnswers();
    const pairs: [string, string][] = [
      ["a:b", "c-secret-1"],
      ["a", "b:c-secret-1"],
      ['a","b', "c-secret-1"],
      ["a", '","b",c-secret-1'],
      ["a\u0000b", "c-secret-1"],
    ];
    for (const [clientId, clientSecret] of pairs) await call(client({ clientId, clientSecret }));
    // "a:b" + "c" and "a" + "b:c" send the same Basic credential: the server cannot tell them
    // apart either, so at least every distinct Basic header gets its own token request.
    const distinct = new Set(pairs.map(([i, s]) => basicOf(i, s).header)).size;
    expect(srv.count(TOKEN)).toBeGreaterThanOrEqual(distinct);
  });

  it("another token URL with the same credentials gets its own token", async () => {
    apiAnswers();
    srv.route("POST /other/token", (_h, res) =>
      json(res, 200, { access_token: "other", token_type: "bearer", expires_in: 600 }),
    );
    await call(client());
    await call(client({ baseUrls: { iroh: srv.url, token: srv.url + "/other/token" } }));
    expect(lastAuth()).toBe("Bearer other");
  });
});
