/**
 * Fidelity of specs/iroh.yaml.
 *
 * 1. Against Cisco's swagger 2.0 documents in ../shared/specs/reference (IROH 1.0.107): every
 *    operation we declare under a service's path prefix must exist there with the same method,
 *    path and path+query parameter names, and we must cover ≥ 95 % of each service's routes;
 *    every route we leave out needs an entry, with its reason, in an exceptions table below.
 * 2. Spec hygiene that needs no reference data: lint, names, scopes, path parameters, extensions.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createConfig, lint } from "@redocly/openapi-core";
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
  routeKey,
  type RouteOp,
} from "./oracle.js";

const SPEC = resolve(repoRoot(), "specs", "iroh.yaml");
const MIN_COVERAGE = 0.95;

/** IROH services with a published swagger, and the path prefix each one owns. */
const SERVICES: { service: string; swagger: string; prefix: string }[] = [
  { service: "inspect", swagger: "iroh-inspect-swagger.json", prefix: "/iroh/iroh-inspect/" },
  { service: "enrich", swagger: "iroh-enrich-swagger.json", prefix: "/iroh/iroh-enrich/" },
  { service: "response", swagger: "iroh-response-swagger.json", prefix: "/iroh/iroh-response/" },
  { service: "event", swagger: "iroh-event-swagger.json", prefix: "/iroh/iroh-event/" },
  { service: "feedback", swagger: "iroh-feedback-swagger.json", prefix: "/iroh/iroh-feedback/" },
  { service: "int", swagger: "iroh-int-swagger.json", prefix: "/iroh/iroh-int/" },
  { service: "webhook", swagger: "iroh-webhook-swagger.json", prefix: "/iroh/iroh-webhook/" },
  {
    service: "private-intel",
    swagger: "iroh-private-intel-swagger.json",
    prefix: "/iroh/private-intel/",
  },
];

/**
 * Services whose swagger we hold but from which we deliberately declare nothing. Declaring a
 * route under one of these prefixes fails the test until the service is moved to SERVICES.
 */
const NOT_MODELLED: [prefix: string, swagger: string, reason: string][] = [
  [
    "/iroh/iroh-auth/",
    "iroh-auth-swagger.json",
    "browser-only: cookie sessions, IdP login redirects and the console's authorization-code exchange",
  ],
];

/** Operations we declare that no swagger describes: [key, reason]. */
const OURS_WITHOUT_SWAGGER: [key: string, reason: string][] = [
  ["POST /iroh/oauth2/token", "oauth2 service: Cisco publishes no swagger (SDK, Postman, docs)"],
  ["GET /iroh/profile/whoami", "profile service: no published swagger (SDK, Postman, docs)"],
  ["GET /iroh/profile/org", "profile service: no published swagger (SDK)"],
  ["POST /iroh/profile/org", "profile service: no published swagger (SDK)"],
  ["GET /iroh/user-mgmt/users/{}", "user-mgmt service: no published swagger (SDK, Postman)"],
  ["POST /iroh/user-mgmt/users/{}", "user-mgmt service: no published swagger (SDK)"],
  ["GET /iroh/user-mgmt/batch/users", "user-mgmt service: no published swagger (SDK)"],
  ["POST /iroh/user-mgmt/search/users", "user-mgmt service: no published swagger (SDK)"],
];

/** Swagger routes of the services above that we leave out on purpose: [key, reason]. */
const LEFT_OUT: [key: string, reason: string][] = [];

/** Matched routes whose parameter names may differ from the swagger: [key, reason]. */
const PARAM_EXCEPTIONS: [key: string, reason: string][] = [];

/** Operations that send a bearer token but need no particular scope: [key, reason]. */
const NO_SCOPE: [key: string, reason: string][] = [];

/**
 * Operations whose scope Cisco does not document: the spec names an inferred one (marked
 * `x-xdr-scopes: inferred`) so that the client's scope pre-check covers them too.
 */
const INFERRED_SCOPE: [key: string, reason: string][] = [
  [
    "PATCH /iroh/private-intel/asset/external_id/{}/update-properties",
    "writes private-intel assets and re-scores incidents: private-intel:write",
  ],
  [
    "PATCH /iroh/private-intel/bulk/update-asset-properties",
    "writes private-intel assets and re-scores incidents: private-intel:write",
  ],
  [
    "POST /iroh/private-intel/mitre/coverage-matrix/configuration/{}",
    "as the coverage-matrix GET beside it: global-intel:read, private-intel:read",
  ],
];

