// Building a request from an operation and its one argument object: path values (never `.`,
// `..` or empty), query, header parameters, per-call headers and options, and the body in the
// operation's encoding. Everything a caller got wrong is a `UsageError` naming the parameter,
// thrown before anything is sent.
import { UsageError, clean } from "./errors.js";
import type { Build, FetchInit } from "./internals.js";
import { CANNOT_CARRY, checkHeaders, isCount, isHeaderValue } from "./options.js";
import type { BodyEncoding, Operation, QueryStyle } from "./types.js";

type Body = NonNullable<RequestInit["body"]>;

export const JSON_TYPE = "application/json";

/**
 * The `build` of one transport. `common`: client headers (lower-cased), `key`: the API key sent
 * in the query of an operation (name, value), if any: added to its every request.
 */
export function requestBuilder(
  base: string,
  common: Record<string, string>,
  dispatcher: unknown,
  keys?: (op: Operation) => readonly (readonly [string, string])[] | undefined,
): Build {
  return (op, args, ro, cursor) => {
    const { name, args: style, pathParams: p = [], queryParams: q = [], headerParams: h = [] } = op;
    const headers: Record<string, string> = {
      accept: (op.response ?? "json") === "json" ? JSON_TYPE : "*/*",
      ...common,
    };
    const a = args as Record<string, unknown> | undefined;
    const skip = (k: string): boolean | undefined => cursor?.keys.has(k);
    const hasParams = p.length + q.length + h.length > 0;
    let query = "";
    let body: unknown =
      style === "body"
        ? args
        : style === "split"
          ? a?.body
          : style === "flat" && !hasParams
            ? args
            : undefined;
    if (a && hasParams && (style === "flat" || style === "split")) {
      let rest: Record<string, unknown> | undefined;
      for (const k in a) {
        const v = a[k];
        if (h.includes(k)) {
          if (v == null) continue;
          if (!isHeaderValue(String(v))) {
            throw new UsageError(`${name}: header parameter "${k}"${CANNOT_CARRY}`, k);
          }
          headers[k.toLowerCase()] = String(v);
        } else if (q.includes(k)) {
          const style = op.queryStyles?.find((entry) => entry[0] === k)?.[1] ?? "form";
          if (!skip(k)) query = addStyled(query, k, v, name, style);
        } else if (!p.includes(k) && style === "flat" && v !== undefined) {
          (rest ??= {})[k] = v;
        }
      }
      if (style === "flat") body = rest ?? (op.body === "json" ? {} : undefined);
    }
    const path = op.path.replace(/\{([^}]+)\}/g, (_, k: string) => pathValue(name, k, a?.[k], a));
    if (ro) {
      // Per-call numbers that would otherwise mean something else (a negative timeout: none).
      for (const k of ["timeoutMs", "maxRetries"] as const) {
        const whole = k === "maxRetries";
        if (ro[k] !== undefined && !isCount(ro[k], whole)) {
          throw new UsageError(`${name}: ${k} must be a ${whole ? "whole " : ""}number ≥ 0`, k);
        }
      }
      for (const k in ro.query) if (!skip(k)) query = addQuery(query, k, ro.query[k], name);
      checkHeaders("headers", ro.headers, true, headers);
    }
    if (cursor) query = query ? query + "&" + cursor.query : cursor.query;
    // Not to an operation that takes no credentials (`security: []`): a key in a URL is logged
    // by every proxy on the way, and that endpoint has no use for it.
    if (op.auth !== false)
      for (const [k, v] of keys?.(op) ?? []) query = addQuery(query, k, v, name);
    const encoded =
      op.body && body !== undefined ? encode(op.body, body, headers, op.contentType) : undefined;
    const stream = encoded instanceof ReadableStream;
    const init: FetchInit = {
      method: op.method,
      headers,
      body: encoded,
      dispatcher,
      // Redirects are followed by send.ts, within the origin only.
      redirect: "manual",
      // A stream is sent once (it cannot be repeated), and fetch wants `duplex` for it.
      ...(stream ? { duplex: "half" } : undefined),
    };
    return {
      // A spec's path may carry a query of its own (`/current?city={city}`).
      url: base + path + (query ? (path.includes("?") ? "&" : "?") + query : ""),
      method: op.method,
      path,
      headers,
      init,
      safe: op.safe === true && !stream,
    };
  };
}

/**
 * One path segment. `.`, `..` and empty values are refused: fetch would resolve them and the
 * request would reach another resource (`DELETE /workflows/W1/actions/..` → the workflow).
 */
