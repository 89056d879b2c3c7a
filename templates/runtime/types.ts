// The contract between generated code and the runtime shipped with it.
// The generator emits one `Operation` per OpenAPI operation (in `<api>/operations.ts`) and a
// typed client whose methods call `Transport.call` / `paginate(transport, …)`. Everything here is
// type-only except what `index.ts` re-exports from the modules that implement it.

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";

export type Region = "us" | "eu" | "apjc";

/**
 * How a named method's single argument maps onto the HTTP request. Chosen by the generator so
 * that calls read naturally (`inspect({ content })`, `deliberate(observables)`), and so that no
 * argument key can mean two things.
 * - `none`: no parameters and no body; the method takes only options.
 * - `flat`: one object holding the path, query and header parameters and, side by side, the
 *   properties of a JSON object body. Keys not named as parameters go to the body.
 * - `body`: the argument is the request body itself (an array, a string, a Blob…); no parameter
 *   is required, and optional query parameters travel in `RequestOptions.query`.
 * - `split`: the parameters side by side, the body under the key `body` (a non-object body next
 *   to parameters, or a body property whose name collides with a parameter).
 */
export type ArgStyle = "none" | "flat" | "body" | "split";

export type BodyEncoding = "json" | "form" | "multipart" | "text" | "binary";
export type ResponseEncoding = "json" | "text" | "binary" | "none";

/** Which paging protocol a list operation speaks. */
export type PagingStyle =
  /** CTIA: `limit`/`offset`/`search_after` query, `X-Total-Hits`, `X-Next` response headers. */
  | "ctia"
  /** Automation: `start`/`limit` query, body `{ _links: { next }, results: [] }`. */
  | "links";

/** How a query parameter is written when not as OpenAPI's default (see `Operation.queryStyles`). */
export type QueryStyle = "comma" | "space" | "pipe" | "deepObject" | "json";

/** One operation as the runtime needs it. Plain data: emitted by the generator, never mutated. */
export interface Operation {
  /** User-facing name, e.g. `enrich.observe`, used in errors and logs. */
  readonly name: string;
  readonly method: HttpMethod;
  /** Path template relative to the API's base URL, e.g. `/ctia/judgement/{id}`. */
  readonly path: string;
  readonly args: ArgStyle;
  readonly pathParams?: readonly string[];
  readonly queryParams?: readonly string[];
  /**
   * Query parameters not written as OpenAPI's default (`style: form, explode: true`: an array
   * as repeated pairs, an object as its members `p=v`): `comma` (`a,b`), `space` (`a%20b`),
   * `pipe` (`a|b`), `deepObject` (`k[p]=v`), `json` (a parameter with `content`: the value as
   * JSON). Name and style pairs.
   */
  readonly queryStyles?: readonly (readonly [string, QueryStyle])[];
  readonly headerParams?: readonly string[];
  /** Absent when the operation has no request body. */
  readonly body?: BodyEncoding;
  /** A JSON body's media type, when not `application/json` (`application/merge-patch+json`). */
  readonly contentType?: string;
  /** Absent means JSON. */
  readonly response?: ResponseEncoding;
  /** OAuth2 scopes that must all be granted; absent or empty means none. */
  readonly scopes?: readonly string[];
  /** Alternatives (the spec's `a` or `b`): any one set granted in full suffices. */
  readonly anyScopes?: readonly (readonly string[])[];
  /** `false` for operations that take no bearer token (the token endpoint, public feed views). */
  readonly auth?: false;
  /**
   * Standalone packages: the schemes of `ApiDescriptor.auth` this operation accepts (indexes, in
   * order of preference; -1: none needed; a list: all of those together, e.g. an API key and a
   * token), when not all of them. The first the client has credentials for is used.
   */
  readonly schemes?: readonly (number | readonly number[])[];
  /** May be retried: GET/HEAD/PUT/DELETE/OPTIONS, or a POST the spec marks `x-xdr-safe`. */
  readonly safe?: boolean;
  readonly paging?: PagingStyle;
  /**
   * `ctia` paging for a server that may send no `X-Next` (Conure): then the next page is the
   * same query with `offset` advanced by the items received (`search_after` dropped), until an
   * empty page.
   */
  readonly pagingFallback?: "offset";
  /**
   * A limit the server enforces on this operation alone (Automation's workflow start: 10 per
   * 60 000 ms per org). The transport keeps a sliding window per client and path and waits for a
   * free slot (when the wait is ≤ `maxRetryAfterMs`, else `RateLimitError` at once).
   */
  readonly rateLimit?: RateLimitRule;
}

export interface RateLimitRule {
  readonly requests: number;
  readonly perMs: number;
}

/**
 * An operation that also carries the types of its argument and result (phantom: never set at
 * run time), so that `transport.call(op, args)` is fully typed without a client object.
 */