const keysOf = (table: [string, string][]): Set<string> => new Set(table.map(([k]) => k));

// ---- reference comparison --------------------------------------------------------------------

const refDir = referenceDir();
if (!refDir) {
  console.warn(
    "[fidelity] ../shared/specs/reference not found: IROH swagger comparison SKIPPED (spec hygiene still runs)",
  );
}
const describeRef = refDir ? describe : describe.skip;

describeRef("IROH spec vs Cisco swagger 1.0.107", () => {
  const ours = loadOurSpec(SPEC);
  const dir = refDir ?? "";

  it.each(SERVICES)(
    "$service: declared routes exist in the swagger",
    ({ service, swagger, prefix }) => {
      const theirs = loadSwagger(join(dir, swagger));
      expect(theirs.length, `${swagger} has no routes`).toBeGreaterThan(0);
      expect(
        theirs.filter((r) => !r.path.startsWith(prefix)),
        `${swagger} routes outside ${prefix}`,
      ).toEqual([]);
      const mine = ours.filter((r) => r.path.startsWith(prefix));
      const c = compare(mine, theirs);
      console.log(`[fidelity] iroh ${formatCoverage(service, c)}`);

      expect(
        c.ourExtra.map((r) => r.key),
        `${service}: operations we declare that the swagger does not have`,
      ).toEqual([]);

      const paramOk = keysOf(PARAM_EXCEPTIONS);
      expect(
        c.paramMismatches.filter((m) => !paramOk.has(m.key)),
        `${service}: path+query parameter names differ`,
      ).toEqual([]);

      const leftOut = keysOf(LEFT_OUT);
      expect(
        c.missing.map((r) => r.key).filter((k) => !leftOut.has(k)),
        `${service}: swagger routes we neither declare nor list in LEFT_OUT`,
      ).toEqual([]);
      expect(coverageRatio(c)).toBeGreaterThanOrEqual(MIN_COVERAGE);
    },
  );

  it("every IROH operation belongs to a compared service or is a listed exception", () => {
    const prefixes = SERVICES.map((s) => s.prefix);
    const excepted = keysOf(OURS_WITHOUT_SWAGGER);
    const stray = ours
      .filter((r) => !prefixes.some((p) => r.path.startsWith(p)))
      .map((r) => r.key)
      .filter((k) => !excepted.has(k));
    expect(stray, "operations with no swagger and no entry in OURS_WITHOUT_SWAGGER").toEqual([]);
    for (const [prefix, , reason] of NOT_MODELLED) {
      expect(
        ours.filter((r) => r.path.startsWith(prefix)).map((r) => r.key),
        `${prefix} is not modelled (${reason})`,
      ).toEqual([]);
    }
  });

  it("exception tables are not stale", () => {
    const ourKeys = new Set(ours.map((r) => r.key));
    const theirs: RouteOp[] = SERVICES.flatMap((s) => loadSwagger(join(dir, s.swagger)));
    const theirKeys = new Set(theirs.map((r) => r.key));
    for (const [key, reason] of OURS_WITHOUT_SWAGGER) {
      expect(
        ourKeys.has(key),
        `OURS_WITHOUT_SWAGGER lists ${key} (${reason}) but we do not declare it`,
      ).toBe(true);
      expect(
        theirKeys.has(key),
        `${key} now has a swagger: drop it from OURS_WITHOUT_SWAGGER`,
      ).toBe(false);
    }
    for (const [key, reason] of LEFT_OUT) {
      expect(theirKeys.has(key), `LEFT_OUT lists ${key} (${reason}) but no swagger has it`).toBe(
        true,
      );
      expect(ourKeys.has(key), `LEFT_OUT lists ${key} but we declare it`).toBe(false);
    }
    for (const [prefix, swagger] of NOT_MODELLED) {
      const routes = loadSwagger(join(dir, swagger));
      expect(
        routes.length > 0 && routes.every((r) => r.path.startsWith(prefix)),
        `NOT_MODELLED: ${swagger} should hold the routes under ${prefix}`,
      ).toBe(true);
    }
  });
});

// ---- spec hygiene (no reference data needed) ----------------------------------------------------

type Json = Record<string, unknown>;
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

