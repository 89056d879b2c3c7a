import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  fetchSpec,
  serializeLock,
  verifySpecAgainstLock,
  type FetchSpecOptions,
  type SpecChange,
  type SpecLock,
} from "../generator/fetch-spec.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURES = path.join(REPO_ROOT, "test/fixtures/fetch-spec");
const SHARED_MIRROR_CONFIGURED = "../shared/specs/automation/cisco-xdr-automation-openapi.json";
const SHARED_MIRROR = path.resolve(REPO_ROOT, SHARED_MIRROR_CONFIGURED);
const HAS_SHARED = existsSync(SHARED_MIRROR);

const sha256 = (b: Buffer | string): string => createHash("sha256").update(b).digest("hex");
const fixture = (name: string): Promise<Buffer> => readFile(path.join(FIXTURES, name));

// ---------------------------------------------------------------------------------------------
// Guard: tests may only ever reach 127.0.0.1. Every fetchSpec call gets this fetch.

const contacted: string[] = [];
const localOnlyFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.hostname !== "127.0.0.1") {
    throw new Error(`test tried to contact ${url.href}; only 127.0.0.1 is allowed`);
  }
  contacted.push(url.href);
  return fetch(input, init);
};

// ---------------------------------------------------------------------------------------------
// Local HTTP servers (127.0.0.1, port 0), all closed after each test.

interface TestServer {
  url: string;
  requests: () => number;
}
const servers: http.Server[] = [];

async function startServer(handler: http.RequestListener): Promise<TestServer> {
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/spec.json`, requests: () => count };
}

function serve(body: Buffer | string, status = 200): Promise<TestServer> {
  return startServer((_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body);
  });
}

/** A URL on a 127.0.0.1 port that was just closed: connection refused. */
async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/rest_api_1_0_0.json`;
}

// ---------------------------------------------------------------------------------------------
// Temp project dir per test: <tmp>/specs/{automation.lock.json,automation.json}, <tmp>/mirror/

let dir: string;
let lockFile: string;
let outFile: string;
let logs: string[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "xdr-fetch-spec-"));
  lockFile = path.join(dir, "specs/automation.lock.json");
  outFile = path.join(dir, "specs/automation.json");
  logs = [];
  contacted.length = 0;
});

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  await rm(dir, { recursive: true, force: true });
});

const FIXED_NOW = () => new Date("2026-11-22T23:59:59Z");

function options(overrides: Partial<FetchSpecOptions> = {}): FetchSpecOptions {
  return {
    lockFile,
    outFile,
    mirrors: [],
    baseDir: dir,
    timeoutMs: 2_000,
    fetch: localOnlyFetch,
    log: (line) => logs.push(line),
    now: FIXED_NOW,
    ...overrides,
  };
}

/** Puts a copy of a fixture at <tmp>/mirror/<name> and returns the configured (relative) path. */
async function mirror(fixtureName: string, as = "spec.json"): Promise<string> {
  await mkdir(path.join(dir, "mirror"), { recursive: true });
  await writeFile(path.join(dir, "mirror", as), await fixture(fixtureName));
  return `mirror/${as}`;
}

function lockFor(bytes: Buffer, url: string, extra: Partial<SpecLock> = {}): SpecLock {
  const doc = JSON.parse(bytes.toString("utf8")) as {
    openapi: string;
    info: { title: string; version: string };
    paths: Record<string, Record<string, unknown>>;
  };
  const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
  const operations = Object.values(doc.paths).reduce(
    (n, item) => n + Object.keys(item).filter((k) => methods.includes(k)).length,
    0,
  );
  return {
    url,
    sha256: sha256(bytes),
    size: bytes.length,
    openapi: doc.openapi,
    title: doc.info.title,
    version: doc.info.version,
    operations,
    fetchedAt: "2026-01-01",
    fetchedFrom: url,
    ...extra,
  };
}

async function writeLock(lock: SpecLock): Promise<string> {
  const text = serializeLock(lock);
  await mkdir(path.dirname(lockFile), { recursive: true });
  await writeFile(lockFile, text);
  return text;
}

async function writeOut(bytes: Buffer): Promise<void> {
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, bytes);
}

const readText = (f: string): Promise<string> => readFile(f, "utf8");

/** Files left in specs/ (catches stray temp files from the atomic writes). */
async function specsDir(): Promise<string[]> {
  return existsSync(path.join(dir, "specs")) ? (await readdir(path.join(dir, "specs"))).sort() : [];
}

