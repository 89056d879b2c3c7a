// Credentials of a transport, chosen once from the options and the API: a ready `accessToken`
// (a string, or a function asked before each attempt), OAuth2 client credentials (XDR: the
// region's token URL; standalone: the spec's), HTTP basic, or an API key in a header, query or
// cookie. Also what must never be shown (the secrets every error and log line is scrubbed of),
// and the scope check of a token against the operation before anything is sent.
import { ConfigurationError, MissingScopeError, UsageError } from "./errors.js";
import { base64 } from "./redact.js";
import type { Built } from "./internals.js";
import { CANNOT_CARRY, checkBaseUrl, isHeaderValue } from "./options.js";
import { missingScopes } from "./scopes.js";
import { type Token, type TokenSource, tokenSource } from "./token.js";
import type { ApiDescriptor, AuthScheme, Operation, XdrOptions } from "./types.js";

export interface Auth {
  /**
   * Sets the attempt's credentials on `b.headers`; resolves once a token is there (bounded by
   * `signal`). Resolves to the OAuth2 token used, if any (a 401 invalidates it).
   */
  readonly authorize: (
    b: Built,
    op: Operation | undefined,
    signal?: AbortSignal,
  ) => Promise<Token | undefined>;
  readonly token?: TokenSource;
  /** Every secret known now or later (tokens are added to the token source's set as issued). */
  readonly secrets: Iterable<string | undefined>;
  /** API keys sent in the query of `op`'s requests: name and value of each. */
  readonly query?: (op: Operation) => readonly (readonly [string, string])[] | undefined;
}

/** What `auth` needs of the transport's checked options. */
export interface AuthContext {
  readonly region: string;
  /** `baseUrls`, checked. */
  readonly urls: Record<string, string | undefined>;
  readonly insecure: boolean;
  readonly timeoutMs: number;
  /** `options.headers` and the User-Agent: the token request sends them too. */
  readonly headers: Record<string, string>;
}

const none = (): Promise<undefined> => Promise.resolve(undefined);

export function auth(api: ApiDescriptor, o: XdrOptions, c: AuthContext): Auth {
  const { clientSecret, accessToken, apiKey } = o;
  /** Never to be shown: scrubbed from every message, body and header kept on an error. */
  const own = [
    clientSecret,
    typeof accessToken === "string" ? accessToken : undefined,
    o.password,
    apiKey,
  ];
  const set = (value: string) => (b: Built) => {
    b.headers.authorization = value;
    return none();
  };
  // A ready token: XDR's whole auth; a standalone API's bearer and OAuth2 schemes, each operation
  // still choosing among the schemes it accepts (an API key stays with the operations that take it).
  const bearer = accessToken === undefined ? undefined : tokenAuth(accessToken, own, set);
  const { urls } = c;
  const one = (scheme: AuthScheme | undefined): Auth =>
    bearer && (scheme?.type === "bearer" || scheme?.type === "oauth2")
      ? bearer
      : schemeAuth(api, scheme, o, c, own, set);
  // Standalone packages: the spec's schemes, chosen per operation.
  if (api.auth) return perOperation(api, api.auth, o, own, one);
  if (bearer) return bearer;
  // XDR: OAuth2 at the region's token URL.
  return one(
    api.tokenUrls || urls.token
      ? { type: "oauth2", tokenUrl: api.tokenUrls?.[c.region as "us"] ?? "" }
      : undefined,
  );
}

/** `accessToken`: a string sent as is, or a function asked before each attempt. */
function tokenAuth(
  accessToken: NonNullable<XdrOptions["accessToken"]>,
  own: (string | undefined)[],
  set: (value: string) => Auth["authorize"],
): Auth {
  if (typeof accessToken === "function") {
    return {
      secrets: own,
      authorize: async (b) => {
        const value = await accessToken();
        if (typeof value !== "string" || !value || !isHeaderValue(value) || /\s/.test(value)) {
          throw new UsageError("accessToken() returned an empty or invalid token", "accessToken");
        }
        b.headers.authorization = "Bearer " + value;
        own[1] = value;
        return undefined;
      },
    };
  }
  if (typeof accessToken !== "string" || !accessToken) {
    throw new ConfigurationError("accessToken is empty");
  }
  if (!isHeaderValue(accessToken) || /\s/.test(accessToken)) {
    throw new ConfigurationError("accessToken has a space or" + CANNOT_CARRY.slice(4));
  }
  return { secrets: own, authorize: set("Bearer " + accessToken) };
}

