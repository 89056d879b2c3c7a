// `xdr-sdk/testing`: a local Cisco XDR for users' tests. One HTTP server on 127.0.0.1 serves
// IROH (with the OAuth2 token endpoint), CTIA, Conure and Automation from memory, with data to
// seed and faults to switch on. Global Intel is the same CTIA store under `/global-intel/`. This file is the whole public API: its types are declared here,
// without the simulator's internals (Node's http types among them), so its declarations are
// self-contained and the internals can change freely. Nothing in it is imported by the runtime,
// so a bundle of `xdr-sdk` or `xdr-sdk/iroh` never contains it.

import {
  DEFAULT_SCOPES,
  GLOBAL_INTEL_PREFIX,
  jsonCopy,
  startSimulator as startServer,
  TOKEN_PATH,
  type RequestRecord,
} from "./server.js";

/** The APIs the simulator serves, as `createXdr`'s `baseUrls` names them. */
export type SimulatedApi = "iroh" | "ctia" | "globalIntel" | "conure" | "automation";

/** Base URLs for `createXdr({ baseUrls })`, one per API, all on the simulator's port. */
export interface SimulatorBaseUrls {
  readonly iroh: string;
  readonly ctia: string;
  /**
   * `<url>/global-intel`: the same CTIA store as `ctia` (Global Intel is CTIA's public, read-only
   * instance), under a prefix of its own so that faults and the request log tell the two apart.
   */
  readonly globalIntel: string;
  readonly conure: string;
  readonly automation: string;
}

/** What `clientOptions()` returns: spread it into `createXdr({ ... })`. */
export interface SimulatorClientOptions {
  clientId: string;
  clientSecret: string;
  baseUrls: {
    iroh: string;
    ctia: string;
    globalIntel: string;
    conure: string;
    automation: string;
    token: string;
  };
}

export interface SimulatorOptions {
  /** Client id the token endpoint accepts. Default `"sim-client"`. */
  clientId?: string;
  /** Its secret. Default `"sim-secret"`. */
  clientSecret?: string;
  /**
   * Scopes granted to the client (hierarchical: `private-intel` covers
   * `private-intel/judgement:read`). Default: every scope the SDK's operations need.
   */
  scopes?: readonly string[];
  /** `expires_in` of issued tokens, in seconds. Default 600. */
  tokenLifetimeSec?: number;
  /** Page size of lists and searches without a `limit`. Default 100. */
  pageSize?: number;
  /** Polls of a workflow run before it ends (created → running → final). Default 2. */
  workflowSteps?: number;
  /** Workflow starts allowed per client per minute (Automation's limit). Default 10. */
  workflowStartLimit?: number;
}

/** Which requests a fault hits. Without either field: every API request, never the token endpoint. */
export interface FaultTarget {
  /** Only requests of this API; `"token"` is the OAuth2 token endpoint. */
  api?: SimulatedApi | "token";
  /**
   * Only requests whose path (as the simulator sees it, e.g. `/iroh/iroh-inspect/inspect`; Global
   * Intel's start with `/global-intel/ctia/`) starts with this.
   */
  path?: string;
  /** How many requests the fault hits before switching itself off. Default 1; `Infinity` until `clear()`. */
  times?: number;
}

/** Switches for failures the SDK must survive. Each hits the next `times` matching requests. */
export interface SimulatorFaults {
  /**
   * Answer 429 with `Retry-After: <retryAfter>`, sent as given: seconds (`"2"`, `2`), an HTTP
   * date (`"Wed, 21 Oct 2026 07:28:00 GMT"`) or anything else a server might send (`"soon"`).
   * Default `"1"`. A value with control characters is refused (`TypeError`).
   */
  rateLimit(options?: FaultTarget & { retryAfter?: string | number }): void;
  /** Answer a 5xx: 502 and 503 with an HTML page (as a load balancer would), others with JSON. Default 500. */
  serverError(options?: FaultTarget & { status?: number }): void;
  /**
   * Answer a 4xx (400–499, default 400) with `body` as JSON, or without one an error body shaped
   * as the API answers its own (CTIA `{error}`, Conure `{message}`, Automation
   * `{code, message, description}`, IROH `{error, error_description}`). For a 401 or a 429 as the
   * real API sends them, `unauthorized` and `rateLimit`. A `body` JSON cannot carry is refused
   * (`TypeError`).
   */
  clientError(options?: FaultTarget & { status?: number; body?: unknown }): void;
  /** Answer slowly: wait `ms` before handling (a client that gives up ends the wait). */
  slow(options: FaultTarget & { ms: number }): void;
  /** Drop the connection without answering (the client sees a connection reset). */
  reset(options?: FaultTarget): void;
  /** Cut a successful JSON answer in half (invalid JSON). */
  malformedJson(options?: FaultTarget): void;
  /** Answer 401 `invalid_token` although the token is valid. */
  unauthorized(options?: FaultTarget): void;
  /** Make every token issued so far expired: the next call with one gets 401 `jwt_expired`. */
  expireTokens(): void;
  /**
   * Revoke the API client: the tokens issued so far stop working (401 `invalid_token`) and the
   * token endpoint refuses its credentials (400 `invalid_client`) until `clear()`.
   */
  revokeTokens(): void;
  /** Switch every fault off and undo a revocation (tokens revoked or expired stay so). */
  clear(): void;
}

