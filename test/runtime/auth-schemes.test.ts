// Standalone packages authenticate as their spec's securitySchemes say: HTTP bearer (a string or
// a function), HTTP basic, an API key in a header, query or cookie, OAuth2 client credentials at
// the spec's token URL, or nothing.
import { describe, expect, it } from "vitest";
import { ConfigurationError, UsageError } from "../../templates/runtime/errors.js";
import { createTransport } from "../../templates/runtime/transport.js";
import type { ApiDescriptor, AuthScheme, XdrOptions } from "../../templates/runtime/types.js";
import { json, op, useServer } from "./harness.js";

const srv = useServer();
const ping = op({ path: "/ping", name: "ping" });

function api(auth: AuthScheme[]): ApiDescriptor {
  return { name: "pets", servers: { us: srv.url, eu: srv.url, apjc: srv.url }, auth };
}

async function sent(auth: AuthScheme[], options: XdrOptions) {
  srv.route("GET /ping", (_h, res) => json(res, 200, { ok: true }));
  await createTransport(api(auth), options).call(ping, {});
  return srv.hits.at(-1)!;
}

describe("auth from securitySchemes", () => {
  it("HTTP bearer from a string", async () => {
    const hit = await sent([{ type: "bearer" }], { accessToken: "abc" });
    expect(hit.headers.authorization).toBe("Bearer abc");
  });

  it("HTTP bearer from an async provider, asked before each attempt", async () => {
    let n = 0;
    const hit = await sent([{ type: "bearer" }], { accessToken: async () => `t${++n}` });
    expect(hit.headers.authorization).toBe("Bearer t1");
  });

  it("HTTP basic", async () => {
    const hit = await sent([{ type: "basic" }], { username: "u", password: "p:w" });
    expect(hit.headers.authorization).toBe("Basic " + btoa("u:p:w"));
  });

  it.each<
    [AuthScheme & { type: "apiKey" }, (h: Awaited<ReturnType<typeof sent>>) => unknown, string]
  >([
    [{ type: "apiKey", in: "header", name: "X-Api-Key" }, (h) => h.headers["x-api-key"], "k 1"],
    [{ type: "apiKey", in: "query", name: "api_key" }, (h) => h.query.get("api_key"), "k 1"],
    [{ type: "apiKey", in: "cookie", name: "session" }, (h) => h.headers.cookie, "session=k%201"],
  ])("API key in a %j", async (scheme, read, want) => {
    expect(read(await sent([scheme], { apiKey: "k 1" }))).toBe(want);
  });

  it("no credentials to an operation that takes none (security: []): not even a query key", async () => {
    srv.route("GET /public", (_h, res) => json(res, 200, { ok: true }));
    const open = op({ path: "/public", name: "public", auth: false });
    const t = createTransport(api([{ type: "apiKey", in: "query", name: "api_key" }]), {
      apiKey: "k-secret",
    });
    await t.call(open, {});
    const hit = srv.hits.at(-1)!;
    expect(hit.url).toBe("/public");
    expect(hit.headers.authorization).toBeUndefined();
  });

  describe("per operation", () => {
    const key: AuthScheme = { type: "apiKey", in: "query", name: "api_key" };
    const basic: AuthScheme = { type: "basic" };
    const both = { apiKey: "k-1", username: "u", password: "p" };
    const basicOnly = op({ path: "/ping", name: "basicOnly", schemes: [1] });
    const optional = op({ path: "/ping", name: "optional", schemes: [0, -1] });

    it("an accessToken serves the bearer operations only: an API-key operation still gets its key", async () => {
      srv.route("GET /ping", (_h, res) => json(res, 200, { ok: true }));
      const cookie: AuthScheme = { type: "apiKey", in: "cookie", name: "session" };
      const t = createTransport(api([cookie, { type: "bearer" }]), {
        apiKey: "k-1",
        accessToken: "tok-1",
      });
      await t.call(op({ path: "/ping", name: "cookieOnly", schemes: [0] }), {});
      expect(srv.hits.at(-1)!.headers.cookie).toBe("session=k-1");
      expect(srv.hits.at(-1)!.headers.authorization).toBeUndefined();
      await t.call(op({ path: "/ping", name: "bearerOnly", schemes: [1] }), {});
      expect(srv.hits.at(-1)!.headers.authorization).toBe("Bearer tok-1");
      expect(srv.hits.at(-1)!.headers.cookie).toBeUndefined();
      // No credentials at all to an operation that takes none.
      await t.call(op({ path: "/ping", name: "open", schemes: [-1] }), {});
      expect(srv.hits.at(-1)!.headers.authorization).toBeUndefined();
    });

    it("a token for an API whose schemes take an API key only: refused, not sent as a Bearer", () => {
      expect(() => createTransport(api([key]), { accessToken: "tok-1" })).toThrow(
        'apiKey is needed (sent as query "api_key")',
      );
    });

    it("a requirement naming two schemes sends both (an API key and a token)", async () => {
      srv.route("GET /ping", (_h, res) => json(res, 200, { ok: true }));
      const t = createTransport(api([key, { type: "bearer" }]), {
        apiKey: "k-1",
        accessToken: "tok-1",
      });
      await t.call(op({ path: "/ping", name: "both", schemes: [[0, 1]] }), {});
      expect(srv.hits.at(-1)!.query.get("api_key")).toBe("k-1");
      expect(srv.hits.at(-1)!.headers.authorization).toBe("Bearer tok-1");
      // Without the token, the pair cannot be served: nothing is sent, the error names both.
      const keyOnly = createTransport(api([key, { type: "bearer" }]), { apiKey: "k-1" });
      const hits = srv.hits.length;
      await expect(
        keyOnly.call(op({ path: "/ping", name: "both", schemes: [[0, 1]] }), {}),
      ).rejects.toThrow(
        "both needs credentials the client was not given: apiKey together with accessToken",
      );
      expect(srv.hits.length).toBe(hits);
    });

    it("the first scheme the operation accepts that the client has credentials for", async () => {
      srv.route("GET /ping", (_h, res) => json(res, 200, { ok: true }));
      const t = createTransport(api([key, basic]), both);
      await t.call(ping, {});
      expect(srv.hits.at(-1)!.query.get("api_key")).toBe("k-1");
      expect(srv.hits.at(-1)!.headers.authorization).toBeUndefined();
      await t.call(basicOnly, {});
      // The key of another scheme is not sent along: not even in the query.
      expect(srv.hits.at(-1)!.url).toBe("/ping");
      expect(srv.hits.at(-1)!.headers.authorization).toBe("Basic " + btoa("u:p"));
    });

    it("an API where some operations take none: created without credentials", async () => {
      srv.route("GET /ping", (_h, res) => json(res, 200, { ok: true }));
      const t = createTransport({ ...api([key, basic]), anonymous: true }, {});
      await t.call(op({ path: "/ping", name: "open", auth: false }), {});
      await t.call(optional, {});
      expect(srv.hits.map((h) => h.url)).toEqual(["/ping", "/ping"]);
      // One that needs them fails before anything is sent, saying what to pass.
      await expect(t.call(basicOnly, {})).rejects.toThrow(
        new ConfigurationError(
          "basicOnly needs credentials the client was not given: username and password",
        ),
      );
      await expect(t.call(ping, {})).rejects.toThrow(/apiKey, or username and password$/);
      expect(srv.hits).toHaveLength(2);
    });

    it("without `anonymous`, a client without credentials still fails at creation", () => {
      expect(() => createTransport(api([key, basic]), {})).toThrow(/apiKey is needed/);
    });
  });

  it("OAuth2 client credentials at the spec's token URL", async () => {
    const hit = await sent([{ type: "oauth2", tokenUrl: srv.url + "/iroh/oauth2/token" }], {
      clientId: "id",
      clientSecret: "secret",
    });
    expect(hit.headers.authorization).toBe("Bearer tok-1");
  });

  it("the first scheme the options can serve", async () => {
    const hit = await sent([{ type: "basic" }, { type: "apiKey", in: "header", name: "X-Key" }], {
      apiKey: "k",
    });
    expect(hit.headers["x-key"]).toBe("k");
    expect(hit.headers.authorization).toBeUndefined();
  });

  it("no scheme: nothing is sent", async () => {
    const hit = await sent([], {});
    expect(hit.headers.authorization).toBeUndefined();
  });

  it.each<[string, AuthScheme[], XdrOptions, RegExp]>([
    ["basic without a password", [{ type: "basic" }], { username: "u" }, /username and password/],
    [
      "an API key without a key",
      [{ type: "apiKey", in: "header", name: "K" }],
      {},
      /apiKey is needed/,
    ],
    [
      "OAuth2 without a secret",
      [{ type: "oauth2", tokenUrl: "https://x/t" }],
      { clientId: "i" },
      /clientSecret is missing/,
    ],
  ])("refuses %s at creation", (_t, auth, options, message) => {
    expect(() => createTransport(api(auth), options)).toThrow(message);
    expect(() => createTransport(api(auth), options)).toThrow(ConfigurationError);
  });

  it("a provider returning a token with a line break is a UsageError, nothing sent", async () => {
    const t = createTransport(api([{ type: "bearer" }]), { accessToken: () => "a\r\nb" });
    await expect(t.call(ping, {})).rejects.toBeInstanceOf(UsageError);
    expect(srv.hits).toHaveLength(0);
  });

  it("baseUrl overrides the spec's server", async () => {
    const t = createTransport(
      { name: "pets", servers: { us: "https://api.example.com", eu: "", apjc: "" }, auth: [] },
      { baseUrl: srv.url + "/v2/" },
    );
    expect(t.baseUrl).toBe(srv.url + "/v2");
  });
});