/** The credentials of one scheme (none: nothing sent). */
function schemeAuth(
  api: ApiDescriptor,
  scheme: AuthScheme | undefined,
  o: XdrOptions,
  c: AuthContext,
  own: (string | undefined)[],
  set: (value: string) => Auth["authorize"],
): Auth {
  const { clientId, clientSecret, apiKey } = o;
  const { urls } = c;
  const type = scheme?.type;
  if (type === "oauth2") {
    const names = [clientId ? "" : "clientId", clientSecret ? "" : "clientSecret"].filter(Boolean);
    if (names.length) {
      throw new ConfigurationError(
        `${names.join(" and ")} ${names[1] ? "are" : "is"} missing: ` +
          `pass clientId and clientSecret (or accessToken)` +
          // An XDR API's client: the XDR_* variables are read by createXdr, not by it.
          (api.tokenUrls ? "; only createXdr() and withEnvironment() read XDR_CLIENT_ID/…" : ""),
      );
    }
    const url = urls.token ?? (urls.iroh ? urls.iroh + "/iroh/oauth2/token" : scheme!.tokenUrl);
    if (!url) noTokenUrl(api);
    const token = tokenSource({
      tokenUrl: checkBaseUrl(urls.token ? "baseUrls.token" : "the token URL", url, c.insecure),
      clientId: clientId!,
      clientSecret: clientSecret!,
      fetch: o.fetch,
      dispatcher: o.dispatcher,
      timeoutMs: c.timeoutMs,
      headers: c.headers,
      logger: o.logger,
      shared: o.budget,
    });
    return {
      token,
      secrets: {
        *[Symbol.iterator]() {
          yield* own;
          yield* token.secrets;
        },
      },
      authorize: async (b, op, signal) => {
        const got = token.get(signal);
        const t = got instanceof Promise ? await got : got;
        if (op && (op.scopes?.length || op.anyScopes) && t.scopes && !t.checked.has(op)) {
          checkScopes(op, t.scopes);
          t.checked.add(op);
        }
        b.headers.authorization = t.header;
        return t;
      },
    };
  }
  if (type === "basic") {
    const { username, password } = o;
    if (username === undefined || password === undefined) {
      throw new ConfigurationError("username and password are needed (HTTP basic)");
    }
    const pair = `${username}:${password}`;
    const basic = "Basic " + base64(pair);
    own.push(basic, pair);
    return { secrets: own, authorize: set(basic) };
  }
  if (type === "apiKey") {
    const { in: where, name } = scheme as AuthScheme & { type: "apiKey" };
    if (!apiKey) throw new ConfigurationError(`apiKey is needed (sent as ${where} "${name}")`);
    if (!isHeaderValue(apiKey)) throw new ConfigurationError("apiKey" + CANNOT_CARRY);
    if (where === "query") return { secrets: own, authorize: none, query: () => [[name, apiKey]] };
    const cookie = `${name}=${encodeURIComponent(apiKey)}`;
    return {
      secrets: own,
      authorize: (b) => {
        const h = b.headers;
        if (where === "header") h[name.toLowerCase()] = apiKey;
        else if (where === "cookie") h.cookie = h.cookie ? h.cookie + "; " + cookie : cookie;
        return none();
      },
    };
  }
  if (clientId || clientSecret) noTokenUrl(api);
  return { secrets: own, authorize: none };
}

/**
 * A standalone API's credentials: one `Auth` per scheme the options can serve, and per call the
 * first the operation accepts (`Operation.schemes`; all, in order, when absent). Without any,
 * creation fails with what the first scheme needs, unless some operation takes no credentials
 * (`anonymous`): then only a call that needs them fails, before anything is sent.
 */
