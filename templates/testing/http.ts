// Small HTTP plumbing shared by the simulated services: request context, replies, routing.

import type { IncomingHttpHeaders } from "node:http";

export interface Principal {
  clientId: string;
  scopes: string[];
}

export interface Ctx {
  method: string;
  /** Raw path (percent-encoding kept), without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Path parameters of the matched route, percent-decoded. */
  params: Record<string, string>;
  principal?: Principal;
  /** The simulator's clock, in ms. */
  now(): number;
}

export interface Reply {
  status: number;
  /** Serialized as JSON unless `text` is set; absent (and no `text`) means an empty body. */
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Thrown by handlers to answer with a given reply (validation failures and the like). */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super(`reply ${reply.status}`);
  }
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, json: body, headers } : { status, json: body };
}

export function empty(status: number, headers?: Record<string, string>): Reply {
  return headers ? { status, headers } : { status };
}

/** Parse the request body as JSON; `undefined` for an empty body; `onError` builds the 400. */
export function readJson(ctx: Ctx, onError: (message: string) => Reply): unknown {
  if (ctx.body.length === 0) return undefined;
  try {
    return JSON.parse(ctx.body.toString("utf8")) as unknown;
  } catch (e) {
    throw new ReplyError(onError(`malformed JSON body: ${(e as Error).message}`));
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Non-negative integer query parameter, `fallback` when absent; `null` when invalid. */
export function intParam(query: URLSearchParams, name: string, fallback: number): number | null {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) return null;
  return Number(raw);
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export interface Route {
  method: string;
  /** Path with `:name` segments, e.g. `/ctia/:entity/:id`. */
  pattern: string;
  /** No bearer token needed (token endpoint, CTIA version). */
  public?: boolean;
  /** Scopes of which one must be granted; computed from the path parameters when a function. */
  scope?: string | readonly string[] | ((params: Record<string, string>) => string | string[]);
  /** Decides whether the route applies to these parameters (e.g. a known CTIA entity). */
  guard?: (params: Record<string, string>) => boolean;
  handler: Handler;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/**
 * Find the route for a method and raw path. `allowed` lists the methods of routes whose path
 * matched when none matched the method (→ 405), `badPath` is set for undecodable segments.
 */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { match?: RouteMatch; allowed: string[]; badPath?: boolean } {
  const rawSegments = path.split("/").slice(1);
  let segments: string[];
  try {
    segments = rawSegments.map((s) => decodeURIComponent(s));
  } catch {
    return { allowed: [], badPath: true };
  }
  const allowed: string[] = [];
  for (const route of routes) {
    const pattern = route.pattern.split("/").slice(1);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i] as string;
      const s = segments[i] as string;
      if (p.startsWith(":")) {
        if (s === "") {
          ok = false;
          break;
        }
        params[p.slice(1)] = s;
      } else if (p !== s) {
        ok = false;
        break;
      }
    }
    if (!ok || (route.guard && !route.guard(params))) continue;
    if (route.method !== method) {
      if (!allowed.includes(route.method)) allowed.push(route.method);
      continue;
    }
    return { match: { route, params }, allowed };
  }
  return { allowed };
}

export function requiredScopes(route: Route, params: Record<string, string>): string[] {
  const s = typeof route.scope === "function" ? route.scope(params) : route.scope;
  if (s === undefined) return [];
  return typeof s === "string" ? [s] : [...s];
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
