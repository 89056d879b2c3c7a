// HTTPS_PROXY / HTTP_PROXY / NO_PROXY, honoured as Python's `requests` honours them. Node's
// global fetch ignores these variables (before Node 24's NODE_USE_ENV_PROXY), so on Node the SDK
// gives fetch an undici `EnvHttpProxyAgent` as its dispatcher: undici is an optional dependency
// of the package, loaded only when a proxy variable is set. Bun and Deno apply the variables in
// their own fetch, so nothing is done there. A proxy URL may carry a password: it is never
// echoed in an error.
import { ConfigurationError } from "./errors.js";

type Env = Record<string, string | undefined>;

interface ProxyAgentOptions {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}
interface Undici {
  EnvHttpProxyAgent: new (options: ProxyAgentOptions) => unknown;
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
    agent = new undici.EnvHttpProxyAgent(options);
  } catch {
    throw new ConfigurationError(`${set.name} names a proxy undici cannot use`);
  }
  agents.set(key, agent);
  return agent;
}

function loadUndici(host: Host, variable: string): Undici {
  const moduleApi = host.process?.getBuiltinModule?.("module") as NodeModuleApi | undefined;
  try {
    const undici = moduleApi?.createRequire(import.meta.url)("undici") as Undici | undefined;
    if (typeof undici?.EnvHttpProxyAgent === "function") return undici;
  } catch {
    // Reported below: the optional dependency was not installed (e.g. npm --omit=optional).
  }
  throw new ConfigurationError(
    `${variable} is set, but the optional dependency undici (7 or later) cannot be loaded: ` +
      `install it (npm install undici), pass a dispatcher, or unset ${variable}`,
  );
}
