// The request loop: build → auth (+ scope check) → client-side limit → fetch with a timeout →
// retry or not → parse. Per-client work happens once in `createTransport` (its settings are
// closure variables, which also keeps the minified bundle small); a call allocates little and
// arms at most one timer per attempt.
//
// Bounds of one call: at most 1 + maxRetries attempts, plus one more after a 401 (one token
// refresh); each attempt — token wait, headers and body — ends within timeoutMs.
import {
  ApiError,
  ConfigurationError,
  ConnectionError,
  MissingScopeError,
  RateLimitError,
  ResponseTooLargeError,
  ServerError,
  TimeoutError,
  UsageError,
  XdrError,
  apiError,
  clean,
  readBody,
  readText,
  reason,
  redact,
  safeCause,
  scrubHeaders,
} from "./errors.js";
import { checkBaseUrl, checkHeaders, isCount, isHeaderValue } from "./options.js";
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
import type { BudgetCall } from "./budget.js";
import { type Token, type TokenSource, tokenSource } from "./token.js";
import type {
  ApiDescriptor,
  AuthScheme,
  BodyEncoding,
  Operation,
  RequestOptions,
  Transport,
  XdrOptions,
} from "./types.js";

const REGIONS: readonly string[] = ["us", "eu", "apjc"];
/** Cisco XDR hosts; group 1 or 2 is the region (none: us). */
const CISCO_HOST =
  /^(?:visibility|private\.intel|intel)(?:\.(eu|apjc))?\.amp\.cisco\.com$|^(?:automate|conure)\.(us|eu|apjc)\.security\.cisco\.com$/;
const JSON_TYPE = "application/json";
/** What the budget sees of a raw-client request. */
const RAW: Operation = { name: "fetch", method: "GET", path: "", args: "none" };
/** Redirects followed within the origin; any to another origin is refused. */
const MAX_HOPS = 5;

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
  /** `options.headers` (and the User-Agent), keys lower-cased. */
  readonly headers: Record<string, string>;
  readonly dispatcher: unknown;
  readonly logger: XdrOptions["logger"];
}

const internals = new WeakMap<Transport, Internals>();

/** The request loop of a transport made by `createTransport`. */
export function internalsOf(t: Transport): Internals {
  const i = internals.get(t);
  if (!i) throw new XdrError("not a transport made by createTransport");
  return i;
}

/** `<sdk>/<version> node/<version>` (or bun/deno); none in a browser, which sets its own. */
function userAgent(api: ApiDescriptor): string | undefined {
  const g = globalThis as {
    process?: { versions?: Record<string, string | undefined> };
    Deno?: { version?: { deno?: string } };
  };
  const v = g.process?.versions;
  const runtime = g.Deno?.version?.deno
    ? "deno/" + g.Deno.version.deno
    : v?.bun
      ? "bun/" + v.bun
      : v?.node
        ? "node/" + v.node
        : undefined;
  return runtime && `${api.sdk ?? "xdr-sdk"} ${runtime}`;
}

/**
 * The request loop of one API: a typed `call(op, args, options)` with tokens, retries, timeouts
 * and typed errors. Generated clients are thin layers over it; for the smallest bundles call
 * operation descriptors through it directly:
 *
 * @example
 * import { createTransport, IROH_API } from "xdr-sdk/iroh";
 * import { inspect } from "xdr-sdk/iroh/operations";
 * const iroh = createTransport(IROH_API, { clientId, clientSecret, region: "eu" });
 * const observables = await iroh.call(inspect, { content: "8.8.8.8" });
 */
