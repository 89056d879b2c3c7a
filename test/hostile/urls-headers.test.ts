// Issue #8, items 5 and 6: cleartext and malformed base URLs refused at creation with a
// ConfigurationError naming the option; headers, tokens and per-call options that cannot make a
// safe request refused before sending (never a ConnectionError, never retried); User-Agent.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ConfigurationError,
  ConnectionError,
  UsageError,
  XdrError,
} from "../../templates/runtime/errors.js";
import { createTransport } from "../../templates/runtime/transport.js";
import type { ApiDescriptor, Operation, XdrOptions } from "../../templates/runtime/types.js";
import {
  caught,
  inspectOp as inspect,
  irohApi,
  irohClient,
  json,
  plainServer,
  rawClient,
  TOKEN,
  useServer,
} from "./servers.js";

const srv = useServer();
const INSPECT = "POST /iroh/iroh-inspect/inspect";

function creationError(options: XdrOptions, api: ApiDescriptor = irohApi()): unknown {
  try {
    createTransport(api, options);
  } catch (e) {
    return e;
  }
  return undefined;
}

function refusedAt(option: string, options: XdrOptions, api?: ApiDescriptor): ConfigurationError {
  const err = creationError(options, api);
  expect(err).toBeInstanceOf(ConfigurationError);
  expect((err as Error).message).toContain(option);
  return err as ConfigurationError;
}

describe("cleartext base URLs", () => {
  it.each([
    "http://visibility.amp.cisco.com",
    "http://example.com",
    "http://10.0.0.1",
    "http://192.168.1.20:8080",
    "http://[::2]",
    "http://[fe80::1]",
    "http://127.example.com",
    "http://localhost.example.com",
    "http://127.0.0.1.nip.io",
    "http://0.0.0.0",
    "HTTP://EXAMPLE.COM",
    "http://localhost.",
    "http://[::ffff:10.0.0.1]",
  ])("refuses %s as baseUrls.iroh, naming the option", (url) => {
    refusedAt("baseUrls.iroh", { accessToken: "t", baseUrls: { iroh: url } });
  });

  it.each([
    "http://127.0.0.1:8080",
    "http://127.1.2.3",
    "http://localhost:3000",
    "http://LOCALHOST",
    "http://[::1]:8080",
    "http://api.localhost",
    "http://[0:0:0:0:0:0:0:1]",
    "http://0x7f000001",
    "http://2130706433",
    "https://example.com",
    "https://10.0.0.1/api",
  ])("allows %s", (url) => {
    expect(creationError({ accessToken: "t", baseUrls: { iroh: url } })).toBeUndefined();
  });

  it("allows cleartext elsewhere only with allowInsecureHttp: true", () => {
    expect(
      creationError({
        accessToken: "t",
        baseUrls: { iroh: "http://example.com" },
        allowInsecureHttp: true,
      }),
    ).toBeUndefined();
  });

  it("does not take a truthy non-boolean as the opt-in", () => {
    refusedAt("baseUrls.iroh", {
      accessToken: "t",
      baseUrls: { iroh: "http://example.com" },
      allowInsecureHttp: "yes" as never,
    });
  });

  it("names the option of the opt-in in its message", () => {
    const err = refusedAt("baseUrls.iroh", {
      accessToken: "t",
      baseUrls: { iroh: "http://example.com" },
    });
    expect(err.message).toContain("allowInsecureHttp");
  });

  it("refuses a cleartext token URL, naming baseUrls.token", () => {
    refusedAt("baseUrls.token", {
      clientId: "id",
      clientSecret: "secret-secret",
      baseUrls: { iroh: "https://visibility.amp.cisco.com", token: "http://example.com/token" },
    });
  });

  it("refuses a cleartext baseUrl of a standalone API, naming baseUrl", () => {
    refusedAt(
      "baseUrl",
      { baseUrl: "http://api.example.com", accessToken: "t" },
      { name: "svc", servers: { us: "", eu: "", apjc: "" }, auth: [{ type: "bearer" }] },
    );
  });

  it("refuses a cleartext baseUrls entry of another API too", () => {
    refusedAt("baseUrls.ctia", {
      accessToken: "t",
      baseUrls: { iroh: "https://visibility.amp.cisco.com", ctia: "http://example.com" },
    });
  });

  it("sends nothing when the URL is refused", async () => {
    const seen = await plainServer((_q, r) => r.end());
    try {
      creationError({ accessToken: "t", baseUrls: { iroh: `http://localhost.example.com` } });
      expect(seen.requests).toHaveLength(0);
    } finally {
      await seen.close();
    }
  });
});

