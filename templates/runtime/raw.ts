// `transportFetch(t)`: `fetch` through a transport, for the raw openapi-fetch client. Its own
// module, so that a bundle of named calls leaves it out.
import { type Built, internalsOf } from "./transport.js";
import type { Transport } from "./types.js";

const SAFE_METHODS = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"];

/**
 * `fetch` with the transport's auth, timeout, retries and logging. Never throws for an HTTP
 * status; GET/HEAD/PUT/DELETE/OPTIONS are retried (the request is cloned before each attempt);
 * the timeout covers the wait for the response headers.
 */
export function transportFetch(t: Transport): typeof globalThis.fetch {
  const { run, headers: common, dispatcher } = internalsOf(t);
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
    return (await run(() => b, undefined, { signal: req.signal })).response;
  };
}
