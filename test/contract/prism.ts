// Contract-test harness: a Prism mock of one spec, run as a child process on 127.0.0.1, and a
// recording `fetch` for the SDK that keeps Prism's verdict on every exchange.
//
// Prism validates each request against the operation it routes to (parameters, body, security).
// A request that breaks the spec is answered 422/400 (401 without credentials). Either way Prism
// lists what it found in the `sl-violations` response header: request violations, then
// "response" violations of the answer it mocked (the spec's example, or its own sample of the
// schema, in static mode). `conform` turns request errors into test failures carrying Prism's
// messages; the rest is kept for the report printed after each file.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, it } from "vitest";
import { ApiError, type XdrOptions } from "../../generated/src/index.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const HOST = "127.0.0.1";
const START_TIMEOUT_MS = 60_000;
const LOG_LINES = 200;

export interface Violation {
  /** `["request", "body", "content"]`, `["response", "body", …]`… */
  location: string[];
  severity: string;
  code?: string | number;
  message: string;
}

export interface Exchange {
  method: string;
  url: string;
  status: number;
  violations: Violation[];
}

export interface Mock {
  /** `http://127.0.0.1:<port>`: Prism mounts the spec's paths at the root, whatever its servers say. */
  readonly url: string;
  /** Pass as `XdrOptions.fetch`: records every exchange with Prism's violations. */
  readonly fetch: typeof globalThis.fetch;
  readonly exchanges: Exchange[];
  /**
   * Response violations seen by `conform`, by message (array indexes folded to `[]`), with the
   * operations that showed them: the mocked answer disagrees with the spec's schema. Not the
   * SDK's doing; reported after the run.
   */
  readonly specProblems: Map<string, { example: string; ops: Set<string> }>;
  /** Valid requests Prism could not answer (no example, schema too complex to sample). */
  readonly unanswered: Set<string>;
  /** The last lines Prism printed. */
  log(): string;
  stop(): Promise<void>;
}

/** Path of Prism's CLI script, from its package.json `bin`. */
function prismBin(): string {
  const dir = join(ROOT, "node_modules", "@stoplight", "prism-cli");
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    bin: string | Record<string, string>;
  };
  const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin.prism;
  if (!bin) throw new Error("@stoplight/prism-cli has no `prism` bin");
  return join(dir, bin);
}

/** A port nothing listens on now: bind port 0 on 127.0.0.1, read it, release it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

const running = new Set<ChildProcess>();
let exitHook = false;

/** Kill the whole process group of a child started with `detached: true`. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function parseViolations(header: string | null): Violation[] {
  if (!header) return [];
  try {
    const parsed = JSON.parse(header) as Violation[];
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    // "Too many violations! <truncated JSON>"
    return [{ location: ["request"], severity: "Error", message: header.slice(0, 2000) }];
  }
}

/**
 * Start `prism mock <spec>` on 127.0.0.1 and a free port; resolves once it answers HTTP.
 * Static mode (no `--dynamic`): answers are the spec's examples, the same on every run.
 */
export async function startPrism(spec: string): Promise<Mock> {
  const specPath = join(ROOT, spec);
  const bin = prismBin();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch(bin, specPath, port);
    } catch (error) {
      lastError = error;
      // Someone took the port between our probe and Prism's bind: pick another.
      if (!/EADDRINUSE/.test(String(error))) break;
    }
  }
  throw lastError;
}

async function launch(bin: string, specPath: string, port: number): Promise<Mock> {
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > LOG_LINES) lines.shift();
    }
  };
  // Own process group (detached), so that stop() can kill Prism and anything it forks.
  const child = spawn(
    process.execPath,
    [bin, "mock", specPath, "-h", HOST, "-p", String(port), "--errors=false"],
    {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    },
  );
  running.add(child);
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => {
      for (const c of running) killGroup(c, "SIGKILL");
    });
  }
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => running.delete(child));

  const url = `http://${HOST}:${port}`;
  const stop = async (): Promise<void> => {
    killGroup(child, "SIGTERM");
    const killed = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(resolve, 5_000, false).unref()),
    ]);
    if (!killed) {
      killGroup(child, "SIGKILL");
      await exited;
    }
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Prism exited before answering:\n${lines.join("\n")}`);
    }
    try {
      await fetch(url + "/__contract_ready", { signal: AbortSignal.timeout(1_000) });
      break; // any HTTP answer (404) means it is listening
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`Prism did not answer on ${url}:\n${lines.join("\n")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  const exchanges: Exchange[] = [];
  const recording: typeof globalThis.fetch = async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const method = init?.method ?? request?.method ?? "GET";
    const target = request ? request.url : String(input);
    const res = await fetch(input, init);
    const violations = parseViolations(res.headers.get("sl-violations"));
    exchanges.push({ method, url: target, status: res.status, violations });
    return res;
  };

  return {
    url,
    fetch: recording,
    exchanges,
    specProblems: new Map(),
    unanswered: new Set(),
    log: () => lines.join("\n"),
    stop,
  };
}

