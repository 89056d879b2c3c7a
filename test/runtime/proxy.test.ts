// HTTPS_PROXY / HTTP_PROXY / NO_PROXY: createXdr sends the token request and the API calls through
// a CONNECT proxy on 127.0.0.1 when the environment names one, bypasses it for NO_PROXY hosts and
// loopback, lets an explicit fetch or dispatcher win, and never echoes a proxy password.
//
// Loopback always goes direct, so the API is addressed by a name no resolver knows
// (`xdr-api.test`): only the test proxy, which connects every tunnel to 127.0.0.1, can reach it.
// Direct routes to such names go through an agent that also connects to 127.0.0.1.
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import * as undici from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createXdr } from "../../generated/src/index.js";
import { ConfigurationError } from "../../templates/runtime/errors.js";
import {
  type Dispatcher,
  type Undici,
  goesDirect,
  proxyFromEnvironment,
  proxyRouter,
} from "../../templates/runtime/proxy.js";

const PROXY_VARIABLES = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "NO_PROXY",
  "no_proxy",
] as const;

let api: Server;
let proxy: Server;
let apiUrl: string;
/** The API by a name only the proxy (or `loopbackAgent`) can reach. */
let farUrl: string;
let proxyUrl: string;
/** `host:port` of every CONNECT the proxy saw, and the Proxy-Authorization it was sent. */
const tunnels: { target: string; auth?: string }[] = [];
const sockets = new Set<Socket>();
/** Local ports of the proxy's upstream sockets, and the remote port of each API request. */
const upstreamPorts = new Set<number>();
const requestPorts: number[] = [];
/** Whether every API request of the test came through the proxy (and there were some). */
const allViaProxy = () =>
  requestPorts.length > 0 && requestPorts.every((p) => upstreamPorts.has(p));
const noneViaProxy = () =>
  requestPorts.length > 0 && requestPorts.every((p) => !upstreamPorts.has(p));
let refuseWith407 = false;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }),
  );
}