/** A CTIA entity or Conure incident as stored: plain JSON with the server-assigned `id`. */
export type SimulatorRecord = Record<string, unknown> & { id: string };

/**
 * Records to create: a count of plausible ones, or fields for each (merged over a plausible
 * record, so `{ disposition: 2 }` is enough for a judgement).
 */
export type SeedInput = number | readonly Record<string, unknown>[];

/** A workflow for `seed.workflows`. */
export interface SimulatorWorkflow {
  /** e.g. `"definition_workflow_01ABC"`; `workflows.start({ workflow_id })` takes it. */
  id: string;
  title?: string;
  description?: string;
  /** Input variables (strings), with an optional default `value`. */
  inputs?: readonly { name: string; required?: boolean; description?: string; value?: unknown }[];
  atomic?: boolean;
  categories?: readonly string[];
  /** How its runs end. Default `"success"`; a failed run carries `status.details`. */
  outcome?: "success" | "failed" | "cancelled";
}

/** Data to add, bypassing HTTP; returns what was stored. */
export interface SimulatorSeed {
  /** CTIA judgements (`observable`, `disposition`, `source`… filled in when absent). */
  judgements(input?: SeedInput): SimulatorRecord[];
  sightings(input?: SeedInput): SimulatorRecord[];
  /** CTIA incidents (`xdr.ctia.incidents`). For Conure's (`xdr.conure`), `conureIncidents`. */
  incidents(input?: SeedInput): SimulatorRecord[];
  casebooks(input?: SeedInput): SimulatorRecord[];
  indicators(input?: SeedInput): SimulatorRecord[];
  /** Any CTIA entity type by its singular name (`"relationship"`, `"attack-pattern"`…). */
  ctia(entity: string, input?: SeedInput): SimulatorRecord[];
  /** Conure v2 incidents, each with a primary investigation. */
  conureIncidents(input?: SeedInput): SimulatorRecord[];
  /** Automation workflow definitions (added to the built-in ones; same id replaces). */
  workflows(workflows: readonly SimulatorWorkflow[]): void;
}

/** One request the simulator received. No header or body values: nothing secret is kept. */
export interface SimulatorRequest {
  readonly method: string;
  /** Path without the query string (Global Intel's with its `/global-intel` prefix). */
  readonly path: string;
  /** The query string without `?`, when there is one. */
  readonly query?: string;
  /** Which API it addressed (`"token"`: the token endpoint; `"other"`: no API's prefix). */
  readonly api: SimulatedApi | "token" | "other";
  /** The Authorization scheme, never its value. */
  readonly auth?: "bearer" | "basic";
  /** The answer's status once sent; absent while pending or when the connection was dropped. */
  readonly status?: number;
}

/** A response action triggered through `xdr.iroh.response.trigger`. */
export interface SimulatorAction {
  /** The module instance the action belongs to (`module_instance_id`). */
  readonly moduleInstanceId: string;
  /** e.g. `"isolate-host"`. */
  readonly actionId: string;
  readonly observableType?: string;
  readonly observableValue?: string;
}

