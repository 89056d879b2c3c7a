// Helpers of the hostile-server suite (issue #8): extra servers on 127.0.0.1, a streaming body
// generated on the fly, a recording logger, the raw openapi-fetch client as the generated client
// builds it, and the "every surface of an error" text that redaction tests search.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import type { RawClient } from "../../templates/runtime/raw-client.js";
import { rawClientOf } from "../../templates/runtime/raw.js";
import type { Logger, Transport } from "../../templates/runtime/types.js";

export {
  CLIENT_ID,
  CLIENT_SECRET,
  type Hit,
  createIncident,
  getJudgement,
  inspect as inspectOp,
  irohApi,
  irohClient,
  json,
  op,
  useServer,
} from "../runtime/harness.js";

/**
 * Resolves once `cond()` holds, polling every few ms up to `ms` of wall-clock time (robust on a
 * loaded machine, unlike a fixed number of event-loop turns). Only `Date` may be faked.
 */
export async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error("condition not reached");
    await new Promise<void>((r) => setTimeout(r, 3));
  }
}

export const TOKEN = "POST /iroh/oauth2/token";

/** A bare node:http server on 127.0.0.1 with one handler (no body buffering, no routing). */
export interface Plain {
  readonly url: string;
  readonly port: number;
  /** Requests received so far. */
  readonly requests: IncomingMessage[];
  close(): Promise<void>;
}

export async function plainServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Plain> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 nothing listens on (a server was there a moment ago). */
export async function closedPort(): Promise<number> {
  const s = await plainServer(() => undefined);
  await s.close();
  return s.port;
}

/** What a streamed response did: bytes handed to the socket, and whether the peer hung up early. */
export interface Streamed {
  written: number;
  /** The connection closed before the whole body was written. */
  closedEarly: boolean;
  /** Resolves once the response finished or the connection closed. */
  done: Promise<void>;
}

/**
 * Streams `total` bytes of `fill` (generated on the fly, honouring backpressure: never held in
 * memory) as the body of a response already started with `writeHead`.
 */
export function streamBody(res: ServerResponse, total: number, fill = "x"): Streamed {
  const chunk = Buffer.alloc(64 * 1024, fill);
  const out: Streamed = { written: 0, closedEarly: false, done: Promise.resolve() };
  let finished = false;
  out.done = new Promise<void>((resolve) => {
    res.on("close", () => {
      if (!finished) out.closedEarly = true;
      resolve();
    });
    res.on("finish", () => {
      finished = true;
      resolve();
    });
  });
  const pump = (): void => {
    while (out.written < total) {
      if (res.destroyed || res.writableEnded) return;
      const n = Math.min(chunk.length, total - out.written);
      out.written += n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        res.once("drain", pump);
        return;
      }
    }
    res.end();
  };
  pump();
  return out;
}

export interface Recorder extends Logger {
  readonly lines: string[];
  readonly warnings: string[];
}

/** A logger that keeps every line (message and fields as JSON). */
export function recorder(): Recorder {
  const lines: string[] = [];
  const warnings: string[] = [];
  const line = (m: string, f?: Record<string, unknown>) => `${m} ${JSON.stringify(f ?? {})}`;
  return {
    lines,
    warnings,
    debug: (m, f) => void lines.push(line(m, f)),
    warn: (m, f) => {
      lines.push(line(m, f));
      warnings.push(line(m, f));
    },
  };
}

/** The rejection of a promise (fails the test when it resolves). */
export async function caught(p: PromiseLike<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection, but the promise resolved");
}

/** Milliseconds a promise took to settle, and its rejection if any. */
export async function timed(
  p: PromiseLike<unknown>,
): Promise<{ ms: number; error?: Error & Record<string, unknown> }> {
  const t0 = performance.now();
  try {
    await p;
    return { ms: performance.now() - t0 };
  } catch (e) {
    return { ms: performance.now() - t0, error: e as Error & Record<string, unknown> };
  }
}

// The generated client types `paths` from the spec; these tests use any path.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LoosePaths = any;

/** The raw client, built by what the generated client's `raw` getter calls. */
export function rawClient(t: Transport): RawClient<LoosePaths> {
  return rawClientOf<LoosePaths>(t);
}

/**
 * Every place a secret could surface from an error: message, stack, the cause chain (message,
 * stack, own properties), body, headers, `util.inspect`, `JSON.stringify`, `String()` — plus the
 * logger's lines.
 */
export function surfaces(err: unknown, log?: Recorder): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const x = e as Error & { body?: unknown; headers?: unknown; cause?: unknown };
    parts.push(String(x), String(x.message), String(x.stack));
    parts.push(inspect(x, { depth: 20, showHidden: true, getters: true }));
    try {
      parts.push(JSON.stringify(x));
    } catch {
      // circular: inspect covers it
    }
    if (x.body !== undefined)
      parts.push(typeof x.body === "string" ? x.body : JSON.stringify(x.body));
    if (x.headers instanceof Headers) x.headers.forEach((v, k) => parts.push(`${k}: ${v}`));
    e = x.cause;
  }
  if (log) parts.push(...log.lines);
  return parts.join("\n");
}

/** The encodings a leaked secret might take. */
export function encodings(secret: string): Record<string, string> {
  const url = encodeURIComponent(secret);
  const b64 = Buffer.from(secret, "utf8").toString("base64");
  return {
    raw: secret,
    json: JSON.stringify(secret).slice(1, -1),
    urlUpper: url,
    urlLower: url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    form: new URLSearchParams({ s: secret }).toString().slice(2),
    base64: b64,
    base64NoPad: b64.replace(/=+$/, ""),
    base64url: Buffer.from(secret, "utf8").toString("base64url"),
  };
}

/** Names of the encodings of `secret` found in `text` (expect `[]`). */
export function leaks(text: string, secret: string): string[] {
  return Object.entries(encodings(secret))
    .filter(([, f]) => f && text.includes(f))
    .map(([k]) => k);
}

/** `Basic base64(id:secret)` as sent, and its parts. */
export function basicOf(id: string, secret: string): { pair: string; b64: string; header: string } {
  const pair = `${id}:${secret}`;
  const b64 = Buffer.from(pair, "utf8").toString("base64");
  return { pair, b64, header: `Basic ${b64}` };
}
