// Configuration from the environment, for `createXdr()` with no arguments (and the MCP server
// and CLI): the same names everywhere, explicit options always win.
import { ConfigurationError } from "./errors.js";
import { checkBaseUrl } from "./options.js";
import { proxyFromEnvironment } from "./proxy.js";
import type { Logger, XdrOptions } from "./types.js";

/** The variables read, and the option each one sets. */
export const ENVIRONMENT = {
  XDR_CLIENT_ID: "clientId",
  XDR_CLIENT_SECRET: "clientSecret",
  XDR_REGION: "region",
  XDR_ACCESS_TOKEN: "accessToken",
  XDR_TOKEN_URL: "baseUrls.token",
  "XDR_BASE_URL_<API>":
    "baseUrls.<api>: XDR_BASE_URL_IROH, _CTIA, _GLOBAL_INTEL (or _GLOBALINTEL), _CONURE, _AUTOMATION",
  XDR_LOG:
    "logger: debug (requests, retries, token refreshes: stderr, no secrets), info/warn/error (warnings only), off",
  "HTTPS_PROXY / HTTP_PROXY / NO_PROXY":
    "dispatcher (an undici EnvHttpProxyAgent on Node; Bun and Deno apply them themselves)",
} as const;

type Env = Record<string, string | undefined>;

/** A logger that writes one line per event to stderr (`XDR_LOG=debug`; `warn`: warnings only). */
export function consoleLogger(level: "debug" | "warn" = "debug"): Logger {
  const line = (name: string) => (message: string, fields?: Record<string, unknown>) =>
    console.error(`[xdr-sdk] ${name} ${message}${fields ? " " + JSON.stringify(fields) : ""}`);
  return { debug: level === "debug" ? line("debug") : () => undefined, warn: line("warn") };
}

/** `XDR_LOG` values, and the level each one logs at (none: nothing). */
const LOG_LEVELS: ReadonlyMap<string, "debug" | "warn" | undefined> = new Map([
  ["debug", "debug"],
  ["info", "warn"],
  ["warn", "warn"],
  ["warning", "warn"],
  ["error", "warn"],
  ["off", undefined],
  ["none", undefined],
]);

/**
 * Reads variables, trimmed: `undefined` when one is unset, blank, or may not be read (Deno
 * without `--allow-env` for it), so that explicit options work without any access to the
 * environment. Remembers which could not be read, and whether any could.
 */
function reader(env: Env) {
  const unreadable = new Set<string>();
  let readable = false;
  const read = (name: string): string | undefined => {
    try {
      const value = env[name]?.trim();
      readable = true;
      return value || undefined;
    } catch {
      unreadable.add(name);
      return undefined;
    }
  };
  return { read, unreadable, anyReadable: () => readable };
}
type Read = (name: string) => string | undefined;

/**
 * `XDR_BASE_URL_<API>` variables, by the API each names. With `apis` (the package's API names),
 * `XDR_BASE_URL_GLOBAL_INTEL` and `XDR_BASE_URL_GLOBALINTEL` both name `globalIntel`, and a
 * variable naming no API is an error (a typo would otherwise send traffic to production).
 */
function baseUrlsOf(
  env: Env,
  read: Read,
  apis: readonly string[] | undefined,
): Map<string, { name: string; value: string }> {
  const squash = (s: string): string => s.replace(/_/g, "").toLowerCase();
  const byName = new Map((apis ?? []).map((api) => [squash(api), api] as const));
  let names: string[];
  try {
    names = Object.keys(env).filter((name) => name.startsWith("XDR_BASE_URL_"));
  } catch {
    // May not list the environment (Deno with --allow-env for some names): ask for each API.
    names = (apis ?? []).map((api) => "XDR_BASE_URL_" + suffixOf(api));
  }
  const out = new Map<string, { name: string; value: string }>();
  for (const name of names) {
    const value = read(name);
    if (!value) continue;
    const suffix = name.slice("XDR_BASE_URL_".length);
    const api = apis
      ? byName.get(squash(suffix))
      : suffix.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (!api) {
      throw new ConfigurationError(
        `${name.replace(/[^\x20-\x7e]/g, "?")} names no API of this package: ` +
          `use XDR_BASE_URL_ with ${apis!.map(suffixOf).join(", ")}`,
      );
    }
    out.set(api, { name, value });
  }
  return out;
}

/** An API's name as its variable spells it: `globalIntel` → `GLOBAL_INTEL`. */
const suffixOf = (api: string): string => api.replace(/[A-Z]/g, "_$&").toUpperCase();

/** `options` without its `undefined` values: an option passed as `undefined` is not given. */
function given<T extends object>(options: T): T {
  const out = {} as Record<string, unknown>;
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out as T;
}