describe("userinfo, query, fragment and other schemes in base URLs", () => {
  it.each([
    ["userinfo", "https://alice:pw-Secret-9@visibility.amp.cisco.com"],
    ["a user name only", "https://alice@visibility.amp.cisco.com"],
    ["a query", "https://visibility.amp.cisco.com/?x=1"],
    ["an empty query", "https://visibility.amp.cisco.com/?"],
    ["a fragment", "https://visibility.amp.cisco.com/#frag"],
    ["an empty fragment", "https://visibility.amp.cisco.com/#"],
    ["ftp", "ftp://visibility.amp.cisco.com"],
    ["file", "file:///etc/passwd"],
    ["javascript", "javascript:alert(1)"],
    ["a relative URL", "/iroh"],
    ["garbage", "not a url"],
  ])("refuses %s in baseUrls.iroh", (_what, url) => {
    const err = refusedAt("baseUrls.iroh", { accessToken: "t", baseUrls: { iroh: url } });
    expect(err.message).not.toContain("pw-Secret-9");
  });

  it("refuses userinfo in baseUrls.token without echoing the password", () => {
    const err = refusedAt("baseUrls.token", {
      clientId: "id",
      clientSecret: "secret-secret",
      baseUrls: {
        iroh: "https://visibility.amp.cisco.com",
        token: "https://u:TokPw-123456@visibility.amp.cisco.com/iroh/oauth2/token",
      },
    });
    expect(`${err.message}\n${err.stack}`).not.toContain("TokPw-123456");
  });

  it("refuses a query in baseUrl of a standalone API", () => {
    refusedAt(
      "baseUrl",
      { baseUrl: "https://api.example.com/v1?key=abc", accessToken: "t" },
      { name: "svc", servers: { us: "", eu: "", apjc: "" }, auth: [{ type: "bearer" }] },
    );
  });
});

describe("API redirects", () => {
  it("a redirect of an API call to another origin never carries the bearer token there", async () => {
    const evil = await plainServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("[]");
    });
    try {
      srv.route(INSPECT, (_h, res) => {
        res.writeHead(307, { location: `${evil.url}/collect` });
        res.end();
      });
      await irohClient(srv, { maxRetries: 0 })
        .call(inspect, { content: "x" })
        .catch(() => undefined);
      for (const r of evil.requests) expect(r.headers.authorization).toBeUndefined();
    } finally {
      await evil.close();
    }
  });
});

describe("client headers (options.headers): refused at creation", () => {
  it.each([
    ["a CR/LF in a value", { "x-app": "soc\r\nx-injected: 1" }],
    ["a bare LF in a value", { "x-app": "soc\nx" }],
    ["a bare CR in a value", { "x-app": "soc\rx" }],
    ["a NUL in a value", { "x-app": "soc\u0000" }],
    ["a character above Latin-1 in a value", { "x-app": "caf\u20ac" }],
    ["a space in the name", { "x app": "1" }],
    ["a colon in the name", { "x:app": "1" }],
    ["a CR/LF in the name", { "x-app\r\nx": "1" }],
    ["an empty name", { "": "1" }],
  ])("%s → ConfigurationError naming the header", (_what, headers) => {
    const err = refusedAt("headers", { accessToken: "t", baseUrls: { iroh: srv.url }, headers });
    expect(err.message).not.toMatch(/[\r\n]/);
  });

  it("accepts ordinary and Latin-1 values, tabs and spaces", () => {
    expect(
      creationError({
        accessToken: "t",
        baseUrls: { iroh: srv.url },
        headers: { "x-app": "soc team\t1", "x-name": "caf\u00e9" },
      }),
    ).toBeUndefined();
  });
});

