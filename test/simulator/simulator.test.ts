// Tests of the XDR simulator itself, with plain fetch (no SDK involved).

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CTIA_PUBLIC_BASE,
  EICAR,
  MODULE_ERROR_VALUE,
  SIM_MODULES,
  SIM_WORKFLOW_IDS,
  startSimulator,
  type Simulator,
  type SimulatorOptions,
} from "./server.js";

// ---- helpers -------------------------------------------------------------------------------------

interface Res {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test code inspects loose JSON
  body: any;
}

interface CallOptions {
  token?: string;
  json?: unknown;
  body?: string | FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function call(
  sim: Simulator,
  method: string,
  path: string,
  o: CallOptions = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | FormData | undefined = o.body;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers["content-type"] = "application/json";
  }
  const r = await fetch(sim.url + path, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const text = await r.text();
  let parsed: unknown;
  if ((r.headers.get("content-type") ?? "").includes("json") && text !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  return { status: r.status, headers: r.headers, text, body: parsed };
}

function basic(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s);
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString("base64")}`;
}

const FORM = { "content-type": "application/x-www-form-urlencoded" };

function tokenRequest(
  sim: Simulator,
  form = "grant_type=client_credentials",
  id = "sim-client",
  secret = "sim-secret",
): Promise<Res> {
  return call(sim, "POST", "/iroh/oauth2/token", {
    headers: { ...FORM, authorization: basic(id, secret) },
    body: form,
  });
}

async function tokenFor(sim: Simulator, id = "sim-client", secret = "sim-secret"): Promise<string> {
  const r = await tokenRequest(sim, "grant_type=client_credentials", id, secret);
  expect(r.status).toBe(200);
  return r.body.access_token as string;
}

const started: Simulator[] = [];
async function start(options?: SimulatorOptions): Promise<Simulator> {
  const s = await startSimulator(options);
  started.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

let sim: Simulator;
let token: string;
beforeEach(async () => {
  sim = await start();
  token = await tokenFor(sim);
});

// ---- server basics -------------------------------------------------------------------------------

describe("server", () => {
  it("listens on 127.0.0.1 only, on a random port", () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("answers unknown routes with a JSON 404 and wrong methods with 405", async () => {
    const r = await call(sim, "GET", "/nowhere", { token });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: "not found" });
    expect((r.body as { error_description: string }).error_description).toMatch(
      /^the XDR simulator has no route for GET \//,
    );
    const m = await call(sim, "DELETE", "/iroh/iroh-inspect/inspect", { token });
    expect(m.status).toBe(405);
    expect(m.headers.get("allow")).toBe("POST");
  });

  it("turns a handler exception into a JSON 500 and keeps serving", async () => {
    const s = await call(
      sim,
      "POST",
      `/api/v1/workflows/start?workflow_id=${SIM_WORKFLOW_IDS.hello}`,
      {
        token,
      },
    );
    sim.automation.instanceBody = () => {
      throw new Error("boom");
    };
    const r = await call(sim, "GET", `/api/v1/instances/${s.body[0].id}`, { token });
    expect(r.status).toBe(500);
    expect(r.body.error).toBe("internal_error");
    expect((await call(sim, "GET", "/ctia/version")).status).toBe(200);
  });

  it("rejects undecodable paths with 400", async () => {
    const r = await call(sim, "GET", "/ctia/judgement/%E0%A4%A", { token });
    expect(r.status).toBe(400);
  });

  it("records method, path and auth scheme, never a secret or token", async () => {
    await call(sim, "POST", "/iroh/iroh-inspect/inspect?x=1", { token, json: { content: "" } });
    await call(sim, "GET", "/ctia/version");
    expect(sim.stats.tokenRequests).toBe(1);
    expect(sim.stats.requests).toEqual([
      {
        method: "POST",
        path: "/iroh/oauth2/token",
        auth: "basic",
        contentType: "application/x-www-form-urlencoded",
      },
      {
        method: "POST",
        path: "/iroh/iroh-inspect/inspect",
        query: "x=1",
        auth: "bearer",
        contentType: "application/json",
      },
      { method: "GET", path: "/ctia/version" },
    ]);
    expect(sim.issuedTokens()).toEqual([token]);
    const dump = JSON.stringify(sim.stats);
    expect(dump).not.toContain("sim-secret");
    expect(dump).not.toContain(token);
  });

  it("reset() clears stats, faults and data", async () => {
    sim.seed("incident", 3);
    sim.faults.serverError = { count: 5 };
    sim.reset();
    expect(sim.stats).toEqual({ tokenRequests: 0, requests: [], actions: [] });
    expect(sim.faults).toEqual({});
    const r = await call(sim, "GET", "/ctia/incident/search/count", { token });
    expect(r.body).toBe(0);
  });

  it("close() ends open keep-alive connections and can be called twice", async () => {
    const s = await start();
    await call(s, "GET", "/ctia/version");
    await Promise.all([s.close(), s.close()]);
    await expect(fetch(`${s.url}/ctia/version`)).rejects.toThrow();
  });
});

// ---- token endpoint and bearer checks -------------------------------------------------------------

describe("token endpoint", () => {
  it("issues a bearer token for good Basic credentials", async () => {
    const r = await tokenRequest(sim);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      access_token: expect.any(String),
      token_type: "bearer",
      expires_in: 600,
      scope:
        "inspect:read enrich:read response private-intel casebook ao profile:read integration:read event:read investigation",
    });
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.body.access_token).not.toBe(token);
  });

  it("accepts form-urlencoded client credentials (RFC 6749 §2.3.1)", async () => {
    sim.clients.set("odd id:1", { secret: "p@ss:w rd", scopes: ["inspect:read"] });
    const r = await tokenRequest(sim, "grant_type=client_credentials", "odd id:1", "p@ss:w rd");
    expect(r.status).toBe(200);
    expect(r.body.scope).toBe("inspect:read");
  });

  it("narrows the granted scopes to those requested and allowed", async () => {
    const r = await tokenRequest(
      sim,
      "grant_type=client_credentials&scope=inspect:read+enrich+enrich/observables/deliberate:read",
    );
    expect(r.status).toBe(200);
    // `enrich` (read and write) is more than the client's `enrich:read`: dropped.
    expect(r.body.scope).toBe("inspect:read enrich/observables/deliberate:read");
    const none = await tokenRequest(sim, "grant_type=client_credentials&scope=admin");
    expect(none.status).toBe(400);
    expect(none.body.error).toBe("invalid_scope");
  });

  it("rejects an unknown client like IROH does", async () => {
    const r = await tokenRequest(sim, "grant_type=client_credentials", "who", "ever");
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: "invalid_client",
      error_description: "unknown client",
      error_uri: "https://tools.ietf.org/html/rfc6749#section-5.2",
    });
  });

  it.each([
    [
      "a wrong secret",
      { authorization: basic("sim-client", "nope"), ...FORM },
      "grant_type=client_credentials",
      "invalid_client",
    ],
    ["no Basic auth", FORM, "grant_type=client_credentials", "invalid_request"],
    [
      "a Bearer instead of Basic",
      { authorization: "Bearer x", ...FORM },
      "grant_type=client_credentials",
      "invalid_request",
    ],
    [
      "no grant_type",
      { authorization: basic("sim-client", "sim-secret"), ...FORM },
      "scope=ao",
      "invalid_request",
    ],
    [
      "another grant",
      { authorization: basic("sim-client", "sim-secret"), ...FORM },
      "grant_type=password",
      "unsupported_grant_type",
    ],
    [
      "a JSON body",
      { authorization: basic("sim-client", "sim-secret"), "content-type": "application/json" },
      '{"grant_type":"client_credentials"}',
      "invalid_request",
    ],
  ])("rejects %s with 400 %s", async (_what, headers, body, error) => {
    const r = await call(sim, "POST", "/iroh/oauth2/token", { headers, body });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe(error);
    expect(r.body.error_description).toEqual(expect.any(String));
  });
});

describe("bearer checks", () => {
  it("answers 401 without a token, with an unknown one, and after revocation", async () => {
    const missing = await call(sim, "POST", "/iroh/iroh-inspect/inspect", {
      json: { content: "" },
    });
    expect(missing.status).toBe(401);
    expect(missing.body.error).toBe("invalid_request");
    expect(missing.headers.get("x-ratelimit-org-limit")).toBeNull();
    const unknown = await call(sim, "GET", "/iroh/profile/whoami", { token: "nope" });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe("invalid_token");
    sim.revokeTokens();
    expect((await call(sim, "GET", "/iroh/profile/whoami", { token })).status).toBe(401);
    expect(
      (await call(sim, "GET", "/iroh/profile/whoami", { token: sim.issueToken() })).status,
    ).toBe(200);
  });

  it("expires tokens by the injected clock", async () => {
    let now = Date.UTC(2026, 0, 1);
    const s = await start({ clock: () => now, tokenLifetimeSec: 60 });
    const t = await tokenFor(s);
    const who = () => call(s, "GET", "/iroh/profile/whoami", { token: t });
    expect((await who()).status).toBe(200);
    now += 59_999;
    expect((await who()).status).toBe(200);
    now += 1;
    const expired = await who();
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe("jwt_expired");
    const fresh = await tokenFor(s);
    expect((await call(s, "GET", "/iroh/profile/whoami", { token: fresh })).status).toBe(200);
  });

  it("puts X-Ratelimit-Org-Limit and a fresh X-Request-Id on authenticated answers", async () => {
    const a = await call(sim, "GET", "/iroh/profile/whoami", { token });
    const b = await call(sim, "GET", "/iroh/profile/whoami", { token });
    expect(a.headers.get("x-ratelimit-org-limit")).toBe("8000");
    expect(a.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });

  it.each([
    // granted scopes, method, path, body, expected status
    [["inspect:read"], "POST", "/iroh/iroh-inspect/inspect", { content: "x" }, 200],
    [["inspect:read"], "POST", "/iroh/iroh-enrich/deliberate/observables", [], 403],
    [["enrich"], "POST", "/iroh/iroh-enrich/deliberate/observables", [], 200],
    [["enrich/observables:read"], "POST", "/iroh/iroh-enrich/observe/observables", [], 200],
    [["enrich/observables/refer:read"], "POST", "/iroh/iroh-enrich/observe/observables", [], 403],
    [["response:read"], "POST", "/iroh/iroh-response/respond/observables", [], 200],
    [
      ["response:read"],
      "POST",
      `/iroh/iroh-response/respond/trigger/${SIM_MODULES.intel.module_instance_id}/x`,
      undefined,
      403,
    ],
    [
      ["response:write"],
      "POST",
      `/iroh/iroh-response/respond/trigger/${SIM_MODULES.intel.module_instance_id}/x`,
      undefined,
      200,
    ],
    [["private-intel:read"], "GET", "/ctia/judgement/search", undefined, 200],
    [["private-intel:read"], "POST", "/ctia/casebook", {}, 403],
    [["casebook"], "POST", "/ctia/casebook", {}, 201],
    [["ao:read"], "GET", "/api/v1/workflows", undefined, 200],
    [
      ["ao:read"],
      "POST",
      `/api/v1/workflows/start?workflow_id=${SIM_WORKFLOW_IDS.hello}`,
      undefined,
      403,
    ],
  ] as const)("scopes %j: %s %s → %i", async (scopes, method, path, json, status) => {
    sim.clients.set("limited", { secret: "s", scopes: [...scopes] });
    const t = await tokenFor(sim, "limited", "s");
    const r = await call(sim, method, path, { token: t, ...(json !== undefined ? { json } : {}) });
    expect(r.status).toBe(status);
  });

  it("names the missing scope in a 403 (IROH) and the capability (CTIA)", async () => {
    const t = sim.issueToken("sim-client", ["inspect:read"]);
    const iroh = await call(sim, "POST", "/iroh/iroh-enrich/deliberate/observables", {
      token: t,
      json: [],
    });
    expect(iroh.body).toMatchObject({
      "required-scopes": ["enrich/observables/deliberate:read"],
      scopes: ["inspect:read"],
    });
    const ctia = await call(sim, "GET", "/ctia/incident/search", { token: t });
    expect(ctia.status).toBe(403);
    expect(ctia.body).toMatchObject({ error: "missing_capability", message: "Missing capability" });
  });
});

// ---- IROH ------------------------------------------------------------------------------------------

describe("inspect", () => {
  const inspect = (content: unknown) =>
    call(sim, "POST", "/iroh/iroh-inspect/inspect", { token, json: content });

  it.each([
    ["ip", "connect to 8.8.8.8 now", "8.8.8.8"],
    ["ipv6", "traffic from 2001:db8:85a3::8a2e:370:7334, twice", "2001:db8:85a3::8a2e:370:7334"],
    ["domain", "visit internetbadguys.com.", "internetbadguys.com"],
    ["url", "see https://example.org/path?q=1.", "https://example.org/path?q=1"],
    ["email", "mail from no-reply@internetbadguys.com!", "no-reply@internetbadguys.com"],
    ["sha256", `dropped ${EICAR.sha256}`, EICAR.sha256],
    ["sha1", `sha1=${EICAR.sha1}`, EICAR.sha1],
    ["md5", `md5: ${EICAR.md5}.`, EICAR.md5],
  ])("extracts %s", async (type, content, value) => {
    const r = await inspect({ content });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([{ type, value }]);
  });

  it("keeps order, removes duplicates, and does not report a URL's host as a domain", async () => {
    const r = await inspect({
      content:
        "cisco.com https://internetbadguys.com/x 1.2.3.4 cisco.com internetbadguys.com ::1 1.2.3.4",
    });
    expect(r.body).toEqual([
      { type: "domain", value: "cisco.com" },
      { type: "url", value: "https://internetbadguys.com/x" },
      { type: "ip", value: "1.2.3.4" },
      { type: "domain", value: "internetbadguys.com" },
      { type: "ipv6", value: "::1" },
    ]);
  });

  it("finds nothing in text without observables", async () => {
    const r = await inspect({ content: "report.pdf v1.2.3.4.5 at 12:30:45, 999.1.1.1" });
    expect(r.body).toEqual([]);
  });

  it.each([
    ["an array", ["cisco.com"]],
    ["no content", {}],
    ["a non-string content", { content: 42 }],
    ["an extra key", { content: "x", extra: true }],
  ])("rejects %s with 400 {errors}", async (_what, body) => {
    const r = await inspect(body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ errors: expect.any(String) });
  });

  it("rejects malformed JSON with 400", async () => {
    const r = await call(sim, "POST", "/iroh/iroh-inspect/inspect", {
      token,
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toContain("malformed JSON");
  });
});

describe("enrich", () => {
  const observables = [
    { type: "domain", value: "internetbadguys.com" },
    { type: "domain", value: "cisco.com" },
    { type: "domain", value: "example.org" },
    { type: "sha256", value: EICAR.sha256 },
  ];

  it("answers deliberate with the module envelope and deterministic verdicts", async () => {
    const r = await call(sim, "POST", "/iroh/iroh-enrich/deliberate/observables", {
      token,
      json: observables,
    });
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data).toHaveLength(2);
    for (const m of r.body.data) {
      expect(m).toMatchObject({
        module: expect.any(String),
        module_instance_id: expect.any(String),
        module_type_id: expect.any(String),
        data: { verdicts: { count: expect.any(Number), docs: expect.any(Array) } },
      });
      expect(m.data.verdicts.count).toBe(m.data.verdicts.docs.length);
    }
    const intel = r.body.data.find(
      (m: { module_instance_id: string }) =>
        m.module_instance_id === SIM_MODULES.intel.module_instance_id,
    );
    const byValue = Object.fromEntries(
      intel.data.verdicts.docs.map((v: { observable: { value: string } }) => [
        v.observable.value,
        v,
      ]),
    );
    expect(byValue["internetbadguys.com"]).toMatchObject({
      type: "verdict",
      disposition: 2,
      disposition_name: "Malicious",
    });
    expect(byValue["cisco.com"]).toMatchObject({ disposition: 1, disposition_name: "Clean" });
    expect(byValue["example.org"]).toMatchObject({ disposition: 5, disposition_name: "Unknown" });
    expect(byValue[EICAR.sha256]).toMatchObject({ disposition: 2 });
    expect(byValue["cisco.com"].valid_time).toEqual({
      start_time: expect.any(String),
      end_time: expect.any(String),
    });
  });

  it("reports a per-module error inside a 200", async () => {
    const r = await call(sim, "POST", "/iroh/iroh-enrich/deliberate/observables", {
      token,
      json: [...observables, { type: "domain", value: MODULE_ERROR_VALUE }],
    });
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(1);
    expect(r.body.data[0].module_instance_id).toBe(SIM_MODULES.intel.module_instance_id);
    expect(r.body.errors).toEqual([
      {
        module: SIM_MODULES.endpoint.module,
        module_instance_id: SIM_MODULES.endpoint.module_instance_id,
        module_type_id: SIM_MODULES.endpoint.module_type_id,
        type: "error",
        code: "server-error",
        message: expect.any(String),
      },
    ]);
  });

  it("answers observe with judgements and sightings that carry targets", async () => {
    const r = await call(sim, "POST", "/iroh/iroh-enrich/observe/observables", {
      token,
      json: observables,
    });
    expect(r.status).toBe(200);
    const [intel, endpoint] = r.body.data;
    expect(intel.data.judgements.count).toBe(4);
    expect(intel.data.judgements.docs[0]).toMatchObject({
      type: "judgement",
      observable: observables[0],
      disposition: 2,
    });
    expect(endpoint.data.sightings.count).toBe(2); // the two malicious observables
    const sighting = endpoint.data.sightings.docs[0];
    expect(sighting).toMatchObject({ type: "sighting", observables: [observables[0]] });
    expect(sighting.targets[0]).toMatchObject({
      type: "endpoint",
      observables: expect.arrayContaining([expect.objectContaining({ type: "hostname" })]),
      observed_time: { start_time: expect.any(String) },
    });
  });

  it("answers refer with Refs and health with module statuses", async () => {
    const refer = await call(sim, "POST", "/iroh/iroh-enrich/refer/observables", {
      token,
      json: observables.slice(0, 1),
    });
    expect(refer.body.data.length).toBeGreaterThan(0);
    for (const ref of refer.body.data) {
      expect(Object.keys(ref)).toEqual(
        expect.arrayContaining([
          "id",
          "title",
          "description",
          "url",
          "module",
          "module_instance_id",
          "module_type_id",
        ]),
      );
    }
    const health = await call(sim, "POST", "/iroh/iroh-enrich/health", { token });
    expect(health.body.data).toEqual([
      { ...SIM_MODULES.intel, data: { status: "ok" } },
      { ...SIM_MODULES.endpoint, data: { status: "ok" } },
    ]);
  });

  it.each([
    ["an object", { type: "ip", value: "1.1.1.1" }],
    ["an unknown observable type", [{ type: "nope", value: "x" }]],
    ["a value that is not a string", [{ type: "ip", value: 1 }]],
  ])("rejects %s with 400", async (_what, json) => {
    const r = await call(sim, "POST", "/iroh/iroh-enrich/deliberate/observables", { token, json });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual(expect.any(String));
  });
});

describe("response and profile", () => {
  it("lists actions per observable and triggers them", async () => {
    const r = await call(sim, "POST", "/iroh/iroh-response/respond/observables", {
      token,
      json: [
        { type: "domain", value: "internetbadguys.com" },
        { type: "sha256", value: EICAR.sha256 },
      ],
    });
    expect(r.status).toBe(200);
    const ids = r.body.data.map((a: { id: string }) => a.id);
    expect(ids).toEqual([
      "sim-add-to-watchlist",
      "sim-block-destination",
      "sim-add-to-watchlist",
      "sim-quarantine-file",
    ]);
    const block = r.body.data[1];
    expect(block).toMatchObject({
      module: SIM_MODULES.endpoint.module,
      module_instance_id: SIM_MODULES.endpoint.module_instance_id,
      module_type_id: SIM_MODULES.endpoint.module_type_id,
      title: expect.any(String),
      description: expect.any(String),
    });
    // The action's url is the trigger call to make.
    const trigger = await call(sim, "POST", block.url, { token });
    expect(trigger.body).toEqual({ data: { status: "success" } });
    expect(sim.stats.actions).toEqual([
      {
        moduleInstanceId: SIM_MODULES.endpoint.module_instance_id,
        actionId: "sim-block-destination",
        observableType: "domain",
        observableValue: "internetbadguys.com",
        clientId: "sim-client",
      },
    ]);
  });

  it("reports failure for an unknown action and 404 for an unknown module", async () => {
    const mid = SIM_MODULES.endpoint.module_instance_id;
    const bad = await call(sim, "POST", `/iroh/iroh-response/respond/trigger/${mid}/nope`, {
      token,
    });
    expect(bad.body).toEqual({ data: { status: "failure" } });
    const gone = await call(sim, "POST", "/iroh/iroh-response/respond/trigger/nope/x", { token });
    expect(gone.status).toBe(404);
  });

  it("answers whoami with user, org and the token's scopes", async () => {
    const r = await call(sim, "GET", "/iroh/profile/whoami", { token });
    expect(r.body.user.scopes).toContain("enrich:read");
    expect(r.body.org.id).toBe("org-sim-0001");
    expect(r.body.idp).toEqual({ id: "sim-idp" });
  });
});

// ---- CTIA ------------------------------------------------------------------------------------------

describe("CTIA", () => {
  const judgement = {
    observable: { type: "ip", value: "198.51.100.7" },
    disposition: 2,
    source: "test",
    priority: 95,
    severity: "High",
    confidence: "High",
  };

  it("creates, reads, replaces and deletes an entity", async () => {
    const created = await call(sim, "POST", "/ctia/judgement", { token, json: judgement });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect(id).toMatch(new RegExp(`^${CTIA_PUBLIC_BASE}/judgement/judgement-[0-9a-f-]{36}$`));
    expect(created.headers.get("location")).toBe(id);
    expect(created.body).toMatchObject({
      ...judgement,
      type: "judgement",
      disposition_name: "Malicious",
      owner: "sim-client",
      tlp: "green",
      schema_version: expect.any(String),
      valid_time: { start_time: expect.any(String), end_time: "2525-01-01T00:00:00.000Z" },
    });
    const short = id.slice(id.lastIndexOf("/") + 1);
    const got = await call(sim, "GET", `/ctia/judgement/${short}`, { token });
    expect(got.body).toEqual(created.body);
    const byLong = await call(sim, "GET", `/ctia/judgement/${encodeURIComponent(id)}`, { token });
    expect(byLong.status).toBe(200);

    const put = await call(sim, "PUT", `/ctia/judgement/${short}`, {
      token,
      json: { ...judgement, disposition: 1 },
    });
    expect(put.body).toMatchObject({ id, disposition: 1, disposition_name: "Clean" });

    expect((await call(sim, "DELETE", `/ctia/judgement/${short}`, { token })).status).toBe(204);
    const gone = await call(sim, "GET", `/ctia/judgement/${short}`, { token });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: "judgement not found" });
  });

  it("validates new entities", async () => {
    const missing = await call(sim, "POST", "/ctia/judgement", { token, json: { source: "x" } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toMatchObject({ observable: "missing-required-key" });
    const mismatch = await call(sim, "POST", "/ctia/judgement", {
      token,
      json: { ...judgement, disposition_name: "Clean" },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.message).toContain("Mismatched disposition");
    const unknown = await call(sim, "POST", "/ctia/nonsense", { token, json: {} });
    expect(unknown.status).toBe(404);
  });

  it("pages a search across 3 pages with X-Next and X-Total-Hits", async () => {
    const seeded = sim.seed("judgement", 250);
    const seen: string[] = [];
    const pages: { size: number; next: string | null; total: string | null }[] = [];
    let query: string | null = "limit=100";
    while (query !== null) {
      const r = await call(sim, "GET", `/ctia/judgement/search?${query}`, { token });
      expect(r.status).toBe(200);
      seen.push(...r.body.map((j: { id: string }) => j.id));
      query = r.headers.get("x-next");
      pages.push({ size: r.body.length, next: query, total: r.headers.get("x-total-hits") });
      expect(r.headers.get("x-sort")).toMatch(/^\[\d+ "judgement-[0-9a-f-]+"\]$/);
    }
    expect(pages.map((p) => p.size)).toEqual([100, 100, 50]);
    expect(pages.map((p) => p.total)).toEqual(["250", "250", "250"]);
    expect(pages[0]?.next).toMatch(
      /^limit=100&offset=100&search_after=\d+&search_after=judgement-/,
    );
    expect(pages[2]?.next).toBeNull();
    expect(seen).toEqual(seeded.map((j) => j.id)); // oldest first, nothing lost or repeated
  });

  it("pages by offset with X-Previous", async () => {
    sim.seed("incident", 25);
    const r = await call(sim, "GET", "/ctia/incident/search?limit=10&offset=20", { token });
    expect(r.body).toHaveLength(5);
    expect(r.headers.get("x-next")).toBeNull();
    expect(r.headers.get("x-previous")).toBe("limit=10&offset=10");
    const over = await call(sim, "GET", "/ctia/incident/search?limit=10001", { token });
    expect(over.status).toBe(400);
    expect(over.body.errors.limit).toContain("less-than-10000");
  });

  it("filters with field:value AND terms, *, field params, and counts", async () => {
    const seeded = sim.seed("judgement", 100);
    const count = async (q: string) =>
      (await call(sim, "GET", `/ctia/judgement/search/count?${q}`, { token })).body as number;
    const expected = (f: (j: Record<string, unknown>) => boolean) => seeded.filter(f).length;
    expect(await count("query=*")).toBe(100);
    expect(await count("query=disposition:2")).toBe(expected((j) => j.disposition === 2));
    expect(await count(`query=${encodeURIComponent("disposition:2 AND severity:High")}`)).toBe(
      expected((j) => j.disposition === 2 && j.severity === "High"),
    );
    expect(await count("query=observable.value:10.0.0.7")).toBe(1);
    expect(await count(`query=${encodeURIComponent('observable.value:"10.0.0.1*"')}`)).toBe(
      expected((j) => String((j.observable as { value: string }).value).startsWith("10.0.0.1")),
    );
    expect(await count("disposition_name=Malicious")).toBe(expected((j) => j.disposition === 2));
    const sorted = await call(sim, "GET", "/ctia/judgement/search?limit=3&sort_by=created:desc", {
      token,
    });
    expect(sorted.body.map((j: { id: string }) => j.id)).toEqual(
      seeded
        .slice(-3)
        .reverse()
        .map((j) => j.id),
    );
  });

  it("answers the verdict of an observable from its judgements", async () => {
    const value = "198.51.100.9";
    const v = () => call(sim, "GET", `/ctia/ip/${value}/verdict`, { token });
    const none = await v();
    expect(none.status).toBe(404);
    expect(none.body).toEqual({
      message: "no verdict currently available for the supplied observable",
    });
    sim.seed("judgement", 1, () => ({
      observable: { type: "ip", value },
      disposition: 2,
      priority: 50,
    }));
    const [clean] = sim.seed("judgement", 1, () => ({
      observable: { type: "ip", value },
      disposition: 1,
      priority: 90,
    }));
    const r = await v();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      type: "verdict",
      disposition: 1,
      disposition_name: "Clean",
      observable: { type: "ip", value },
      judgement_id: clean?.id,
    });
    const list = await call(sim, "GET", `/ctia/ip/${value}/judgements`, { token });
    expect(list.headers.get("x-total-hits")).toBe("2");
  });

  it("creates in bulk, resolving transient ids", async () => {
    const r = await call(sim, "POST", "/ctia/bulk", {
      token,
      json: {
        sightings: [
          { id: "transient:s1", observed_time: { start_time: "2026-01-01T00:00:00.000Z" } },
        ],
        incidents: [
          {
            id: "transient:i1",
            confidence: "High",
            status: "New",
            incident_time: { opened: "2026-01-01T00:00:00.000Z" },
          },
        ],
        relationships: [
          {
            relationship_type: "member-of",
            source_ref: "transient:s1",
            target_ref: "transient:i1",
          },
        ],
        judgements: [{ source: "incomplete" }],
      },
    });
    expect(r.status).toBe(201);
    const sightingId = r.body.sightings[0];
    const incidentId = r.body.incidents[0];
    expect(r.body.tempids).toEqual({ "transient:s1": sightingId, "transient:i1": incidentId });
    expect(r.body.judgements[0]).toMatchObject({ error: expect.any(String), type: "judgement" });
    const relId: string = r.body.relationships[0];
    const rel = await call(sim, "GET", `/ctia/relationship/${relId.split("/").pop()}`, { token });
    expect(rel.body).toMatchObject({ source_ref: sightingId, target_ref: incidentId });
    const bulkGet = await call(
      sim,
      "GET",
      `/ctia/bulk?incidents=${encodeURIComponent(incidentId)}&incidents=incident-none`,
      { token },
    );
    expect(bulkGet.body.incidents[0].id).toBe(incidentId);
    expect(bulkGet.body.incidents[1]).toBeNull();
  });

  it("serves /ctia/version without a token", async () => {
    const r = await call(sim, "GET", "/ctia/version");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ base: "/ctia", "ctim-version": expect.any(String) });
  });
});

// ---- Automation ------------------------------------------------------------------------------------

describe("automation", () => {
  const startRun = (workflowId: string, body?: unknown, s = sim, t = token) =>
    call(s, "POST", `/api/v1/workflows/start?workflow_id=${workflowId}`, {
      token: t,
      ...(body !== undefined ? { json: body } : {}),
    });
  const poll = (id: string, s = sim, t = token) =>
    call(s, "GET", `/api/v1/instances/${id}`, { token: t });

  it("lists workflows as a bare array", async () => {
    const r = await call(sim, "GET", "/api/v1/workflows", { token });
    expect(Array.isArray(r.body)).toBe(true);
    expect(r.body.map((w: { id: string }) => w.id)).toEqual(
      expect.arrayContaining(Object.values(SIM_WORKFLOW_IDS)),
    );
  });

  it("starts a run and polls it created → running → success", async () => {
    const r = await startRun(SIM_WORKFLOW_IDS.enrichAndBlock, {
      input_variables: [{ properties: { name: "observable_value", value: "internetbadguys.com" } }],
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^workflow_instance_/),
        definition_id: SIM_WORKFLOW_IDS.enrichAndBlock,
        status: { state: "created" },
      }),
    ]);
    const id = r.body[0].id;
    const first = await poll(id);
    expect(first.body.status.state).toBe("running");
    expect(first.body.ended_on).toBeUndefined();
    const second = await poll(id);
    expect(second.body.status).toEqual({ state: "success", prev_state: "running" });
    expect(second.body.output).toEqual({
      result: "completed",
      observable_value: "internetbadguys.com",
      observable_type: "domain",
    });
    expect(second.body.variables).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ properties: expect.objectContaining({ scope: "output" }) }),
        expect.objectContaining({
          properties: expect.objectContaining({ name: "observable_value", scope: "input" }),
        }),
      ]),
    );
    expect((await poll(id)).body.status.state).toBe("success");
  });

  it.each([
    [SIM_WORKFLOW_IDS.fail, "failed"],
    [SIM_WORKFLOW_IDS.cancel, "cancelled"],
    ["definition_workflow_adhoc_FAIL_42", "failed"],
  ])("ends a run of %s as %s with details", async (workflowId, state) => {
    const r = await startRun(workflowId);
    const id = r.body[0].id;
    await poll(id);
    const done = await poll(id);
    expect(done.body.status).toMatchObject({
      state,
      details: {
        code: expect.any(String),
        description: expect.any(String),
        message: expect.any(String),
      },
    });
  });

  it("cancels a run, honours instanceSteps, and 404s unknown runs", async () => {
    const r = await startRun(SIM_WORKFLOW_IDS.hello);
    const id = r.body[0].id;
    const cancel = await call(sim, "POST", `/api/v1/instances/${id}/cancel`, { token });
    expect(cancel.status).toBe(200);
    expect((await poll(id)).body.status.state).toBe("cancelled");
    expect((await poll("workflow_instance_nope")).status).toBe(404);

    const quick = await start({ instanceSteps: 1 });
    const qt = await tokenFor(quick);
    const q = await startRun(SIM_WORKFLOW_IDS.hello, undefined, quick, qt);
    expect((await poll(q.body[0].id, quick, qt)).body.status.state).toBe("success");
  });

  it("checks start parameters and inputs", async () => {
    const cfg = await call(
      sim,
      "GET",
      `/api/v1/workflows/start_config?workflow_id=${SIM_WORKFLOW_IDS.enrichAndBlock}`,
      { token },
    );
    expect(
      cfg.body.input_variables.map((v: { properties: { name: string } }) => v.properties.name),
    ).toEqual(["observable_value", "observable_type"]);
    expect((await startRun(SIM_WORKFLOW_IDS.enrichAndBlock)).status).toBe(400);
    expect((await startRun(SIM_WORKFLOW_IDS.hello, { input_variables: {} })).status).toBe(400);
    expect((await startRun("definition_workflow_missing")).status).toBe(404);
    const noId = await call(sim, "POST", "/api/v1/workflows/start", { token });
    expect(noId.body).toMatchObject({ code: 400, message: expect.any(String) });
  });

  it("accepts the multipart start of /v1.1/workflows/start", async () => {
    const form = new FormData();
    form.set(
      "request_body",
      JSON.stringify({ input_variables: [{ properties: { name: "name", value: "multipart" } }] }),
    );
    const r = await call(
      sim,
      "POST",
      `/api/v1.1/workflows/start?workflow_id=${SIM_WORKFLOW_IDS.hello}`,
      {
        token,
        body: form,
      },
    );
    expect(r.status).toBe(200);
    await poll(r.body[0].id);
    expect((await poll(r.body[0].id)).body.output.name).toBe("multipart");
  });

  it("pages workflows through _links", async () => {
    const all = (await call(sim, "GET", "/api/v1/workflows", { token })).body;
    const sizes: number[] = [];
    const ids: string[] = [];
    let next: string | undefined = "/api/v1.1/workflows?limit=3";
    while (next) {
      const r = await call(sim, "POST", next, { token });
      expect(r.status).toBe(200);
      expect(r.body._links.self).toEqual(expect.stringMatching(/^\/api\/v1\.1\/workflows\?/));
      sizes.push(r.body.results.length);
      ids.push(...r.body.results.map((w: { id: string }) => w.id));
      next = r.body._links.next;
    }
    expect(sizes).toEqual([3, 3, 1]);
    expect(ids).toEqual(all.map((w: { id: string }) => w.id));
    expect((await call(sim, "POST", "/api/v1.1/workflows", { token })).status).toBe(400);
  });

  it("pages runs (date_from required) and tasks", async () => {
    for (let i = 0; i < 5; i++) await startRun(SIM_WORKFLOW_IDS.hello);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const page1 = await call(sim, "POST", `/api/v1.1/instances?limit=2&start=0&date_from=${from}`, {
      token,
    });
    expect(page1.body.results).toHaveLength(2);
    expect(page1.body._links.next).toContain("start=2");
    expect(page1.body._links.prev).toBeUndefined();
    const last = await call(sim, "POST", `/api/v1.1/instances?limit=2&start=4&date_from=${from}`, {
      token,
    });
    expect(last.body.results).toHaveLength(1);
    expect(last.body._links.next).toBeUndefined();
    expect(last.body._links.prev).toContain("start=2");
    expect((await call(sim, "POST", "/api/v1.1/instances?limit=2", { token })).status).toBe(400);

    const tasks = await call(sim, "GET", "/api/v1/tasks?limit=2", { token });
    expect(tasks.body.results).toHaveLength(2);
    expect(tasks.body._links.next).toBeDefined();
    const act = await call(sim, "POST", `/api/v1/tasks/${tasks.body.results[0].id}/action`, {
      token,
      json: { response: "approve", message: "ok" },
    });
    expect(act.body).toMatchObject({ status: "completed", response: "approve" });
  });

  it("limits starts to 10 per minute per client with Retry-After", async () => {
    let now = Date.UTC(2026, 0, 1);
    const s = await start({ clock: () => now, tokenLifetimeSec: 3600 });
    const t = await tokenFor(s);
    for (let i = 0; i < 10; i++) {
      expect((await startRun(SIM_WORKFLOW_IDS.hello, undefined, s, t)).status).toBe(200);
      now += 1000;
    }
    const limited = await startRun(SIM_WORKFLOW_IDS.hello, undefined, s, t);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("50");
    now += 50_000;
    expect((await startRun(SIM_WORKFLOW_IDS.hello, undefined, s, t)).status).toBe(200);
  });
});

// ---- faults ----------------------------------------------------------------------------------------

describe("faults", () => {
  const whoami = () => call(sim, "GET", "/iroh/profile/whoami", { token });

  it("unauthorized: 401 on the next N protected requests, then off", async () => {
    sim.faults.unauthorized = { count: 2 };
    expect((await whoami()).status).toBe(401);
    expect((await call(sim, "GET", "/ctia/version")).status).toBe(200); // public: not counted
    expect((await tokenRequest(sim)).status).toBe(200);
    const second = await whoami();
    expect(second.status).toBe(401);
    expect(second.body.error).toBe("invalid_token");
    expect((await whoami()).status).toBe(200);
    expect(sim.faults.unauthorized).toBeUndefined();
  });

  it.each([
    [7, "7"],
    ["Wed, 21 Oct 2037 07:28:00 GMT", "Wed, 21 Oct 2037 07:28:00 GMT"],
  ])("rateLimit: 429 with Retry-After %s", async (retryAfter, header) => {
    sim.faults.rateLimit = { count: 1, retryAfter };
    const r = await whoami();
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe(header);
    expect(r.body).toEqual({ error: "Too Many Requests" });
    expect((await whoami()).status).toBe(200);
  });

  it.each([500, 502, 503] as const)("serverError: %i", async (status) => {
    sim.faults.serverError = { count: 1, status };
    const r = await whoami();
    expect(r.status).toBe(status);
    if (status === 500) expect(r.body.error).toBe("internal_error");
    else expect(r.headers.get("content-type")).toContain("text/html");
    expect((await whoami()).status).toBe(200);
  });

  it("counts down: a count of 3 hits three requests", async () => {
    sim.faults.serverError = { count: 3 };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await whoami()).status);
    expect(statuses).toEqual([500, 500, 500, 200]);
  });

  it("is restricted to a path prefix and spares the token endpoint by default", async () => {
    sim.faults.serverError = { count: 1, path: "/iroh/iroh-enrich" };
    expect((await tokenRequest(sim)).status).toBe(200);
    expect((await whoami()).status).toBe(200);
    const r = await call(sim, "POST", "/iroh/iroh-enrich/deliberate/observables", {
      token,
      json: [],
    });
    expect(r.status).toBe(500);
    expect(sim.faults.serverError).toBeUndefined();

    sim.faults.serverError = { count: 1, path: "/iroh/oauth2" };
    expect((await tokenRequest(sim)).status).toBe(500);
  });

  it("reset: the connection is destroyed without an answer", async () => {
    sim.faults.reset = { count: 1 };
    await expect(
      fetch(`${sim.url}/iroh/profile/whoami`, { headers: { authorization: `Bearer ${token}` } }),
    ).rejects.toThrow(/fetch failed/);
    expect((await whoami()).status).toBe(200);
  });

  it("slow: holds the answer; a client abort ends the wait", async () => {
    sim.faults.slow = { count: 1, delayMs: 60_000 };
    await expect(
      call(sim, "GET", "/iroh/profile/whoami", { token, signal: AbortSignal.timeout(20) }),
    ).rejects.toThrow();
    sim.faults.slow = { count: 1, delayMs: 1 };
    expect((await whoami()).status).toBe(200);
    expect(sim.faults.slow).toBeUndefined();
  });

  it("slow: close() does not wait for held requests", async () => {
    const s = await start();
    const t = s.issueToken();
    s.faults.slow = { count: 1, delayMs: 60_000 };
    const pending = fetch(`${s.url}/iroh/profile/whoami`, {
      headers: { authorization: `Bearer ${t}` },
    });
    // Wait until the request has arrived, then close.
    while (s.stats.requests.length === 0) await new Promise((r) => setImmediate(r));
    await s.close();
    await expect(pending).rejects.toThrow();
  });

  it("malformedJson: a 2xx JSON body is cut short", async () => {
    sim.faults.malformedJson = { count: 1 };
    const r = await whoami();
    expect(r.status).toBe(200);
    expect(r.body).toBeUndefined();
    expect(() => JSON.parse(r.text)).toThrow();
    expect(Number(r.headers.get("content-length"))).toBe(Buffer.byteLength(r.text));
    expect((await whoami()).body.user).toBeDefined();
  });

  it.each([
    [undefined, 500, "server_error"],
    [400, 400, "invalid_client"],
  ] as const)("tokenFailure (status %s): %i %s, then tokens again", async (status, code, error) => {
    sim.faults.tokenFailure = status === undefined ? { count: 1 } : { count: 1, status };
    const r = await tokenRequest(sim);
    expect(r.status).toBe(code);
    expect(r.body).toEqual({ error, error_description: expect.any(String) });
    expect((await whoami()).status).toBe(200); // API calls are unaffected
    expect((await tokenRequest(sim)).status).toBe(200);
  });

  it("echoCredentials: an error body quoting the bearer token, or the Basic credentials", async () => {
    sim.faults.echoCredentials = { count: 1 };
    const r = await whoami();
    expect(r.status).toBe(400);
    expect(r.body.error_description).toBe(`rejected Authorization: Bearer ${token}`);
    expect((await whoami()).status).toBe(200);
    expect((await tokenRequest(sim)).status).toBe(200); // spared without a path

    sim.faults.echoCredentials = { count: 1, path: "/iroh/oauth2", status: 401 };
    const t = await tokenRequest(sim);
    expect(t.status).toBe(401);
    expect(t.body.error_description).toBe(
      `rejected Authorization: ${basic("sim-client", "sim-secret")} (client sim-client, secret sim-secret)`,
    );
    expect(sim.faults.echoCredentials).toBeUndefined();
  });
});

describe("options", () => {
  it("tokenType: the token_type of issued tokens", async () => {
    const s = await start({ tokenType: "BEARER" });
    const r = await tokenRequest(s);
    expect(r.body.token_type).toBe("BEARER");
    const me = await call(s, "GET", "/iroh/profile/whoami", { token: r.body.access_token });
    expect(me.status).toBe(200);
  });
});