function formatRequestViolations(exchanges: readonly Exchange[]): string {
  const out: string[] = [];
  for (const x of exchanges) {
    for (const v of x.violations) {
      if (v.location[0] !== "request") continue;
      out.push(
        `  ${x.method} ${x.url} → ${x.status}: [${v.severity}] ${v.location.join(".")}: ${v.message}`,
      );
    }
  }
  return out.join("\n");
}

function noteSpecProblems(mock: Mock, label: string, exchanges: readonly Exchange[]): void {
  for (const x of exchanges) {
    for (const v of x.violations) {
      // Response violations, and request warnings (errors fail the call instead).
      const side = v.location[0];
      if (side !== "response" && !(side === "request" && v.severity !== "Error")) continue;
      // Fold by the failing field and message: the same defect shows in many answers.
      const where = v.location.join(".").replace(/\.\d+(?=\.|$)/g, "[]");
      const leaf = where.slice(where.lastIndexOf(".", where.length - 3) + 1);
      const message = v.message.replace(/^(Response|Request) body property [\w.[\]]+ /, "");
      const key = `${side === "request" ? `[request ${v.severity}] ` : ""}${leaf}: ${message}`;
      let problem = mock.specProblems.get(key);
      if (!problem) mock.specProblems.set(key, (problem = { example: where, ops: new Set() }));
      problem.ops.add(label);
    }
  }
}

/** Prism's 500 "Schema too complex": it could not generate a mock answer for a valid request. */
function cannotAnswer(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status !== 500) return false;
  const type = (error.body as { type?: unknown } | undefined)?.type;
  return typeof type === "string" && type.endsWith("#SCHEMA_TOO_COMPLEX");
}

/** Request violations of severity Error in these exchanges. */
export function requestErrors(exchanges: readonly Exchange[]): Violation[] {
  return exchanges.flatMap((x) =>
    x.violations.filter((v) => v.location[0] === "request" && v.severity === "Error"),
  );
}

/**
 * Run one SDK call against the mock and insist that Prism found the request valid: the call
 * resolves, at least one request reached Prism, and no request violation of severity Error was
 * reported. Otherwise throws with Prism's messages (and, for an `ApiError`, its problem body).
 */
export async function conform<T>(mock: Mock, label: string, run: () => Promise<T>): Promise<T> {
  const mark = mock.exchanges.length;
  let result: T;
  try {
    result = await run();
  } catch (error) {
    const seen = mock.exchanges.slice(mark);
    noteSpecProblems(mock, label, seen);
    if (seen.length > 0 && requestErrors(seen).length === 0 && cannotAnswer(error)) {
      // Prism checked the request and found it valid, then failed to build an answer from a
      // schema without examples. The request side of the contract holds; note the limitation.
      const last = seen.at(-1)!;
      mock.unanswered.add(`${label} (${last.method.toUpperCase()} ${new URL(last.url).pathname})`);
      return undefined as T;
    }
    const detail =
      error instanceof ApiError
        ? `HTTP ${error.status}: ${JSON.stringify(error.body)}`
        : error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error);
    throw new Error(
      `${label} failed against the Prism mock — ${detail}\n` +
        (formatRequestViolations(seen) || "  (no request violation reported)"),
      { cause: error },
    );
  }
  const seen = mock.exchanges.slice(mark);
  if (seen.length === 0) throw new Error(`${label}: no request reached the Prism mock`);
  noteSpecProblems(mock, label, seen);
  const errors = requestErrors(seen);
  if (errors.length) {
    throw new Error(
      `${label}: Prism reported request violations\n${formatRequestViolations(seen)}`,
    );
  }
  return result;
}

