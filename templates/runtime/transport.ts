// `createTransport`: one API's client core. It checks the options once (region, base URLs,
// numbers, headers) and wires the parts, each in its own module:
//   auth.ts       credentials and the secrets to scrub, scope checks
//   request.ts    an operation and its argument object → URL, headers, body
//   attempts.ts   the request loop: timeouts, retries, 401 refresh, typed errors
//   send.ts       fetch, following redirects within the origin only
//   response.ts   success bodies (maxResponseBytes), refused redirects, version drift
// Their settings are closure variables, which also keeps the minified bundle small.
import { type Auth, auth } from "./auth.js";
import { requestLoop } from "./attempts.js";
import { ConfigurationError } from "./errors.js";
import { clean } from "./redact.js";
import { internals } from "./internals.js";
import { guardLogger } from "./logger.js";
import { checkBaseUrl, checkHeaders, isCount } from "./options.js";
import { apiPromise } from "./promise.js";
import { requestBuilder } from "./request.js";
import { bodyReader, driftWatcher } from "./response.js";
import { limiter } from "./retry.js";
import type { ApiDescriptor, Transport, XdrOptions } from "./types.js";

export type { Built, Internals } from "./internals.js";
export { internalsOf } from "./internals.js";
export { pathValue } from "./request.js";

const REGIONS: readonly string[] = ["us", "eu", "apjc"];
/** Cisco XDR hosts; group 1 or 2 is the region (none: us). */
const CISCO_HOST =
  /^(?:visibility|private\.intel|intel)(?:\.(eu|apjc))?\.amp\.cisco\.com$|^(?:automate|conure)\.(us|eu|apjc)\.security\.cisco\.com$/;

/** `<sdk>/<version> node/<version>` (or bun/deno); none in a browser, which sets its own. */
function userAgent(api: ApiDescriptor): string | undefined {
  const g = globalThis as {
    process?: { versions?: Record<string, string | undefined> };
    Deno?: { version?: { deno?: string } };
  };
  const v = g.process?.versions;
  const deno = g.Deno?.version?.deno;
  const runtime = deno
    ? "deno/" + deno
    : v?.bun
      ? "bun/" + v.bun
      : v?.node
        ? "node/" + v.node
        : undefined;
  return runtime && `${api.sdk ?? "xdr-sdk"} ${runtime}`;
}

/**
 * The request loop of one API: a typed `call(op, args, options)` with tokens, retries, timeouts
 * and typed errors. Generated clients are thin layers over it; for the smallest bundles call
 * operation descriptors through it directly:
 *
 * @example
 * import { createTransport, IROH_API } from "xdr-sdk/iroh";
 * import { inspect } from "xdr-sdk/iroh/operations";
 * const iroh = createTransport(IROH_API, { clientId, clientSecret, region: "eu" });
 * const observables = await iroh.call(inspect, { content: "8.8.8.8" });
 */
export function createTransport(api: ApiDescriptor, options: XdrOptions = {}): Transport {
  // Every part below logs through this guarded logger, never the caller's directly.
  const o: XdrOptions = { ...options, logger: guardLogger(options.logger) };
  // An XDR client's `baseUrl` is its API's entry of `baseUrls`, so that IROH's also moves the
  // token URL: tokens would otherwise still be asked of the region's production host.
  const moved = api.tokenUrls && o.baseUrl !== undefined && o.baseUrls?.[api.name] === undefined;
  if (moved) {
    o.baseUrls = { ...o.baseUrls, [api.name]: o.baseUrl };
    o.baseUrl = undefined;
  }
  const region = o.region ?? "us";
  if (!REGIONS.includes(region)) {
    throw new ConfigurationError(
      `Unknown region "${clean(String(region))}": use "us", "eu" or "apjc"`,
    );
  }
  const insecure = o.allowInsecureHttp === true;
  const urls: Record<string, string | undefined> = Object.create(null) as Record<string, string>;
  for (const key in o.baseUrls) {
    const value = o.baseUrls[key];
    if (value === undefined) continue;
    const option = moved && key === api.name ? "baseUrl" : `baseUrls.${clean(key)}`;
    const url = checkBaseUrl(option, value, insecure);
    const { host, hostname } = new URL(url);
    const m = CISCO_HOST.exec(hostname);
    const hostRegion = m && (m[1] ?? m[2] ?? "us");
    if (o.region && hostRegion && hostRegion !== o.region) {
      throw new ConfigurationError(
        `${option} (${host}) is a Cisco XDR host of region "${hostRegion}", ` +
          `but region is "${o.region}": drop one of them`,
      );
    }
    urls[key] = url;
  }
  for (const name of [
    "timeoutMs",
    "maxRetries",
    "maxRetryAfterMs",
    "retryDelayMs",
    "maxRetryDelayMs",
    "maxResponseBytes",
  ] as const) {
    const v: unknown = o[name];
    const whole = name === "maxRetries";
    if (v !== undefined && !isCount(v, whole)) {
      throw new ConfigurationError(`${name} must be a ${whole ? "whole " : ""}number ≥ 0`);
    }
  }
  /** `options.headers`, keys lower-cased, and the User-Agent. */
  const headers = checkHeaders("headers", o.headers, false);
  const ua = userAgent(api);
  if (ua && !headers["user-agent"]) headers["user-agent"] = ua;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const maxRetryAfterMs = o.maxRetryAfterMs ?? 60_000;
  const credentials: Auth = auth(api, o, { region, urls, insecure, timeoutMs, headers });

  const server = o.baseUrl ?? urls[api.name] ?? api.servers[region as "us"];
  if (!server) {
    // The spec names no server (OpenAPI allows that): the caller must say where the API is.
    throw new ConfigurationError(`API ${api.name} has no server URL: set baseUrl`);
  }
  const base = checkBaseUrl(
    o.baseUrl !== undefined
      ? "baseUrl"
      : urls[api.name]
        ? `baseUrls.${api.name}`
        : `the ${api.name} server URL`,
    server,
    insecure,
  );
  const { dispatcher, logger } = o;
  const build = requestBuilder(base, headers, dispatcher, credentials.query);
  const run = requestLoop({
    api,
    o,
    auth: credentials,
    timeoutMs,
    maxRetries: o.maxRetries ?? 2,
    maxRetryAfterMs,
    parse: bodyReader(o.maxResponseBytes, credentials.secrets),
    drift: api.version && driftWatcher(api, o),
    limit: limiter(maxRetryAfterMs),
  });
  const t: Transport = {
    api,
    baseUrl: base,
    call: (op, args, ro) => apiPromise(run(() => build(op, args, ro), op, ro)),
  };
  internals.set(t, { build, run, headers, dispatcher, logger, secrets: credentials.secrets });
  return t;
}