describe("per-call headers and header parameters: refused before sending", () => {
  const withHeaderParam: Operation = {
    name: "judgements.get",
    method: "GET",
    path: "/ctia/judgement/{id}",
    args: "flat",
    pathParams: ["id"],
    headerParams: ["x-trace"],
    safe: true,
  };

  it.each([
    ["CR/LF in a value", { "x-note": "a\r\nx-injected: 1" }],
    ["LF in a value", { "x-note": "a\nb" }],
    ["NUL in a value", { "x-note": "a\u0000b" }],
    ["a non-Latin-1 value", { "x-note": "\u2603" }],
    ["an invalid name", { "x note": "1" }],
    ["CR/LF in a name", { "x-note\r\nx-injected": "1" }],
  ])("%s → UsageError before sending, not retried", async (_what, headers) => {
    const err = await caught(
      irohClient(srv, { maxRetries: 3 }).call(inspect, { content: "x" }, { headers }),
    );
    expect(err).toBeInstanceOf(UsageError);
    expect(err).not.toBeInstanceOf(ConnectionError);
    expect((err as UsageError).parameter).toMatch(/^headers/);
    expect(srv.hits).toHaveLength(0);
  });

  it("a header parameter with CR/LF → UsageError naming it, before sending", async () => {
    const err = await caught(
      irohClient(srv, { maxRetries: 3 }).call(withHeaderParam, {
        id: "j1",
        "x-trace": "t\r\nx-injected: 1",
      } as never),
    );
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).parameter).toBe("x-trace");
    expect(srv.hits).toHaveLength(0);
  });

  it("an ordinary header parameter is sent", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res) => json(res, 200, { id: "j1" }));
    await irohClient(srv).call(withHeaderParam, { id: "j1", "x-trace": "abc 1" } as never);
    expect(srv.hits.find((h) => h.path === "/ctia/judgement/j1")?.headers["x-trace"]).toBe("abc 1");
  });

  it("the raw client refuses a header with CR/LF before sending, never as a ConnectionError", async () => {
    const t = createTransport(irohApi(), {
      accessToken: "t",
      baseUrls: { iroh: srv.url },
      maxRetries: 3,
      retryDelayMs: 1,
    });
    const err = await caught(
      rawClient(t).GET("/ctia/judgement/{id}", {
        params: { path: { id: "j1" } },
        headers: { "x-note": "a\r\nx-injected: 1" },
      }),
    );
    expect(err).not.toBeInstanceOf(ConnectionError);
    expect(srv.hits).toHaveLength(0);
  });
});

describe("accessToken and API keys", () => {
  it.each([
    ["CR/LF", "tok\r\nx-injected: 1"],
    ["LF", "tok\nx"],
    ["a space", "tok en"],
    ["NUL", "tok\u0000"],
    ["non-Latin-1", "tok\u2603"],
    ["empty", ""],
  ])("an accessToken with %s → ConfigurationError at creation", (_what, accessToken) => {
    refusedAt("accessToken", { accessToken, baseUrls: { iroh: srv.url } });
  });

  it("an accessToken function returning CR/LF → UsageError before sending, not retried", async () => {
    let calls = 0;
    const t = createTransport(irohApi(), {
      accessToken: () => {
        calls++;
        return "tok\r\nx-injected: 1";
      },
      baseUrls: { iroh: srv.url },
      maxRetries: 3,
    });
    const err = await caught(t.call(inspect, { content: "x" }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err).not.toBeInstanceOf(ConnectionError);
    expect(srv.hits).toHaveLength(0);
    expect(calls).toBe(1);
  });

  it("an apiKey with CR/LF → ConfigurationError at creation", () => {
    const err = creationError(
      { baseUrl: srv.url, apiKey: "k\r\nx-injected: 1" },
      {
        name: "svc",
        servers: { us: "", eu: "", apjc: "" },
        auth: [{ type: "apiKey", in: "header", name: "X-Api-Key" }],
      },
    );
    expect(err).toBeInstanceOf(ConfigurationError);
  });
});

describe("per-call numbers", () => {
  it.each([
    ["timeoutMs", -1],
    ["timeoutMs", -0.5],
    ["timeoutMs", Number.NaN],
    ["timeoutMs", "100"],
    ["maxRetries", -1],
    ["maxRetries", Number.NaN],
  ])("%s of %j → UsageError naming it, before sending", async (name, value) => {
    const err = await caught(
      irohClient(srv).call(inspect, { content: "x" }, { [name]: value } as never),
    );
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).parameter).toBe(name);
    expect(srv.hits).toHaveLength(0);
  });

  it("a negative per-call timeoutMs is not taken as 'no timeout'", async () => {
    srv.route(INSPECT, () => undefined);
    const err = await caught(
      irohClient(srv).call(inspect, { content: "x" }, { timeoutMs: -5, maxRetries: 0 }),
    );
    expect(err).toBeInstanceOf(UsageError);
  });

  it.each(["timeoutMs", "maxRetries", "maxRetryAfterMs", "retryDelayMs", "maxResponseBytes"])(
    "a negative client %s → ConfigurationError at creation",
    (name) => {
      refusedAt(name, { accessToken: "t", baseUrls: { iroh: srv.url }, [name]: -1 });
    },
  );

  it("timeoutMs: 0 per call means no per-attempt timeout (allowed)", async () => {
    srv.route(INSPECT, (_h, res) => setTimeout(() => json(res, 200, []), 50));
    const t = createTransport(irohApi(), {
      accessToken: "t",
      baseUrls: { iroh: srv.url },
      timeoutMs: 10,
    });
    await expect(t.call(inspect, { content: "x" }, { timeoutMs: 0 })).resolves.toEqual([]);
  });
});

