// `rawClientOf(t)`: the openapi-fetch client over a transport (`client.raw`), made of
// `transportFetch(t)`, `fetch` through the transport, and the path serializer that keeps that
// client's path values from escaping their segment. Its own module, so that a bundle of named
// calls leaves it out.
import createClient, { createQuerySerializer, defaultPathSerializer } from "openapi-fetch";
import { ERROR_BODY_BYTES, EXCERPT_MARGIN, readText, scrubbedText } from "./bodies.js";
import { UsageError } from "./errors.js";
import { type Built, internalsOf } from "./internals.js";
import type { RawClient } from "./raw-client.js";
import { scrubHeaders } from "./redact.js";
import { pathValue } from "./request.js";
import type { Transport } from "./types.js";

/**
 * openapi-fetch's client over a transport, for any path of `Paths`: `{ data, error, response }`,
 * with the transport's auth, timeout, retries and logging. What each client's `raw` is.
 */
export function rawClientOf<Paths extends object>(t: Transport): RawClient<Paths> {
  const client = createClient<Paths>({
    baseUrl: t.baseUrl,
    fetch: transportFetch(t),
    pathSerializer: rawPathSerializer,
    querySerializer: rawQuerySerializer,
  });
  // The object is openapi-fetch's; its type is the copy in raw-client.ts (why: there). TypeScript
  // cannot relate two copies of those generic signatures: it runs for minutes and gives up.
  return client as unknown as RawClient<Paths>;
}

const SAFE_METHODS = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"];

/**
 * `fetch` with the transport's auth, timeout, retries and logging. Never throws for an HTTP
 * status; GET/HEAD/PUT/DELETE/OPTIONS are retried (the request is cloned before each attempt);
 * the timeout covers the wait for the response headers, and the caller's signal the body too.
 */
export function transportFetch(t: Transport): typeof globalThis.fetch {
  const { run, headers: common, dispatcher, secrets } = internalsOf(t);
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = input instanceof Request && !init ? input : new Request(input, init);
    // What to add to each attempt's clone of the request (the token is set per attempt).
    const headers: Record<string, string> = { ...common };
    const b: Built = {
      url: req.url,
      method: req.method,
      path: new URL(req.url).pathname,
      headers,
      init: {
        dispatcher: (init as { dispatcher?: unknown } | undefined)?.dispatcher ?? dispatcher,
        // Redirects are followed by the transport, within the origin only.
        redirect: "manual",
      },
      safe: SAFE_METHODS.includes(req.method),
      request() {
        const r = req.clone();
        for (const k in headers) {
          if (k === "authorization" || !r.headers.has(k)) r.headers.set(k, headers[k]!);
        }
        return r;
      },
    };
    const res = (await run(() => b, undefined, { signal: req.signal })).response;
    return res.ok ? res : scrubbed(res, secrets);
  };
}

/**
 * An error answer (or a redirect not followed) as the caller gets it: headers and a bounded
 * excerpt of the body (`ERROR_BODY_BYTES`) scrubbed of every secret, as on an `ApiError`, since
 * a raw `{ error }` is logged as readily. A success body is the caller's data: streamed as is.
 */
async function scrubbed(res: Response, secrets: Iterable<string | undefined>): Promise<Response> {
  let text = "";
  let more = false;
  try {
    ({ text, more } = await readText(res, ERROR_BODY_BYTES + EXCERPT_MARGIN));
  } catch {
    // A body that broke off: what arrived is gone with it; the status still says what happened.
  }
  const { body } = scrubbedText(text, more, ERROR_BODY_BYTES, secrets);
  const headers = scrubHeaders(res.headers, secrets);
  // The body below is decoded, whole and shorter: the server's framing headers no longer hold.
  for (const h of ["content-length", "content-encoding", "transfer-encoding"]) headers.delete(h);
  const copy = new Response(res.status === 204 || res.status === 304 || !body ? null : body, {
    status: res.status,
    statusText: res.statusText,
    headers,
  });
  Object.defineProperty(copy, "url", { value: res.url });
  return copy;
}

const PARAM = /\{([^}]+)\}/g;

/**
 * openapi-fetch's path serializer, refusing what would leave the segment: a missing or empty
 * value, `.` and `..` (fetch resolves them: `/workflows/W1/actions/..` is the workflow), and
 * lone surrogates. Pass it as `pathSerializer` to `createClient`.
 */
export function rawPathSerializer(pathname: string, params: Record<string, unknown>): string {
  return pathname.replace(PARAM, (match, spec: string) => {
    const name = spec.replace(/^[.;]/, "").replace(/\*$/, "");
    const v = params?.[name];
    if (v !== null && typeof v === "object") {
      const out = defaultPathSerializer(match, params);
      const bare = out.replace(/^[.;]/, "");
      if (!bare || bare === "." || bare === "..") {
        throw new UsageError(`path parameter "${name}" cannot be "${bare}"`, name);
      }
      return out;
    }
    const value = pathValue("fetch", name, v);
    return spec.startsWith(";") ? `;${name}=${value}` : spec.startsWith(".") ? "." + value : value;
  });
}

const query = createQuerySerializer();

/**
 * openapi-fetch's query serializer, with a lone surrogate (not valid Unicode) reported as a
 * `UsageError` rather than a bare `URIError`. Pass it as `querySerializer` to `createClient`.
 */
export function rawQuerySerializer(params: Record<string, unknown>): string {
  try {
    return query(params as never);
  } catch (e) {
    if (e instanceof URIError) {
      throw new UsageError("a query parameter holds a lone surrogate (not valid Unicode)", "query");
    }
    throw e;
  }
}
