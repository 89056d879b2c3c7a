// The request loop: build → auth (+ scope check) → client-side limit → fetch with a timeout →
// retry or not → parse. Per-client work happens once in `createTransport` (its settings are
// closure variables, which also keeps the minified bundle small); a call allocates little and
// arms at most one timer per attempt.
import {
  ApiError,
  AuthenticationError,
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
import type { Cursor } from "./pagination.js";
import { type Raw, apiPromise } from "./promise.js";
import {
  abortController,
  aborted,
  backoffMs,
  isRetryableStatus,
  onAbort,
  parseRetryAfter,
  reserveSlot,
  sleep,
} from "./retry.js";
import { missingScopes } from "./scopes.js";
import { type Token, type TokenSource, reason, tokenSource } from "./token.js";
import type {
  ApiDescriptor,
  BodyEncoding,
  Operation,
  RequestOptions,
  Transport,
  XdrOptions,
} from "./types.js";

const REGIONS: readonly string[] = ["us", "eu", "apjc"];
/** Cisco XDR hosts; group 1 or 2 is the region (none: us). */
const CISCO_HOST =
  /^(?:visibility|private\.intel|intel)(?:\.(eu|apjc))?\.amp\.cisco\.com$|^automate\.(us|eu|apjc)\.security\.cisco\.com$/;
const JSON_TYPE = "application/json";

// DOM's RequestInit has no `dispatcher` and @types/node types it with undici's class; the
// runtime passes the caller's through untouched, so it is `unknown` here and cast at the call.
type Body = NonNullable<RequestInit["body"]>;
type FetchInit = Omit<RequestInit, "dispatcher"> & { dispatcher?: unknown };

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

/** What `paginate` and `transportFetch` need of a transport: its request loop, in parts. */
export interface Internals {
  /** Builds a named call, with the query of a page cursor. */
  build(op: Operation, args: unknown, options?: RequestOptions, cursor?: Cursor): Built;
  /**
   * Sends a request, attempts included (`op`: undefined on the raw path). `prepare` runs first
   * inside the returned promise, so that a request that cannot be built rejects it.
   */
  run(prepare: () => Built, op: Operation | undefined, options?: RequestOptions): Promise<Raw>;
  /** `options.headers`, keys lower-cased. */
  readonly headers: Record<string, string>;
  readonly dispatcher: unknown;
}

const internals = new WeakMap<Transport, Internals>();

/** The request loop of a transport made by `createTransport`. */
export function internalsOf(t: Transport): Internals {
  const i = internals.get(t);
  if (!i) throw new XdrError("not a transport made by createTransport");
  return i;
}

export function createTransport(api: ApiDescriptor, o: XdrOptions = {}): Transport {
  // ---- Options, checked once ----
  const region = o.region ?? "us";
  if (!REGIONS.includes(region)) {
    throw new ConfigurationError(`Unknown region "${region}": use "us", "eu" or "apjc"`);
  }
  const urls: Record<string, string | undefined> = { ...o.baseUrls };
  for (const key in urls) {
    const value = urls[key];
    if (value === undefined) continue;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      // reported below
    }
    if (!url || !/^https?:$/.test(url.protocol)) {
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
  ] as const) {
    const v: unknown = o[name];
    if (v !== undefined && !(typeof v === "number" && v >= 0)) {
      throw new ConfigurationError(`${name} must be a number ≥ 0`);
    }
  }
  /** `options.headers`, keys lower-cased. */
  const common: Record<string, string> = {};
  for (const k in o.headers) common[k.toLowerCase()] = o.headers[k]!;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const maxRetries = o.maxRetries ?? 2;
  const maxRetryAfterMs = o.maxRetryAfterMs ?? 60_000;
  const { fetch: fetchFn, dispatcher, logger: log, clientId, clientSecret, accessToken } = o;
  /** Never to be shown: scrubbed from error bodies. */
  const secrets = [clientSecret, accessToken];
  /** Sliding windows of the client-side limiter, per path. */
  const windows = new Map<string, number[]>();

  let token: TokenSource | undefined;
  /** `Bearer <accessToken>` when a ready token was given. */
  let bearer: string | undefined;
  if (accessToken !== undefined) {
    if (!accessToken) throw new ConfigurationError("accessToken is empty");
    bearer = "Bearer " + accessToken;
  } else if (api.tokenUrls || urls.token) {
    const names = [clientId ? "" : "clientId", clientSecret ? "" : "clientSecret"].filter(Boolean);
    if (names.length) {
      throw new ConfigurationError(
        `${names.join(" and ")} ${names[1] ? "are" : "is"} missing: ` +
          `pass clientId and clientSecret (or accessToken)`,
      );
    }
    token = tokenSource({
      tokenUrl:
        urls.token ?? (urls.iroh ? urls.iroh + "/iroh/oauth2/token" : api.tokenUrls![region]),
      clientId: clientId!,
      clientSecret: clientSecret!,
      fetch: fetchFn,
      dispatcher,
      timeoutMs,
      headers: common,
      logger: log,
    });
  } else if (clientId || clientSecret) {
    throw new ConfigurationError(`API ${api.name} has no token URL: set baseUrls.token`);
  }

  const base = urls[api.name] ?? api.servers[region];
  if (!base) {
    // The spec names no server (OpenAPI allows that): the caller must say where the API is.
    throw new ConfigurationError(`API ${api.name} has no server URL: set baseUrls.${api.name}`);
  }

  // ---- Building a request ----

  const build: Internals["build"] = (op, args, ro, cursor) => {
    const { args: style, pathParams: p = [], queryParams: q = [], headerParams: h = [] } = op;
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
          if (v != null) headers[k.toLowerCase()] = String(v);
        } else if (q.includes(k)) {
          if (!skip(k)) query = addQuery(query, k, v);
        } else if (!p.includes(k) && style === "flat" && v !== undefined) {
          (rest ??= {})[k] = v;
        }
      }
      if (style === "flat") body = rest ?? (op.body === "json" ? {} : undefined);
    }
    const path = op.path.replace(/\{([^}]+)\}/g, (_, k: string) => {
      const v = a?.[k];
      if (v == null || v === "") throw new XdrError(`${op.name}: path parameter "${k}" is missing`);
      return encodeURIComponent(String(v));
    });
    for (const k in ro?.query) if (!skip(k)) query = addQuery(query, k, ro.query[k]);
    if (cursor) query = query ? query + "&" + cursor.query : cursor.query;
    for (const k in ro?.headers) headers[k.toLowerCase()] = ro.headers[k]!;
    const encoded = op.body && body !== undefined ? encode(op.body, body, headers) : undefined;
    const stream = encoded instanceof ReadableStream;
    return {
      url: base + path + (query ? "?" + query : ""),
      method: op.method,
      path,
      headers,
      init: {
        method: op.method,
        headers,
        body: encoded,
        dispatcher,
        ...(stream ? { duplex: "half" } : undefined),
      },
      safe: op.safe === true && !stream,
    };
  };

  // ---- The loop ----

  const run: Internals["run"] = async (prepare, op, ro) => {
    const b = prepare();
    const raw = b.request;
    const signal = ro?.signal;
    const name = op ? op.name : "fetch";
    const ms = ro?.timeoutMs ?? timeoutMs;
    const max = ro?.maxRetries ?? maxRetries;
    const auth = op?.auth !== false && (token || bearer);
    let retries = 0;
    let reauthed = false;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw aborted(signal);
      const started = Date.now();
      let t: Token | undefined;
      let res: Response | undefined;
      let error: unknown;
      let retryable: boolean;
      let retryAfter: number | undefined;
      let refresh = false;
      let sent = false;
      let awaitingToken = false;
      let ctrl: AbortController | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let unlink: (() => void) | undefined;
      try {
        if (auth) {
          if (token) {
            awaitingToken = true;
            const got = token.get();
            t = got instanceof Promise ? await raceAbort(got, signal) : got;
            awaitingToken = false;
            if (op?.scopes?.length && t.scopes && !t.checked.has(op)) {
              const missing = missingScopes(t.scopes, op.scopes);
              if (missing.length) throw new MissingScopeError(op.name, missing, t.scopes);
              t.checked.add(op);
            }
            b.headers.authorization = t.header;
          } else b.headers.authorization = bearer!;
        }
        if (op?.rateLimit) await limit(op, signal);
        // One controller per attempt, fired by the timer or by the caller's signal (a listener
        // removed after the attempt, rather than AbortSignal.any, which long-lived signals pile up).
        const timed = ms > 0 && ms < Infinity;
        if (timed || signal) ctrl = new AbortController();
        if (timed) timer = setTimeout(abortController, ms, ctrl!);
        if (signal) unlink = onAbort(signal, () => ctrl!.abort());
        b.init.signal = ctrl?.signal;
        sent = true;
        res = await (fetchFn ?? fetch)(raw ? raw() : b.url, b.init as RequestInit);
        const status = res.status;
        if (res.ok) return { data: raw ? undefined : await parse(op!, res, t), response: res };
        refresh = status === 401 && t !== undefined && !reauthed;
        retryable = refresh || (isRetryableStatus(status) && (b.safe || status === 429));
        retryAfter = refresh ? 0 : parseRetryAfter(res.headers.get("retry-after"));
        if (raw) {
          const giveUp = !refresh && (retries >= max || retryAfter! > maxRetryAfterMs);
          if (!retryable || giveUp) return { data: undefined, response: res };
          await res.body?.cancel();
        } else {
          error = apiError({
            status,
            operation: name,
            body: await readBody(res, [...secrets, t?.value]),
            headers: res.headers,
            retryAfterMs: retryAfter,
          });
        }
        if (refresh) {
          reauthed = true;
          token!.invalidate(t!.value);
        }
      } catch (e) {
        error = e;
        if (signal?.aborted) throw aborted(signal);
        if (e instanceof XdrError) {
          // Failed before sending (token endpoint, limiter): repeating is safe whatever the method.
          if (
            sent ||
            !(
              e instanceof ConnectionError ||
              e instanceof TimeoutError ||
              e instanceof ServerError ||
              e instanceof RateLimitError
            )
          ) {
            throw e;
          }
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
        log?.debug("xdr request", {
          api: api.name,
          operation: name,
          method: b.method,
          path: b.path,
          status: res?.status,
          durationMs: Date.now() - started,
          attempt,
          error: (error as Error | undefined)?.name,
        });
      }
      if (!retryable) throw error;
      if (!refresh) {
        if (retries >= max || retryAfter! > maxRetryAfterMs) {
          throw awaitingToken ? tokenFailure(error as XdrError) : error;
        }
        const delay = retryAfter ?? backoffMs(retries, o.retryDelayMs, o.maxRetryDelayMs);
        retries++;
        log?.debug("xdr retry", { operation: name, attempt, delayMs: delay });
        await sleep(delay, signal);
      }
    }
  };

  const parse = async (op: Operation, res: Response, t?: Token): Promise<unknown> => {
    const kind = op.response ?? "json";
    const { status, headers } = res;
    if (kind === "binary" && status !== 204) return res.blob();
    const text = await res.text();
    if (kind === "text") return status === 204 ? undefined : text;
    if (kind === "none" || !text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiError({
        status,
        operation: op.name,
        body: redact(text.slice(0, 2000), [...secrets, t?.value]),
        headers,
        message:
          `${op.name}: HTTP ${status} with a body that is not valid JSON ` +
          `(content-type ${headers.get("content-type") ?? "none"})`,
      });
    }
  };

  /** Waits for a slot of the operation's client-side limit. */
  const limit = async (op: Operation, signal: AbortSignal | undefined): Promise<void> => {
    const rule = op.rateLimit!;
    let times = windows.get(op.path);
    if (!times) windows.set(op.path, (times = []));
    const wait = reserveSlot(times, rule, Date.now(), maxRetryAfterMs);
    if (wait > maxRetryAfterMs) {
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
  };

  const t: Transport = {
    api,
    baseUrl: base,
    call: (op, args, ro) => apiPromise(run(() => build(op, args, ro), op, ro)),
  };
  internals.set(t, { build, run, headers: common, dispatcher });
  return t;
}

// ---- Per operation ----------------------------------------------------------------------------

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
  const type = (t: string): void => void (headers["content-type"] ??= t);
  if (kind === "json") {
    type(JSON_TYPE);
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

function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return signal
    ? new Promise<T>((resolve, reject) => {
        const unlink = onAbort(signal, () => reject(aborted(signal)));
        p.then(resolve, reject).finally(unlink);
      })
    : p;
}

/**
 * The token endpoint could not issue a token (5xx, no answer) and retries are spent: to the
 * caller that is a failure to authenticate. A 429 stays a RateLimitError: its wait is the news.
 */
function tokenFailure(e: XdrError): XdrError {
  if (e instanceof RateLimitError || e instanceof AuthenticationError) return e;
  const http = e instanceof ApiError ? e : undefined;
  const failure = new AuthenticationError({
    status: http?.status ?? 0,
    operation: "oauth2.token",
    body: http?.body,
    headers: http?.headers,
    message: http ? undefined : `oauth2.token failed: ${e.message}`,
  });
  return Object.assign(failure, { cause: e });
}