/**
 * The options the environment gives, under `explicit` (which wins key by key; `baseUrls` merged
 * per API; an option passed as `undefined` counts as not given). An explicit `accessToken`
 * replaces the environment's client id and secret, and an explicit `clientId` or `clientSecret`
 * its access token, so that an `XDR_ACCESS_TOKEN` left in a shell cannot override the
 * credentials a program passes. `env` defaults to `process.env` where there is one; `apis` (the package's API names)
 * lets `XDR_BASE_URL_<API>` be checked against them.
 */
export function withEnvironment(
  explicit: XdrOptions = {},
  env: Env | undefined = (globalThis as { process?: { env?: Env } }).process?.env,
  apis?: readonly string[],
): XdrOptions {
  const mine = given(explicit);
  if (!env) return mine;
  const { read, unreadable, anyReadable } = reader(env);
  const o: XdrOptions = {};
  const set = <K extends keyof XdrOptions>(key: K, value: XdrOptions[K] | undefined): void => {
    if (value !== undefined) o[key] = value;
  };
  // One kind of credentials wins as a whole: an access token passed replaces the environment's
  // client id and secret, and a client id or secret passed replaces its access token.
  if (mine.accessToken === undefined) {
    set("clientId", read("XDR_CLIENT_ID"));
    set("clientSecret", read("XDR_CLIENT_SECRET"));
    if (mine.clientId === undefined && mine.clientSecret === undefined) {
      set("accessToken", read("XDR_ACCESS_TOKEN"));
    }
  }
  if (mine.region === undefined) set("region", regionOf(read("XDR_REGION")));
  const fromEnv = baseUrlsOf(env, read, apis);
  const tokenUrl = read("XDR_TOKEN_URL");
  if (tokenUrl) fromEnv.set("token", { name: "XDR_TOKEN_URL", value: tokenUrl });
  const log = read("XDR_LOG")?.toLowerCase();
  if (log !== undefined) {
    if (!LOG_LEVELS.has(log)) {
      throw new ConfigurationError(
        `XDR_LOG="${log.replace(/[^\x20-\x7e]/g, "?")}" is not known: use debug, info, warn, error or off`,
      );
    }
    const level = LOG_LEVELS.get(log);
    if (level) o.logger = consoleLogger(level);
  }
  // A caller's own fetch or dispatcher decides the route, the proxy variables do not.
  if (mine.fetch === undefined && mine.dispatcher === undefined) {
    const proxy = proxyFromEnvironment(env);
    if (proxy !== undefined) o.dispatcher = proxy;
  }
  // Some variables readable, XDR_REGION not (Deno given --allow-env for a few names): an EU
  // organisation's credentials would silently go to the US token host.
  if (mine.region === undefined && unreadable.has("XDR_REGION") && anyReadable()) {
    throw new ConfigurationError(
      "XDR_REGION may not be read (Deno: add it to --allow-env) while other XDR_ variables " +
        "are: allow it, or pass region",
    );
  }
  const merged: XdrOptions = { ...o, ...mine };
  // Each URL from a variable is checked here, so that an error names the variable.
  const baseUrls: Record<string, string> = {};
  for (const [api, { name, value }] of fromEnv) {
    if (mine.baseUrls?.[api] !== undefined) continue;
    baseUrls[api] = checkBaseUrl(`${name} (baseUrls.${api})`, value, mine.allowInsecureHttp);
  }
  if (Object.keys(baseUrls).length || mine.baseUrls) {
    merged.baseUrls = { ...baseUrls, ...given(mine.baseUrls ?? {}) };
  }
  return merged;
}

/** `XDR_REGION`, case and spaces aside; a value that is no region is an error naming it. */
function regionOf(value: string | undefined): XdrOptions["region"] {
  if (value === undefined) return undefined;
  const region = value.toLowerCase();
  if (region === "us" || region === "eu" || region === "apjc") return region;
  throw new ConfigurationError(
    `XDR_REGION="${value.replace(/[^\x20-\x7e]/g, "?")}" is not a region: use us, eu or apjc`,
  );
}

/**
 * `baseUrls` keys that name no API of the package (`apis`) or the token URL: a typo such as
 * `globalintel` would otherwise leave that API on its production host.
 */
export function checkBaseUrlNames(o: XdrOptions, apis: readonly string[]): void {
  for (const key in o.baseUrls) {
    if (key !== "token" && !apis.includes(key)) {
      throw new ConfigurationError(
        `baseUrls.${key.replace(/[^\x20-\x7e]/g, "?")} names no API of this package: ` +
          `use ${[...apis, "token"].join(", ")}`,
      );
    }
  }
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
