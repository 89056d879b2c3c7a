// A local Cisco XDR simulator for tests, benchmarks and the demo: IROH (/iroh/...), CTIA
// (/ctia/...) and Automation (/api/...) on one 127.0.0.1 port, with the OAuth2 client-credentials
// token endpoint, bearer checks with expiry and hierarchical scopes, and switchable faults.
// Node built-ins only.

import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { AutomationState, automationRoutes } from "./automation.js";
import { ConureStore, CONURE_PREFIX, incidentRoutes } from "./conure.js";
import { conureViewRoutes } from "./conure-views.js";
import { conureWorkRoutes } from "./conure-work.js";
import { CtiaStore, ctiaRoutes } from "./ctia.js";
import {
  json,
  matchRoute,
  ReplyError,
  requiredScopes,
  type Ctx,
  type Principal,
  type Reply,
  type Route,
} from "./http.js";
import { irohRoutes, type TriggeredAction } from "./iroh.js";
import { hasScope, splitScopes } from "./scopes.js";

export { SIM_MODULES, SIM_ACTIONS, type TriggeredAction } from "./iroh.js";
export { SIM_WORKFLOW_IDS, type AutomationState } from "./automation.js";
export { CTIA_PUBLIC_BASE, ENTITIES as CTIA_ENTITIES, type CtiaStore } from "./ctia.js";
export { CONURE_PREFIX, INCIDENT_STATUSES, type ConureStore } from "./conure.js";
export { EICAR, KNOWN_DISPOSITIONS, MODULE_ERROR_VALUE } from "./vocab.js";
export { extractObservables } from "./inspect.js";

export const TOKEN_PATH = "/iroh/oauth2/token";
export const DEFAULT_CLIENT_ID = "sim-client";
export const DEFAULT_CLIENT_SECRET = "sim-secret";
export const DEFAULT_SCOPES: readonly string[] = [
  "inspect:read",
  "enrich:read",
  "response",
  "private-intel",
  "casebook",
  "ao",
  "profile:read",
  "integration:read",
  "event:read",
  "investigation",
];
/** The fixed per-org request limit IROH announces on every authenticated answer. */
export const ORG_RATE_LIMIT = 8000;

export interface ClientRecord {
  secret: string;
  scopes: string[];
}

/** A fault that fires on the next `count` matching requests, then switches itself off. */
export interface FaultSpec {
  /** Requests left to affect; decremented on each hit, the switch is deleted at 0. */
  count: number;
  /**
   * Only requests whose path starts with this. Faults other than `tokenFailure` never touch the
   * token endpoint unless `path` starts with `/iroh/oauth2`.
   */
  path?: string;
}

export interface FaultSwitches {
  /** 401 `invalid_token` on protected routes even with a valid token. */
  unauthorized?: FaultSpec;
  /** 429 with `Retry-After` (seconds, or an HTTP-date string; default 1). */
  rateLimit?: FaultSpec & { retryAfter?: number | string };
  /** 502 or 503: an HTML body, as a load balancer would; any other 5xx: JSON. Default 500. */
  serverError?: FaultSpec & { status?: number };
  /** Destroy the socket without answering (the client sees a connection error). */
  reset?: FaultSpec;
  /** Wait `delayMs` before handling (a client timeout/abort ends the wait early). */
  slow?: FaultSpec & { delayMs: number };
  /** A 2xx JSON answer is cut in half (invalid JSON, consistent Content-Length). */
  malformedJson?: FaultSpec;
  /** The token endpoint fails: status 500 (default) or 400, body `{error, error_description}`. */
  tokenFailure?: FaultSpec & { status?: 400 | 500; error?: string };
  /**
   * An error answer (default 400) whose body quotes the request's `Authorization` header and, for
   * HTTP Basic, the decoded client id and secret, as a careless gateway would. Reaches the token
   * endpoint only when `path` starts with `/iroh/oauth2`.
   */
  echoCredentials?: FaultSpec & { status?: 400 | 401 | 403 | 500 };
}

export interface RequestRecord {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The query string without `?`, when there is one. */
  query?: string;
  /** Authorization scheme only, never its value. */
  auth?: "bearer" | "basic";
  /** Media type of the request body (lower-cased, no parameters), when sent. */
  contentType?: string;
}

