// The types of the internal simulator (`startSimulator` in server.ts): its options, the request
// log and stats it keeps, and the handle it returns. `xdr-sdk/testing` (index.ts) declares its own
// public types over these.

import type { AutomationState } from "./automation-state.js";
import type { ConureStore } from "./conure.js";
import type { CtiaStore } from "./ctia-store.js";
import type { TriggeredAction } from "./iroh.js";
import type { ClientRecord } from "./server-auth.js";
import type { FaultSwitches } from "./server-faults.js";

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
  /**
   * `http://127.0.0.1:PORT`; IROH at `url`, CTIA at `url` (and at `url + "/global-intel"` as
   * Global Intel), Automation at `url + "/api"`.
   */
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
