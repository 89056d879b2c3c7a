// The simulator's switchable faults (`sim.faults.rateLimit = { count: 1 }`): each fires on the
// next `count` matching requests, then switches itself off. Here are their switches, the counting,
// and the answers they give; server.ts decides where in a request each one strikes.

import { STATUS_CODES, type ServerResponse } from "node:http";
import { CONURE_PREFIX } from "./conure.js";
import { json, type Reply } from "./http.js";
import { basicCredentials, TOKEN_PATH } from "./server-auth.js";

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
  /**
   * A 4xx (default 400) with `body` as its JSON, or without one an error body in the shape of
   * the API the path belongs to (see clientErrorReply).
   */
  clientError?: FaultSpec & { status?: number; body?: unknown };
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

function faultApplies(f: FaultSpec, path: string): boolean {
  if (path === TOKEN_PATH) {
    return f.path !== undefined && f.path.startsWith("/iroh/oauth2") && path.startsWith(f.path);
  }
  return f.path === undefined || path.startsWith(f.path);
}

/** One hit of fault `name` when it is on for `path`: counts it down, switches it off at 0. */
export function takeFault<K extends keyof FaultSwitches>(
  faults: FaultSwitches,
  name: K,
  path: string,
): FaultSwitches[K] {
  const f = faults[name];
  if (!f || !(f.count > 0) || !faultApplies(f, path)) return undefined;
  f.count -= 1;
  if (f.count <= 0 && faults[name] === f) delete faults[name];
  return f;
}

/** The `tokenFailure` fault's answer to a token request, when it is on (it takes a hit). */
export function tokenFailureReply(faults: FaultSwitches): Reply | undefined {
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
  return undefined;
}

/** The `echoCredentials` fault's answer: a careless gateway's error quoting the credentials. */
export function echoCredentialsReply(
  echo: NonNullable<FaultSwitches["echoCredentials"]>,
  authorization: string | undefined,
): Reply {
  const creds = basicCredentials(authorization);
  return json(echo.status ?? 400, {
    error: "invalid_request",
    error_description:
      `rejected Authorization: ${authorization ?? "(none)"}` +
      (creds ? ` (client ${creds.id}, secret ${creds.secret})` : ""),
  });
}

/** The `rateLimit` fault's 429. */
export function rateLimitReply(limited: NonNullable<FaultSwitches["rateLimit"]>): Reply {
  const retryAfter = limited.retryAfter ?? 1;
  return json(429, { error: "Too Many Requests" }, { "Retry-After": String(retryAfter) });
}

/** The `serverError` fault's answer: HTML for 502/503 (as a load balancer), JSON otherwise. */
export function serverErrorReply(failing: NonNullable<FaultSwitches["serverError"]>): Reply {
  const status = failing.status ?? 500;
  return status !== 502 && status !== 503
    ? json(status, { error: "internal_error", error_description: "simulated server error" })
    : {
        status,
        text: `<html><body><h1>${status} ${status === 502 ? "Bad Gateway" : "Service Unavailable"}</h1></body></html>`,
        contentType: "text/html",
      };
}

/**
 * The `clientError` fault's answer: its `body` when given, else the error shape of the API that
 * `routed` (the path as routed, Global Intel's prefix removed) belongs to, as the simulated
 * routes answer their own 4xx: Conure `{message}`, Automation `{code, message, description}`,
 * CTIA `{error: "<text>"}`, IROH and the token endpoint OAuth2's `{error, error_description}`.
 */
export function clientErrorReply(
  refusing: NonNullable<FaultSwitches["clientError"]>,
  routed: string,
): Reply {
  const status = refusing.status ?? 400;
  if (refusing.body !== undefined) return json(status, refusing.body);
  const reason = STATUS_CODES[status] ?? "Client Error";
  const text = `simulated ${status} ${reason}`;
  if (routed.startsWith(`${CONURE_PREFIX}/`)) return json(status, { message: text });
  if (routed.startsWith("/api/")) {
    return json(status, { code: status, message: text, description: text });
  }
  if (routed.startsWith("/ctia/")) return json(status, { error: text });
  const code = reason.toLowerCase().replace(/[^a-z0-9]+/g, "_");
  return json(status, { error: code, error_description: text });
}

/**
 * A copy of a `clientError` body, so the answer is the body as it was when the fault was switched
 * on; a value JSON cannot carry (a cycle, a BigInt, a function) is refused with a `TypeError`.
 */
export function jsonCopy(body: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch {
    // refused below
  }
  if (text === undefined)
    throw new TypeError("xdr-sdk/testing: body must be a value JSON can carry");
  return JSON.parse(text) as unknown;
}

/** The `malformedJson` fault's body: cut in half, and invalid JSON even where half would parse. */
export function truncateJson(s: string): string {
  let t = s.slice(0, Math.floor(s.length / 2));
  try {
    JSON.parse(t);
    t += "{";
  } catch {
    // already invalid, as intended
  }
  return t;
}

/**
 * The `slow` fault's wait: ends after `ms`, when the client goes away, or when the simulator
 * closes (it calls every wake-up left in `sleepers`).
 */
export function holdFor(ms: number, res: ServerResponse, sleepers: Set<() => void>): Promise<void> {
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
