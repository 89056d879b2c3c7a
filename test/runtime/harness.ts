// A tiny XDR stand-in for runtime tests: one node:http server on 127.0.0.1 (port 0) per test file,
// with a route table the tests replace, a token endpoint by default, and a log of every request.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { clearTokenCache } from "../../templates/runtime/token.js";
import { createTransport } from "../../templates/runtime/transport.js";
import type {
  ApiDescriptor,
  Operation,
  Transport,
  TypedOperation,
  XdrOptions,
} from "../../templates/runtime/types.js";

export const CLIENT_ID = "client-0d5e3a4c";
export const CLIENT_SECRET = "s3cr3t-Wq8_ZpLx-9vTn";

export interface Hit {
  method: string;
  /** Path and query, as received. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Handler = (hit: Hit, res: ServerResponse, count: number) => void;

export interface TokenBehaviour {
  /** Default 600. */
  expiresIn?: number;
  /** Default: `inspect:read enrich:read private-intel`; `null` leaves `scope` out. */
  scope?: string | null;
  tokenType?: string;
}

export interface TestServer {
  readonly url: string;
  readonly hits: Hit[];
  /** Requests to one `METHOD /path`. */
  count(route: string): number;
  /** Replaces the handler of `METHOD /path` (query ignored). */
  route(route: string, handler: Handler): void;
  token: TokenBehaviour;
  /** Tokens issued so far (`tok-1`, `tok-2`…). */
  issued: string[];
  reset(): void;
  close(): Promise<void>;
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(text);
}

export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const counts = new Map<string, number>();
  const state: Pick<TestServer, "hits" | "token" | "issued"> = { hits: [], token: {}, issued: [] };
  const tokenHandler: Handler = (_hit, res) => {
    const t = state.token;
    const value = `tok-${state.issued.length + 1}`;
    state.issued.push(value);
    json(res, 200, {
      access_token: value,
      token_type: t.tokenType ?? "bearer",
      expires_in: t.expiresIn ?? 600,
      ...(t.scope === null ? {} : { scope: t.scope ?? "inspect:read enrich:read private-intel" }),
    });
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://x");
      const hit: Hit = {
        method: req.method ?? "",
        url: req.url ?? "",
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      state.hits.push(hit);
      const key = `${hit.method} ${hit.path}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      const handler =
        routes.get(key) ?? (key === "POST /iroh/oauth2/token" ? tokenHandler : undefined);
      if (handler) handler(hit, res, n);
      else json(res, 404, { error: "no_route", error_description: key });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const srv: TestServer = {
    url: `http://127.0.0.1:${port}`,
    get hits() {
      return state.hits;
    },
    count: (route) => counts.get(route) ?? 0,
    route: (route, handler) => void routes.set(route, handler),
    get token() {
      return state.token;
    },
    set token(t) {
      state.token = t;
    },
    get issued() {
      return state.issued;
    },
    reset() {
      routes.clear();
      counts.clear();
      state.hits.length = 0;
      state.issued.length = 0;
      state.token = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return srv;
}

/**
 * The test file's server: started before its tests, closed after them, and reset (with the token
 * cache cleared) before each test. Call at the top level of a test file; the object returned
 * forwards to the server once it runs.
 */
export function useServer(): TestServer {
  let current: TestServer | undefined;
  const srv = (): TestServer => {
    if (!current) throw new Error("the test server is not running (use it inside a test)");
    return current;
  };
  beforeAll(async () => void (current = await startServer()));
  afterAll(() => current?.close());
  beforeEach(() => {
    srv().reset();
    clearTokenCache();
  });
  return {
    get url() {
      return srv().url;
    },
    get hits() {
      return srv().hits;
    },
    count: (route) => srv().count(route),
    route: (route, handler) => srv().route(route, handler),
    get token() {
      return srv().token;
    },
    set token(t) {
      srv().token = t;
    },
    get issued() {
      return srv().issued;
    },
    reset: () => srv().reset(),
    close: () => srv().close(),
  };
}

/** A transport for the IROH API on `srv`, with client credentials and a 1 ms retry delay. */
export function irohClient(srv: TestServer, extra: XdrOptions = {}): Transport {
  return createTransport(irohApi(), {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    baseUrls: { iroh: srv.url },
    retryDelayMs: 1,
    ...extra,
  });
}

/** Resolves once `cond()` holds, checking between event-loop turns (works under fake timers). */
export async function until(cond: () => boolean, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await new Promise<void>((r) => setImmediate(r));
  }
  throw new Error("condition not reached");
}

export function irohApi(): ApiDescriptor {
  return {
    name: "iroh",
    servers: {
      us: "https://visibility.amp.cisco.com",
      eu: "https://visibility.eu.amp.cisco.com",
      apjc: "https://visibility.apjc.amp.cisco.com",
    },
    tokenUrls: {
      us: "https://visibility.amp.cisco.com/iroh/oauth2/token",
      eu: "https://visibility.eu.amp.cisco.com/iroh/oauth2/token",
      apjc: "https://visibility.apjc.amp.cisco.com/iroh/oauth2/token",
    },
  };
}

export const inspect: TypedOperation<{ content: string }, { type: string; value: string }[]> = {
  name: "inspect",
  method: "POST",
  path: "/iroh/iroh-inspect/inspect",
  args: "flat",
  body: "json",
  scopes: ["inspect:read"],
  safe: true,
};

/** An unsafe POST (not marked x-xdr-safe). */
export const createIncident: TypedOperation<{ title: string }, { id: string }> = {
  name: "incidents.create",
  method: "POST",
  path: "/ctia/incident",
  args: "flat",
  body: "json",
  scopes: ["private-intel/incident:write"],
};

export const getJudgement: TypedOperation<{ id: string }, { id: string }> = {
  name: "judgements.get",
  method: "GET",
  path: "/ctia/judgement/{id}",
  args: "flat",
  pathParams: ["id"],
  scopes: ["private-intel/judgement:read"],
  safe: true,
};

export function op(partial: Partial<Operation> & Pick<Operation, "path">): Operation {
  return { name: "test.op", method: "GET", args: "flat", safe: true, ...partial };
}
