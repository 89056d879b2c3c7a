// The request loop: build → auth (+ scope check) → client-side limit → fetch with a timeout →
// retry or not → parse. Per-client work happens once in `createTransport`; per-operation work
// once per operation object (`planOf`); a call allocates little and arms at most one timer per
// attempt.
import {
  ApiError,
  ConfigurationError,
  ConnectionError,
  MissingScopeError,
  RateLimitError,
  ServerError,
  TimeoutError,
  XdrError,
  apiError,
  readBody,
  redact,
} from "./errors.js";
import { type Cursor, type Send, pagePromise } from "./pagination.js";
import { type Raw, apiPromise } from "./promise.js";
import {
  abortController,
  aborted,
  backoffMs,
  isRetryableStatus,
  parseRetryAfter,
  reserveSlot,
  sleep,
} from "./retry.js";
import { missingScopes } from "./scopes.js";
import { type Token, type TokenSource, reason, tokenSource } from "./token.js";
import type {
  ApiDescriptor,
  ApiPromise,
  ArgsOf,
  BodyEncoding,
  Logger,
  Operation,
  PageItem,
  PagePromise,
  Region,
  RequestOptions,
  ResultOf,
  Transport,
  XdrOptions,
} from "./types.js";

const REGIONS: readonly string[] = ["us", "eu", "apjc"];
/** Cisco XDR hosts; group 1 or 2 is the region (none: us). */
const CISCO_HOST =
  /^(?:visibility|private\.intel|intel)(?:\.(eu|apjc))?\.amp\.cisco\.com$|^automate\.(us|eu|apjc)\.security\.cisco\.com$/;
const PATH_PARAM = /\{([^}]+)\}/;
const SAFE_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const QUERY = 2;
const HEADER = 3;

interface Client {
  readonly api: ApiDescriptor;
  readonly base: string;
  /** `options.headers`, keys lower-cased. */
  readonly headers: Record<string, string>;
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly dispatcher: unknown;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly maxRetryAfterMs: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly log: Logger | undefined;
  readonly token: TokenSource | undefined;
  /** `Bearer <accessToken>` when a ready token was given. */
  readonly bearer: string | undefined;
  /** Never to be shown: scrubbed from error bodies. */
  readonly secrets: readonly (string | undefined)[];
  /** Sliding windows of the client-side limiter, per path. */
  readonly windows: Map<string, number[]>;
}

export function createTransport(api: ApiDescriptor, options: XdrOptions = {}): Transport {
  const c = configure(api, options);
  const send: Send = (op, args, o, cursor) => exchange(c, op, args, o, cursor);
  return {
    api,
    baseUrl: c.base,
    call<O extends Operation>(op: O, args: ArgsOf<O>, o?: RequestOptions): ApiPromise<ResultOf<O>> {
      return apiPromise(exchange(c, op, args, o, undefined));
    },
    paginate<O extends Operation>(
      op: O,
      args: ArgsOf<O>,
      o?: RequestOptions,
    ): PagePromise<PageItem<ResultOf<O>>> {
      return pagePromise({ send, op, args, options: o }) as PagePromise<PageItem<ResultOf<O>>>;
    },
    async fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
      const req = input instanceof Request && !init ? input : new Request(input, init);
      return (await exchange(c, undefined, init, undefined, undefined, req)).response;
    },
  };
}

// ---- Options ----------------------------------------------------------------------------------