// ---------------------------------------------------------------------------------------------

describe("fetchSpec: sources and fallback", () => {
  it("falls back to a mirror file when the lock URL is unreachable, with a clear message", async () => {
    const v1 = await fixture("spec-v1.json");
    const url = await closedPortUrl();
    const lockText = await writeLock(lockFor(v1, url));
    const m = await mirror("spec-v1.json");

    const result = await fetchSpec(options({ mirrors: [m] }));

    expect(result).toMatchObject({ exitCode: 0, status: "written", source: `mirror: ${m}` });
    expect(logs).toEqual([
      `trying ${url} … unreachable (connection refused (ECONNREFUSED))`,
      `using mirror: ${m}`,
    ]);
    expect(await readFile(outFile)).toEqual(v1);
    expect(await readText(lockFile)).toBe(lockText);
    expect(await specsDir()).toEqual(["automation.json", "automation.lock.json"]);
  });

  it("--offline uses local mirrors only and never calls fetch", async () => {
    const v1 = await fixture("spec-v1.json");
    await writeLock(lockFor(v1, "https://example.invalid/spec.json"));
    const m = await mirror("spec-v1.json");
    const noFetch: typeof fetch = async () => {
      throw new Error("fetch must not be called offline");
    };

    const result = await fetchSpec(
      options({
        mirrors: ["https://example.invalid/mirror.json", m],
        offline: true,
        fetch: noFetch,
      }),
    );

    expect(result).toMatchObject({ exitCode: 0, source: `mirror: ${m}` });
    expect(logs).toEqual([`using mirror: ${m}`]);
    expect(await readFile(outFile)).toEqual(v1);
  });

  it("creates the lock on first fetch from a mirror, recording the official URL and the mirror", async () => {
    const v1 = await fixture("spec-v1.json");
    const url = await closedPortUrl();
    const m = await mirror("spec-v1.json");

    const result = await fetchSpec(options({ mirrors: [m], url }));

    expect(result).toMatchObject({ exitCode: 0, status: "written", source: `mirror: ${m}` });
    expect(result.message).toContain("created");
    expect(await readFile(outFile)).toEqual(v1);
    const expected = [
      "{",
      `  "url": "${url}",`,
      `  "sha256": "${sha256(v1)}",`,
      `  "size": ${v1.length},`,
      `  "openapi": "3.0.1",`,
      `  "title": "Synthetic API.",`,
      `  "version": "1.0.0",`,
      `  "operations": 4,`,
      `  "fetchedAt": "2026-11-22",`,
      `  "fetchedFrom": "mirror: ${m}"`,
      "}",
      "",
    ].join("\n");
    expect(await readText(lockFile)).toBe(expected);
  });

  it("defaults the lock URL to Cisco's official download URL (never contacted here)", async () => {
    const m = await mirror("spec-v1.json");
    const refusing: typeof fetch = async (input) => {
      throw new TypeError(`fetch failed: ${String(input)}`, {
        cause: Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }),
      });
    };
    const result = await fetchSpec(options({ mirrors: [m], fetch: refusing }));
    expect(result.exitCode).toBe(0);
    expect(logs[0]).toBe(
      "trying https://pubhub.devnetcloud.com/media/cisco-xdr-api-docs/docs/reference/automation/rest_api_1_0_0.json … unreachable (host not found (ENOTFOUND))",
    );
    const lock = JSON.parse(await readText(lockFile)) as SpecLock;
    expect(lock.url).toBe(
      "https://pubhub.devnetcloud.com/media/cisco-xdr-api-docs/docs/reference/automation/rest_api_1_0_0.json",
    );
  });

  it("succeeds from a local HTTP server URL (the lock URL)", async () => {
    const v1 = await fixture("spec-v1.json");
    const server = await serve(v1);
    await writeLock(lockFor(v1, server.url));

    const result = await fetchSpec(options({ mirrors: [await mirror("spec-v2.json")] }));

    expect(result).toMatchObject({ exitCode: 0, status: "written", source: server.url });
    expect(logs).toEqual([`using ${server.url}`]);
    expect(server.requests()).toBe(1);
    expect(await readFile(outFile)).toEqual(v1);
  });

  it("--from URL tries only that source; fetchedFrom records it", async () => {
    const v1 = await fixture("spec-v1.json");
    const lockServer = await serve(v1);
    const fromServer = await serve(v1);
    const url = await closedPortUrl();

    const result = await fetchSpec(
      options({ from: fromServer.url, url, mirrors: [await mirror("spec-v1.json")] }),
    );

    expect(result).toMatchObject({ exitCode: 0, status: "written", source: fromServer.url });
    expect(lockServer.requests()).toBe(0);
    expect(contacted).toEqual([fromServer.url]);
    const lock = JSON.parse(await readText(lockFile)) as SpecLock;
    expect(lock).toMatchObject({ url, fetchedFrom: fromServer.url });
  });

  it("--from PATH that is a configured mirror is recorded as that mirror", async () => {
    const url = await closedPortUrl();
    const m = await mirror("spec-v1.json");
    const result = await fetchSpec(
      options({ from: path.join(dir, m), url, mirrors: ["mirror/other.json", m] }),
    );
    expect(result).toMatchObject({ exitCode: 0, source: `mirror: ${m}` });
    expect(contacted).toEqual([]);
  });

  it("--from alone: a failing --from does not fall back to the lock URL or mirrors", async () => {
    const v1 = await fixture("spec-v1.json");
    const server = await serve(v1);
    await writeLock(lockFor(v1, server.url));
    const missing = path.join(dir, "nowhere.json");

    const result = await fetchSpec(
      options({ from: missing, mirrors: [await mirror("spec-v1.json")] }),
    );

    expect(result.exitCode).toBe(2);
    expect(result.message).toContain(`file: ${missing}: unreachable (file not found: ${missing})`);
    expect(server.requests()).toBe(0);
    expect(existsSync(outFile)).toBe(false);
  });

  it.each([
    {
      name: "never answers",
      handler: (() => undefined) as http.RequestListener,
    },
    {
      name: "sends headers, then stalls the body",
      handler: ((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"openapi": "3.0.1", ');
      }) as http.RequestListener,
    },
  ])("times out when a server $name and falls back after timeoutMs", async ({ handler }) => {
    const v1 = await fixture("spec-v1.json");
    const server = await startServer(handler);
    await writeLock(lockFor(v1, server.url));
    const m = await mirror("spec-v1.json");

    const started = Date.now();
    const result = await fetchSpec(options({ mirrors: [m], timeoutMs: 200 }));
    const elapsed = Date.now() - started;

    expect(result).toMatchObject({ exitCode: 0, source: `mirror: ${m}` });
    expect(logs).toEqual([
      `trying ${server.url} … unreachable (timed out after 200 ms)`,
      `using mirror: ${m}`,
    ]);
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(5_000);
  });

  it.each([
    {
      name: "not JSON",
      fixture: "not-json.html",
      reason: /^rejected \(not JSON: .+\)$/,
    },
    {
      name: "Swagger 2.0",
      fixture: "swagger2.json",
      reason: /^rejected \(not an OpenAPI 3\.x document: it is Swagger 2\.0\)$/,
    },
    {
      name: "no paths",
      fixture: "no-paths.json",
      reason: /^rejected \(not an OpenAPI document: no "paths" object\)$/,
    },
    {
      name: "a JSON array",
      body: "[1, 2, 3]",
      reason: /^rejected \(not an OpenAPI document: JSON is not an object\)$/,
    },
    {
      name: 'an "openapi": "4.0.0" document',
      body: '{"openapi": "4.0.0", "paths": {}}',
      reason: /^rejected \(not an OpenAPI 3\.x document: "openapi" is "4\.0\.0"\)$/,
    },
    {
      name: "an HTTP 404",
      body: "not here",
      status: 404,
      reason: /^unreachable \(HTTP 404 Not Found\)$/,
    },
  ])("rejects $name from a URL with a reason and falls back", async (row) => {
    const v1 = await fixture("spec-v1.json");
    const body = row.fixture ? await fixture(row.fixture) : (row.body ?? "");
    const server = await serve(body, row.status ?? 200);
    await writeLock(lockFor(v1, server.url));
    const m = await mirror("spec-v1.json");

    const result = await fetchSpec(options({ mirrors: [m] }));

    expect(result).toMatchObject({ exitCode: 0, source: `mirror: ${m}` });
    expect(logs).toHaveLength(2);
    const prefix = `trying ${server.url} … `;
    expect(logs[0]?.startsWith(prefix)).toBe(true);
    expect(logs[0]?.slice(prefix.length)).toMatch(row.reason);
    expect(logs[1]).toBe(`using mirror: ${m}`);
    expect(await readFile(outFile)).toEqual(v1);
  });

  it("rejects a not-OpenAPI mirror file and falls back to the next mirror", async () => {
    const url = await closedPortUrl();
    const bad = await mirror("swagger2.json", "bad.json");
    const good = await mirror("spec-v1.json", "good.json");

    const result = await fetchSpec(options({ url, mirrors: [bad, good] }));

    expect(result).toMatchObject({ exitCode: 0, status: "written", source: `mirror: ${good}` });
    expect(logs[1]).toBe(
      `trying mirror: ${bad} … rejected (not an OpenAPI 3.x document: it is Swagger 2.0)`,
    );
  });

  it("fails with exit 2 listing every source and its reason when all sources fail", async () => {
    const url = await closedPortUrl();
    const notJson = await mirror("not-json.html", "index.html");
    const http404 = await serve("gone", 404);

    const result = await fetchSpec(
      options({ url, mirrors: ["mirror/missing.json", notJson, http404.url] }),
    );

    expect(result.exitCode).toBe(2);
    expect(result.source).toBe("");
    const lines = result.message.split("\n");
    expect(lines[0]).toBe("could not fetch the OpenAPI document: every source failed");
    expect(lines.slice(1, 5)).toEqual([
      `  - ${url}: unreachable (connection refused (ECONNREFUSED))`,
      `  - mirror: mirror/missing.json: unreachable (file not found: ${path.join(dir, "mirror/missing.json")})`,
      expect.stringMatching(/^ {2}- mirror: mirror\/index\.html: rejected \(not JSON: .+\)$/),
      `  - mirror: ${http404.url}: unreachable (HTTP 404 Not Found)`,
    ]);
    expect(lines[5]).toContain("--from");
    expect(logs).toHaveLength(4);
    expect(await specsDir()).toEqual([]);
  });

  it("fails with exit 2 naming the file when the lock is not valid JSON, before fetching", async () => {
    await mkdir(path.dirname(lockFile), { recursive: true });
    await writeFile(lockFile, "{ not json");
    const server = await serve(await fixture("spec-v1.json"));

    const result = await fetchSpec(options({ url: server.url, mirrors: [] }));

    expect(result.exitCode).toBe(2);
    expect(result.message).toContain(`invalid lock file ${lockFile}: not JSON`);
    expect(server.requests()).toBe(0);
    expect(await readText(lockFile)).toBe("{ not json");
  });

  it("fails with exit 2 when the lock lacks fields", async () => {
    await mkdir(path.dirname(lockFile), { recursive: true });
    await writeFile(lockFile, '{ "url": "http://127.0.0.1:1/x", "sha256": "abc" }\n');
    const result = await fetchSpec(options({ mirrors: [await mirror("spec-v1.json")] }));
    expect(result.exitCode).toBe(2);
    expect(result.message).toContain(`invalid lock file ${lockFile}:`);
    expect(result.message).toContain('"sha256" must be 64 lowercase hex digits');
    expect(result.message).toContain('"operations" must be a non-negative integer');
    expect(contacted).toEqual([]);
  });
});