export interface TypedOperation<Args, Result> extends Operation {
  readonly __types?: { args: Args; result: Result };
}

export type ArgsOf<O> = O extends TypedOperation<infer A, unknown> ? A : never;
export type ResultOf<O> = O extends TypedOperation<unknown, infer R> ? R : never;

/** A paged operation's item type: CTIA returns arrays, Automation `{ results: [] }`. */
export type PageItem<R> = R extends readonly (infer I)[]
  ? I
  : R extends { results?: readonly (infer I)[] | null }
    ? I
    : never;

// ---- Type helpers over openapi-typescript's operation objects ----------------------------------

type Present<T> = [T] extends [never] ? object : [T] extends [undefined] ? object : NonNullable<T>;

export type PathParams<O> = O extends { parameters: { path?: infer P } } ? Present<P> : object;
export type QueryParams<O> = O extends { parameters: { query?: infer Q } } ? Present<Q> : object;
export type HeaderParams<O> = O extends { parameters: { header?: infer H } } ? Present<H> : object;

/** The request body type, preferring JSON, then multipart, then form, then anything declared. */
export type MediaBody<C> = C extends { "application/json": infer B }
  ? B
  : C extends { "multipart/form-data": infer B }
    ? B
    : C extends { "application/x-www-form-urlencoded": infer B }
      ? B
      : C[keyof C];

/**
 * The declared request body, `never` when there is none. openapi-typescript writes
 * `requestBody?: never` for "no body": that reads as `undefined` normally but as `never` under
 * `exactOptionalPropertyTypes`, and `never` matches every pattern, so test for it first.
 */
type BodyOf<O> = O extends { requestBody?: infer B } ? NonNullable<B> : never;
type BodyRequired<O> = O extends { requestBody: unknown } ? true : false;
type ContentOf<B> = B extends { content: infer C } ? C : never;

export type RequestBody<O> = [BodyOf<O>] extends [never]
  ? never
  : BodyRequired<O> extends true
    ? MediaBody<ContentOf<BodyOf<O>>>
    : MediaBody<ContentOf<BodyOf<O>>> | undefined;

type BodyFields<O> = [BodyOf<O>] extends [never]
  ? object
  : BodyRequired<O> extends true
    ? MediaBody<ContentOf<BodyOf<O>>>
    : Partial<MediaBody<ContentOf<BodyOf<O>>>>;

type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 205 | 206 | 207 | "2XX";
type ResponseBody<R> = R extends { content: infer C }
  ? C extends { "application/json": infer B }
    ? B
    : C[keyof C]
  : undefined;

/**
 * Union of the bodies of the operation's 2xx responses (JSON preferred), else of a lone
 * `default`; `unknown` when none is declared (openapi-typescript writes `responses: never` for an
 * operation without responses).
 */
export type Success<O> = O extends { responses: infer R }
  ? [R] extends [never]
    ? unknown
    : [keyof R & SuccessStatus] extends [never]
      ? // No 2xx: a lone `default` describes the success too (as the runtime reads it).
        R extends { default: infer D }
        ? ResponseBody<D>
        : unknown
      : { [K in keyof R & SuccessStatus]: ResponseBody<R[K]> }[keyof R & SuccessStatus]
  : unknown;

export type FlatArgs<O> = PathParams<O> & QueryParams<O> & HeaderParams<O> & BodyFields<O>;
export type SplitArgs<O> = PathParams<O> &
  QueryParams<O> &
  HeaderParams<O> &
  (undefined extends RequestBody<O> ? { body?: RequestBody<O> } : { body: RequestBody<O> });
export type BodyArg<O> = RequestBody<O>;

// ---- Projections: `fields` asks for some fields of each entity -------------------------------

/**
 * The names a `fields` argument may list: the spec's enum, or `string` (CTIA takes dotted paths
 * such as `observable.value`).
 */
export type FieldList<P> = P extends { fields?: readonly (infer K)[] | null }
  ? readonly K[]
  : readonly string[];

/** The argument of a method that takes `fields`: the requested list is kept as its literal type. */
export type WithFields<P, F> = Omit<P, "fields"> & { fields?: F };

/** `observable.value` → `observable`: a dotted path keeps its top-level field (whole). */
type TopField<K> = K extends `${infer Top}.${string}` ? Top : K;

/**
 * An entity as the server sends it when `fields` lists `F`: only those fields, each of them
 * optional (a requested field the entity does not carry is absent). A list of unknown names
 * (`string[]`) leaves every field optional.
 */
export type Projected<T, F> = F extends readonly (infer K)[]
  ? string extends K
    ? Partial<T>
    : Partial<Pick<T, Extract<TopField<K>, keyof T>>>
  : T;

