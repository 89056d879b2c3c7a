// `npm run demo` runs test/simulator/demo.ts against the generated SDK: run it as a child process.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("npm run demo", () => {
  it("runs the whole flow against the simulator and exits 0", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "test/simulator/demo.ts"],
      { cwd: root, env: { ...process.env, NO_COLOR: "1" }, timeout: 30_000 },
    );
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^XDR simulator listening on http:\/\/127\.0\.0\.1:\d+$/m);
    for (const step of [
      "== 1. Inspect",
      "== 2. Enrich",
      "== 3. Response",
      "== 4. Private intelligence",
      "== 5. Automation",
      "== 6. Errors are typed",
      "== Done",
    ]) {
      expect(stdout).toContain(step);
    }
    expect(stdout).toMatch(/^ {2}domain +cisco\.com$/m);
    expect(stdout).toContain("2 requests: the 503 was retried by the SDK");
    expect(stdout).toMatch(/^ {2}Sim Threat Intel +Malicious +ip:203\.0\.113\.66$/m);
    expect(stdout).toContain("7 verdicts (5 Malicious, 1 Unknown, 1 Clean), 0 module errors");
    expect(stdout).toMatch(/^ {2}Sim Endpoint +Block destination +ip:203\.0\.113\.66$/m);
    expect(stdout).toContain('for ip:203.0.113.66: {"data":{"status":"success"}}');
    expect(stdout).toMatch(/^ {2}iterated +115 with for await$/m);
    expect(stdout).toMatch(/^ {2}final state +success$/m);
    expect(stdout).toContain("RateLimitError: thrown at once, retryAfterMs 3600000");
    expect(stdout).toMatch(/WorkflowRunError: Workflow run workflow_instance_\w+ ended failed/);
    expect(stdout).toMatch(/^ {2}\d+ HTTP requests, 1 token request\(s\)$/m);
    expect(stdout).not.toContain("sim-secret");
    expect(stdout).not.toContain("\x1b["); // NO_COLOR
  });
});
