// HTTPS_PROXY / HTTP_PROXY / NO_PROXY, honoured as Python's `requests` honours them. Node's
// global fetch ignores these variables (before Node 24's NODE_USE_ENV_PROXY), so on Node the SDK
// gives fetch an undici `EnvHttpProxyAgent` as its dispatcher: undici is an optional dependency
// of the package, loaded only when a proxy variable is set. Bun and Deno apply the variables in
// their own fetch, so nothing is done there. A proxy URL may carry a password: it is never
// echoed in an error.
//
// NO_PROXY is matched here rather than by undici's agent, for two things it does not do:
// loopback hosts (localhost, 127.0.0.0/8, ::1: the simulator, a local test server) always go
// direct, since a proxy, remote or a local forwarder to one, would reach its own loopback, never
// this machine's; and IPv4 CIDR blocks (`10.0.0.0/8`), which requests honours.
import { ConfigurationError } from "./errors.js";
import { isLoopback } from "./options.js";

type Env = Record<string, string | undefined>;

export interface ProxyAgentOptions {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}
/** The client undici's proxy agent asks for a tunnel (`CONNECT`): a `Pool` to the proxy. */
interface TunnelClient {
  connect(params: unknown): Promise<unknown>;
}
/** What the SDK uses of an undici dispatcher. */
export interface Dispatcher {
  dispatch(options: { origin?: string | URL }, handler: unknown): boolean;
  close(): Promise<void>;
  destroy(error?: Error | null): Promise<void>;
}
export interface Undici {
  Dispatcher: new () => Dispatcher;
  Agent: new () => Dispatcher;
  Pool: new (origin: URL, options: unknown) => TunnelClient;
  EnvHttpProxyAgent: new (
    options: ProxyAgentOptions & {
      clientFactory?: (origin: URL, options: unknown) => TunnelClient;
    },
  ) => Dispatcher;
}
interface NodeModuleApi {
  createRequire(from: string): (id: string) => unknown;
}
interface Host {
  Bun?: unknown;
  Deno?: unknown;
  process?: { getBuiltinModule?: (id: string) => unknown };
}

/** The variables read, lower-case first as curl and requests do. */
const PROXY_VARIABLES = {
  httpsProxy: ["https_proxy", "HTTPS_PROXY"],
  httpProxy: ["http_proxy", "HTTP_PROXY"],
  noProxy: ["no_proxy", "NO_PROXY"],
} as const;

// One agent per proxy setting: each agent keeps its own connection pool.
const agents = new Map<string, unknown>();

function first(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    let value: string | undefined;
    try {
      value = env[name];
    } catch {
      // May not be read (Deno without --allow-env for it): as if unset.
    }
    if (value) return { name, value };
  }
  return undefined;
}

/**
 * The dispatcher that sends requests through the proxy the environment names, or undefined when
 * no proxy variable is set (or the runtime applies them itself: Bun, Deno). Pass the result as
 * the `dispatcher` option of a client created without `createXdr` (which does this itself).
 *
 * @throws ConfigurationError when a proxy variable is set but undici cannot be loaded, or the
 *   proxy URL is not a URL (the message names the variable, never its value).
 */
export function proxyFromEnvironment(
  env: Env | undefined = (globalThis as { process?: { env?: Env } }).process?.env,
): unknown {
  const host = globalThis as Host;
  if (!env || host.Bun !== undefined || host.Deno !== undefined) return undefined;
  const https = first(env, PROXY_VARIABLES.httpsProxy);
  const http = first(env, PROXY_VARIABLES.httpProxy);
  const set = https ?? http;
  if (!set) return undefined;
  const options: ProxyAgentOptions = {
    httpsProxy: https?.value ?? http?.value,
    httpProxy: http?.value ?? https?.value,
    noProxy: first(env, PROXY_VARIABLES.noProxy)?.value ?? "",
  };
  const key = JSON.stringify(options);
  const known = agents.get(key);
  if (known) return known;
  for (const v of [https, http]) {
    if (v && !URL.canParse(v.value)) {
      throw new ConfigurationError(`${v.name} is not a URL (e.g. http://proxy.example:3128)`);
    }
  }
  const undici = loadUndici(host, set.name);
  let agent: unknown;
  try {
    agent = proxyRouter(undici, options);
  } catch {
    throw new ConfigurationError(`${set.name} names a proxy undici cannot use`);
  }
  agents.set(key, agent);
  return agent;
}