/**
 * The result of a call that may take `fields`: the full entity (or list of entities) without it,
 * the projection with it. Deferred until a call site fixes `F`.
 */
export type Fielded<R, F> = [F] extends [undefined]
  ? R
  : R extends readonly (infer I)[]
    ? Projected<I, F>[]
    : Projected<R, F>;

// ---- Options -----------------------------------------------------------------------------------

import type { Budget, Priority } from "./budget.js";
export type { Budget, Priority };

/** Anything with `debug` (console, pino, winston…). Receives no secrets. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
}

export interface BaseUrls {
  iroh?: string | undefined;
  ctia?: string | undefined;
  automation?: string | undefined;
  /** Full token URL. Defaults to the region's, or `<iroh base URL>/iroh/oauth2/token`. */
  token?: string | undefined;
  /** A standalone package's API, by its `ApiDescriptor.name`. */
  [api: string]: string | undefined;
}

/**
 * How an API authenticates, from the spec's `securitySchemes` (standalone packages). Absent on
 * an `ApiDescriptor`: OAuth2 client credentials at its `tokenUrls` (XDR).
 */
export type AuthScheme =
  /** OAuth2 client credentials: `clientId` + `clientSecret`, or a ready `accessToken`. */
  | { readonly type: "oauth2"; readonly tokenUrl: string }
  /** HTTP bearer: `accessToken` (a string or a function that returns one). */
  | { readonly type: "bearer" }
  /** HTTP basic: `username` + `password`. */
  | { readonly type: "basic" }
  /** An API key in a header, query parameter or cookie of the given name: `apiKey`. */
  | { readonly type: "apiKey"; readonly in: "header" | "query" | "cookie"; readonly name: string };

/** A bearer token, or a function that returns the current one (called before each attempt). */
export type TokenProvider = string | (() => string | Promise<string>);

/** Options every client takes, XDR or standalone. */
export interface ClientOptions {
  /**
   * The API's base URL. On a single-API XDR client (`createIrohClient`…) it is that API's entry of
   * `baseUrls` (IROH's also moves the token URL); `createXdr` takes `baseUrls` instead.
   */
  baseUrl?: string | undefined;
  /** OAuth2 client credentials. */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** A token obtained elsewhere; used as is (no refresh, no scope check). */
  accessToken?: TokenProvider | undefined;
  /** HTTP basic credentials. */
  username?: string | undefined;
  password?: string | undefined;
  /** API key, for specs whose security scheme is `apiKey`. */
  apiKey?: string | undefined;
  /** Per attempt. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number | undefined;
  /** Longest `Retry-After` the client waits for; longer → `RateLimitError` at once. Default 60 000. */
  maxRetryAfterMs?: number | undefined;
  /** First backoff delay; doubles per retry (with up to 25 % jitter). Default 500. */
  retryDelayMs?: number | undefined;
  /** Cap of the backoff delay. Default 8 000. */
  maxRetryDelayMs?: number | undefined;
  /** Largest success body read, in bytes; more → `ResponseTooLargeError`. Default: no cap. */
  maxResponseBytes?: number | undefined;
  /** Allow `http://` base URLs to hosts other than loopback (cleartext credentials!). Default false. */
  allowInsecureHttp?: boolean | undefined;
  logger?: Logger | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  /** An undici dispatcher (e.g. `ProxyAgent`), passed to `fetch` as `dispatcher`. */
  dispatcher?: unknown;
  /** Extra headers on every request. */
  headers?: Record<string, string> | undefined;
  /**
   * Called once per client and version when a server names a version of its API other than the
   * one the SDK was generated from. Default: one `logger.warn` line.
   */
  onDrift?: ((drift: Drift) => void) | undefined;
  /**
   * A client-side share of the organisation's rate limit (`createBudget({ share: 2000 })` from
   * `xdr-sdk/budget`), in memory or shared by many processes through Redis.
   */
  budget?: Budget | undefined;
}

/** Options of `createXdr` and of each `create…Client`. */
export interface XdrOptions extends ClientOptions {
  /** Default `us`. */
  region?: Region | undefined;
  baseUrls?: BaseUrls | undefined;
}

/** Per-call options, the last argument of every named method. */
export interface RequestOptions {
  /** Query parameters for operations whose argument is the body itself (`deliberate(observables, { query: { mids } })`). */
  query?: Record<string, unknown> | undefined;
  signal?: AbortSignal | undefined;
  /** Per attempt, ≥ 0 (0: none). Default: the client's. */
  timeoutMs?: number | undefined;
  maxRetries?: number | undefined;
  headers?: Record<string, string> | undefined;
  /** Lane under a `budget`: high (response actions, deletes), normal, low (bulk, later pages). */
  priority?: Priority | undefined;
  /** Paged calls: stop iterating after this many pages. */
  maxPages?: number | undefined;
  /** Paged calls: stop iterating after this many items. */
  maxItems?: number | undefined;
}