function configure(api: ApiDescriptor, o: XdrOptions): Client {
  const region = (o.region ?? "us") as Region;
  if (!REGIONS.includes(region)) {
    throw new ConfigurationError(`Unknown region "${region}": use "us", "eu" or "apjc"`);
  }
  const urls = { ...o.baseUrls } as Record<string, string | undefined>;
  for (const key in urls) {
    const value = urls[key];
    if (value === undefined) continue;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
      throw new ConfigurationError(`baseUrls.${key} must be an absolute http(s) URL`);
    }
    const m = CISCO_HOST.exec(url.hostname);
    const hostRegion = m && (m[1] ?? m[2] ?? "us");
    if (o.region && hostRegion && hostRegion !== o.region) {
      throw new ConfigurationError(
        `baseUrls.${key} (${url.host}) is a Cisco XDR host of region "${hostRegion}", ` +
          `but region is "${o.region}": drop one of them`,
      );
    }
    urls[key] = value.replace(/\/+$/, "");
  }
  for (const name of [
    "timeoutMs",
    "maxRetries",
    "maxRetryAfterMs",
    "retryDelayMs",
    "maxRetryDelayMs",
  ]) {
    const v = (o as Record<string, unknown>)[name];
    if (v !== undefined && !(typeof v === "number" && v >= 0)) {
      throw new ConfigurationError(`${name} must be a number ≥ 0`);
    }
  }
  const headers: Record<string, string> = {};
  for (const k in o.headers) headers[k.toLowerCase()] = o.headers[k]!;
  const timeoutMs = o.timeoutMs ?? 30_000;

  let token: TokenSource | undefined;
  let bearer: string | undefined;
  if (o.accessToken !== undefined) {
    if (!o.accessToken) throw new ConfigurationError("accessToken is empty");
    bearer = "Bearer " + o.accessToken;
  } else if (api.tokenUrls || urls.token) {
    const missing = [o.clientId ? "" : "clientId", o.clientSecret ? "" : "clientSecret"];
    const names = missing.filter(Boolean);
    if (names.length) {
      throw new ConfigurationError(
        `${names.join(" and ")} ${names.length > 1 ? "are" : "is"} missing: ` +
          `pass clientId and clientSecret (or accessToken)`,
      );
    }
    token = tokenSource({
      tokenUrl:
        urls.token ?? (urls.iroh ? urls.iroh + "/iroh/oauth2/token" : api.tokenUrls![region]),
      clientId: o.clientId!,
      clientSecret: o.clientSecret!,
      fetch: o.fetch,
      dispatcher: o.dispatcher,
      timeoutMs,
      headers,
      logger: o.logger,
    });
  } else if (o.clientId || o.clientSecret) {
    throw new ConfigurationError(`API ${api.name} has no token URL: set baseUrls.token`);
  }

  const base = urls[api.name] ?? api.servers[region];
  if (!base) {
    // The spec names no server (OpenAPI allows that): the caller must say where the API is.
    throw new ConfigurationError(`API ${api.name} has no server URL: set baseUrls.${api.name}`);
  }
  return {
    api,
    base,
    headers,
    fetch: o.fetch,
    dispatcher: o.dispatcher,
    timeoutMs,
    maxRetries: o.maxRetries ?? 2,
    maxRetryAfterMs: o.maxRetryAfterMs ?? 60_000,
    retryDelayMs: o.retryDelayMs ?? 500,
    maxRetryDelayMs: o.maxRetryDelayMs ?? 8_000,
    log: o.logger,
    token,
    bearer,
    secrets: [o.clientSecret, o.accessToken],
    windows: new Map(),
  };
}

// ---- Building a request -----------------------------------------------------------------------

interface Plan {
  /** The path template split on its parameters: odd indexes are parameter names. */
  readonly segments: readonly string[];
  /** Parameter name → QUERY | HEADER (path parameters: 1). */
  readonly kinds: Record<string, number>;
  readonly hasParams: boolean;
  readonly accept: string;
}

const plans = new WeakMap<Operation, Plan>();

function planOf(op: Operation): Plan {
  let plan = plans.get(op);
  if (plan) return plan;
  const kinds: Record<string, number> = Object.create(null);
  for (const n of op.pathParams ?? []) kinds[n] = 1;
  for (const n of op.queryParams ?? []) kinds[n] = QUERY;
  for (const n of op.headerParams ?? []) kinds[n] = HEADER;
  plan = {
    segments: op.path.split(PATH_PARAM),
    kinds,
    hasParams: Object.keys(kinds).length > 0,
    accept: (op.response ?? "json") === "json" ? "application/json" : "*/*",
  };
  plans.set(op, plan);
  return plan;
}

// DOM's RequestInit has no `dispatcher` and @types/node types it with undici's class; the
// runtime passes the caller's through untouched, so it is `unknown` here and cast at the call.
type Body = NonNullable<RequestInit["body"]>;
type FetchInit = Omit<RequestInit, "dispatcher"> & { dispatcher?: unknown };

interface Built {
  readonly url: string;
  /** Path without the query, for logs. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly init: FetchInit;
  /** The operation may be repeated and its body can be sent again. */
  readonly safe: boolean;
}

