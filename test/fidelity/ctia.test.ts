/**
 * Fidelity of the hand-written CTIA spec (specs/ctia.yaml) against Cisco's published swagger
 * (CTIA v2.71.0, `../shared/specs/reference/ctia-swagger.json`).
 *
 * - Every operation we declare exists in the swagger with the same method, path and path+query
 *   parameter names, unless it is listed in DEVIATIONS with a reason.
 * - Every swagger operation we leave out is listed in OMITTED with a reason.
 * - We cover at least 95 % of the swagger's operations.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  compare,
  coverageRatio,
  formatCoverage,
  loadOurSpec,
  loadSwagger,
  referenceDir,
  type Comparison,
} from "./oracle.js";

const OUR_SPEC = "specs/ctia.yaml";
const SWAGGER_FILE = "ctia-swagger.json";
const MIN_COVERAGE = 0.95;

/**
 * Swagger operations that specs/ctia.yaml deliberately does not declare. Keys use the oracle's
 * normalized form (`METHOD /path/{}`).
 *
 * CTIA checks capabilities, not scopes. IROH maps the OAuth2 scopes of an XDR API client onto
 * capabilities and never maps any scope onto `developer` (CTIA's auth/jwt.clj and its tests), so
 * routes that need `developer` answer 403 to every XDR API client.
 */
const OMITTED: readonly (readonly [key: string, reason: string])[] = [
  ["GET /ctia/properties", "needs the `developer` capability, never granted to XDR API clients"],
  ["GET /ctia/metrics", "needs the `developer` capability, never granted to XDR API clients"],
  [
    "PUT /ctia/judgement/{}",
    "needs `developer` besides `create-judgement`, never granted to XDR API clients " +
      "(a judgement is changed by expiring it and creating a new one)",
  ],
  [
    "DELETE /ctia/event/{}",
    "needs `developer` besides `delete-event`, never granted to XDR API clients",
  ],
  [
    "DELETE /ctia/event/search",
    "needs `developer` besides `delete-event`/`search-event`, never granted to XDR API clients",
  ],
];

/**
 * Operations of ours that are absent from the swagger, or whose parameter names differ from it.
 * Empty: every declared operation matches the swagger exactly.
 */
const DEVIATIONS: readonly (readonly [key: string, reason: string])[] = [];

const refDir = referenceDir();

if (!refDir) {
  console.warn(
    "[fidelity/ctia] ../shared/specs/reference is missing: skipping the CTIA swagger comparison.",
  );
}

function keys(list: readonly (readonly [string, string])[]): Set<string> {
  return new Set(list.map(([key]) => key));
}

function describeMismatch(m: Comparison["paramMismatches"][number]): string {
  const ours = new Set(m.ours);
  const theirs = new Set(m.theirs);
  const extra = m.ours.filter((p) => !theirs.has(p));
  const missing = m.theirs.filter((p) => !ours.has(p));
  return `${m.key}: ours only [${extra.join(", ")}], swagger only [${missing.join(", ")}]`;
}

(refDir ? describe : describe.skip)("CTIA spec fidelity (swagger v2.71.0)", () => {
  const ours = loadOurSpec(OUR_SPEC);
  const theirs = refDir ? loadSwagger(join(refDir, SWAGGER_FILE)) : [];
  const c = compare(ours, theirs);
  const omitted = keys(OMITTED);
  const deviations = keys(DEVIATIONS);

  it("reports coverage", () => {
    console.log(
      `${formatCoverage("ctia", c)}; ${ours.length} operations declared, ` +
        `${c.missing.length} swagger operations left out`,
    );
    expect(theirs.length).toBeGreaterThan(0);
  });

  it(`covers at least ${MIN_COVERAGE * 100} % of the swagger's operations`, () => {
    expect(coverageRatio(c)).toBeGreaterThanOrEqual(MIN_COVERAGE);
  });

  it("declares no operation the swagger lacks (unless listed in DEVIATIONS)", () => {
    const unexpected = c.ourExtra.map((r) => r.key).filter((k) => !deviations.has(k));
    expect(unexpected).toEqual([]);
  });

  it("uses the swagger's path and query parameter names (unless listed in DEVIATIONS)", () => {
    const unexpected = c.paramMismatches.filter((m) => !deviations.has(m.key)).map(describeMismatch);
    expect(unexpected).toEqual([]);
  });

  it("explains every swagger operation it leaves out", () => {
    const unexplained = c.missing.map((r) => r.key).filter((k) => !omitted.has(k));
    expect(unexplained).toEqual([]);
  });

  it("keeps the exception tables current", () => {
    const theirKeys = new Set(theirs.map((r) => r.key));
    const ourKeys = new Set(ours.map((r) => r.key));
    // An omitted route must exist in the swagger and must really be absent from our spec.
    expect([...omitted].filter((k) => !theirKeys.has(k) || ourKeys.has(k))).toEqual([]);
    // A deviation must still deviate.
    const stillDeviating = new Set([
      ...c.ourExtra.map((r) => r.key),
      ...c.paramMismatches.map((m) => m.key),
    ]);
    expect([...deviations].filter((k) => !stillDeviating.has(k))).toEqual([]);
    // Every reason says something.
    for (const [key, reason] of [...OMITTED, ...DEVIATIONS]) {
      expect(reason.length, key).toBeGreaterThan(10);
    }
  });

  it("declares each operation once, with a unique operationId", () => {
    const seen = new Set<string>();
    const dupes = ours.map((r) => r.key).filter((k) => (seen.has(k) ? true : (seen.add(k), false)));
    expect(dupes).toEqual([]);
  });
});
