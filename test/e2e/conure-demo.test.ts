// `npm run demo` shows a Conure incident search and one incident's detail view (issue #11).
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("npm run demo: the Conure step", () => {
  it("lists the open high-impact incidents and summarizes the newest", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "test/simulator/demo.ts"],
      { cwd: root, env: { ...process.env, NO_COLOR: "1" }, timeout: 30_000 },
    );
    expect(stderr).toBe("");
    const step = stdout.slice(stdout.indexOf("== 4b. Incidents"), stdout.indexOf("== 5."));
    // 12 seeded incidents: statuses cycle over 4 values and severities over 4, so 3 are Open + High.
    expect(step.match(/^ {2}INC-\d{4} +High +Simulated incident \d+$/gm)).toHaveLength(3);
    expect(step).toContain("3 of 12 incidents are Open with a high impact");
    expect(step).toMatch(/^ {2}summary of +INC-0010$/m);
    expect(step).toMatch(/^ {2}observable +domain:internetbadguys\.com$/m);
  });
});