beforeAll(async () => {
  api = createServer((req, res) => {
    requestPorts.push(req.socket.remotePort!);
    res.setHeader("content-type", "application/json");
    if (req.url === "/iroh/oauth2/token") {
      res.end(JSON.stringify({ access_token: "tok-proxy-test", expires_in: 600 }));
    } else res.end("[]");
  });
  proxy = createServer((_req, res) => {
    res.statusCode = 405;
    res.end();
  });
  proxy.on("connect", (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    tunnels.push({ target: req.url ?? "", auth: req.headers["proxy-authorization"] });
    if (refuseWith407) {
      client.end("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n");
      return;
    }
    const port = (req.url ?? "").split(":").pop();
    const upstream = connect(Number(port), "127.0.0.1", () => {
      upstreamPorts.add(upstream.localPort!);
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  apiUrl = await listen(api);
  farUrl = apiUrl.replace("127.0.0.1", "xdr-api.test");
  proxyUrl = await listen(proxy);
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all([api, proxy].map((s) => new Promise((r) => s.close(r))));
});

const saved = new Map<string, string | undefined>();
function setEnv(vars: Partial<Record<(typeof PROXY_VARIABLES)[number], string>>): void {
  for (const name of PROXY_VARIABLES) {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    delete process.env[name];
  }
  Object.assign(process.env, vars);
}
afterEach(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  saved.clear();
  tunnels.length = 0;
  requestPorts.length = 0;
  refuseWith407 = false;
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

// Tokens are cached per client id across clients: a new id per client makes each one fetch its own.
let clients = 0;
function client(extra: Parameters<typeof createXdr>[0] = {}, url = farUrl) {
  return createXdr({
    clientId: `client-proxy-${++clients}`,
    clientSecret: "secret-proxy-0123456789",
    baseUrls: { iroh: url, token: `${url}/iroh/oauth2/token` },
    // http:// to a name that is not loopback: the test API has no TLS.
    allowInsecureHttp: true,
    maxRetries: 0,
    ...extra,
  });
}
const apiHost = () => new URL(farUrl).host;

/** An agent that connects to the test API on 127.0.0.1 whatever host a URL names. */
function loopbackAgent(): Dispatcher {
  const port = Number(new URL(apiUrl).port);
  return new undici.Agent({
    connect: (_options, callback) => {
      const socket = connect(port, "127.0.0.1", () => callback(null, socket));
      socket.on("error", (e) => callback(e, null));
      return socket;
    },
  }) as unknown as Dispatcher;
}

/** A client routed as the environment says, with direct routes reaching the test API. */
function routedClient(env: Record<string, string>, url = farUrl) {
  const https = env.HTTPS_PROXY ?? env.https_proxy;
  const dispatcher = proxyRouter(
    undici as unknown as Undici,
    { httpsProxy: https, httpProxy: https, noProxy: env.NO_PROXY ?? "" },
    loopbackAgent(),
  );
  return client({ dispatcher }, url);
}

describe("HTTPS_PROXY / HTTP_PROXY / NO_PROXY", () => {
  it.each([["HTTPS_PROXY"], ["https_proxy"], ["HTTP_PROXY"], ["http_proxy"]] as const)(
    "%s: the token request and the call go through the CONNECT proxy",
    async (name) => {
      setEnv({ [name]: proxyUrl, NO_PROXY: "" });
      await expect(client().iroh.inspect({ content: "1.2.3.4" })).resolves.toEqual([]);
      // Token request and call: both arrived through a tunnel to the API's host.
      expect(requestPorts.length).toBe(2);
      expect(allViaProxy()).toBe(true);
      expect(tunnels.every((t) => t.target === apiHost())).toBe(true);
    },
  );

  it.each([
    ["xdr-api.test"],
    [".test"],
    ["*.test"],
    ["example.com, xdr-api.test"],
    ["*"],
    [`xdr-api.test:${"PORT"}`],
  ])("NO_PROXY=%s bypasses the proxy", async (noProxy) => {
    const port = new URL(apiUrl).port;
    const xdr = routedClient({ HTTPS_PROXY: proxyUrl, NO_PROXY: noProxy.replace("PORT", port) });
    await expect(xdr.iroh.inspect({ content: "1.2.3.4" })).resolves.toEqual([]);
    expect(tunnels).toEqual([]);
    expect(requestPorts.length).toBe(2);
  });

  it("NO_PROXY with another host or port keeps the proxy", async () => {
    const xdr = routedClient({ HTTPS_PROXY: proxyUrl, NO_PROXY: "example.com,xdr-api.test:1" });
    await expect(xdr.iroh.inspect({ content: "1.2.3.4" })).resolves.toEqual([]);
    expect(allViaProxy()).toBe(true);
  });

  it("an IPv4 CIDR block of NO_PROXY bypasses the proxy for the addresses inside it", async () => {
    const url = apiUrl.replace("127.0.0.1", "10.20.30.40");
    const xdr = routedClient({ HTTPS_PROXY: proxyUrl, NO_PROXY: "10.0.0.0/8" }, url);
    await expect(xdr.iroh.inspect({ content: "1.2.3.4" })).resolves.toEqual([]);
    expect(tunnels).toEqual([]);
    const outside = routedClient({ HTTPS_PROXY: proxyUrl, NO_PROXY: "10.20.31.0/24" }, url);
    await expect(outside.iroh.inspect({ content: "1.2.3.4" })).resolves.toEqual([]);
    expect(tunnels.map((t) => t.target)).toContain(new URL(url).host);
  });

  it("loopback hosts always go direct: a proxy would reach its own loopback, not this one", async () => {
    setEnv({ HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl, NO_PROXY: "" });
    await expect(client({}, apiUrl).iroh.inspect({ content: "1.2.3.4" })).resolves.toEqual([]);
    const localhost = apiUrl.replace("127.0.0.1", "localhost");
    await expect(client({}, localhost).iroh.inspect({ content: "x" })).resolves.toEqual([]);
    expect(tunnels).toEqual([]);
    expect(noneViaProxy()).toBe(true);
  });

  it.each<[string, number, string, boolean]>([
    ["127.0.0.1", 443, "", true],
    ["127.9.8.7", 443, "", true],
    ["localhost", 80, "", true],
    ["api.localhost", 443, "", true],
    ["[::1]", 443, "", true],
    ["visibility.amp.cisco.com", 443, "", false],
    ["visibility.amp.cisco.com", 443, "*", true],
    ["visibility.amp.cisco.com", 443, "cisco.com", true],
    ["visibility.amp.cisco.com", 443, ".cisco.com", true],
    ["visibility.amp.cisco.com", 443, "*.cisco.com", true],
    ["visibility.amp.cisco.com", 443, "VISIBILITY.amp.cisco.com", true],
    ["visibility.amp.cisco.com", 443, "notcisco.com, example.com", false],
    ["visibility.amp.cisco.com", 443, "amp.cisco.com:443", true],
    ["visibility.amp.cisco.com", 443, "amp.cisco.com:8443", false],
    ["notcisco.com", 443, "cisco.com", false],
    ["[2001:db8::1]", 443, "2001:db8::1", true],
    ["[2001:db8::1]", 443, "[2001:db8::1]:443", true],
    ["10.1.2.3", 443, "10.0.0.0/8", true],
    ["10.1.2.3", 443, "10.1.2.0/24 192.168.0.0/16", true],
    ["10.1.3.3", 443, "10.1.2.0/24", false],
    ["192.168.5.5", 443, "192.168.0.0/16", true],
    ["8.8.8.8", 443, "0.0.0.0/0", true],
    ["10.1.2.3", 443, "10.1.2.3/32", true],
    ["10.1.2.4", 443, "10.1.2.3/32", false],
    ["10.1.2.3", 443, "10.0.0.0/33", false],
    ["10.1.2.3", 443, "10.0.0/8", false],
    ["visibility.amp.cisco.com", 443, "10.0.0.0/8", false],
  ])("goesDirect(%s, %i, NO_PROXY=%s) is %s", (host, port, noProxy, want) => {
    expect(goesDirect(host, port, noProxy)).toBe(want);
  });

  it("no_proxy (lower case) wins over NO_PROXY, as curl and requests read it", () => {
    const agent = proxyFromEnvironment({
      HTTPS_PROXY: proxyUrl,
      no_proxy: "xdr-api.test",
      NO_PROXY: "example.com",
    });
    expect(agent).toBe(proxyFromEnvironment({ HTTPS_PROXY: proxyUrl, no_proxy: "xdr-api.test" }));
  });

  it("a proxy that refuses the tunnel: the error says so (status), not a bare code", async () => {
    // A setting of its own: an agent of earlier tests would reuse its open tunnel.
    setEnv({ HTTPS_PROXY: proxyUrl, NO_PROXY: "refused.example" });
    refuseWith407 = true;
    const error = (await client()
      .iroh.inspect({ content: "1.2.3.4" })
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^Token request failed: Proxy response \(407\)/);
  });

  it("an explicit fetch or dispatcher wins over the environment", async () => {
    setEnv({ HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl, NO_PROXY: "" });
    const direct = loopbackAgent();
    await client({
      fetch: (input, init) => fetch(input, { ...init, dispatcher: direct } as RequestInit),
    }).iroh.inspect({ content: "x" });
    await client({ dispatcher: loopbackAgent() }).iroh.inspect({ content: "x" });
    expect(tunnels).toEqual([]);
    expect(noneViaProxy()).toBe(true);
  });

  it("no proxy variable: no dispatcher is set", () => {
    expect(proxyFromEnvironment({})).toBeUndefined();
    expect(proxyFromEnvironment({ NO_PROXY: "*" })).toBeUndefined();
  });

  it("one agent per proxy setting, shared by every client", () => {
    const env = { HTTPS_PROXY: proxyUrl };
    expect(proxyFromEnvironment(env)).toBe(proxyFromEnvironment({ ...env }));
    expect(proxyFromEnvironment(env)).not.toBe(proxyFromEnvironment({ ...env, NO_PROXY: "a" }));
  });

  it("credentials in the proxy URL are sent to the proxy, and a refusal never echoes them", async () => {
    const password = "proxy-pa55word-XYZ";
    setEnv({ HTTPS_PROXY: proxyUrl.replace("//", `//alice:${password}@`), NO_PROXY: "" });
    refuseWith407 = true;
    const error = await client()
      .iroh.inspect({ content: "1.2.3.4" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(tunnels[0]!.auth).toBe(`Basic ${Buffer.from(`alice:${password}`).toString("base64")}`);
    const seen = JSON.stringify(error, Object.getOwnPropertyNames(error)) + String(error);
    expect(seen).not.toContain(password);
    expect(seen).not.toContain(Buffer.from(password).toString("base64"));
  });

  it("a proxy variable that is not a URL: a ConfigurationError naming the variable, not its value", () => {
    const bad = "http://bob:hunter2-secret@[not a url";
    expect(() => proxyFromEnvironment({ HTTPS_PROXY: bad })).toThrow(ConfigurationError);
    expect(() => proxyFromEnvironment({ HTTPS_PROXY: bad })).toThrow(/HTTPS_PROXY is not a URL/);
    try {
      proxyFromEnvironment({ HTTPS_PROXY: bad });
    } catch (e) {
      expect(String((e as Error).message)).not.toContain("hunter2");
    }
  });

  it("undici missing (npm --omit=optional): one ConfigurationError saying what to do", () => {
    vi.spyOn(process, "getBuiltinModule").mockReturnValue({
      createRequire: () => () => {
        throw new Error("Cannot find module 'undici'");
      },
    });
    expect(() => proxyFromEnvironment({ HTTPS_PROXY: "http://127.0.0.1:9/a" })).toThrow(
      /HTTPS_PROXY is set, but the optional dependency undici .*npm install undici/,
    );
  });

  it.each([["Bun"], ["Deno"]])("%s applies the variables in its own fetch: nothing is set", (g) => {
    vi.stubGlobal(g, {});
    expect(proxyFromEnvironment({ HTTPS_PROXY: proxyUrl })).toBeUndefined();
  });
});