/** The IPv4 address as a number, or `undefined` when `s` is not one. */
function ipv4(s: string): number | undefined {
  const parts = s.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) {
    return undefined;
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/**
 * Whether a request to `hostname:port` goes direct: loopback always; else as NO_PROXY says, read
 * as curl and requests read it: `*` (every host), a host with or without a leading `.` or `*.`
 * (itself and its subdomains), `host:port`, `[::1]:port`, an IPv4 CIDR block (`10.0.0.0/8`).
 */
export function goesDirect(hostname: string, port: number, noProxy: string): boolean {
  const host = hostname.toLowerCase();
  if (isLoopback(host)) return true;
  const address = ipv4(host);
  return noProxy.split(/[,\s]+/).some((raw) => {
    const entry = raw.toLowerCase();
    if (entry === "*") return true;
    const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(entry);
    if (cidr) {
      const base = ipv4(cidr[1]!);
      const bits = Number(cidr[2]);
      if (address === undefined || base === undefined || bits > 32) return false;
      // The block's 2 ** (32 - bits) addresses; arithmetic, not `<<`, which is 32-bit signed.
      const size = 2 ** (32 - bits);
      return Math.floor(address / size) === Math.floor(base / size);
    }
    // A bare IPv6 address has colons but no port; URL hostnames bracket it.
    if (!entry.startsWith("[") && entry.split(":").length > 2) return host === `[${entry}]`;
    const m = /^(.+?)(?::(\d+))?$/.exec(entry);
    if (!m || (m[2] !== undefined && Number(m[2]) !== port)) return false;
    const name = m[1]!.replace(/^\*?\./, "");
    return name !== "" && (host === name || host.endsWith("." + name));
  });
}

/**
 * undici's proxy agent for what goes through the proxy, `direct` for the rest (see goesDirect).
 * Exported for tests, which give a `direct` agent that connects to 127.0.0.1 whatever the host.
 */
export function proxyRouter(
  undici: Undici,
  options: ProxyAgentOptions,
  direct: Dispatcher = new undici.Agent(),
  tunnelTimeoutMs: number = TUNNEL_TIMEOUT_MS,
): Dispatcher {
  // NO_PROXY is matched here (an empty one for undici, which would read the process's otherwise).
  const proxied = new undici.EnvHttpProxyAgent({
    ...options,
    noProxy: "",
    clientFactory: (origin, poolOptions) =>
      tunnelClient(
        new undici.Pool(origin, {
          ...(poolOptions as object),
          headersTimeout: tunnelTimeoutMs,
        }),
      ),
  });
  const noProxy = options.noProxy ?? "";
  class ProxyRouter extends undici.Dispatcher {
    override dispatch(o: { origin?: string | URL }, handler: unknown): boolean {
      const url = new URL(String(o.origin));
      const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
      return (goesDirect(url.hostname, port, noProxy) ? direct : proxied).dispatch(o, handler);
    }
    override async close(): Promise<void> {
      await Promise.all([proxied.close(), direct.close()]);
    }
    override async destroy(error?: Error | null): Promise<void> {
      await Promise.all([proxied.destroy(error), direct.destroy(error)]);
    }
  }
  return new ProxyRouter();
}

/**
 * How long a proxy may take to answer `CONNECT`. undici waits 300 s, and a caller's timeout does
 * not end the wait (the tunnel has no owner to abort it): a proxy that never answers would keep the
 * process alive 5 minutes after the call failed. A working proxy answers in milliseconds.
 */
const TUNNEL_TIMEOUT_MS = 30_000;

/**
 * The proxy's client, whose tunnel failures undici gives up on. A proxy that closes the
 * connection without answering `CONNECT` fails the tunnel with a socket error, which undici
 * (7.x) takes for a passing one: it reconnects at once, for ever, at full CPU, holding the request
 * queued even after the caller's timeout has aborted it, so the process never exits. Any other
 * error fails the requests waiting for that tunnel, as a refused tunnel (407) does.
 */
function tunnelClient(pool: TunnelClient): TunnelClient {
  const connect = pool.connect.bind(pool);
  pool.connect = (params) =>
    connect(params).catch((error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === "UND_ERR_HEADERS_TIMEOUT") {
        throw Object.assign(new Error("the proxy did not answer CONNECT"), { code });
      }
      if (code !== "UND_ERR_SOCKET" && code !== "UND_ERR_INFO") throw error;
      // No `cause`: an error's message is its innermost cause's, here undici's bare
      // "other side closed", which does not say who closed it.
      throw Object.assign(new Error("the proxy closed the connection without answering CONNECT"), {
        code: "UND_ERR_PROXY_CLOSED",
      });
    });
  return pool;
}

function loadUndici(host: Host, variable: string): Undici {
  const moduleApi = host.process?.getBuiltinModule?.("module") as NodeModuleApi | undefined;
  try {
    const undici = moduleApi?.createRequire(import.meta.url)("undici") as Undici | undefined;
    if (
      typeof undici?.EnvHttpProxyAgent === "function" &&
      typeof undici.Dispatcher === "function" &&
      typeof undici.Pool === "function"
    ) {
      return undici;
    }
  } catch {
    // Reported below: the optional dependency was not installed (e.g. npm --omit=optional).
  }
  throw new ConfigurationError(
    `${variable} is set, but the optional dependency undici (7 or later) cannot be loaded: ` +
      `install it (npm install undici), pass a dispatcher, or unset ${variable}`,
  );
}