/** What the generator knows about an API's hosts: emitted into `<api>/client.ts`. */
export interface ApiDescriptor {
  /** `iroh` | `ctia` | `automation`, or the `--name` of a standalone package. */
  readonly name: string;
  /** Base URL per region; an API with one server lists it for every region. */
  readonly servers: Readonly<Record<Region, string>>;
  /** OAuth2 token URL per region; absent for APIs without OAuth2. */
  readonly tokenUrls?: Readonly<Record<Region, string>>;
  /** Standalone packages: the spec's security schemes, first match wins. */
  readonly auth?: readonly AuthScheme[];
  /**
   * Some operation takes no credentials: a client made without any is usable, and a call that
   * needs them fails (ConfigurationError, nothing sent) instead of the client's creation.
   */
  readonly anonymous?: true;
  /** `<package>/<version>`, the first word of the User-Agent. */
  readonly sdk?: string;
  /**
   * The service version the SDK was generated from, and the response header that names the
   * version a server runs (`X-Iroh-Api-Version`, `X-Ctia-Version`…): a difference is reported
   * once per client and version (`onDrift`, else the logger's `warn`).
   */
  readonly version?: { readonly header: string; readonly value: string };
}

/** A server runs another version of its API than the SDK was generated from. */
export interface Drift {
  readonly api: string;
  readonly header: string;
  /** What the SDK was generated from. */
  readonly expected: string;
  /** What the server says it runs. */
  readonly received: string;
}

// ---- What the runtime returns (implemented in promise.ts, transport.ts) -------------------------

export interface Observable {
  type: string;
  value: string;
}

/** From `X-Ratelimit-{Org,Group}-Limit` / `-Remaining`. */
export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
}

export interface WithResponse<T> {
  data: T;
  response: Response;
  /** `X-Request-Id`: quote it to Cisco support. */
  requestId?: string;
  rateLimit?: RateLimitInfo;
}

/** The success body; `.withResponse()` also gives the `Response` and its request id. */
export interface ApiPromise<T> extends Promise<T> {
  withResponse(): Promise<WithResponse<T>>;
}

export interface Page<Item> {
  readonly items: Item[];
  /** `X-Total-Hits` (CTIA). */
  readonly totalHits?: number;
  readonly response: Response;
  hasNextPage(): boolean;
  /** Throws `XdrError` when there is no next page. */
  nextPage(): PagePromise<Item>;
}

/** Awaits to the first page; `for await` yields every item of every page. */
export interface PagePromise<Item> extends Promise<Page<Item>>, AsyncIterable<Item> {}

/**
 * One API's client core: the generated client is a thin typed layer over it. Paging and the raw
 * `fetch` are free functions over a transport (`paginate(t, op, args)`, `transportFetch(t)`), so
 * that a bundle that makes plain calls only leaves them out.
 */
export interface Transport {
  readonly api: ApiDescriptor;
  /** Base URL in use, without a trailing slash. */
  readonly baseUrl: string;
  call<O extends Operation>(
    op: O,
    args: ArgsOf<O>,
    options?: RequestOptions,
  ): ApiPromise<ResultOf<O>>;
}

/** Options of `startWorkflowAndWait` (`workflows.start(args, { wait: true, … })`). */
export interface WaitOptions extends RequestOptions {
  /** First wait between polls; ×1.5 per poll. Default 1 000. */
  pollIntervalMs?: number | undefined;
  /** Default 10 000. */
  maxPollIntervalMs?: number | undefined;
  /** Overall bound of the wait, start and polls included; then `TimeoutError`. Default 300 000. */
  waitTimeoutMs?: number | undefined;
  /** Called after each poll with the run's state (progress bars, logs). */
  onPoll?: ((progress: WaitProgress) => void) | undefined;
}

/** What `onPoll` is told after each poll of a workflow run. */
export interface WaitProgress {
  readonly id: string;
  /** Lower-cased `status.state`, e.g. `running`. */
  readonly state: string;
  /** 1 for the first poll. */
  readonly poll: number;
  readonly elapsedMs: number;
  readonly instance: unknown;
}

/**
 * A workflow-start method (`workflows.start`): resolves to the start response, or with
 * `{ wait: true }` starts the run and resolves to its final instance once it succeeded
 * (`WorkflowRunError` when it failed or was cancelled, `TimeoutError` after `waitTimeoutMs`).
 */
export interface WaitableStart<Args, Started, Instance> {
  (args: Args, options: WaitOptions & { wait: true }): Promise<Instance>;
  (args: Args, options?: RequestOptions & { wait?: false }): ApiPromise<Started>;
}
