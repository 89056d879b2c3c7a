// Configuration from the environment, for `createXdr()` with no arguments (and the MCP server
// and CLI): the same names everywhere, explicit options always win.
import { ConfigurationError } from "./errors.js";
import { proxyFromEnvironment } from "./proxy.js";
import type { Logger, XdrOptions } from "./types.js";

/** The variables read, and the option each one sets. */
export const ENVIRONMENT = {
  XDR_CLIENT_ID: "clientId",
  XDR_CLIENT_SECRET: "clientSecret",
  XDR_REGION: "region",
  XDR_ACCESS_TOKEN: "accessToken",
  XDR_TOKEN_URL: "baseUrls.token",
  "XDR_BASE_URL_<API>": "baseUrls.<api> (e.g. XDR_BASE_URL_IROH, XDR_BASE_URL_CTIA)",
  XDR_LOG: "logger (debug: every request, retry and token refresh on stderr, without secrets)",
  "HTTPS_PROXY / HTTP_PROXY / NO_PROXY":
    "dispatcher (an undici EnvHttpProxyAgent on Node; Bun and Deno apply them themselves)",
} as const;

type Env = Record<string, string | undefined>;

/** A logger that writes one line per event to stderr (`XDR_LOG=debug`). */
export function consoleLogger(): Logger {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    console.error(`[xdr-sdk] ${level} ${message}${fields ? " " + JSON.stringify(fields) : ""}`);
  return { debug: line("debug"), warn: line("warn") };
}

/**
 * The options the environment gives, under `explicit` (which wins key by key; `baseUrls` merged
 * per API). `env` defaults to `process.env` where there is one.
 */
export function withEnvironment(
  explicit: XdrOptions = {},
  env: Env | undefined = (globalThis as { process?: { env?: Env } }).process?.env,
): XdrOptions {
  if (!env) return explicit;
  const o: XdrOptions = {};
  const set = <K extends keyof XdrOptions>(key: K, value: XdrOptions[K] | undefined): void => {
    if (value !== undefined && value !== "") o[key] = value;
  };
  set("clientId", env.XDR_CLIENT_ID);
  set("clientSecret", env.XDR_CLIENT_SECRET);
  set("accessToken", env.XDR_ACCESS_TOKEN);
  set("region", env.XDR_REGION as XdrOptions["region"]);
  const baseUrls: Record<string, string> = {};
  for (const name in env) {
    const m = /^XDR_BASE_URL_([A-Z0-9_]+)$/.exec(name);
    const value = env[name];
    if (m && value)
      baseUrls[m[1]!.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] =
        value;
  }
  if (env.XDR_TOKEN_URL) baseUrls.token = env.XDR_TOKEN_URL;
  const log = env.XDR_LOG?.toLowerCase();
  if (log === "debug") o.logger = consoleLogger();
  else if (log && log !== "off" && log !== "none") {
    throw new ConfigurationError(
      `XDR_LOG="${log.replace(/[^\x20-\x7e]/g, "?")}" is not known: use debug or off`,
    );
  }
  // A caller's own fetch or dispatcher decides the route, the proxy variables do not.
  if (explicit.fetch === undefined && explicit.dispatcher === undefined) {
    const proxy = proxyFromEnvironment(env);
    if (proxy !== undefined) o.dispatcher = proxy;
  }
  const merged: XdrOptions = { ...o, ...explicit };
  if (Object.keys(baseUrls).length || explicit.baseUrls) {
    merged.baseUrls = { ...baseUrls, ...explicit.baseUrls };
  }
  return merged;
}

/**
 * Credentials for `createXdr`: a client id and secret, or an access token, from the options or
 * the environment; else one error naming both.
 */
export function requireCredentials(o: XdrOptions): void {
  if (o.accessToken !== undefined) return;
  const missing = [
    o.clientId ? "" : "clientId (XDR_CLIENT_ID)",
    o.clientSecret ? "" : "clientSecret (XDR_CLIENT_SECRET)",
  ].filter(Boolean);
  if (missing.length) {
    throw new ConfigurationError(
      `${missing.join(" and ")} ${missing[1] ? "are" : "is"} missing: pass the option or set the ` +
        `environment variable (or pass accessToken / set XDR_ACCESS_TOKEN)`,
    );
  }
}