export function pathValue(
  name: string,
  key: string,
  v: unknown,
  args?: Record<string, unknown>,
): string {
  // OpenAPI's `simple` style: a list (or an object's keys and values) joined by commas.
  const parts =
    v == null
      ? []
      : isPlain(v)
        ? (Array.isArray(v) ? v : Object.entries(v as object).flat()).filter((x) => x != null)
        : [v];
  const s = parts.map(scalar).join(",");
  if (s === "" || s === "." || s === "..") {
    // The spec's spelling (`incident-id`) where the SDK names it `incident_id`: say so.
    const squash = (k: string): string => k.replace(/[^A-Za-z0-9]/g, "").toLowerCase();
    const near =
      v == null && args
        ? Object.keys(args).find((k) => k !== key && squash(k) === squash(key))
        : undefined;
    throw new UsageError(
      `${name}: path parameter "${key}" ${s ? `cannot be "${s}"` : "is missing or empty"}` +
        (near === undefined ? "" : ` (the argument is named "${key}", not "${clean(near)}")`),
      key,
    );
  }
  return parts.map((x) => encodeOrThrow(scalar(x), name, key)).join(",");
}

/** encodeURIComponent, with a lone surrogate a `UsageError` instead of a bare `URIError`. */
function encodeOrThrow(s: string, name: string, key: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    throw new UsageError(
      `${name}: parameter "${key}" holds a lone surrogate (not valid Unicode)`,
      key,
    );
  }
}

/** An array, or an object made by `{…}` (not a Blob, a stream, a typed array, FormData…). */
function isPlain(v: unknown): boolean {
  if (Array.isArray(v)) return true;
  if (typeof v !== "object" || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function scalar(v: unknown): string {
  return typeof v === "object" && v !== null
    ? v instanceof Date
      ? v.toISOString()
      : JSON.stringify(v)
    : String(v);
}

/** `q` with `k=v` added (an array: one pair per item; null and undefined: nothing). */
function addQuery(q: string, k: string, v: unknown, name: string): string {
  if (v == null) return q;
  if (Array.isArray(v)) {
    for (const x of v) q = addQuery(q, k, x, name);
    return q;
  }
  return (q ? q + "&" : "") + encodeOrThrow(k, name, k) + "=" + encodeOrThrow(scalar(v), name, k);
}

/** Delimiters of the styles that join a list into one value (`comma`: `a,b`). */
const DELIMITER = { comma: ",", space: "%20", pipe: "|" } as const;

/**
 * `q` with `k` added in an OpenAPI style other than the default: a list (or an object's keys
 * and values, in turn) joined into one value, or an object's members as `k[p]=v` (deepObject).
 * A scalar is written as `addQuery` writes it.
 */
function addStyled(
  q: string,
  k: string,
  v: unknown,
  name: string,
  style: QueryStyle | "form",
): string {
  if (style === "json") {
    if (v == null) return q;
    const json = encodeOrThrow(JSON.stringify(v), name, k);
    return (q ? q + "&" : "") + encodeOrThrow(k, name, k) + "=" + json;
  }
  if (v == null || typeof v !== "object" || v instanceof Date) return addQuery(q, k, v, name);
  // OpenAPI's default (form, exploded): a list as repeated pairs, an object as its members.
  if (style === "form") {
    if (Array.isArray(v)) return addQuery(q, k, v, name);
    for (const [p, x] of Object.entries(v)) q = addQuery(q, p, x, name);
    return q;
  }
  const enc = (s: unknown): string => encodeOrThrow(scalar(s), name, k);
  if (style === "deepObject") {
    if (Array.isArray(v)) return addQuery(q, k, v, name);
    for (const [p, x] of Object.entries(v)) {
      if (x != null) q = (q ? q + "&" : "") + enc(k) + "[" + enc(p) + "]=" + enc(x);
    }
    return q;
  }
  const items = (Array.isArray(v) ? v : Object.entries(v).flat()).filter((x) => x != null);
  return (q ? q + "&" : "") + enc(k) + "=" + items.map(enc).join(DELIMITER[style]);
}

function encode(
  kind: BodyEncoding,
  body: unknown,
  headers: Record<string, string>,
  jsonType = JSON_TYPE,
): Body {
  const type = (t: string): void => void (headers["content-type"] ??= t);
  // A plain object or array where bytes were expected: JSON, not the text "[object Object]".
  if (kind === "json" || (kind === "binary" && isPlain(body))) {
    type(jsonType);
    return JSON.stringify(body);
  }
  if (kind === "text") {
    type("text/plain; charset=utf-8");
    return String(body);
  }
  if (kind === "binary") {
    if (!(body instanceof Blob && body.type)) type("application/octet-stream");
    return body as Body;
  }
  // form, multipart: fetch sets the content type (with the multipart boundary).
  const form = kind === "form" ? new URLSearchParams() : new FormData();
  for (const [k, v] of Object.entries(body as object)) {
    for (const x of Array.isArray(v) ? v : [v]) {
      if (x == null) continue;
      if (x instanceof Blob && form instanceof FormData) form.append(k, x);
      else form.append(k, scalar(x));
    }
  }
  return form;
}