export interface SimulatorStats {
  /** Requests that reached the token endpoint (successful or not). */
  tokenRequests: number;
  requests: RequestRecord[];
  /** Response actions triggered through `/iroh/iroh-response/respond/trigger/...`. */
  actions: TriggeredAction[];
}

export interface SimulatorOptions {
  /** `expires_in` of issued tokens. Default 600. */
  tokenLifetimeSec?: number;
  /** Milliseconds since the epoch; drives token expiry, timestamps and the start limit. */
  clock?: () => number;
  /** Default page size when a list request has no `limit`. Default 100 (CTIA's default). */
  pageSize?: number;
  /** Polls of `GET /api/v1/instances/{id}` until a run reaches its final state. Default 2. */
  instanceSteps?: number;
  /** Workflow starts allowed per client per 60 s. Default 10. */
  workflowStartLimit?: number;
  /** Replaces the default client (`sim-client` / `sim-secret`). */
  clients?: Record<string, ClientRecord>;
  /** `token_type` of issued tokens (any case is a bearer token to the bearer check). Default `bearer`. */
  tokenType?: string;
  /**
   * Called as each request arrives (after its record is logged); the function it returns, if
   * any, gets the answer's status once the exchange ends, or undefined when the connection was
   * dropped without one (`xdr-sdk/testing` builds its request log from this).
   */
  onRequest?: (record: RequestRecord) => ((status: number | undefined) => void) | undefined;
}

export interface Simulator {
  /** `http://127.0.0.1:PORT`; IROH at `url`, CTIA at `url`, Automation at `url + "/api"`. */
  readonly url: string;
  readonly clients: Map<string, ClientRecord>;
  readonly stats: SimulatorStats;
  /** Mutable at run time: `sim.faults.rateLimit = { count: 1, retryAfter: 2 }`. */
  readonly faults: FaultSwitches;
  readonly ctia: CtiaStore;
  readonly automation: AutomationState;
  /** Conure (incidents and investigations), served under `url + "/conure"`. */
  readonly conure: ConureStore;
  /** Create `n` CTIA entities of a type (`"judgement"`, `"incident"`…); returns them. */
  seed(
    entity: string,
    n: number,
    make?: (i: number) => Record<string, unknown>,
  ): Record<string, unknown>[];
  /** Mint a bearer token without HTTP (e.g. for the SDK's `accessToken` option). */
  issueToken(clientId?: string, scopes?: string[]): string;
  /** Every token issued so far, revoked ones included (to check that none leaks anywhere). */
  issuedTokens(): string[];
  /** Invalidate every issued token (the next call with one gets 401 `invalid_token`). */
  revokeTokens(): void;
  /** Make every issued token expired (the next call with one gets 401 `jwt_expired`). */
  expireTokens(): void;
  /**
   * Revoke an API client: its tokens stop working (401 `invalid_token`) and the token endpoint
   * refuses its credentials (400 `invalid_client`) until `restoreClients()`.
   */
  revokeClient(clientId: string): void;
  /** Undo every `revokeClient` (tokens already revoked stay invalid). */
  restoreClients(): void;
  /** Clear stats, faults and data (CTIA entities, runs, start limits, triggered actions). */
  reset(): void;
  /** Stop listening and close every open connection. */
  close(): Promise<void>;
}

interface TokenRecord {
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

const MAX_BODY = 10 * 1024 * 1024;
const JSON_TYPE = "application/json;charset=utf-8";

function defaultClients(): Map<string, ClientRecord> {
  return new Map([
    [DEFAULT_CLIENT_ID, { secret: DEFAULT_CLIENT_SECRET, scopes: [...DEFAULT_SCOPES] }],
  ]);
}

function faultApplies(f: FaultSpec, path: string): boolean {
  if (path === TOKEN_PATH) {
    return f.path !== undefined && f.path.startsWith("/iroh/oauth2") && path.startsWith(f.path);
  }
  return f.path === undefined || path.startsWith(f.path);
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      return s;
    }
  };
  return { id: dec(decoded.slice(0, colon)), secret: dec(decoded.slice(colon + 1)) };
}

function authKind(header: string | undefined): RequestRecord["auth"] {
  const scheme = (header ?? "").trim().split(/\s+/)[0]?.toLowerCase();
  return scheme === "bearer" || scheme === "basic" ? scheme : undefined;
}