export function createTransport(api: ApiDescriptor, o: XdrOptions = {}): Transport {
  // ---- Options, checked once ----
  const region = o.region ?? "us";
  if (!REGIONS.includes(region)) {
    throw new ConfigurationError(
      `Unknown region "${clean(String(region))}": use "us", "eu" or "apjc"`,
    );
  }
  const insecure = o.allowInsecureHttp === true;
  const urls: Record<string, string | undefined> = Object.create(null) as Record<string, string>;
  for (const key in o.baseUrls) {
    const value = o.baseUrls[key];
    if (value === undefined) continue;
    const option = `baseUrls.${clean(key)}`;
    const url = checkBaseUrl(option, value, insecure);
    const m = CISCO_HOST.exec(new URL(url).hostname);
    const hostRegion = m && (m[1] ?? m[2] ?? "us");
    if (o.region && hostRegion && hostRegion !== o.region) {
      throw new ConfigurationError(
        `${option} (${new URL(url).host}) is a Cisco XDR host of region "${hostRegion}", ` +
          `but region is "${o.region}": drop one of them`,
      );
    }
    urls[key] = url;
  }
  for (const name of [
    "timeoutMs",
    "maxRetries",
    "maxRetryAfterMs",
    "retryDelayMs",
    "maxRetryDelayMs",
    "maxResponseBytes",
  ] as const) {
    const v: unknown = o[name];
    if (v !== undefined && !isCount(v))
      throw new ConfigurationError(`${name} must be a number ≥ 0`);
  }
  /** `options.headers`, keys lower-cased, and the User-Agent. */
  const common = checkHeaders("headers", o.headers, false);
  const ua = userAgent(api);
  if (ua && !common["user-agent"]) common["user-agent"] = ua;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const maxRetries = o.maxRetries ?? 2;
  const maxRetryAfterMs = o.maxRetryAfterMs ?? 60_000;
  const maxBytes = o.maxResponseBytes;
  const budget = o.budget;
  const { fetch: fetchFn, dispatcher, logger: log, clientId, clientSecret, accessToken } = o;
  /** Scheme of the API (standalone packages); XDR: OAuth2 at the region's token URL. */
  const scheme: AuthScheme | undefined = api.auth
    ? pickScheme(api.auth, o)
    : api.tokenUrls || urls.token
      ? { type: "oauth2", tokenUrl: api.tokenUrls?.[region as "us"] ?? "" }
      : undefined;
  /** Never to be shown: scrubbed from every message, body and header kept on an error. */
  const own = [
    clientSecret,
    typeof accessToken === "string" ? accessToken : undefined,
    o.password,
    o.apiKey,
  ];
  let token: TokenSource | undefined;
  /** The Authorization header (bearer or basic) when no token endpoint is involved. */
  let fixed: string | undefined;
  /** A caller's function that returns the current bearer token. */
  let provider: (() => string | Promise<string>) | undefined;
  /** API key: where it goes. */
  let keyIn: { in: string; name: string } | undefined;
  if (typeof accessToken === "function") {
    provider = accessToken;
  } else if (accessToken !== undefined) {
    if (typeof accessToken !== "string" || !accessToken) {
      throw new ConfigurationError("accessToken is empty");
    }
    if (!isHeaderValue(accessToken) || /\s/.test(accessToken)) {
      throw new ConfigurationError(
        "accessToken has a space, a line break or a character headers cannot carry",
      );
    }
    fixed = "Bearer " + accessToken;
  } else if (scheme?.type === "oauth2") {
    const names = [clientId ? "" : "clientId", clientSecret ? "" : "clientSecret"].filter(Boolean);
    if (names.length) {
      throw new ConfigurationError(
        `${names.join(" and ")} ${names[1] ? "are" : "is"} missing: ` +
          `pass clientId and clientSecret (or accessToken)`,
      );
    }
    let tokenUrl = urls.token ?? (urls.iroh ? urls.iroh + "/iroh/oauth2/token" : scheme.tokenUrl);
    if (!tokenUrl)
      throw new ConfigurationError(`API ${api.name} has no token URL: set baseUrls.token`);
    tokenUrl = checkBaseUrl(urls.token ? "baseUrls.token" : "the token URL", tokenUrl, insecure);
    token = tokenSource({
      tokenUrl,
      clientId: clientId!,
      clientSecret: clientSecret!,
      fetch: fetchFn,
      dispatcher,
      timeoutMs,
      headers: common,
      logger: log,
      shared: o.budget,
    });
  } else if (scheme?.type === "basic") {
    if (o.username === undefined || o.password === undefined) {
      throw new ConfigurationError("username and password are needed (HTTP basic)");
    }
    fixed =
      "Basic " +
      btoa(String.fromCharCode(...new TextEncoder().encode(`${o.username}:${o.password}`)));
    own.push(fixed, `${o.username}:${o.password}`);
  } else if (scheme?.type === "apiKey") {
    if (!o.apiKey)
      throw new ConfigurationError(`apiKey is needed (sent as ${scheme.in} "${scheme.name}")`);
    if (!isHeaderValue(o.apiKey))
      throw new ConfigurationError("apiKey has a line break or a character headers cannot carry");
    keyIn = scheme;
  } else if (clientId || clientSecret) {
    throw new ConfigurationError(`API ${api.name} has no token URL: set baseUrls.token`);
  }
  /** Every secret known now or later (tokens are added to the token source's set as issued). */
  const secrets: Iterable<string | undefined> = token
    ? {
        *[Symbol.iterator]() {
          yield* own;
          yield* token!.secrets;
        },
      }
    : own;

  const server = o.baseUrl ?? urls[api.name] ?? api.servers[region as "us"];
  if (!server) {
    // The spec names no server (OpenAPI allows that): the caller must say where the API is.
    throw new ConfigurationError(`API ${api.name} has no server URL: set baseUrl`);
  }
  const base = checkBaseUrl(
    o.baseUrl !== undefined
      ? "baseUrl"
      : urls[api.name]
        ? `baseUrls.${api.name}`
        : `the ${api.name} server URL`,
    server,
    insecure,
  );
  /** Sliding windows of the client-side limiter, per path. */
  const windows = new Map<string, number[]>();
  /** Versions already reported by `drift`. */
  const drifted = new Set<string>();
  const drift = (h: Headers): void => {
    const { header, value: expected } = api.version!;
    const received = h.get(header);
    if (received === null || received === expected || drifted.has(received) || drifted.size > 16) {
      return;
    }
    drifted.add(received);
    const d = { api: api.name, header, expected, received: clean(received) };
    if (o.onDrift) o.onDrift(d);
    else {
      (log?.warn ?? log?.debug)?.call(log, "xdr api version differs from the SDK's", d);
    }
  };

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
          if (v != null) {
            if (!isHeaderValue(String(v))) {
              throw new UsageError(
                `${op.name}: header parameter "${k}" has a line break or a character headers cannot carry`,
                k,
              );
            }
            headers[k.toLowerCase()] = String(v);
          }
        } else if (q.includes(k)) {
          if (!skip(k)) query = addQuery(query, k, v, op.name);
        } else if (!p.includes(k) && style === "flat" && v !== undefined) {
          (rest ??= {})[k] = v;
        }
      }
      if (style === "flat") body = rest ?? (op.body === "json" ? {} : undefined);
    }
    const path = op.path.replace(/\{([^}]+)\}/g, (_, k: string) => pathValue(op.name, k, a?.[k]));
    if (ro) {
      checkCallOptions(op.name, ro);
      for (const k in ro.query) if (!skip(k)) query = addQuery(query, k, ro.query[k], op.name);
      checkHeaders("headers", ro.headers, true, headers);
    }
    if (cursor) query = query ? query + "&" + cursor.query : cursor.query;
    if (keyIn?.in === "query") query = addQuery(query, keyIn.name, o.apiKey, op.name);
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
        redirect: "manual",
        ...(stream ? { duplex: "half" } : undefined),
      },
      safe: op.safe === true && !stream,
    };
  };

  /** Sets the attempt's credentials; resolves once a token is there (raced with `signal`). */
  const authorize = async (
    b: Built,
    op: Operation | undefined,
    signal?: AbortSignal,
  ): Promise<Token | undefined> => {
    if (keyIn) {
      if (keyIn.in === "header") b.headers[keyIn.name.toLowerCase()] = o.apiKey!;
      else if (keyIn.in === "cookie") {
        const cookie = `${keyIn.name}=${encodeURIComponent(o.apiKey!)}`;
        b.headers.cookie = b.headers.cookie ? b.headers.cookie + "; " + cookie : cookie;
      }
      return undefined;
    }
    if (token) {
      const got = token.get(signal);
      const t = got instanceof Promise ? await got : got;
      if ((op?.scopes?.length || op?.anyScopes) && t.scopes && !t.checked.has(op!)) {
        const missing = missingScopes(t.scopes, op!.scopes ?? []);
        if (missing.length) throw new MissingScopeError(op!.name, missing, t.scopes);
        const any = op!.anyScopes;
        if (any && !any.some((set) => !missingScopes(t.scopes!, set).length)) {
          throw new MissingScopeError(
            op!.name,
            [any.map((set) => set.join(" + ")).join(" or ")],
            t.scopes,
          );
        }
        t.checked.add(op!);
      }
      b.headers.authorization = t.header;
      return t;
    }
    if (provider) {
      const value = await provider();
      if (typeof value !== "string" || !value || !isHeaderValue(value) || /\s/.test(value)) {
        throw new UsageError("accessToken() returned an empty or invalid token", "accessToken");
      }
      b.headers.authorization = "Bearer " + value;
      own[1] = value;
      return undefined;
    }
    if (fixed) b.headers.authorization = fixed;
    return undefined;
  };

  /**
   * `fetch` that follows redirects within the base URL's origin only (at most MAX_HOPS): a body,
   * an API key or a token is never sent to another host. 303, and 301/302 after a POST, go on
   * as a GET without body, as fetch would; a streamed body or a raw request with a body is not
   * sent again (its 307/308 is returned as the answer).
   */
  const send = async (first: string | Request, init: FetchInit): Promise<Response> => {
    let input = first;
    let method = typeof first === "string" ? (init.method ?? "GET") : first.method;
    for (let hop = 0; ; hop++) {
      const res = await (fetchFn ?? fetch)(input, init as RequestInit);
      const s = res.status;
      if (s < 301 || s > 308 || s === 304 || s === 305 || s === 306) return res;
      const from = typeof input === "string" ? input : input.url;
      let next: URL | undefined;
      try {
        next = new URL(res.headers.get("location") ?? "", from);
      } catch {
        return res;
      }
      const get = s === 303 || ((s === 301 || s === 302) && method === "POST");
      const bodyless = get || method === "GET" || method === "HEAD";
      if (
        hop >= MAX_HOPS ||
        next.origin !== new URL(from).origin ||
        (!bodyless && (typeof input !== "string" || init.body instanceof ReadableStream))
      ) {
        return res;
      }
      void res.body?.cancel().catch(() => undefined);
      if (get) method = "GET";
      if (typeof input === "string") {
        input = next.href;
        if (get) init = { ...init, method, body: undefined };
      } else {
        input = new Request(next.href, { method, headers: input.headers });
      }
    }
  };

  // ---- The loop ----

  const run: Internals["run"] = async (prepare, op, ro) => {
    const b = prepare();
    const raw = b.request;
    const signal = ro?.signal;
    const name = op ? op.name : "fetch";
    const ms = ro?.timeoutMs ?? timeoutMs;
    const max = ro?.maxRetries ?? maxRetries;
    const auth = op?.auth !== false;
    let retries = 0;
    let reauthed = false;
    /** What the budget is told of this call (built on the first attempt). */
    let call: BudgetCall | undefined;
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
      let keep = false;
      let ctrl: AbortController | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let unlink: (() => void) | undefined;
      try {
        // One controller per attempt, fired by the timer or by the caller's signal (a listener
        // removed after the attempt, rather than AbortSignal.any, which long-lived signals pile
        // up). It bounds the token wait, the headers and the body alike.
        const timed = ms > 0 && ms < Infinity;
        if (timed || signal) ctrl = new AbortController();
        if (timed) timer = setTimeout(abortController, ms, ctrl!);
        if (signal) unlink = onAbort(signal, () => ctrl!.abort());
        if (auth) t = await authorize(b, op, ctrl?.signal);
        if (budget) {
          call ??= {
            op: name,
            priority:
              ro?.priority ??
              budget.priorityOf(op ?? { ...RAW, method: b.method as "GET", path: b.path }, false),
            rule: op?.rateLimit,
          };
          // Not longer than the attempt may last: a longer wait fails fast, client-side.
          await budget.acquire(
            call,
            ctrl?.signal,
            ms > 0 ? Math.min(ms, maxRetryAfterMs) : maxRetryAfterMs,
          );
        } else if (op?.rateLimit) await limit(op, ctrl?.signal);
        b.init.signal = ctrl?.signal;
        sent = true;
        res = await send(raw ? raw() : b.url, b.init);
        if (api.version) drift(res.headers);
        const status = res.status;
        if (budget) {
          const wait = status === 429 ? parseRetryAfter(res.headers.get("retry-after")) : undefined;
          void budget.observe(res.headers, status, wait, call);
        }
        if (!raw && status >= 300 && status < 400) {
          // `send` followed what it could: this one leaves the origin (or loops).
          let to = "";
          try {
            to = " to " + new URL(res.headers.get("location") ?? "", b.url).origin;
          } catch {
            // no usable Location
          }
          void res.body?.cancel().catch(() => undefined);
          throw new ApiError({
            status,
            operation: name,
            headers: scrubHeaders(res.headers, secrets),
            message: clean(
              `${name}: the server redirected (HTTP ${status})${to}; only redirects within ` +
                `the same origin are followed (at most ${MAX_HOPS}), so nothing was sent there`,
            ),
          });
        }
        if (res.ok) {
          // The raw path hands the body to the caller: their signal must still reach it.
          keep = !!raw;
          return { data: raw ? undefined : await parse(op!, res), response: res };
        }
        refresh = status === 401 && t !== undefined && !reauthed;
        retryable = refresh || (isRetryableStatus(status) && (b.safe || status === 429));
        retryAfter = refresh ? 0 : parseRetryAfter(res.headers.get("retry-after"));
        if (raw) {
          const giveUp = !refresh && (retries >= max || retryAfter! > maxRetryAfterMs);
          if (!retryable || giveUp) {
            keep = true;
            return { data: undefined, response: res };
          }
          await res.body?.cancel();
        } else {
          error = apiError({
            status,
            operation: name,
            body: await readBody(res, secrets),
            headers: scrubHeaders(res.headers, secrets),
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
        const timedOut = ctrl?.signal.aborted === true;
        // The budget refused: its wait is the answer, never a reason to knock again.
        if ((e as { clientSide?: boolean }).clientSide) throw e;
        if (e instanceof XdrError && !(timedOut && !(e instanceof ApiError))) {
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
          // The caller's own failure before sending (an accessToken function that threw).
          if (!sent && !timedOut) throw e;
          error = timedOut
            ? new TimeoutError(
                `${name}: no answer within ${ms} ms${sent ? "" : " (waiting for a token)"}`,
              )
            : new ConnectionError(`${name}: connection failed (${reason(e, secrets)})`, {
                cause: safeCause(e, secrets),
              });
          retryable = b.safe || !sent;
        }
      } finally {
        clearTimeout(timer);
        if (!keep) unlink?.();
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
        if (retries >= max || retryAfter! > maxRetryAfterMs) throw error;
        const delay = retryAfter ?? backoffMs(retries, o.retryDelayMs, o.maxRetryDelayMs);
        retries++;
        log?.debug("xdr retry", { operation: name, attempt, delayMs: delay });
        await sleep(delay, signal);
      }
    }
  };

  const parse = async (op: Operation, res: Response): Promise<unknown> => {
    const kind = op.response ?? "json";
    const { status, headers } = res;
    if (maxBytes !== undefined && Number(headers.get("content-length")) > maxBytes) {
      void res.body?.cancel().catch(() => undefined);
      throw tooLarge(op.name);
    }
    if (kind === "binary" && status !== 204) {
      if (maxBytes === undefined) return res.blob();
      return new Blob(
        (await readBytes(res, maxBytes, op.name)) as ConstructorParameters<typeof Blob>[0],
        {
          type: headers.get("content-type") ?? "",
        },
      );
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

  const tooLarge = (name: string): ResponseTooLargeError =>
    new ResponseTooLargeError(`${name}: the answer is larger than maxResponseBytes (${maxBytes})`);

  const readBytes = async (res: Response, limit: number, name: string): Promise<Uint8Array[]> => {
    const reader = res.body?.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const r = await reader?.read();
      if (!r || r.done) return chunks;
      size += r.value.byteLength;
      if (size > limit) {
        void reader!.cancel().catch(() => undefined);
        throw tooLarge(name);
      }
      chunks.push(r.value);
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
  internals.set(t, { build, run, headers: common, dispatcher, logger: log });
  return t;
}

// ---- Per operation ----------------------------------------------------------------------------

/** The first scheme the options can serve; else the first (its error names what is missing). */
function pickScheme(schemes: readonly AuthScheme[], o: XdrOptions): AuthScheme | undefined {
  const can = (s: AuthScheme): boolean =>
    s.type === "oauth2"
      ? !!(o.clientId || o.clientSecret)
      : s.type === "basic"
        ? o.username !== undefined
        : s.type === "apiKey"
          ? o.apiKey !== undefined
          : o.accessToken !== undefined;
  return schemes.find(can) ?? (o.accessToken !== undefined ? { type: "bearer" } : schemes[0]);
}

/** Per-call options that would otherwise mean something else (a negative timeout: none). */
function checkCallOptions(name: string, ro: RequestOptions): void {
  for (const k of ["timeoutMs", "maxRetries"] as const) {
    if (ro[k] !== undefined && !isCount(ro[k])) {
      throw new UsageError(`${name}: ${k} must be a number ≥ 0`, k);
    }
  }
}

/**
 * One path segment. `.`, `..` and empty values are refused: fetch would resolve them and the
 * request would reach another resource (`DELETE /workflows/W1/actions/..` → the workflow).
 */
export function pathValue(name: string, key: string, v: unknown): string {
  const s = v == null ? "" : scalar(v);
  if (s === "" || s === "." || s === "..") {
    throw new UsageError(
      `${name}: path parameter "${key}" ${s ? `cannot be "${s}"` : "is missing or empty"}`,
      key,
    );
  }
  return encodeOrThrow(s, name, key);
}

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

function scalar(v: unknown): string {
  return typeof v === "object" && v !== null
    ? v instanceof Date
      ? v.toISOString()
      : JSON.stringify(v)
    : String(v);
}

function addQuery(q: string, k: string, v: unknown, name: string): string {
  if (v == null) return q;
  if (Array.isArray(v)) {
    for (const x of v) q = addQuery(q, k, x, name);
    return q;
  }
  return (q ? q + "&" : "") + encodeOrThrow(k, name, k) + "=" + encodeOrThrow(scalar(v), name, k);
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
