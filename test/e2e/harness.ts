// End-to-end harness: the generated SDK (`createXdr`) against the local XDR simulator.
// Each test file calls `useSimulator()` once: one simulator on 127.0.0.1 for the file, reset
// (stats, faults, data, token cache, log) before each test, closed after the last one. Everything
// the SDK logs and every error a test catches is kept, and after the file it is scanned for the
// client secret, its Basic form and every token the simulators issued.
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import {
  clearTokenCache,
  createXdr,
  type Logger,
  type Xdr,
  type XdrOptions,
} from "../../generated/src/index.js";
import {
  DEFAULT_SCOPES,
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from "../simulator/server.js";

/** Distinctive, so that a scan for them cannot match anything by chance. */
export const CLIENT_ID = "e2e-client-5Tq8";
export const CLIENT_SECRET = "e2e-S3cr3t-Kx9_vQ2mZw7";
/** What `Authorization: Basic …` carries. */
export const BASIC = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64");

/** A valid CTIA judgement to create (an unsafe POST). */
export const NEW_JUDGEMENT = {
  observable: { type: "ip", value: "198.51.100.7" },
  disposition: 2,
  source: "e2e",
  priority: 95,
  severity: "High",
  confidence: "High",
} as const;

/**
 * An Automation input variable. Cisco's spec declares `value` an empty object (its description:
 * "a string, boolean, number or array"), so the generated type needs a cast for a string.
 */
export function inputVariable(name: string, value: string) {
  return {
    properties: {
      name,
      type: "datatype.string",
      value: value as unknown as Record<string, never>,
    },
  };
}

export type Fields = Record<string, unknown>;

export interface LogEntry {
  level: "debug" | "warn";
  message: string;
  fields: Fields;
}

export class Capture {
  /** Log entries of the current test. */
  readonly logs: LogEntry[] = [];
  /** Every log entry and every caught error of the file, for the credential scan. */
  readonly allLogs: LogEntry[] = [];
  readonly errors: unknown[] = [];
  readonly logger: Logger = {
    debug: (message, fields) => this.push("debug", message, fields),
    warn: (message, fields) => this.push("warn", message, fields),
  };
  private push(level: LogEntry["level"], message: string, fields?: Fields): void {
    const entry = { level, message, fields: { ...fields } };
    this.logs.push(entry);
    this.allLogs.push(entry);
  }
  /** The fields of the current test's entries with this message (`xdr request`, `xdr retry`…). */
  entries(message: string): Fields[] {
    return this.logs.filter((l) => l.message === message).map((l) => l.fields);
  }
}

export interface SimContext {
  /** The file's simulator (started in `beforeAll`). */
  readonly sim: Simulator;
  readonly capture: Capture;
  /**
   * `createXdr` against `target` (default: the file's simulator), tiny retry delays, the capturing
   * logger; the default 30 s timeout (a loaded machine must not turn slowness into retries).
   */
  xdr(options?: Partial<XdrOptions>, target?: Simulator): Xdr;
  /** Another simulator with other options, closed and scanned with the file's. */
  startExtra(options: SimulatorOptions): Promise<Simulator>;
  /** The rejection of `p` (throws when `p` resolves); kept for the credential scan. */
  caught(p: PromiseLike<unknown>): Promise<Error>;
  /** Requests the simulator received whose path starts with `prefix`. */
  hits(prefix: string, method?: string, target?: Simulator): number;
}

export function baseUrls(sim: Simulator): XdrOptions["baseUrls"] {
  return { iroh: sim.url, ctia: sim.url, automation: `${sim.url}/api` };
}

function withClient(options: SimulatorOptions): SimulatorOptions {
  return {
    clients: { [CLIENT_ID]: { secret: CLIENT_SECRET, scopes: [...DEFAULT_SCOPES] } },
    ...options,
  };
}

export function useSimulator(options: SimulatorOptions = {}): SimContext {
  const capture = new Capture();
  const sims: Simulator[] = [];
  const ctx: SimContext = {
    get sim(): Simulator {
      const s = sims[0];
      if (!s) throw new Error("the simulator is not started yet");
      return s;
    },
    capture,
    xdr(o = {}, target = ctx.sim) {
      return createXdr({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        baseUrls: baseUrls(target),
        logger: capture.logger,
        retryDelayMs: 1,
        maxRetryDelayMs: 4,
        ...o,
      });
    },
    async startExtra(o) {
      const s = await startSimulator(withClient(o));
      sims.push(s);
      return s;
    },
    async caught(p) {
      let value: unknown;
      try {
        value = await p;
      } catch (e) {
        capture.errors.push(e);
        return e as Error;
      }
      throw new Error(`expected a rejection, got ${json(value).slice(0, 200)}`);
    },
    hits(prefix, method, target = ctx.sim) {
      return target.stats.requests.filter(
        (r) => r.path.startsWith(prefix) && (method === undefined || r.method === method),
      ).length;
    },
  };

  // Unhandled rejections while the file runs: an explicit failure of the file.
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    sims.unshift(await startSimulator(withClient(options)));
  });
  beforeEach(() => {
    ctx.sim.reset();
    clearTokenCache();
    capture.logs.length = 0;
  });
  afterAll(async () => {
    clearTokenCache();
    await Promise.all(sims.map((s) => s.close()));
    // Let rejections of the last test surface before looking.
    await new Promise((r) => setImmediate(r));
    process.off("unhandledRejection", onUnhandled);
    expect(leaks(capture, sims)).toEqual([]);
    expect(unhandled).toEqual([]);
  });
  return ctx;
}

function json(v: unknown): string {
  try {
    return typeof v === "string" ? v : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
}

/** Every string an error exposes: name, message, stack, own fields (body, headers…), causes. */
export function describeError(e: unknown, depth = 0): string {
  if (depth > 5 || e === undefined || e === null) return "";
  if (!(e instanceof Error)) return json(e);
  const parts = [e.name, e.message, e.stack ?? "", String(e), inspect(e, { depth: 10 })];
  for (const [k, v] of Object.entries(e)) {
    if (k === "cause") continue;
    parts.push(v instanceof Headers ? json([...v.entries()]) : json(v));
  }
  parts.push(describeError(e.cause, depth + 1));
  return parts.join("\n");
}

/** What must never show: the secret, its Basic form, and every token the simulators issued. */
export function credentials(sims: readonly Simulator[]): string[] {
  return [CLIENT_SECRET, BASIC, ...sims.flatMap((s) => s.issuedTokens())];
}

/** The credentials found in the captured logs and errors (masked): `[]` when clean. */
export function leaks(capture: Capture, sims: readonly Simulator[]): string[] {
  const text = [
    ...capture.allLogs.map((l) => `${l.level} ${l.message} ${json(l.fields)}`),
    ...capture.errors.map((e) => describeError(e)),
  ].join("\n");
  return credentials(sims)
    .filter((c) => text.includes(c))
    .map((c) => `${c.slice(0, 4)}…`);
}