describe("User-Agent", () => {
  const NODE = `node/${process.versions.node}`;
  const answered = () =>
    srv.route(INSPECT, (_h, res) => json(res, 200, [{ type: "ip", value: "1.2.3.4" }]));

  it("is `xdr-sdk node/<version>` by default, on API and token requests", async () => {
    answered();
    await irohClient(srv).call(inspect, { content: "x" });
    for (const h of srv.hits) expect(h.headers["user-agent"]).toBe(`xdr-sdk ${NODE}`);
    expect(srv.count(TOKEN)).toBe(1);
  });

  it("starts with api.sdk: `xdr-sdk/<version> node/<version>`", async () => {
    answered();
    await createTransport(
      { ...irohApi(), sdk: "xdr-sdk/1.4.2" },
      { clientId: "id", clientSecret: "secret-secret", baseUrls: { iroh: srv.url } },
    ).call(inspect, { content: "x" });
    for (const h of srv.hits) {
      expect(h.headers["user-agent"]).toMatch(/^xdr-sdk\/\d+\.\d+\.\d+\S* node\/\d+\.\d+\.\d+$/);
      expect(h.headers["user-agent"]).toBe(`xdr-sdk/1.4.2 ${NODE}`);
    }
  });

  it("is the one the caller sets in options.headers, when set", async () => {
    answered();
    await irohClient(srv, { headers: { "User-Agent": "soc-bot/2" } }).call(inspect, {
      content: "x",
    });
    expect(srv.hits.at(-1)!.headers["user-agent"]).toBe("soc-bot/2");
  });

  it("is sent on raw-client requests too", async () => {
    srv.route("GET /ctia/judgement/j1", (_h, res) => json(res, 200, {}));
    const t = createTransport(
      { ...irohApi(), sdk: "xdr-sdk/1.4.2" },
      { accessToken: "t", baseUrls: { iroh: srv.url } },
    );
    await rawClient(t).GET("/ctia/judgement/{id}", { params: { path: { id: "j1" } } });
    expect(srv.hits[0]!.headers["user-agent"]).toBe(`xdr-sdk/1.4.2 ${NODE}`);
  });

  const generated = "generated/src/iroh/client.ts";
  it.skipIf(!existsSync(generated))(
    "the generated client's descriptor names the package version (User-Agent xdr-sdk/<version>)",
    () => {
      const text = readFileSync(generated, "utf8");
      const descriptor = /export const IROH_API[^=]*=\s*(\{[\s\S]*?\n\});/.exec(text)?.[1] ?? "";
      expect(descriptor).toMatch(/sdk:\s*["']xdr-sdk\/\d+\.\d+\.\d+/);
    },
  );

  it("is an XdrError subclass for every refusal above (one catch covers them)", () => {
    expect(new UsageError("x")).toBeInstanceOf(XdrError);
    expect(new ConfigurationError("x")).toBeInstanceOf(XdrError);
  });
});
