// What the parts of a transport share, and what `paginate` and `transportFetch` reach through
// `internalsOf(transport)`. Types and one WeakMap only, so that every other runtime module can
// import it without an import cycle (it imports only errors.ts and types).
import { XdrError } from "./errors.js";
import type { Raw } from "./promise.js";
import type { Operation, RequestOptions, XdrOptions } from "./types.js";

// DOM's RequestInit has no `dispatcher` and @types/node types it with undici's class; the
// runtime passes the caller's through untouched, so it is `unknown` here and cast at the call.
export type FetchInit = Omit<RequestInit, "dispatcher"> & { dispatcher?: unknown };

/** Query of the next page (pagination.ts): replaces the caller's keys of the same names. */
export interface Cursor {
  readonly query: string;
  readonly keys: ReadonlySet<string>;
  readonly start?: number;
  /** `query` with its keys sorted: what makes two cursors the same. */
  readonly id?: string;
}

/** A request ready to be sent (again, on each attempt). */
export interface Built {
  readonly url: string;
  readonly method: string;
  /** Path without the query, for logs. */
  readonly path: string;
  /** The attempt's headers; `authorization` is set on each attempt. */
  readonly headers: Record<string, string>;
  readonly init: FetchInit;
  /** The operation may be repeated and its body can be sent again. */
  readonly safe: boolean;
  /**
   * The raw path (`transportFetch`): the `Request` of each attempt, and an HTTP error status is
   * an answer, not an error.
   */
  readonly request?: () => Request;
}

/** Builds a named call, with the query of a page cursor (request.ts). */
export type Build = (
  op: Operation,
  args: unknown,
  options?: RequestOptions,
  cursor?: Cursor,
) => Built;

/**
 * Sends a request, attempts included (`op`: undefined on the raw path). `prepare` runs first
 * inside the returned promise, so that a request that cannot be built rejects it (attempts.ts).
 */
export type Run = (
  prepare: () => Built,
  op: Operation | undefined,
  options?: RequestOptions,
) => Promise<Raw>;

/** What `paginate` and `transportFetch` need of a transport: its request loop, in parts. */
export interface Internals {
  readonly build: Build;
  readonly run: Run;
  /** `options.headers` (and the User-Agent), keys lower-cased. */
  readonly headers: Record<string, string>;
  readonly dispatcher: unknown;
  readonly logger: XdrOptions["logger"];
  /** What error answers handed to the caller as they are (`transportFetch`) are scrubbed of. */
  readonly secrets: Iterable<string | undefined>;
}

/** Filled by `createTransport`; a WeakMap, so that a transport's parts are not on the object. */
export const internals: WeakMap<object, Internals> = new WeakMap();

/** The request loop of a transport made by `createTransport`. */
export function internalsOf(t: object): Internals {
  const i = internals.get(t);
  if (!i) throw new XdrError("not a transport made by createTransport");
  return i;
}