function perOperation(
  api: ApiDescriptor,
  schemes: readonly AuthScheme[],
  o: XdrOptions,
  own: (string | undefined)[],
  one: (scheme: AuthScheme | undefined) => Auth,
): Auth {
  const usable = schemes.map((s) => (canServe(s, o) ? one(s) : undefined));
  const first = usable.find(Boolean);
  // The error of the first scheme says what is missing (no scheme at all: nothing to send).
  if (!first && !api.anonymous) return one(pickScheme(schemes, o));
  const nothing: Auth = { secrets: [], authorize: () => Promise.resolve(undefined) };
  // A requirement naming several schemes needs all of them: one Auth applying each, made once.
  const groups = new Map<string, Auth>();
  const together = (indexes: readonly number[]): Auth | undefined => {
    const parts = indexes.map((i) => usable[i]);
    if (!parts.every(Boolean)) return undefined;
    const key = indexes.join(",");
    let a = groups.get(key);
    if (!a) groups.set(key, (a = all(parts as Auth[])));
    return a;
  };
  const pick = (op: Operation | undefined): Auth | undefined => {
    if (!op?.schemes) return first;
    for (const entry of op.schemes) {
      if (entry === -1) return nothing;
      const a = typeof entry === "number" ? usable[entry] : together(entry);
      if (a) return a;
    }
    return undefined;
  };
  return {
    token: usable.find((a) => a?.token)?.token,
    secrets: {
      *[Symbol.iterator]() {
        yield* own;
        for (const a of usable) if (a) yield* a.secrets;
      },
    },
    query: (op) => pick(op)?.query?.(op),
    authorize: (b, op, signal) => {
      const a = pick(op);
      if (!a) {
        const wanted = (op?.schemes ?? schemes.map((_, i) => i))
          .map((entry) =>
            (typeof entry === "number" ? [entry] : entry)
              .map((i) => OPTIONS_OF[schemes[i]!.type])
              .join(" together with "),
          )
          .join(", or ");
        throw new ConfigurationError(
          `${op?.name ?? "fetch"} needs credentials the client was not given: ${wanted}`,
        );
      }
      return a.authorize(b, op, signal);
    },
  };
}

/** Several schemes at once (a requirement naming them all): each sets its part of the request. */
function all(parts: readonly Auth[]): Auth {
  return {
    secrets: {
      *[Symbol.iterator]() {
        for (const a of parts) yield* a.secrets;
      },
    },
    query: (op) => parts.flatMap((a) => a.query?.(op) ?? []),
    authorize: async (b, op, signal) => {
      let token: Token | undefined;
      for (const a of parts) token = (await a.authorize(b, op, signal)) ?? token;
      return token;
    },
  };
}

/** The options each kind of scheme takes. */
const OPTIONS_OF: Record<AuthScheme["type"], string> = {
  oauth2: "clientId and clientSecret (or accessToken)",
  bearer: "accessToken",
  basic: "username and password",
  apiKey: "apiKey",
};

function noTokenUrl(api: ApiDescriptor): never {
  throw new ConfigurationError(`API ${api.name} has no token URL: set baseUrls.token`);
}

/** Whether the options hold credentials (maybe incomplete: then its error says so) for `s`. */
function canServe(s: AuthScheme, o: XdrOptions): boolean {
  return s.type === "oauth2"
    ? !!(o.clientId || o.clientSecret || o.accessToken !== undefined)
    : s.type === "basic"
      ? o.username !== undefined
      : s.type === "apiKey"
        ? o.apiKey !== undefined
        : o.accessToken !== undefined;
}

/** The first scheme the options can serve; else the first (its error names what is missing). */
function pickScheme(schemes: readonly AuthScheme[], o: XdrOptions): AuthScheme | undefined {
  // A token for an API without any scheme is sent; for one whose schemes take other credentials,
  // the first scheme's error says what it needs (an API key is not a token).
  return (
    schemes.find((s) => canServe(s, o)) ??
    (o.accessToken !== undefined && schemes.length === 0 ? { type: "bearer" } : schemes[0])
  );
}

/** Every scope of `op.scopes`, and one full set of `op.anyScopes`, or `MissingScopeError`. */
function checkScopes(op: Operation, granted: readonly string[]): void {
  const missing = missingScopes(granted, op.scopes ?? []);
  if (missing.length) throw new MissingScopeError(op.name, missing, granted);
  const any = op.anyScopes;
  if (any && !any.some((set) => !missingScopes(granted, set).length)) {
    throw new MissingScopeError(op.name, [any.map((set) => set.join(" + ")).join(" or ")], granted);
  }
}