interface Op {
  key: string;
  method: string;
  path: string;
  op: Json;
  pathParams: Json[];
}

function loadDoc(): Json {
  return parseYaml(readFileSync(SPEC, "utf8")) as Json;
}

function deref(doc: Json, node: unknown): Json {
  let cur = node as Json;
  while (cur && typeof cur.$ref === "string") {
    const parts = (cur.$ref as string).replace(/^#\//, "").split("/");
    cur = parts.reduce<unknown>((acc, p) => (acc as Json)[p], doc) as Json;
  }
  return cur;
}

function operations(doc: Json): Op[] {
  const out: Op[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const m of METHODS) {
      const op = item[m] as Json | undefined;
      if (!op) continue;
      out.push({
        key: routeKey(m, path),
        method: m.toUpperCase(),
        path,
        op,
        pathParams: (item.parameters as Json[] | undefined) ?? [],
      });
    }
  }
  return out;
}

function paramsOf(doc: Json, o: Op): Json[] {
  return [...o.pathParams, ...((o.op.parameters as Json[] | undefined) ?? [])].map((p) =>
    deref(doc, p),
  );
}

describe("IROH spec hygiene", () => {
  const doc = loadDoc();
  const ops = operations(doc);

  it("lints with no errors under redocly's recommended rules", async () => {
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lint({ ref: SPEC, config });
    const errors = problems.filter((p) => p.severity === "error");
    const warnings = problems.filter((p) => p.severity === "warn");
    console.log(`[fidelity] iroh.yaml lint: ${errors.length} errors, ${warnings.length} warnings`);
    expect(
      errors.map((p) => `${p.ruleId}: ${p.message} @ ${p.location[0]?.pointer ?? ""}`),
    ).toEqual([]);
  });

  it("is OpenAPI 3.1 with the three regional servers", () => {
    expect(doc.openapi).toBe("3.1.0");
    const servers = doc.servers as Json[];
    expect(servers.map((s) => [s.url, s["x-xdr-region"]])).toEqual([
      ["https://visibility.amp.cisco.com", "us"],
      ["https://visibility.eu.amp.cisco.com", "eu"],
      ["https://visibility.apjc.amp.cisco.com", "apjc"],
    ]);
    expect(ops.every((o) => o.path.startsWith("/iroh/"))).toBe(true);
  });

  it("has unique lowerCamel operationIds", () => {
    const ids = ops.map((o) => o.op.operationId as string);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z0-9]*$/.test(id ?? ""))).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it("gives every operation a unique x-xdr-name that is never also a group", () => {
    const names = ops.map((o) => o.op["x-xdr-name"] as string);
    expect(names.filter((n) => !/^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/.test(n ?? ""))).toEqual(
      [],
    );
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const clashes = names.filter((n) => names.some((m) => m.startsWith(`${n}.`)));
    expect(clashes, "names used both as a method and as a group").toEqual([]);
  });

  it("documents every operation: summary, description, known tags", () => {
    const tags = new Set((doc.tags as Json[]).map((t) => t.name as string));
    for (const o of ops) {
      expect(o.op.summary, `${o.key} summary`).toBeTruthy();
      expect(o.op.description, `${o.key} description`).toBeTruthy();
      const opTags = o.op.tags as string[];
      expect(opTags?.length, `${o.key} tags`).toBeGreaterThan(0);
      for (const t of opTags) expect(tags.has(t), `${o.key} tag ${t} is declared`).toBe(true);
    }
  });

  it("declares each path parameter exactly once and uses every declared one", () => {
    for (const o of ops) {
      const inPath = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = paramsOf(doc, o).filter((p) => p.in === "path");
      expect(declared.map((p) => p.name).sort(), o.key).toEqual(inPath);
      for (const p of declared)
        expect(p.required, `${o.key} ${String(p.name)} required`).toBe(true);
    }
  });

  it("names a declared scope on every operation (token endpoint: basic auth only)", () => {
    const schemes = (doc.components as Json).securitySchemes as Record<string, Json>;
    const flows = schemes.oauth2?.flows as Record<string, Json>;
    const scopes = new Set(Object.keys(flows.clientCredentials?.scopes as Json));
    expect(flows.clientCredentials?.tokenUrl).toBe(
      "https://visibility.amp.cisco.com/iroh/oauth2/token",
    );
    expect(schemes.clientBasic).toMatchObject({ type: "http", scheme: "basic" });
    expect(doc.security).toEqual([{ oauth2: [] }]);
    const noScope = keysOf(NO_SCOPE);
    const used = new Set<string>();
    for (const o of ops) {
      const sec = o.op.security as Record<string, string[]>[] | undefined;
      expect(sec, `${o.key} security`).toBeDefined();
      if (o.key === "POST /iroh/oauth2/token") {
        expect(sec).toEqual([{ clientBasic: [] }]);
        continue;
      }
      expect(sec?.length, o.key).toBe(1);
      const required = sec?.[0]?.oauth2;
      expect(required, `${o.key} uses oauth2`).toBeDefined();
      if (noScope.has(o.key)) {
        expect(required).toEqual([]);
        continue;
      }
      expect(required?.length, `${o.key} names its scope`).toBeGreaterThan(0);
      if (keysOf(INFERRED_SCOPE).has(o.key)) expect(o.op["x-xdr-scopes"], o.key).toBe("inferred");
      for (const s of required ?? []) {
        expect(scopes.has(s), `${o.key} scope ${s} is declared`).toBe(true);
        used.add(s);
      }
    }
    expect(
      [...scopes].filter((s) => !used.has(s)),
      "declared scopes no operation uses",
    ).toEqual([]);
  });

  it("marks only POSTs as x-xdr-safe and only array searches with ctia paging", () => {
    for (const o of ops) {
      if (o.op["x-xdr-safe"] !== undefined) {
        expect(o.method, `${o.key} x-xdr-safe`).toBe("POST");
        expect(o.op["x-xdr-safe"]).toBe(true);
      }
      const paging = o.op["x-xdr-pagination"];
      if (paging === undefined) continue;
      expect(paging, o.key).toBe("ctia");
      const names = paramsOf(doc, o).map((p) => p.name);
      expect(names, o.key).toEqual(expect.arrayContaining(["limit", "offset", "search_after"]));
      const ok = deref(doc, (o.op.responses as Json)["200"]);
      const schema = ((ok.content as Json)["application/json"] as Json).schema as Json;
      expect(schema.type, `${o.key} pages over an array`).toBe("array");
      expect(Object.keys(ok.headers as Json)).toEqual(
        expect.arrayContaining(["X-Next", "X-Total-Hits"]),
      );
    }
    const paged = ops.filter((o) => o.op["x-xdr-pagination"]).map((o) => o.key);
    expect(paged.sort()).toEqual([
      "GET /iroh/private-intel/incident-summary/search",
      "GET /iroh/private-intel/incident/search",
    ]);
  });

  it("answers 401/429/500 on every call and 429 always carries Retry-After", () => {
    const responses = (doc.components as Json).responses as Record<string, Json>;
    expect(Object.keys(responses.TooManyRequests?.headers as Json)).toContain("Retry-After");
    for (const o of ops) {
      const r = o.op.responses as Record<string, Json>;
      expect(r["429"], `${o.key} 429`).toEqual({ $ref: "#/components/responses/TooManyRequests" });
      expect(r["500"], `${o.key} 500`).toEqual({ $ref: "#/components/responses/ServerError" });
      if (o.key !== "POST /iroh/oauth2/token") {
        expect(r["401"], `${o.key} 401`).toEqual({ $ref: "#/components/responses/Unauthorized" });
      }
      expect(
        Object.keys(r).some((c) => c.startsWith("2")),
        `${o.key} 2xx`,
      ).toBe(true);
    }
  });

  it("uses only JSON bodies, except the form-encoded token request", () => {
    for (const o of ops) {
      const body = o.op.requestBody ? deref(doc, o.op.requestBody) : undefined;
      if (!body) continue;
      const types = Object.keys(body.content as Json);
      expect(types, o.key).toEqual(
        o.key === "POST /iroh/oauth2/token"
          ? ["application/x-www-form-urlencoded"]
          : ["application/json"],
      );
    }
  });

  it("lists the 63 observable types", () => {
    const schemas = (doc.components as Json).schemas as Record<string, Json>;
    const types = schemas.ObservableType?.enum as string[];
    expect(types).toHaveLength(63);
    expect(new Set(types).size).toBe(63);
    expect(types).toEqual(
      expect.arrayContaining(["ip", "ipv6", "domain", "sha256", "url", "user_agent"]),
    );
  });
});