export interface XdrSimulator {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Per API, for `createXdr({ baseUrls })`. */
  readonly baseUrls: SimulatorBaseUrls;
  /** The OAuth2 token endpoint (`baseUrls.token` for `createXdr`). */
  readonly tokenUrl: string;
  /** The client credentials the token endpoint accepts (test values, not secrets). */
  readonly credentials: { readonly clientId: string; readonly clientSecret: string };
  /** `{ clientId, clientSecret, baseUrls }` to spread into `createXdr`; a fresh object each call. */
  clientOptions(): SimulatorClientOptions;
  /**
   * The same as environment variables (`XDR_CLIENT_ID`, `XDR_CLIENT_SECRET`, `XDR_TOKEN_URL`,
   * `XDR_BASE_URL_<API>`), for `createXdr()` without arguments or a child process.
   */
  env(): Record<string, string>;
  readonly seed: SimulatorSeed;
  readonly faults: SimulatorFaults;
  /** Every request received since the start (or the last `clear()`), in order of arrival. */
  readonly requests: readonly SimulatorRequest[];
  /** Response actions triggered so far. */
  readonly actions: readonly SimulatorAction[];
  /** Forget data (back to the built-in workflows and tasks), faults, requests and actions. */
  clear(): void;
  /** Stop listening and close every connection. */
  close(): Promise<void>;
}

const PREFIXES: readonly (readonly [string, SimulatorRequest["api"]])[] = [
  [TOKEN_PATH, "token"],
  ["/iroh/", "iroh"],
  ["/ctia/", "ctia"],
  [`${GLOBAL_INTEL_PREFIX}/`, "globalIntel"],
  ["/conure/", "conure"],
  ["/api/", "automation"],
];

function apiOf(path: string): SimulatorRequest["api"] {
  for (const [prefix, api] of PREFIXES) if (path.startsWith(prefix)) return api;
  return "other";
}

/** The path prefix a fault's `api` stands for (the token endpoint only when asked for). */
const API_PATHS: Readonly<Record<SimulatedApi | "token", string>> = {
  token: TOKEN_PATH,
  iroh: "/iroh/",
  ctia: "/ctia/",
  globalIntel: `${GLOBAL_INTEL_PREFIX}/`,
  conure: "/conure/",
  automation: "/api/",
};

function spec(options: FaultTarget | undefined): { count: number; path?: string } {
  const times = options?.times ?? 1;
  if (!(times > 0)) throw new RangeError(`xdr-sdk/testing: times must be > 0, got ${times}`);
  if (options?.api !== undefined && !Object.hasOwn(API_PATHS, options.api)) {
    throw new RangeError(`xdr-sdk/testing: unknown api "${String(options.api)}"`);
  }
  const path = options?.path ?? (options?.api ? API_PATHS[options.api] : undefined);
  return path === undefined ? { count: times } : { count: times, path };
}

