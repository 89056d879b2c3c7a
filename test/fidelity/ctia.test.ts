/**
 * Fidelity of the hand-written CTIA spec (specs/ctia.yaml) against Cisco's published swagger
 * (CTIA v2.71.0, `../shared/specs/reference/ctia-swagger.json`).
 *
 * - Every operation we declare exists in the swagger with the same method, path and path+query
 *   parameter names, unless it is listed in DEVIATIONS with a reason.
 * - Every swagger operation we leave out is listed in OMITTED with a reason.
 * - We cover at least 95 % of the swagger's operations.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  compare,
  coverageRatio,
  formatCoverage,
  loadOurSpec,
  loadSwagger,
  referenceDir,
  repoRoot,
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
    const unexpected = c.paramMismatches
      .filter((m) => !deviations.has(m.key))
      .map(describeMismatch);
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

// ---- Conventions of our own spec (no reference needed) --------------------------------------------

type Json = Record<string, unknown>;

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

interface Op {
  where: string;
  method: string;
  path: string;
  op: Json;
  /** Path-level and operation-level parameters, $refs resolved. */
  params: Json[];
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function deref(doc: Json, node: unknown): unknown {
  if (!isObject(node) || typeof node.$ref !== "string") return node;
  let cur: unknown = doc;
  for (const part of node.$ref.slice(2).split("/")) cur = isObject(cur) ? cur[part] : undefined;
  return deref(doc, cur);
}

function operations(doc: Json): Op[] {
  const out: Op[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const raw = [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(op.parameters) ? op.parameters : []),
      ];
      const params = raw.map((p) => deref(doc, p)).filter(isObject);
      out.push({ where: `${method.toUpperCase()} ${path}`, method, path, op, params });
    }
  }
  return out;
}

describe("CTIA spec conventions", () => {
  const doc = parseYaml(readFileSync(join(repoRoot(), OUR_SPEC), "utf8")) as Json;
  const ops = operations(doc);
  const components = doc.components as Json;
  const scheme = (components.securitySchemes as Json).oauth2 as Json;
  const scopes = new Set(
    Object.keys(((scheme.flows as Json).clientCredentials as Json).scopes as Json),
  );

  it("serves every region from the documented hosts", () => {
    const servers = (doc.servers as Json[]).map((s) => [s["x-xdr-region"], s.url]);
    expect(servers).toEqual([
      ["us", "https://private.intel.amp.cisco.com"],
      ["eu", "https://private.intel.eu.amp.cisco.com"],
      ["apjc", "https://private.intel.apjc.amp.cisco.com"],
    ]);
    expect(ops.every((o) => o.path.startsWith("/ctia/"))).toBe(true);
  });

  it("gives every operation a unique lowerCamel operationId, a summary and a tag", () => {
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of ops) {
      expect(o.op.operationId, o.where).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(typeof o.op.summary, o.where).toBe("string");
      expect(Array.isArray(o.op.tags) && o.op.tags.length === 1, o.where).toBe(true);
    }
  });

  it("names every operation `group.method`, uniquely, never using a method name as a group", () => {
    const names = ops.map((o) => o.op["x-xdr-name"]);
    for (const [i, n] of names.entries()) {
      expect(n, ops[i]?.where).toMatch(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/);
    }
    expect(new Set(names).size).toBe(names.length);
    // A name used as a method (`a.b`) must not also prefix another name (`a.b.c`).
    const clashes = (names as string[]).filter((n) =>
      (names as string[]).some((m) => m.startsWith(`${n}.`)),
    );
    expect(clashes).toEqual([]);
  });

  it("declares each {param} of a path as a required path parameter, and no other", () => {
    for (const o of ops) {
      const inPath = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = o.params.filter((p) => p.in === "path");
      expect(declared.map((p) => p.name).sort(), o.where).toEqual(inPath);
      expect(
        declared.every((p) => p.required === true),
        o.where,
      ).toBe(true);
    }
  });

  it("states the scopes of every operation, from the declared scheme", () => {
    for (const o of ops) {
      const security = o.op.security;
      expect(Array.isArray(security), o.where).toBe(true);
      for (const req of security as Json[]) {
        expect(Object.keys(req), o.where).toEqual(["oauth2"]);
        for (const s of req.oauth2 as string[])
          expect(scopes.has(s), `${o.where}: ${s}`).toBe(true);
      }
    }
    const open = ops.filter((o) => (o.op.security as unknown[]).length === 0).map((o) => o.where);
    expect(open.sort()).toEqual([
      "GET /ctia/feed/{id}/view",
      "GET /ctia/feed/{id}/view.txt",
      "GET /ctia/version",
    ]);
    // Reads need a :read scope, writes a :write scope (or one of the asset/casebook alternatives):
    // `private-intel:read`, or an entity's own (`private-intel/judgement:read`).
    for (const o of ops.filter((x) => (x.op.security as unknown[]).length > 0)) {
      const first = ((o.op.security as Json[])[0]?.oauth2 ?? []) as string[];
      if (o.path === "/ctia/status") continue;
      const mode = o.method !== "get" && o.op["x-xdr-safe"] !== true ? "write" : "read";
      const scope = new RegExp(`^private-intel(/[a-z-]+)?:${mode}$`);
      expect(
        first.some((s) => scope.test(s)),
        o.where,
      ).toBe(true);
    }
  });

  it("marks every list that pages with X-Next as `x-xdr-pagination: ctia` (and nothing else)", () => {
    for (const o of ops) {
      const ok = deref(doc, (o.op.responses as Json)["200"]) as Json | undefined;
      const headers = isObject(ok?.headers) ? ok.headers : {};
      const body = isObject(ok?.content)
        ? (deref(doc, ((ok.content as Json)["application/json"] as Json | undefined)?.schema) as
            Json | undefined)
        : undefined;
      const pagesAnArray = "X-Next" in headers && body?.type === "array";
      expect(o.op["x-xdr-pagination"] === "ctia", o.where).toBe(pagesAnArray);
    }
  });

  it("marks read-only POSTs as safe to retry", () => {
    const safe = ops.filter((o) => o.op["x-xdr-safe"] === true).map((o) => o.where);
    expect(safe.sort()).toEqual(["POST /ctia/bundle/export", "POST /ctia/graphql"]);
  });
});