function build(
  c: Client,
  op: Operation,
  args: unknown,
  o: RequestOptions | undefined,
  cursor: Cursor | undefined,
): Built {
  const plan = planOf(op);
  const headers: Record<string, string> = { accept: plan.accept, ...c.headers };
  const style = op.args;
  const a = args as Record<string, unknown> | undefined;
  let query = "";
  let body: unknown;
  if (style === "body") body = args;
  else if (style === "split") body = a?.body;
  else if (style === "flat") body = plan.hasParams ? undefined : args;
  if (a && plan.hasParams && (style === "flat" || style === "split")) {
    let rest: Record<string, unknown> | undefined;
    for (const k in a) {
      const kind = plan.kinds[k];
      const v = a[k];
      if (kind === QUERY) {
        if (!cursor?.keys.has(k)) query = addQuery(query, k, v);
      } else if (kind === HEADER) {
        if (v != null) headers[k.toLowerCase()] = String(v);
      } else if (kind === undefined && style === "flat" && v !== undefined) {
        (rest ??= {})[k] = v;
      }
    }
    if (style === "flat") body = rest ?? (op.body === "json" ? {} : undefined);
  }
  const segs = plan.segments;
  let path = segs[0]!;
  for (let i = 1; i < segs.length; i += 2) {
    const v = a?.[segs[i]!];
    if (v == null || v === "") {
      throw new XdrError(`${op.name}: path parameter "${segs[i]}" is missing`);
    }
    path += encodeURIComponent(String(v)) + segs[i + 1];
  }
  if (o?.query) {
    for (const k in o.query) if (!cursor?.keys.has(k)) query = addQuery(query, k, o.query[k]);
  }
  if (cursor) query = query ? query + "&" + cursor.query : cursor.query;
  if (o?.headers) for (const k in o.headers) headers[k.toLowerCase()] = o.headers[k]!;
  const encoded = op.body && body !== undefined ? encode(op.body, body, headers) : undefined;
  const stream = encoded instanceof ReadableStream;
  return {
    url: c.base + path + (query ? "?" + query : ""),
    path,
    headers,
    init: {
      method: op.method,
      headers,
      body: encoded,
      dispatcher: c.dispatcher,
      ...(stream ? { duplex: "half" } : undefined),
    },
    safe: op.safe === true && !stream,
  };
}

function scalar(v: unknown): string {
  return typeof v === "object" && v !== null
    ? v instanceof Date
      ? v.toISOString()
      : JSON.stringify(v)
    : String(v);
}

function addQuery(q: string, k: string, v: unknown): string {
  if (v == null) return q;
  if (Array.isArray(v)) {
    for (const x of v) q = addQuery(q, k, x);
    return q;
  }
  return (q ? q + "&" : "") + encodeURIComponent(k) + "=" + encodeURIComponent(scalar(v));
}