describe("fetchSpec: lock comparison", () => {
  it("unchanged: exit 0, lock and outFile byte-identical and not rewritten", async () => {
    const v1 = await fixture("spec-v1.json");
    const server = await serve(v1);
    const lockText = await writeLock(lockFor(v1, server.url));
    await writeOut(v1);
    const before = await Promise.all([stat(lockFile), stat(outFile)]);

    const result = await fetchSpec(options({ now: () => new Date("2030-05-05T00:00:00Z") }));

    expect(result).toMatchObject({ exitCode: 0, status: "unchanged", source: server.url });
    expect(result.message).toContain("up to date");
    expect(await readText(lockFile)).toBe(lockText);
    expect(await readFile(outFile)).toEqual(v1);
    const after = await Promise.all([stat(lockFile), stat(outFile)]);
    expect(after.map((s) => s.mtimeMs)).toEqual(before.map((s) => s.mtimeMs));
    expect(await specsDir()).toEqual(["automation.json", "automation.lock.json"]);
  });

  it("first fetch then rerun: the second run is unchanged and byte-identical", async () => {
    const v1 = await fixture("spec-v1.json");
    const server = await serve(v1);
    const first = await fetchSpec(options({ url: server.url }));
    expect(first).toMatchObject({ exitCode: 0, status: "written" });
    const lockText = await readText(lockFile);

    const second = await fetchSpec(options({ url: "http://127.0.0.1:1/ignored" }));
    expect(second).toMatchObject({ exitCode: 0, status: "unchanged", source: server.url });
    expect(await readText(lockFile)).toBe(lockText);
  });

  it("same sha256 but outFile different: rewrites outFile only (status written)", async () => {
    const v1 = await fixture("spec-v1.json");
    const server = await serve(v1);
    const lockText = await writeLock(lockFor(v1, server.url));
    await writeOut(Buffer.from("stale"));

    const result = await fetchSpec(options());

    expect(result).toMatchObject({ exitCode: 0, status: "written" });
    expect(await readFile(outFile)).toEqual(v1);
    expect(await readText(lockFile)).toBe(lockText);
    expect(await specsDir()).toEqual(["automation.json", "automation.lock.json"]);
  });

  it("checksum mismatch: explains the change, exit 1, files untouched", async () => {
    const v1 = await fixture("spec-v1.json");
    const v2 = await fixture("spec-v2.json");
    const server = await serve(v2);
    const lockText = await writeLock(lockFor(v1, server.url));
    await writeOut(v1);

    const result = await fetchSpec(options());

    expect(result).toMatchObject({ exitCode: 1, status: "changed", source: server.url });
    expect(result.diff).toMatchObject({
      operationsCompared: true,
      operationsAdded: ["GET /gadgets", "PATCH /widgets/{id}"],
      operationsRemoved: ["DELETE /widgets/{id}"],
      before: { sha256: sha256(v1), operations: 4, version: "1.0.0", openapi: "3.0.1" },
      after: { sha256: sha256(v2), operations: 5, version: "1.1.0", openapi: "3.0.3" },
    });
    expect(result.diff?.changes.map((c) => c.field)).toEqual([
      "sha256",
      "size",
      "openapi",
      "version",
      "operations",
    ]);
    const msg = result.message;
    expect(msg).toContain(`differs from ${lockFile}`);
    expect(msg).toContain(`sha256      ${sha256(v1)} → ${sha256(v2)}`);
    expect(msg).toContain(`size        ${v1.length} → ${v2.length} bytes`);
    expect(msg).toContain("operations  4 → 5 (+2 added, -1 removed)");
    expect(msg).toContain('openapi     "3.0.1" → "3.0.3"');
    expect(msg).toContain('version     "1.0.0" → "1.1.0"');
    expect(msg).not.toContain("title ");
    expect(msg).toMatch(/operations added:\n {4}GET \/gadgets\n {4}PATCH \/widgets\/\{id\}\n/);
    expect(msg).toMatch(/operations removed:\n {4}DELETE \/widgets\/\{id\}/);
    expect(msg).toContain("--accept");
    expect(await readText(lockFile)).toBe(lockText);
    expect(await readFile(outFile)).toEqual(v1);
    expect(await specsDir()).toEqual(["automation.json", "automation.lock.json"]);
  });

  it("checksum mismatch without an outFile: compares counts only and writes nothing", async () => {
    const v1 = await fixture("spec-v1.json");
    const url = await closedPortUrl();
    const lockText = await writeLock(lockFor(v1, url));
    const m = await mirror("spec-v2.json");

    const result = await fetchSpec(options({ mirrors: [m] }));

    expect(result).toMatchObject({ exitCode: 1, status: "changed", source: `mirror: ${m}` });
    expect(result.diff).toMatchObject({
      operationsCompared: false,
      operationsAdded: [],
      operationsRemoved: [],
    });
    expect(result.message).toContain("operations  4 → 5\n");
    expect(result.message).toContain("only counts are compared");
    expect(existsSync(outFile)).toBe(false);
    expect(await readText(lockFile)).toBe(lockText);
  });

  it("--accept rewrites the lock and outFile (exit 0, status updated)", async () => {
    const v1 = await fixture("spec-v1.json");
    const v2 = await fixture("spec-v2.json");
    const url = await closedPortUrl();
    await writeLock(lockFor(v1, url));
    await writeOut(v1);
    const m = await mirror("spec-v2.json");

    const result = await fetchSpec(options({ mirrors: [m], accept: true }));

    expect(result).toMatchObject({ exitCode: 0, status: "updated", source: `mirror: ${m}` });
    expect(result.diff?.operationsAdded).toEqual(["GET /gadgets", "PATCH /widgets/{id}"]);
    expect(result.message).toContain("Accepted");
    expect(await readFile(outFile)).toEqual(v2);
    expect(await readText(lockFile)).toBe(
      serializeLock({
        url,
        sha256: sha256(v2),
        size: v2.length,
        openapi: "3.0.3",
        title: "Synthetic API.",
        version: "1.1.0",
        operations: 5,
        fetchedAt: "2026-11-22",
        fetchedFrom: `mirror: ${m}`,
      }),
    );
    expect(await specsDir()).toEqual(["automation.json", "automation.lock.json"]);

    // Accepted: the next run is unchanged.
    const again = await fetchSpec(options({ mirrors: [m] }));
    expect(again).toMatchObject({ exitCode: 0, status: "unchanged" });
  });
});

