// Reading an answer: a success body in the operation's encoding (bounded by
// `maxResponseBytes`), the error of a redirect that was not followed, and the report of a server
// that runs another version of its API than the SDK was generated from.
import { ApiError, ResponseTooLargeError } from "./errors.js";
import { readText, readUpTo } from "./bodies.js";
import { clean, redact, scrubHeaders } from "./redact.js";
import { MAX_HOPS, drain, locationOf } from "./send.js";
import type { ApiDescriptor, Operation, XdrOptions } from "./types.js";

type Secrets = Iterable<string | undefined>;

/** The success body of `op` (JSON, text, a Blob or nothing), at most `maxBytes` when set. */
export function bodyReader(
  maxBytes: number | undefined,
  secrets: Secrets,
): (op: Operation, res: Response) => Promise<unknown> {
  const tooLarge = (name: string): ResponseTooLargeError =>
    new ResponseTooLargeError(`${name}: the answer is larger than maxResponseBytes (${maxBytes})`);

  return async (op: Operation, res: Response): Promise<unknown> => {
    const kind = op.response ?? "json";
    const { status, headers } = res;
    if (maxBytes !== undefined && Number(headers.get("content-length")) > maxBytes) {
      drain(res);
      throw tooLarge(op.name);
    }
    if (kind === "binary" && status !== 204) {
      if (maxBytes === undefined) return res.blob();
      const { blob, more } = await readUpTo(res, maxBytes);
      if (more) throw tooLarge(op.name);
      return new Blob([blob], { type: headers.get("content-type") ?? "" });
    }
    let text: string;
    if (maxBytes === undefined) text = await res.text();
    else {
      const read = await readText(res, maxBytes);
      if (read.more) throw tooLarge(op.name);
      text = read.text;
    }
    if (kind === "text") return status === 204 ? undefined : text;
    if (kind === "none" || !text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiError({
        status,
        operation: op.name,
        body: redact(text.slice(0, 2000), secrets),
        headers: scrubHeaders(headers, secrets),
        message:
          `${op.name}: HTTP ${status} with a body that is not valid JSON ` +
          `(content-type ${headers.get("content-type") ?? "none"})`,
      });
    }
  };
}

/** A 3xx that `send` did not follow: it leaves the origin (or loops). */
export function redirectRefused(
  res: Response,
  url: string,
  name: string,
  secrets: Secrets,
): ApiError {
  const to = locationOf(res, url);
  drain(res);
  return new ApiError({
    status: res.status,
    operation: name,
    headers: scrubHeaders(res.headers, secrets),
    message: clean(
      `${name}: the server redirected (HTTP ${res.status})${to ? " to " + to.origin : ""}; ` +
        `only redirects within the same origin are followed (at most ${MAX_HOPS}), ` +
        `so nothing was sent there`,
    ),
  });
}

/**
 * Reports, once per client and version, an answer whose version header names another version
 * of the API than the SDK was generated from (`onDrift`, else the logger's `warn`).
 */
export function driftWatcher(api: ApiDescriptor, o: XdrOptions): (headers: Headers) => void {
  const { header, value: expected } = api.version!;
  const seen = new Set<string>();
  return (h: Headers): void => {
    const received = h.get(header);
    if (received === null || received === expected || seen.has(received) || seen.size > 16) {
      return;
    }
    seen.add(received);
    const d = { api: api.name, header, expected, received: clean(received) };
    const log = o.logger;
    if (!o.onDrift) {
      (log?.warn ?? log?.debug)?.call(log, "xdr api version differs from the SDK's", d);
      return;
    }
    try {
      o.onDrift(d);
    } catch {
      // A report, like a log line: it cannot fail the call whose answer it describes.
    }
  };
}