function encode(kind: BodyEncoding, body: unknown, headers: Record<string, string>): Body {
  if (kind === "json") {
    headers["content-type"] ??= "application/json";
    return JSON.stringify(body);
  }
  if (kind === "text") {
    headers["content-type"] ??= "text/plain; charset=utf-8";
    return String(body);
  }
  if (kind === "binary") {
    if (!(body instanceof Blob && body.type))
      headers["content-type"] ??= "application/octet-stream";
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

/** The raw path: a `Request` from openapi-fetch; `headers` holds what to add to each attempt. */
function fromRequest(c: Client, req: Request, init: unknown): Built {
  const dispatcher = (init as { dispatcher?: unknown } | undefined)?.dispatcher;
  return {
    url: req.url,
    path: new URL(req.url).pathname,
    headers: { ...c.headers },
    init: { dispatcher: dispatcher ?? c.dispatcher },
    safe: SAFE_METHODS.has(req.method),
  };
}

// ---- The loop ---------------------------------------------------------------------------------

/**
 * One call, attempts included. Named calls pass `op` and `args`; the raw path passes the
 * `Request` as `raw` and the caller's `RequestInit` (for its `dispatcher`) as `args`.
 */
async function exchange(
  c: Client,
  op: Operation | undefined,
  args: unknown,
  o: RequestOptions | undefined,
  cursor: Cursor | undefined,
  raw?: Request,
): Promise<Raw> {
  const b = raw ? fromRequest(c, raw, args) : build(c, op!, args, o, cursor);
  const name = op ? op.name : "fetch";
  const signal = raw ? raw.signal : o?.signal;
  const ms = o?.timeoutMs ?? c.timeoutMs;
  const maxRetries = o?.maxRetries ?? c.maxRetries;
  const auth = op?.auth !== false && (c.token || c.bearer);
  let retries = 0;
  let reauthed = false;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw aborted(signal);
    const started = Date.now();
    let token: Token | undefined;
    let res: Response | undefined;
    let error: unknown;
    let retryable: boolean;
    let retryAfter: number | undefined;
    let refresh = false;
    let sent = false;
    let ctrl: AbortController | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unlink: (() => void) | undefined;
    try {
      if (auth) {
        if (c.token) {
          const t = c.token.get();
          token = t instanceof Promise ? await raceAbort(t, signal) : t;
          if (op?.scopes?.length && token.scopes && !token.checked.has(op)) {
            const missing = missingScopes(token.scopes, op.scopes);
            if (missing.length) throw new MissingScopeError(op.name, missing, token.scopes);
            token.checked.add(op);
          }
          b.headers.authorization = token.header;
        } else b.headers.authorization = c.bearer!;
      }
      if (op?.rateLimit) await limit(c, op, signal);
      // One controller per attempt, fired by the timer or by the caller's signal (a listener
      // removed after the attempt, rather than AbortSignal.any, which long-lived signals pile up).
      const timed = ms > 0 && ms < Infinity;
      if (timed || signal) ctrl = new AbortController();
      if (timed) timer = setTimeout(abortController, ms, ctrl!);
      if (signal) unlink = link(signal, ctrl!);
      b.init.signal = ctrl?.signal;
      sent = true;
      res = await (c.fetch ?? fetch)(raw ? withHeaders(raw.clone(), b.headers) : b.url, b.init as RequestInit);
      const status = res.status;
      if (res.ok) return { data: raw ? undefined : await parse(c, op!, res, token), response: res };
      refresh = status === 401 && token !== undefined && !reauthed;
      retryable = refresh || (isRetryableStatus(status) && (b.safe || status === 429));
      retryAfter = refresh ? 0 : parseRetryAfter(res.headers.get("retry-after"));
      if (raw) {
        const giveUp = !refresh && (retries >= maxRetries || retryAfter! > c.maxRetryAfterMs);
        if (!retryable || giveUp) return { data: undefined, response: res };
        await res.body?.cancel();
      } else {
        error = apiError({
          status,
          operation: name,
          body: await readBody(res, [...c.secrets, token?.value]),
          headers: res.headers,
          retryAfterMs: retryAfter,
        });
      }
      if (refresh) {
        reauthed = true;
        c.token!.invalidate(token!.value);
      }
    } catch (e) {
      error = e;
      if (signal?.aborted) throw aborted(signal);
      if (e instanceof XdrError) {
        // Failed before sending (token endpoint, limiter): repeating is safe whatever the method.
        if (sent || !isTransient(e)) throw e;
        retryable = true;
        retryAfter = (e as RateLimitError).retryAfterMs;
      } else {
        error = ctrl?.signal.aborted
          ? new TimeoutError(`${name}: no answer within ${ms} ms`)
          : new ConnectionError(`${name}: connection failed (${reason(e)})`, { cause: e });
        retryable = b.safe;
      }
    } finally {
      clearTimeout(timer);
      unlink?.();
      c.log?.debug("xdr request", {
        api: c.api.name,
        operation: name,
        method: raw ? raw.method : op!.method,
        path: b.path,
        status: res?.status,
        durationMs: Date.now() - started,
        attempt,
        error: (error as Error | undefined)?.name,
      });
    }
    if (!retryable) throw error;
    if (!refresh) {
      if (retries >= maxRetries || retryAfter! > c.maxRetryAfterMs) throw error;
      const delay = retryAfter ?? backoffMs(retries, c.retryDelayMs, c.maxRetryDelayMs);
      retries++;
      c.log?.debug("xdr retry", { operation: name, attempt, delayMs: delay });
      await sleep(delay, signal);
    }
  }
}

/** Aborts `ctrl` when `signal` fires; returns the undo. */
function link(signal: AbortSignal, ctrl: AbortController): () => void {
  const onAbort = (): void => ctrl.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

function isTransient(e: XdrError): boolean {
  return (
    e instanceof ConnectionError ||
    e instanceof TimeoutError ||
    e instanceof ServerError ||
    e instanceof RateLimitError
  );
}

function withHeaders(req: Request, headers: Record<string, string>): Request {
  for (const k in headers) {
    if (k === "authorization" || !req.headers.has(k)) req.headers.set(k, headers[k]!);
  }
  return req;
}

async function parse(c: Client, op: Operation, res: Response, token?: Token): Promise<unknown> {
  const kind = op.response ?? "json";
  if (kind === "binary" && res.status !== 204) return res.blob();
  const text = await res.text();
  if (kind === "text") return res.status === 204 ? undefined : text;
  if (kind === "none" || !text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError({
      status: res.status,
      operation: op.name,
      body: redact(text.slice(0, 2000), [...c.secrets, token?.value]),
      headers: res.headers,
      message:
        `${op.name}: HTTP ${res.status} with a body that is not valid JSON ` +
        `(content-type ${res.headers.get("content-type") ?? "none"})`,
    });
  }
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Waits for a slot of the operation's client-side limit. */
async function limit(c: Client, op: Operation, signal: AbortSignal | undefined): Promise<void> {
  const rule = op.rateLimit!;
  let times = c.windows.get(op.path);
  if (!times) c.windows.set(op.path, (times = []));
  const wait = reserveSlot(times, rule, Date.now(), c.maxRetryAfterMs);
  if (wait > c.maxRetryAfterMs) {
    throw new RateLimitError({
      status: 429,
      operation: op.name,
      retryAfterMs: wait,
      message:
        `${op.name}: the limit of ${rule.requests} requests per ${rule.perMs} ms is used up; ` +
        `next slot in ${wait} ms (more than maxRetryAfterMs)`,
    });
  }
  if (wait > 0) await sleep(wait, signal);
}
