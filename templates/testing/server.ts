// A local Cisco XDR simulator for tests, benchmarks and the demo: IROH (/iroh/...), CTIA
// (/ctia/..., and as Global Intel under /global-intel/ctia/...), Conure (/conure/...) and
// Automation (/api/...) on one 127.0.0.1 port, with the OAuth2 client-credentials
// token endpoint, bearer checks with expiry and hierarchical scopes, and switchable faults.
// Node built-ins only. This file serves requests in order (record, faults, route, auth, handler);
// tokens are in server-auth.ts, the faults' switches and answers in server-faults.ts, the
// options and handle types in server-types.ts.

import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { automationRoutes } from "./automation.js";
import { AutomationState } from "./automation-state.js";
import { ConureStore, CONURE_PREFIX, incidentRoutes } from "./conure.js";
import { conureViewRoutes } from "./conure-views.js";
import { conureWorkRoutes } from "./conure-work.js";
import { ctiaRoutes } from "./ctia.js";
import { GLOBAL_INTEL_PREFIX } from "./ctia-entities.js";
import { CtiaStore } from "./ctia-store.js";
import {
  json,
  matchRoute,
  ReplyError,
  requiredScopes,
  type Ctx,
  type Reply,
  type Route,
} from "./http.js";
import { irohRoutes } from "./iroh.js";
import { hasScope } from "./scopes.js";
import { defaultClients, forbidden, TOKEN_PATH, tokenAuthority } from "./server-auth.js";
import {
  clientErrorReply,
  echoCredentialsReply,
  holdFor,
  rateLimitReply,
  serverErrorReply,
  takeFault,
  tokenFailureReply,
  truncateJson,
  type FaultSwitches,
} from "./server-faults.js";
import type { RequestRecord, Simulator, SimulatorOptions, SimulatorStats } from "./server-types.js";

export { SIM_MODULES, SIM_ACTIONS } from "./iroh-modules.js";
export type { TriggeredAction } from "./iroh.js";
export { SIM_WORKFLOW_IDS } from "./automation-workflows.js";
export type { AutomationState } from "./automation-state.js";
export {
  CTIA_PUBLIC_BASE,
  ENTITIES as CTIA_ENTITIES,
  GLOBAL_INTEL_PREFIX,
} from "./ctia-entities.js";
export type { CtiaStore } from "./ctia-store.js";
export { CONURE_PREFIX, INCIDENT_STATUSES, type ConureStore } from "./conure.js";
export { EICAR, KNOWN_DISPOSITIONS, MODULE_ERROR_VALUE } from "./vocab.js";
export { extractObservables } from "./inspect.js";
export {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_SCOPES,
  TOKEN_PATH,
  type ClientRecord,
} from "./server-auth.js";
export { jsonCopy, type FaultSpec, type FaultSwitches } from "./server-faults.js";
export type { RequestRecord, Simulator, SimulatorOptions, SimulatorStats } from "./server-types.js";

/** The fixed per-org request limit IROH announces on every authenticated answer. */
export const ORG_RATE_LIMIT = 8000;

const MAX_BODY = 10 * 1024 * 1024;
const JSON_TYPE = "application/json;charset=utf-8";

function authKind(header: string | undefined): RequestRecord["auth"] {
  const scheme = (header ?? "").trim().split(/\s+/)[0]?.toLowerCase();
  return scheme === "bearer" || scheme === "basic" ? scheme : undefined;
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
  const { tokens, revoked, everIssued, issueToken, tokenEndpoint, lookupBearer, authenticate } =
    tokenAuthority(options, clock, lifetimeSec, clients);
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
    {
      method: "POST",
      pattern: TOKEN_PATH,
      public: true,
      handler: (ctx) => tokenFailureReply(faults) ?? tokenEndpoint(ctx),
    },
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
    return takeFault(faults, name, path);
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
    // `path` as received: what the log keeps and faults match, so Global Intel's stays its own;
    // `routed` is what the routes see (Global Intel is the CTIA store under a prefix).
    const path = url.pathname;
    const routed = path.startsWith(`${GLOBAL_INTEL_PREFIX}/ctia/`)
      ? path.slice(GLOBAL_INTEL_PREFIX.length)
      : path;
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
      await holdFor(slow.delayMs, res, sleepers);
      if (res.destroyed || req.socket.destroyed) return;
    }

    const echo = take("echoCredentials", path);
    if (echo) {
      send(res, echoCredentialsReply(echo, authorization), base, path);
      return;
    }

    const bearer = path === TOKEN_PATH ? "missing" : lookupBearer(authorization);
    if (typeof bearer === "object" && clock() < bearer.expiresAt) {
      base["X-Ratelimit-Org-Limit"] = String(ORG_RATE_LIMIT);
    }

    const limited = take("rateLimit", path);
    if (limited) {
      send(res, rateLimitReply(limited), base, path);
      return;
    }
    const failing = take("serverError", path);
    if (failing) {
      send(res, serverErrorReply(failing), base, path);
      return;
    }
    const refused = take("clientError", path);
    if (refused) {
      send(res, clientErrorReply(refused, routed), base, path);
      return;
    }

    const { match, allowed, badPath } = matchRoute(routes, method, routed);
    if (!match) {
      const reply = badPath
        ? json(400, { error: "bad request", error_description: "malformed path encoding" })
        : allowed.length > 0
          ? json(405, { error: "method not allowed" }, { Allow: allowed.join(", ") })
          : // Said in the body: a route the simulator lacks is not proof the real API lacks it.
            routed.startsWith(`${CONURE_PREFIX}/`)
            ? json(404, { message: `Not Found: ${unsimulated(method, path)}` })
            : json(404, { error: "not found", error_description: unsimulated(method, path) });
      send(res, reply, base, path);
      return;
    }

    const ctx: Ctx = {
      method,
      path: routed,
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
        send(res, forbidden(routed, principal, required), base, path);
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

/** The 404 text of a request no route of the simulator answers. */
function unsimulated(method: string, path: string): string {
  return `the XDR simulator has no route for ${method} ${path.slice(0, 200)}`;
}