/** The spec problems Prism noticed while mocking, one line each, for the end-of-suite report. */
export function specReport(name: string, mock: Mock): string {
  const lines: string[] = [];
  if (mock.specProblems.size === 0)
    lines.push(`${name}: no response violation, no request warning`);
  else {
    lines.push(
      `${name}: Prism's other remarks — answers it mocked (the spec's example, or its own sample ` +
        `of the schema) that break the response schema, and request warnings:`,
    );
    for (const [problem, { example, ops }] of [...mock.specProblems].sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      const list = [...ops].sort();
      const shown =
        list.slice(0, 3).join(", ") + (list.length > 3 ? `, +${list.length - 3} more` : "");
      lines.push(`  …${problem} — ${list.length} operation(s): ${shown}; e.g. at ${example}`);
    }
  }
  if (mock.unanswered.size > 0) {
    lines.push(`${name}: valid requests Prism could not answer (schema too complex to sample):`);
    for (const op of [...mock.unanswered].sort()) lines.push(`  ${op}`);
  }
  return lines.join("\n");
}

/**
 * The test file's Prism mock of `spec`, and a client of `api` made by `create` that talks to it
 * (bearer token, recording fetch, no retries). Prism starts before the file's tests (unless
 * `enabled` is false) and stops after them, printing `specReport`. Read `mock` and `client`
 * inside tests.
 */
export function usePrismClient<C>(
  api: "iroh" | "ctia" | "conure" | "automation",
  spec: string,
  create: (options: XdrOptions) => C,
  enabled = true,
): { readonly mock: Mock; readonly client: C } {
  let state: { mock: Mock; client: C } | undefined;
  let mock: Mock | undefined;
  beforeAll(async () => {
    if (!enabled) return;
    mock = await startPrism(spec);
    const client = create({
      accessToken: "test-token",
      baseUrls: { [api]: mock.url },
      fetch: mock.fetch,
      maxRetries: 0,
    });
    state = { mock, client };
  });
  afterAll(async () => {
    if (!mock) return;
    console.info(specReport(api, mock));
    await mock.stop();
  });
  const current = (): { mock: Mock; client: C } => {
    if (!state) throw new Error(`the Prism mock of ${spec} is not running`);
    return state;
  };
  return {
    get mock() {
      return current().mock;
    },
    get client() {
      return current().client;
    },
  };
}

/**
 * One row of a contract table: the client group, the method (or a label), the call. A fourth
 * element marks a known problem: the row then runs as `it.fails`, so that the suite stays green
 * while the problem lasts and goes red (remove the mark) once it is fixed.
 */
export type Call<C> = readonly [
  group: string,
  label: string,
  run: (client: C) => Promise<unknown>,
  knownIssue?: string,
];

/** `group.label`, or just `label` for a top-level method (`inspect`). */
export const callName = (group: string, label: string): string =>
  group === label ? label : `${group}.${label}`;

/** One test per row: the call must pass `conform`. */
export function contractTests<C>(
  api: string,
  calls: readonly Call<C>[],
  context: () => { mock: Mock; client: C },
): void {
  for (const [group, label, run, knownIssue] of calls) {
    const test = async (): Promise<void> => {
      const { mock, client } = context();
      await conform(mock, `${api}.${callName(group, label)}`, () => run(client));
    };
    if (knownIssue) it.fails(`${group}: ${label} — known issue: ${knownIssue}`, test);
    else it(`${group}: ${label}`, test);
  }
}

/** Every named method of a generated client, as `group.method` (the raw client and transport aside). */
export function methodNames(client: object): string[] {
  const names: string[] = [];
  const walk = (node: object, prefix: string): void => {
    for (const [key, value] of Object.entries(node)) {
      if (!prefix && (key === "raw" || key === "transport")) continue;
      const name = prefix ? `${prefix}.${key}` : key;
      if (typeof value === "function") names.push(name);
      else if (value && typeof value === "object") walk(value as object, name);
    }
  };
  walk(client, "");
  return names.sort();
}