describe("fetchSpec: review (the SDK-level report and the rating at --accept)", () => {
  /** A review hook that remembers what it saw and when its record ran. */
  function reviewer(record: () => Promise<string | undefined> = async () => "recorded: major") {
    const seen: { change?: SpecChange; recordedWithLock?: string } = {};
    const review = async (change: SpecChange) => {
      seen.change = change;
      return {
        report: "SDK REPORT",
        record: async () => {
          seen.recordedWithLock = await readText(lockFile);
          return record();
        },
      };
    };
    return { seen, review };
  }

  it("without --accept: the report is shown, nothing is recorded", async () => {
    const v1 = await fixture("spec-v1.json");
    await writeLock(lockFor(v1, await closedPortUrl()));
    await writeOut(v1);
    const m = await mirror("spec-v2.json");
    const { seen, review } = reviewer();

    const result = await fetchSpec(options({ mirrors: [m], review }));

    expect(result.exitCode).toBe(1);
    expect(result.message).toContain("SDK REPORT");
    expect(seen.change!.previous).toEqual({ bytes: v1, label: outFile });
    expect(seen.change!.before.sha256).toBe(sha256(v1));
    expect(seen.change!.after.sha256).toBe(sha256(await fixture("spec-v2.json")));
    expect(seen.recordedWithLock).toBeUndefined();
  });

  it("--accept records after the new lock is written, and says what it recorded", async () => {
    const v1 = await fixture("spec-v1.json");
    await writeLock(lockFor(v1, await closedPortUrl()));
    await writeOut(v1);
    const m = await mirror("spec-v2.json");
    const { seen, review } = reviewer();

    const result = await fetchSpec(options({ mirrors: [m], review, accept: true }));

    expect(result).toMatchObject({ exitCode: 0, status: "updated" });
    expect(JSON.parse(seen.recordedWithLock!).sha256).toBe(sha256(await fixture("spec-v2.json")));
    expect(result.message.split("\n").slice(-2)).toEqual([
      `Accepted: updated ${lockFile} and ${outFile}.`,
      "recorded: major",
    ]);
  });

  it("a fresh clone (no downloaded copy): the locked document is found among the mirrors", async () => {
    const v1 = await fixture("spec-v1.json");
    await writeLock(lockFor(v1, await closedPortUrl()));
    const old = await mirror("spec-v1.json", "old.json");
    const next = await mirror("spec-v2.json", "new.json");
    const { seen, review } = reviewer();

    const result = await fetchSpec(
      options({ mirrors: [old], from: path.join(dir, next), review, accept: true }),
    );

    expect(result).toMatchObject({ exitCode: 0, status: "updated" });
    expect(seen.change!.previous).toEqual({ bytes: v1, label: `mirror: ${old}` });
    expect(result.diff).toMatchObject({
      operationsCompared: true,
      operationsRemoved: ["DELETE /widgets/{id}"],
      note: `operations are compared with the locked document from mirror: ${old}`,
    });
  });

  it("no copy of the locked document anywhere: the hook is told so (previous undefined)", async () => {
    const v1 = await fixture("spec-v1.json");
    await writeLock(lockFor(v1, await closedPortUrl()));
    await writeOut(Buffer.from("{}")); // not the locked document
    const m = await mirror("spec-v2.json");
    const { seen, review } = reviewer();

    await fetchSpec(options({ mirrors: [m], review }));

    expect(seen.change!.previous).toBeUndefined();
  });

  it("a record that fails: exit 2, saying the lock was updated and the change is unrated", async () => {
    const v1 = await fixture("spec-v1.json");
    await writeLock(lockFor(v1, await closedPortUrl()));
    await writeOut(v1);
    const m = await mirror("spec-v2.json");
    const { review } = reviewer(async () => {
      throw new Error("disk full");
    });

    const result = await fetchSpec(options({ mirrors: [m], review, accept: true }));

    expect(result.exitCode).toBe(2);
    expect(result.message).toMatch(
      /but the change could not be recorded for the release \(disk full\); generate will treat it as unrated\.$/,
    );
    expect(await readFile(outFile)).toEqual(await fixture("spec-v2.json"));
  });
});