function truncateJson(s: string): string {
  let t = s.slice(0, Math.floor(s.length / 2));
  try {
    JSON.parse(t);
    t += "{";
  } catch {
    // already invalid, as intended
  }
  return t;
}

function readBody(req: IncomingMessage): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(c);
    });
    req.on("end", () => resolve(tooLarge ? "too-large" : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.clock ?? Date.now;
  const lifetimeSec = options.tokenLifetimeSec ?? 600;
  const pageSize = options.pageSize ?? 100;
  const clients = options.clients
    ? new Map(Object.entries(options.clients).map(([k, v]) => [k, { ...v, scopes: [...v.scopes] }]))
    : defaultClients();
  const stats: SimulatorStats = { tokenRequests: 0, requests: [], actions: [] };
  const faults: FaultSwitches = {};
  const tokens = new Map<string, TokenRecord>();
  /** Client ids whose credentials the token endpoint refuses (`revokeClient`). */
  const revoked = new Set<string>();
  const everIssued: string[] = [];
  const ctia = new CtiaStore(clock, pageSize);
  const conure = new ConureStore(clock, pageSize);
  const automation = new AutomationState({
    now: clock,
    instanceSteps: options.instanceSteps ?? 2,
    pageSize,
    startLimit: options.workflowStartLimit ?? 10,
    startWindowMs: 60_000,
  });
  const routes: Route[] = [
    { method: "POST", pattern: TOKEN_PATH, public: true, handler: (ctx) => tokenEndpoint(ctx) },
    ...irohRoutes({ actions: stats.actions }),
    ...ctiaRoutes(ctia),
    ...automationRoutes(automation, pageSize),
    ...incidentRoutes(conure),
    ...conureViewRoutes(conure),
    ...conureWorkRoutes(conure),
  ];
  /** Wake-ups of requests held by the `slow` fault, called on close. */
  const sleepers = new Set<() => void>();

  function take<K extends keyof FaultSwitches>(name: K, path: string): FaultSwitches[K] {
    const f = faults[name];
    if (!f || !(f.count > 0) || !faultApplies(f, path)) return undefined;
    f.count -= 1;
    if (f.count <= 0 && faults[name] === f) delete faults[name];
    return f;
  }

  function issueToken(clientId = DEFAULT_CLIENT_ID, scopes?: string[]): string {
    const client = clients.get(clientId);
    const token = randomBytes(32).toString("base64url");
    everIssued.push(token);
    tokens.set(token, {
      clientId,
      scopes: scopes ?? client?.scopes ?? [],
      expiresAt: clock() + lifetimeSec * 1000,
    });
    return token;
  }

  function tokenEndpoint(ctx: Ctx): Reply {
    const failure = faults.tokenFailure;
    if (failure && failure.count > 0) {
      failure.count -= 1;
      if (failure.count <= 0) delete faults.tokenFailure;
      const status = failure.status ?? 500;
      return json(status, {
        error: failure.error ?? (status === 400 ? "invalid_client" : "server_error"),
        error_description: "simulated token endpoint failure",
      });
    }
    const invalidRequest = (d: string) =>
      json(400, { error: "invalid_request", error_description: d });
    const creds = basicCredentials(ctx.headers.authorization);
    if (!creds) return invalidRequest("client authentication with HTTP Basic is required");
    const client = clients.get(creds.id);
    if (!client || client.secret !== creds.secret || revoked.has(creds.id)) {
      return json(400, {
        error: "invalid_client",
        error_description: "unknown client",
        error_uri: "https://tools.ietf.org/html/rfc6749#section-5.2",
      });
    }
    const ct = String(ctx.headers["content-type"] ?? "").toLowerCase();
    if (!ct.startsWith("application/x-www-form-urlencoded")) {
      return invalidRequest("the body must be application/x-www-form-urlencoded");
    }
    const form = new URLSearchParams(ctx.body.toString("utf8"));
    const grant = form.get("grant_type");
    if (grant === null || grant === "") return invalidRequest("grant_type is required");
    if (grant !== "client_credentials") {
      return json(400, {
        error: "unsupported_grant_type",
        error_description: `grant_type ${grant} is not supported`,
      });
    }
    let scopes = [...client.scopes];
    if (form.has("scope")) {
      const requested = splitScopes(form.get("scope"));
      scopes = requested.filter((s) => hasScope(client.scopes, s));
      if (scopes.length === 0) {
        return json(400, {
          error: "invalid_scope",
          error_description: "none of the requested scopes is allowed for this client",
        });
      }
    }
    const token = issueToken(creds.id, scopes);
    return json(
      200,
      {
        access_token: token,
        token_type: options.tokenType ?? "bearer",
        expires_in: lifetimeSec,
        scope: scopes.join(" "),
      },
      { "Cache-Control": "no-store", Pragma: "no-cache" },
    );
  }

  function lookupBearer(header: string | undefined): TokenRecord | "missing" | "unknown" {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
    if (!m) return "missing";
    return tokens.get(m[1] as string) ?? "unknown";
  }

  function authenticate(header: string | undefined): Principal | Reply {
    const t = lookupBearer(header);
    if (t === "missing") {
      return json(401, {
        error: "invalid_request",
        error_description: "No JWT found in HTTP Authorization header",
      });
    }
    if (t === "unknown") {
      return json(401, {
        error: "invalid_token",
        error_description: "The access token is not valid",
      });
    }
    const now = clock();
    if (now >= t.expiresAt) {
      const ago = Math.max(0, Math.floor((now - t.expiresAt) / 1000));
      return json(401, {
        now: Math.floor(now / 1000),
        error: "jwt_expired",
        error_description: `This JWT max lifetime has expired ${ago}s ago`,
        trace_id: randomUUID(),
      });
    }
    return { clientId: t.clientId, scopes: t.scopes };
  }

  function forbidden(path: string, principal: Principal, required: string[]): Reply {
    if (path.startsWith(`${CONURE_PREFIX}/`)) return json(403, { message: "Forbidden" });
    if (path.startsWith("/ctia/")) {
      return json(403, {
        message: "Missing capability",
        error: "missing_capability",
        capabilities: required,
        owner: principal.clientId,
      });
    }
    return json(403, {
      error: "missing_scopes",
      error_description: `Missing scope: ${required.join(" or ")}`,
      "required-scopes": required,
      "missing-scopes": required,
      scopes: principal.scopes,
    });
  }

  function delay(ms: number, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        res.off("close", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
      res.once("close", done);
    });
  }

  function send(res: ServerResponse, reply: Reply, base: Record<string, string>, path: string) {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string> = { ...base, ...reply.headers };
    let payload: Buffer | undefined;
    if (reply.text !== undefined) {
      payload = Buffer.from(reply.text, "utf8");
      headers["Content-Type"] = reply.contentType ?? "text/plain;charset=utf-8";
    } else if (reply.json !== undefined) {
      let s = JSON.stringify(reply.json);
      if (reply.status >= 200 && reply.status < 300 && take("malformedJson", path)) {
        s = truncateJson(s);
      }
      payload = Buffer.from(s, "utf8");
      headers["Content-Type"] = reply.contentType ?? JSON_TYPE;
    }
    if (reply.status !== 204 && reply.status !== 304) {
      headers["Content-Length"] = String(payload?.length ?? 0);
    }
    res.writeHead(reply.status, headers);
    res.end(reply.status === 204 ? undefined : payload);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    const authorization = req.headers.authorization;
    const auth = authKind(authorization);
    const record: RequestRecord = { method, path };
    if (url.search.length > 1) record.query = url.search.slice(1);
    if (auth) record.auth = auth;
    const mediaType = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
    if (mediaType) record.contentType = mediaType;
    stats.requests.push(record);
    const answered = options.onRequest?.(record);
    if (answered) {
      res.once("close", () => answered(res.writableFinished ? res.statusCode : undefined));
    }
    if (path === TOKEN_PATH) stats.tokenRequests += 1;
    const base: Record<string, string> = { "X-Request-Id": randomUUID() };

    if (take("reset", path)) {
      req.socket.destroy();
      return;
    }
    const body = await readBody(req);
    if (body === "too-large") {
      send(res, json(413, { error: "payload too large" }), base, path);
      return;
    }
    const slow = take("slow", path);
    if (slow) {
      await delay(slow.delayMs, res);
      if (res.destroyed || req.socket.destroyed) return;
    }

    const echo = take("echoCredentials", path);
    if (echo) {
      const creds = basicCredentials(authorization);
      send(
        res,
        json(echo.status ?? 400, {
          error: "invalid_request",
          error_description:
            `rejected Authorization: ${authorization ?? "(none)"}` +
            (creds ? ` (client ${creds.id}, secret ${creds.secret})` : ""),
        }),
        base,
        path,
      );
      return;
    }

    const bearer = path === TOKEN_PATH ? "missing" : lookupBearer(authorization);
    if (typeof bearer === "object" && clock() < bearer.expiresAt) {
      base["X-Ratelimit-Org-Limit"] = String(ORG_RATE_LIMIT);
    }

    const limited = take("rateLimit", path);
    if (limited) {
      const retryAfter = limited.retryAfter ?? 1;
      send(
        res,
        json(429, { error: "Too Many Requests" }, { "Retry-After": String(retryAfter) }),
        base,
        path,
      );
      return;
    }
    const failing = take("serverError", path);
    if (failing) {
      const status = failing.status ?? 500;
      const reply: Reply =
        status !== 502 && status !== 503
          ? json(status, { error: "internal_error", error_description: "simulated server error" })
          : {
              status,
              text: `<html><body><h1>${status} ${status === 502 ? "Bad Gateway" : "Service Unavailable"}</h1></body></html>`,
              contentType: "text/html",
            };
      send(res, reply, base, path);
      return;
    }

    const { match, allowed, badPath } = matchRoute(routes, method, path);
    if (!match) {
      const reply = badPath
        ? json(400, { error: "bad request", error_description: "malformed path encoding" })
        : allowed.length > 0
          ? json(405, { error: "method not allowed" }, { Allow: allowed.join(", ") })
          : path.startsWith(`${CONURE_PREFIX}/`)
            ? json(404, { message: "Not Found" })
            : json(404, { error: "not found" });
      send(res, reply, base, path);
      return;
    }

    const ctx: Ctx = {
      method,
      path,
      query: url.searchParams,
      headers: req.headers,
      body,
      params: match.params,
      now: clock,
    };
    if (!match.route.public) {
      if (take("unauthorized", path)) {
        send(
          res,
          json(401, { error: "invalid_token", error_description: "simulated: token rejected" }),
          base,
          path,
        );
        return;
      }
      const principal = authenticate(authorization);
      if ("status" in principal) {
        send(res, principal, base, path);
        return;
      }
      ctx.principal = principal;
      const required = requiredScopes(match.route, match.params);
      if (required.length > 0 && !required.some((r) => hasScope(principal.scopes, r))) {
        send(res, forbidden(path, principal, required), base, path);
        return;
      }
    }

    let reply: Reply;
    try {
      reply = await match.route.handler(ctx);
    } catch (e) {
      if (!(e instanceof ReplyError)) throw e;
      reply = e.reply;
    }
    send(res, reply, base, path);
  }

  const server = createServer((req, res) => {
    req.on("error", () => {});
    res.on("error", () => {});
    handle(req, res).catch((err: unknown) => {
      try {
        send(
          res,
          json(500, {
            error: "internal_error",
            error_description: `simulator handler failed: ${err instanceof Error ? err.message : String(err)}`,
          }),
          { "X-Request-Id": randomUUID() },
          "",
        );
      } catch {
        res.destroy();
      }
    });
  });
  server.on("clientError", (_err, socket: Socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    clients,
    stats,
    faults,
    ctia,
    automation,
    conure,
    seed: (entity, n, make) => ctia.seed(entity, n, make),
    issueToken,
    issuedTokens: () => [...everIssued],
    revokeTokens: () => tokens.clear(),
    expireTokens() {
      const past = clock() - 1;
      for (const t of tokens.values()) t.expiresAt = Math.min(t.expiresAt, past);
    },
    revokeClient(clientId) {
      revoked.add(clientId);
      for (const [token, t] of tokens) if (t.clientId === clientId) tokens.delete(token);
    },
    restoreClients: () => revoked.clear(),
    reset() {
      stats.tokenRequests = 0;
      stats.requests.length = 0;
      stats.actions.length = 0;
      for (const k of Object.keys(faults) as (keyof FaultSwitches)[]) delete faults[k];
      revoked.clear();
      ctia.clear();
      automation.clear();
      conure.clear();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const wake of [...sleepers]) wake();
      });
      return closing;
    },
  };
}
