// The packed `xdr` CLI run as a process (node_modules/.bin/xdr) against the local simulator:
// help at every level, flags, --body from a file and from stdin, JSON output, --all as JSON
// lines, --wait with progress on stderr, exit codes by error class, the Python SDK's commands.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_CLIENT_SECRET,
  SIM_WORKFLOW_IDS,
  startSimulator,
  type Simulator,
} from "../simulator/server.js";
import { installedProject, simulatorEnv } from "../mcp/harness.js";

let project: string;
let sim: Simulator;
const outputs: string[] = [];

beforeAll(async () => {
  project = installedProject();
  sim = await startSimulator();
}, 300_000);

afterAll(async () => {
  await sim?.close();
});

/** Runs `xdr` asynchronously (the simulator lives in this process and must keep answering). */
function xdr(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      join(project, "node_modules/.bin/xdr"),
      args,
      { cwd: project, env: options.env ?? simulatorEnv(sim), encoding: "utf8", timeout: 60_000 },
      (error, stdout, stderr) => {
        outputs.push(stdout, stderr);
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
    child.stdin!.end(options.input ?? "");
  });
}

describe("help at every level", () => {
  it("xdr --help lists the APIs, the commands and the exit codes", async () => {
    const r = await xdr(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/iroh +.*\(\d+ operations\)/);
    expect(r.stdout).toContain("xdr verdicts");
    expect(r.stdout).toContain("7 RateLimitError");
  });

  it("an API and a group list their operations", async () => {
    const api = await xdr(["ctia", "--help"]);
    expect(api.stdout).toMatch(/judgements +\d+ operations/);
    const group = await xdr(["iroh", "enrich", "--help"]);
    expect(group.stdout).toMatch(/deliberate +Get verdicts for observables \[read-only\]/);
  });

  it("an operation shows its route, scope, flags and an example", async () => {
    const r = await xdr(["ctia", "judgements", "search", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("GET /ctia/judgement/search");
    expect(r.stdout).toMatch(/scope: \S+/);
    expect(r.stdout).toContain("--query <string>");
    expect(r.stdout).toContain("Example:\n  xdr ctia judgements search");
  });

  it("an unknown command is a usage error (exit 2)", async () => {
    const r = await xdr(["iroh", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no operation or group "nope"');
  });
});

describe("calls", () => {
  it("inspect → deliberate: flags, then the body from a file and from stdin", async () => {
    const inspect = await xdr(["iroh", "inspect", "--content", "internetbadguys.com 8.8.8.8"]);
    expect(inspect.code, inspect.stderr).toBe(0);
    // Not a TTY: one compact line.
    expect(inspect.stdout.trim().split("\n")).toHaveLength(1);
    const observables = JSON.parse(inspect.stdout) as { type: string; value: string }[];
    expect(observables).toContainEqual({ type: "domain", value: "internetbadguys.com" });
    const file = join(project, "observables.json");
    writeFileSync(file, inspect.stdout);
    const fromFile = await xdr(["iroh", "enrich", "deliberate", "--body", `@${file}`]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toContain("Malicious");
    const fromStdin = await xdr(["iroh", "enrich", "deliberate"], { input: inspect.stdout });
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fromStdin.stdout).toContain("Malicious");
  });

  it("--all streams every item of every page as JSON lines, --fields keeps some fields", async () => {
    sim.seed("judgement", 25);
    const r = await xdr([
      "ctia",
      "judgements",
      "search",
      "--limit",
      "10",
      "--all",
      "--fields",
      "id,disposition",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThanOrEqual(25);
    expect(Object.keys(lines[0]!).sort()).toEqual(["disposition", "id"]);
  });

  it("--wait starts a workflow and reports progress on stderr", async () => {
    const r = await xdr([
      "automation",
      "workflows",
      "start",
      "--workflow_id",
      SIM_WORKFLOW_IDS.hello,
      "--wait",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("waiting for the run to end");
    expect(r.stdout).toMatch(/success/i);
  });

  it("a destructive operation needs --yes", async () => {
    const r = await xdr(["ctia", "judgements", "delete", "--id", "judgement-1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--yes");
  });
});

describe("exit codes by error class", () => {
  it("not found → 6, with the request id and status on stderr", async () => {
    const r = await xdr([
      "ctia",
      "judgements",
      "get",
      "--id",
      "judgement-00000000-0000-0000-0000-000000000000",
    ]);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain("NotFoundError");
    expect(r.stderr).toContain('"status":404');
  });

  it("rate limited → 7 with the wait", async () => {
    sim.faults.rateLimit = { count: 5, retryAfter: 3600, path: "/iroh/iroh-inspect" };
    try {
      const r = await xdr(["iroh", "inspect", "--content", "cisco.com"]);
      expect(r.code).toBe(7);
      expect(r.stderr).toContain('"retryAfterMs":3600000');
    } finally {
      delete sim.faults.rateLimit;
    }
  });

  it("bad credentials → 4; missing credentials → 3", async () => {
    const bad = await xdr(["iroh", "inspect", "--content", "cisco.com"], {
      env: { ...simulatorEnv(sim), XDR_CLIENT_SECRET: "wrong-secret-value" },
    });
    expect(bad.code).toBe(4);
    expect(bad.stderr).not.toContain("wrong-secret-value");
    const { XDR_CLIENT_ID: _id, ...noId } = simulatorEnv(sim);
    const missing = await xdr(["iroh", "inspect", "--content", "cisco.com"], { env: noId });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("XDR_CLIENT_ID");
  });
});

describe("the Python SDK's commands", () => {
  it("verdicts, targets and investigate-url", async () => {
    const verdicts = await xdr(["verdicts", "internetbadguys.com cisco.com"]);
    expect(verdicts.code, verdicts.stderr).toBe(0);
    const body = JSON.parse(verdicts.stdout) as { verdicts: { disposition_name: string }[] };
    expect(body.verdicts.map((v) => v.disposition_name)).toContain("Malicious");
    const targets = await xdr(["targets", "internetbadguys.com"]);
    expect(targets.code, targets.stderr).toBe(0);
    expect(JSON.parse(targets.stdout)).toHaveProperty("targets");
    const help = await xdr(["verdicts", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: xdr verdicts "<text>"');
    const url = await xdr(["investigate-url", "8.8.8.8"]);
    expect(url.stdout.trim()).toBe("https://visibility.amp.cisco.com/investigate?q=8.8.8.8");
  });
});

describe("secrets", () => {
  it("no output carried the client secret or a token", () => {
    const all = outputs.join("\n");
    expect(all).not.toContain(DEFAULT_CLIENT_SECRET);
    for (const token of sim.issuedTokens()) expect(all).not.toContain(token);
  });
});
