// HTTPS_PROXY / HTTP_PROXY / NO_PROXY: createXdr sends the token request and the API calls through
// a CONNECT proxy on 127.0.0.1 when the environment names one, bypasses it for NO_PROXY hosts,
// lets an explicit fetch or dispatcher win, and never echoes a proxy password.
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createXdr } from "../../generated/src/index.js";
import { ConfigurationError } from "../../templates/runtime/errors.js";
import { proxyFromEnvironment } from "../../templates/runtime/proxy.js";

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
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host!, () => {
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
function client(extra: Parameters<typeof createXdr>[0] = {}) {
  return createXdr({
    clientId: `client-proxy-${++clients}`,
    clientSecret: "secret-proxy-0123456789",
    baseUrls: { iroh: apiUrl, token: `${apiUrl}/iroh/oauth2/token` },
    maxRetries: 0,
    ...extra,
  });
}
const apiHost = () => new URL(apiUrl).host;

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

  it.each([["127.0.0.1"], ["localhost,127.0.0.1"], ["*"], [`127.0.0.1:${"PORT"}`]])(
    "NO_PROXY=%s bypasses the proxy",
    async (noProxy) => {
      setEnv({ HTTPS_PROXY: proxyUrl, NO_PROXY: noProxy.replace("PORT", apiUrl.split(":")[2]!) });
      await expect(client().iroh.inspect({ content: "1.2.3.4" })).resolves.toEqual([]);
      expect(noneViaProxy()).toBe(true);
    },
  );

  it("no_proxy (lower case) wins over NO_PROXY, as curl and requests read it", async () => {
    setEnv({ HTTPS_PROXY: proxyUrl, no_proxy: "127.0.0.1", NO_PROXY: "example.com" });
    await client().iroh.inspect({ content: "1.2.3.4" });
    expect(noneViaProxy()).toBe(true);
  });

  it("an explicit fetch or dispatcher wins over the environment", async () => {
    setEnv({ HTTPS_PROXY: proxyUrl, NO_PROXY: "" });
    await client({ fetch: (input, init) => fetch(input, init) }).iroh.inspect({ content: "x" });
    await client({ dispatcher: undefined, fetch: globalThis.fetch }).iroh.inspect({
      content: "x",
    });
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