describe("verifySpecAgainstLock", () => {
  it.each([
    {
      name: "ok",
      spec: "spec-v1.json" as string | null,
      ok: true,
      expect: /matches .* 4 operations/,
    },
    { name: "mismatch", spec: "spec-v2.json", ok: false, expect: /does not match/ },
    { name: "missing spec", spec: null, ok: false, expect: /is missing; run npm run fetch-spec$/ },
  ])("$name", async (row) => {
    const v1 = await fixture("spec-v1.json");
    await writeLock(lockFor(v1, "http://127.0.0.1:1/x"));
    if (row.spec) await writeOut(await fixture(row.spec));

    const result = await verifySpecAgainstLock(lockFile, outFile);

    expect(result.ok).toBe(row.ok);
    expect(result.message).toMatch(row.expect);
    if (row.name === "mismatch") {
      expect(result.message).toContain(sha256(v1));
      expect(result.message).toContain(sha256(await fixture("spec-v2.json")));
    }
  });

  it("missing or invalid lock → not ok, naming the lock file", async () => {
    await writeOut(await fixture("spec-v1.json"));
    const missing = await verifySpecAgainstLock(lockFile, outFile);
    expect(missing).toEqual({
      ok: false,
      message: `${lockFile} is missing; run npm run fetch-spec to create it`,
    });
    await writeFile(lockFile, "[");
    const invalid = await verifySpecAgainstLock(lockFile, outFile);
    expect(invalid.ok).toBe(false);
    expect(invalid.message).toContain(`invalid lock file ${lockFile}`);
  });
});