/**
 * Start a local Cisco XDR on `127.0.0.1` (a free port) for tests: IROH with the OAuth2
 * client-credentials endpoint, CTIA (and Global Intel), Conure and Automation, in memory.
 * It logs nothing. Close it when done (`await sim.close()`).
 *
 * @example
 * const sim = await startSimulator();
 * const xdr = createXdr({ ...sim.clientOptions(), retryDelayMs: 1 });
 * sim.seed.judgements([{ observable: { type: "ip", value: "198.51.100.7" }, disposition: 2 }]);
 * sim.faults.rateLimit({ retryAfter: "1" });
 * await xdr.ctia.judgements.search({ query: "disposition:2" }); // one 429, then the page
 * await sim.close();
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<XdrSimulator> {
  const clientId = options.clientId ?? "sim-client";
  const clientSecret = options.clientSecret ?? "sim-secret";
  const scopes = [...(options.scopes ?? [...DEFAULT_SCOPES, "global-intel:read"])];
  const log: { -readonly [K in keyof SimulatorRequest]: SimulatorRequest[K] }[] = [];
  const record = (r: RequestRecord) => {
    const entry: (typeof log)[number] = { method: r.method, path: r.path, api: apiOf(r.path) };
    if (r.query !== undefined) entry.query = r.query;
    if (r.auth !== undefined) entry.auth = r.auth;
    log.push(entry);
    return (status: number | undefined) => {
      if (status !== undefined) entry.status = status;
    };
  };
  const sim = await startServer({
    clients: { [clientId]: { secret: clientSecret, scopes } },
    onRequest: record,
    ...(options.tokenLifetimeSec !== undefined && { tokenLifetimeSec: options.tokenLifetimeSec }),
    ...(options.pageSize !== undefined && { pageSize: options.pageSize }),
    ...(options.workflowSteps !== undefined && { instanceSteps: options.workflowSteps }),
    ...(options.workflowStartLimit !== undefined && {
      workflowStartLimit: options.workflowStartLimit,
    }),
  });
  const { url } = sim;
  const baseUrls: SimulatorBaseUrls = Object.freeze({
    iroh: url,
    ctia: url,
    globalIntel: `${url}${GLOBAL_INTEL_PREFIX}`,
    conure: `${url}/conure`,
    automation: `${url}/api`,
  });
  const tokenUrl = `${url}${TOKEN_PATH}`;
  const ctia = (entity: string, input: SeedInput = 1): SimulatorRecord[] =>
    typeof input === "number"
      ? (sim.ctia.seed(entity, input, undefined, clientId) as SimulatorRecord[])
      : (sim.ctia.seed(
          entity,
          input.length,
          (i) => ({ ...input[i] }),
          clientId,
        ) as SimulatorRecord[]);

  const faults: SimulatorFaults = {
    rateLimit(o) {
      const retryAfter = String(o?.retryAfter ?? "1");
      // eslint-disable-next-line no-control-regex -- what an HTTP header cannot carry
      if (/[\u0000-\u001f\u007f]/.test(retryAfter) || /[^\u0000-\u00ff]/.test(retryAfter)) {
        throw new TypeError("xdr-sdk/testing: retryAfter must be a valid header value");
      }
      sim.faults.rateLimit = { ...spec(o), retryAfter };
    },
    serverError(o) {
      const status = o?.status ?? 500;
      if (!Number.isInteger(status) || status < 500 || status > 599) {
        throw new RangeError(`xdr-sdk/testing: status must be 500–599, got ${status}`);
      }
      sim.faults.serverError = { ...spec(o), status };
    },
    clientError(o) {
      const status = o?.status ?? 400;
      if (!Number.isInteger(status) || status < 400 || status > 499) {
        throw new RangeError(`xdr-sdk/testing: status must be 400–499, got ${status}`);
      }
      sim.faults.clientError =
        o?.body === undefined
          ? { ...spec(o), status }
          : { ...spec(o), status, body: jsonCopy(o.body) };
    },
    slow(o) {
      if (!(o.ms >= 0)) throw new RangeError(`xdr-sdk/testing: ms must be ≥ 0, got ${o.ms}`);
      sim.faults.slow = { ...spec(o), delayMs: o.ms };
    },
    reset(o) {
      sim.faults.reset = spec(o);
    },
    malformedJson(o) {
      sim.faults.malformedJson = spec(o);
    },
    unauthorized(o) {
      sim.faults.unauthorized = spec(o);
    },
    expireTokens: () => sim.expireTokens(),
    revokeTokens: () => sim.revokeClient(clientId),
    clear() {
      for (const k of Object.keys(sim.faults) as (keyof typeof sim.faults)[]) {
        delete sim.faults[k];
      }
      sim.restoreClients();
    },
  };

  return {
    url,
    baseUrls,
    tokenUrl,
    credentials: Object.freeze({ clientId, clientSecret }),
    clientOptions: () => ({ clientId, clientSecret, baseUrls: { ...baseUrls, token: tokenUrl } }),
    env: () => ({
      XDR_CLIENT_ID: clientId,
      XDR_CLIENT_SECRET: clientSecret,
      XDR_TOKEN_URL: tokenUrl,
      XDR_BASE_URL_IROH: baseUrls.iroh,
      XDR_BASE_URL_CTIA: baseUrls.ctia,
      XDR_BASE_URL_GLOBAL_INTEL: baseUrls.globalIntel,
      XDR_BASE_URL_CONURE: baseUrls.conure,
      XDR_BASE_URL_AUTOMATION: baseUrls.automation,
    }),
    seed: {
      judgements: (input) => ctia("judgement", input),
      sightings: (input) => ctia("sighting", input),
      incidents: (input) => ctia("incident", input),
      casebooks: (input) => ctia("casebook", input),
      indicators: (input) => ctia("indicator", input),
      ctia,
      conureIncidents: (input = 1) =>
        typeof input === "number"
          ? sim.conure.seedIncidents(input)
          : sim.conure.seedIncidents(input.length, (i) => ({ ...input[i] })),
      workflows(workflows) {
        for (const w of workflows) sim.automation.addWorkflow(w);
      },
    },
    faults,
    requests: log,
    get actions(): readonly SimulatorAction[] {
      // Without the client id: which client triggered it is the caller's own knowledge.
      return sim.stats.actions.map(({ clientId: _, ...action }) => action);
    },
    clear() {
      sim.reset();
      log.length = 0;
    },
    close: () => sim.close(),
  };
}
