// Sending one attempt: `fetch` with `redirect: "manual"`, following redirects within the base
// URL's origin only, so that a body, an API key or a token is never sent to another host.
import type { FetchInit } from "./internals.js";

/** Redirects followed within the origin; any to another origin is refused (attempts.ts). */
export const MAX_HOPS = 5;

/**
 * `fetch` that follows redirects within the first URL's origin only (at most MAX_HOPS). 303,
 * and 301/302 after a POST, go on as a GET without body, as fetch would; a streamed body or a
 * raw request with a body is not sent again (its 307/308 is returned as the answer). `strict`
 * (the token request): only 307/308, which keep the method and body, and at most 3. Returns
 * the first answer that is not followed: a redirect left in it was refused.
 */
export async function send(
  fetchFn: typeof fetch | undefined,
  first: string | Request,
  init: FetchInit,
  strict?: boolean,
): Promise<Response> {
  let input = first;
  let method = typeof first === "string" ? (init.method ?? "GET") : first.method;
  for (let hop = 0; ; hop++) {
    const res = await (fetchFn ?? fetch)(input, init as RequestInit);
    const s = res.status;
    if (s < 301 || s > 308 || s === 304 || s === 305 || s === 306) return res;
    const from = typeof input === "string" ? input : input.url;
    const next = locationOf(res, from);
    const get = s === 303 || ((s === 301 || s === 302) && method === "POST");
    const bodyless = get || method === "GET" || method === "HEAD";
    if (
      !next ||
      hop >= (strict ? 3 : MAX_HOPS) ||
      (strict && s < 307) ||
      next.origin !== new URL(from).origin ||
      (!bodyless && (typeof input !== "string" || init.body instanceof ReadableStream))
    ) {
      return res;
    }
    drain(res);
    if (get) method = "GET";
    if (typeof input === "string") {
      input = next.href;
      if (get) init = { ...init, method, body: undefined };
    } else {
      input = new Request(next.href, { method, headers: input.headers });
    }
  }
}

/** A redirect's target, resolved against the request URL; `undefined` when none is usable. */
export function locationOf(res: Response, from: string): URL | undefined {
  try {
    return new URL(res.headers.get("location") ?? "", from);
  } catch {
    return undefined;
  }
}

/** Discards a body that will not be read (the connection can then be reused or closed). */
export function drain(res: Response): void {
  void res.body?.cancel().catch(() => undefined);
}
