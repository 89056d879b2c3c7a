// The simulator's OAuth2 side, as IROH has it: the default API client, the client-credentials
// token endpoint (HTTP Basic, form body, scope narrowing), the bearer tokens it issues (random
// strings with an expiry, revocable per client), and the 401 / 403 bodies IROH, CTIA and Conure
// answer with. The token endpoint's switchable failure is a fault (server-faults.ts).

import { randomBytes, randomUUID } from "node:crypto";
import { json, type Ctx, type Principal, type Reply } from "./http.js";
import { CONURE_PREFIX } from "./conure.js";
import { hasScope, splitScopes } from "./scopes.js";

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

export interface ClientRecord {
  secret: string;
  scopes: string[];
}

export interface TokenRecord {
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

export function defaultClients(): Map<string, ClientRecord> {
  return new Map([
    [DEFAULT_CLIENT_ID, { secret: DEFAULT_CLIENT_SECRET, scopes: [...DEFAULT_SCOPES] }],
  ]);
}

export function basicCredentials(
  header: string | undefined,
): { id: string; secret: string } | undefined {
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

/** Issued tokens and what the simulator's closures over them need (see `tokenAuthority`). */
export interface TokenAuthority {
  readonly tokens: Map<string, TokenRecord>;
  /** Client ids whose credentials the token endpoint refuses (`revokeClient`). */
  readonly revoked: Set<string>;
  /** Every token issued, revoked ones included. */
  readonly everIssued: string[];
  issueToken(clientId?: string, scopes?: string[]): string;
  /** `POST /iroh/oauth2/token`. */
  tokenEndpoint(ctx: Ctx): Reply;
  lookupBearer(header: string | undefined): TokenRecord | "missing" | "unknown";
  /** The principal of a request's bearer token, or the 401 to answer. */
  authenticate(header: string | undefined): Principal | Reply;
}

/** The token side of one simulator; `settings.tokenType` is read at each token request. */
export function tokenAuthority(
  settings: { readonly tokenType?: string | undefined },
  clock: () => number,
  lifetimeSec: number,
  clients: Map<string, ClientRecord>,
): TokenAuthority {
  const tokens = new Map<string, TokenRecord>();
  /** Client ids whose credentials the token endpoint refuses (`revokeClient`). */
  const revoked = new Set<string>();
  const everIssued: string[] = [];

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
        token_type: settings.tokenType ?? "bearer",
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

  return { tokens, revoked, everIssued, issueToken, tokenEndpoint, lookupBearer, authenticate };
}

/** The 403 for a principal without any of the `required` scopes, in the shape of its API. */
export function forbidden(path: string, principal: Principal, required: string[]): Reply {
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
