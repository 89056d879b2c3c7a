// Checks of what a caller passes in: base URLs (no cleartext off loopback, no credentials, query
// or fragment in them), header names and values (no CR/LF, nothing fetch would reject later as a
// "connection" failure), numbers. Each failure names the option or argument at fault.
import { ConfigurationError, UsageError } from "./errors.js";

/** 127.0.0.0/8, ::1 and localhost: where cleartext never leaves the machine. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return (
    h === "localhost" ||
    h.endsWith(".localhost") ||
    h === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  );
}

/**
 * A base URL as the transport uses it (no trailing slash). Refuses anything but http(s), `http:`
 * off loopback unless `allowInsecureHttp`, and userinfo, query or fragment. The message names
 * the option and never repeats the URL (it may hold a password).
 */
export function checkBaseUrl(option: string, value: string, allowInsecureHttp?: boolean): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  const fail = (why: string): never => {
    throw new ConfigurationError(`${option} ${why}`);
  };
  if (!url || !/^https?:$/.test(url.protocol)) fail("must be an absolute http(s) URL");
  const u = url!;
  if (u.username || u.password) {
    fail("must not contain credentials (user:password@): pass them as options");
  }
  if (u.search || value.includes("?")) fail("must not contain a query (?…)");
  if (u.hash || value.includes("#")) fail("must not contain a fragment (#…)");
  if (u.protocol === "http:" && !allowInsecureHttp && !isLoopback(u.hostname)) {
    fail(
      `is cleartext http:// to ${u.hostname}, which would expose credentials and data: ` +
        `use https://, or set allowInsecureHttp: true if you really mean it`,
    );
  }
  return u.href.replace(/\/+$/, "");
}

/** The end of every message about a header value that fetch would refuse. */
export const CANNOT_CARRY = " has a line break or a character headers cannot carry";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible ASCII and Latin-1, spaces and tabs: what `Headers` accepts, minus CR, LF and NUL. */
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

export function isHeaderValue(value: string): boolean {
  return VALUE.test(value);
}

/**
 * Header names and values of `headers` (client options: `ConfigurationError`; per call:
 * `UsageError`), keys lower-cased.
 */
export function checkHeaders(
  where: string,
  headers: Record<string, unknown> | undefined,
  usage: boolean,
  into: Record<string, string> = {},
): Record<string, string> {
  for (const k in headers) {
    const v = headers[k];
    if (v === undefined) continue;
    const name = `${where}["${k.replace(/[^\x20-\x7e]/g, "?")}"]`;
    const why = !isHeaderName(k)
      ? "is not a valid header name"
      : !isHeaderValue(String(v))
        ? CANNOT_CARRY.slice(1)
        : "";
    if (why) {
      if (usage) throw new UsageError(`${name} ${why}`, name);
      throw new ConfigurationError(`${name} ${why}`);
    }
    into[k.toLowerCase()] = String(v);
  }
  return into;
}

/** A number option: ≥ 0 (Infinity: no bound); `whole` (a count of retries): an integer too. */
export function isCount(v: unknown, whole: boolean = false): boolean {
  return typeof v === "number" && v >= 0 && (!whole || Number.isInteger(v) || v === Infinity);
}