describe("committed specs/automation.lock.json", () => {
  const title = HAS_SHARED
    ? "matches Cisco's document in ../shared (the mirror)"
    : "matches Cisco's document in ../shared — SKIPPED: ../shared is absent";
  if (!HAS_SHARED) {
    console.warn(`NOTICE: ${SHARED_MIRROR} is absent; skipping the real-mirror lock test.`);
  }

  it.skipIf(!HAS_SHARED)(title, async () => {
    const committedLock = path.join(REPO_ROOT, "specs/automation.lock.json");
    const lock = JSON.parse(await readText(committedLock)) as SpecLock;
    const bytes = await readFile(SHARED_MIRROR);
    expect(sha256(bytes)).toBe(lock.sha256);
    expect(lock).toMatchObject({
      url: "https://pubhub.devnetcloud.com/media/cisco-xdr-api-docs/docs/reference/automation/rest_api_1_0_0.json",
      size: bytes.length,
      openapi: "3.0.1",
      title: "REST API.",
      version: "1.0.0",
      operations: 145,
      fetchedFrom: `mirror: ${SHARED_MIRROR_CONFIGURED}`,
    });
    expect(await verifySpecAgainstLock(committedLock, SHARED_MIRROR)).toMatchObject({ ok: true });

    // fetchSpec against a copy of the committed lock, --from the mirror: unchanged content.
    await mkdir(path.dirname(lockFile), { recursive: true });
    await cp(committedLock, lockFile);
    const result = await fetchSpec(
      options({
        from: SHARED_MIRROR,
        baseDir: REPO_ROOT,
        mirrors: [SHARED_MIRROR_CONFIGURED],
      }),
    );
    expect(result).toMatchObject({
      exitCode: 0,
      status: "written",
      source: `mirror: ${SHARED_MIRROR_CONFIGURED}`,
    });
    expect(await readText(lockFile)).toBe(await readText(committedLock));
    expect(contacted).toEqual([]);
  });
});
