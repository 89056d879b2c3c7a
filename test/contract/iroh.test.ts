// Contract tests: the generated IROH client against a Prism mock of specs/iroh.yaml.
// Every call must produce a request Prism finds valid (parameters, body, bearer token).
import { describe, expect, it } from "vitest";
import { ApiError, createIrohClient, type IrohClient } from "../../generated/src/index.js";
import {
  type Call,
  callName,
  conform,
  contractTests,
  methodNames,
  requestErrors,
  usePrismClient,
} from "./prism.js";

const prism = usePrismClient("iroh", "specs/iroh.yaml", createIrohClient);

const T0 = "2024-05-01T10:00:00.000Z";
const ip = { type: "ip", value: "198.51.100.7" } as const;
const domain = { type: "domain", value: "example.com" } as const;

/** One row per operation of specs/iroh.yaml (the token endpoint is tested apart). */
const calls: readonly Call<IrohClient>[] = [
  ["inspect", "inspect", (c) => c.inspect({ content: "198.51.100.7 example.com" })],

  ["enrich", "deliberate", (c) => c.enrich.deliberate([ip, domain])],
  ["enrich", "deliberate + query", (c) => c.enrich.deliberate([ip], { query: { mids: ["m-1"] } })],
  ["enrich", "observe", (c) => c.enrich.observe([ip])],
  ["enrich", "refer", (c) => c.enrich.refer([domain])],
  ["enrich", "observeTargets", (c) => c.enrich.observeTargets({ observables: [ip] })],
  ["enrich", "reputation", (c) => c.enrich.reputation({ type: "ip", value: "198.51.100.7" })],
  ["enrich", "health", (c) => c.enrich.health()],
  ["enrich", "moduleHealth", (c) => c.enrich.moduleHealth({ module_instance_id: "mi-1" })],
  [
    "enrich",
    "queryOcsf",
    (c) =>
      c.enrich.queryOcsf({ class_uid: 4001, type_id: 1, value: "198.51.100.7", version: "1.1.0" }),
  ],
  [
    "enrich",
    "queryOcsfAsync",
    (c) =>
      c.enrich.queryOcsfAsync({
        class_uid: 4001,
        type_id: 1,
        value: "198.51.100.7",
        version: "1.1.0",
      }),
  ],

  ["response", "respond", (c) => c.response.respond([ip])],
  [
    "response",
    "respondSighting",
    (c) =>
      c.response.respondSighting({
        id: "transient:sighting-1",
        type: "sighting",
        schema_version: "1.1.12",
        observed_time: { start_time: T0 },
        count: 1,
        confidence: "High",
        observables: [ip],
      }),
  ],
  [
    "response",
    "trigger",
    (c) => c.response.trigger({ module_instance_id: "mi-1", action_id: "block-ip" }),
  ],

  ["profile", "whoami", (c) => c.profile.whoami()],
  ["profile", "org.get", (c) => c.profile.org.get()],
  ["profile", "org.update", (c) => c.profile.org.update({ name: "Example Org" })],

  ["users", "get", (c) => c.users.get({ user_id: "u-1" })],
  ["users", "update", (c) => c.users.update({ user_id: "u-1", role: "user" })],
  ["users", "batchGet", (c) => c.users.batchGet({ id: ["u-1", "u-2"] })],
  ["users", "search", (c) => c.users.search({})],

  ["moduleTypes", "list", (c) => c.moduleTypes.list()],
  [
    "moduleTypes",
    "create",
    (c) => c.moduleTypes.create({ title: "Contract test", default_name: "Contract test" }),
  ],
  ["moduleTypes", "get", (c) => c.moduleTypes.get({ id: "mt-1" })],
  ["moduleTypes", "update", (c) => c.moduleTypes.update({ id: "mt-1", title: "Renamed" })],
  ["moduleTypes", "delete", (c) => c.moduleTypes.delete({ id: "mt-1" })],

  ["moduleTypePatches", "list", (c) => c.moduleTypePatches.list()],
  [
    "moduleTypePatches",
    "create",
    (c) => c.moduleTypePatches.create({ module_type_id: "mt-1", patch: { title: "Renamed" } }),
  ],
  ["moduleTypePatches", "get", (c) => c.moduleTypePatches.get({ id: "p-1" })],
  ["moduleTypePatches", "preview", (c) => c.moduleTypePatches.preview({ id: "p-1" })],
  [
    "moduleTypePatches",
    "update",
    (c) =>
      c.moduleTypePatches.update({
        id: "p-1",
        body: {
          id: "p-1",
          module_type_id: "mt-1",
          patch: { title: "Renamed" },
          merge_status: "pending",
          org_id: "o-1",
          user_id: "u-1",
          client_id: "client-1",
          created_at: T0,
          updated_at: T0,
        },
      }),
  ],
  ["moduleTypePatches", "delete", (c) => c.moduleTypePatches.delete({ id: "p-1" })],

  ["moduleInstances", "list", (c) => c.moduleInstances.list()],
  [
    "moduleInstances",
    "create",
    (c) =>
      c.moduleInstances.create({ name: "Contract", module_type_id: "mt-1", visibility: "org" }),
  ],
  [
    "moduleInstances",
    "createOneClick",
    (c) =>
      c.moduleInstances.createOneClick({
        module_type_id: "mt-1",
        product_tenant_id: "tenant-1",
        type: "one-click",
      }),
  ],
  ["moduleInstances", "get", (c) => c.moduleInstances.get({ id: "mi-1" })],
  ["moduleInstances", "update", (c) => c.moduleInstances.update({ id: "mi-1", name: "Renamed" })],
  ["moduleInstances", "delete", (c) => c.moduleInstances.delete({ id: "mi-1" })],

  ["events", "get", (c) => c.events.get({ id: "event-1" })],
  ["events", "search", (c) => c.events.search({})],
  ["events", "listForIncident", (c) => c.events.listForIncident({ incident_id: "incident-1" })],

  [
    "feedback",
    "create",
    (c) => c.feedback.create({ text: "Works", bug: false, contact_allowed: false }),
  ],
  ["feedback", "get", (c) => c.feedback.get({ id: "f-1" })],

  ["webhooks", "list", (c) => c.webhooks.list()],
  [
    "webhooks",
    "create",
    (c) =>
      c.webhooks.create({
        name: "Contract",
        webhook_type: "url",
        source: "iroh-events",
        url: "https://hooks.example.com/xdr",
        event_type_filter: ["record-created"],
        visibility: "org",
      }),
  ],
  ["webhooks", "get", (c) => c.webhooks.get({ id: "w-1" })],
  ["webhooks", "update", (c) => c.webhooks.update({ id: "w-1", enabled: false })],
  ["webhooks", "delete", (c) => c.webhooks.delete({ id: "w-1" })],

  ["webhookResults", "list", (c) => c.webhookResults.list()],
  ["webhookResults", "get", (c) => c.webhookResults.get({ id: "r-1" })],
  ["webhookResults", "delete", (c) => c.webhookResults.delete({ id: "r-1" })],

  ["privateIntel", "incidents.search", (c) => c.privateIntel.incidents.search({ query: "*" })],
  [
    "privateIntel",
    "incidentSummaries.search",
    (c) => c.privateIntel.incidentSummaries.search({ query: "*" }),
  ],
  [
    "privateIntel",
    "incidents.create",
    (c) =>
      c.privateIntel.incidents.create({
        status: "New",
        confidence: "High",
        incident_time: { opened: T0 },
        title: "Contract",
      }),
  ],
  ["privateIntel", "incidents.get", (c) => c.privateIntel.incidents.get({ incident_id: "i-1" })],
  [
    "privateIntel",
    "incidents.update",
    (c) => c.privateIntel.incidents.update({ incident_id: "i-1", title: "Renamed" }),
  ],
  [
    "privateIntel",
    "incidents.setStatus",
    (c) => c.privateIntel.incidents.setStatus({ incident_id: "i-1", status: "Open" }),
  ],
  [
    "privateIntel",
    "incidents.listTactics",
    (c) => c.privateIntel.incidents.listTactics({ incident_id: "i-1" }),
  ],
  [
    "privateIntel",
    "incidents.getTactic",
    (c) => c.privateIntel.incidents.getTactic({ incident_id: "i-1", mitre_id: "TA0001" }),
  ],
  [
    "privateIntel",
    "notes.create",
    (c) =>
      c.privateIntel.notes.create({
        content: "Looked at it",
        note_class: "worklog",
        related_entities: [{ entity_type: "incident", entity_id: "i-1" }],
      }),
  ],
  [
    "privateIntel",
    "importBundle",
    (c) => c.privateIntel.importBundle({ judgements: [{ observable: ip, priority: 90 }] }),
  ],
  ["privateIntel", "bulkDelete", (c) => c.privateIntel.bulkDelete({ incidents: ["i-1"] })],
  [
    "privateIntel",
    "assets.updateProperties",
    (c) =>
      c.privateIntel.assets.updateProperties({
        asset_external_id: "asset-1",
        updated_properties: { "cisco:ctr:assetValue": 3, "cisco:ctr:labels": ["contract"] },
        rescore_incident_ids: [],
      }),
  ],
  [
    "privateIntel",
    "assets.bulkUpdateProperties",
    (c) =>
      c.privateIntel.assets.bulkUpdateProperties([
        {
          asset_external_id: "asset-1",
          updated_properties: { "cisco:ctr:assetValue": 3, "cisco:ctr:labels": ["contract"] },
          rescore_incident_ids: [],
        },
      ]),
  ],
  ["privateIntel", "mitre.searchTactics", (c) => c.privateIntel.mitre.searchTactics()],
  [
    "privateIntel",
    "mitre.getTactic",
    (c) => c.privateIntel.mitre.getTactic({ mitre_id: "TA0001" }),
  ],
  [
    "privateIntel",
    "mitre.incidentsPerTechnique",
    (c) => c.privateIntel.mitre.incidentsPerTechnique({}),
  ],
  ["privateIntel", "mitre.coverageMatrix", (c) => c.privateIntel.mitre.coverageMatrix()],
  [
    "privateIntel",
    "mitre.tacticCoverage",
    (c) => c.privateIntel.mitre.tacticCoverage({ tactic_id: "TA0001" }),
  ],
  [
    "privateIntel",
    "mitre.techniqueCoverage",
    (c) => c.privateIntel.mitre.techniqueCoverage({ technique_id: "T1566" }),
  ],
  [
    "privateIntel",
    "mitre.adversary",
    (c) => c.privateIntel.mitre.adversary({ adversary_id: "G0007" }),
  ],
  [
    "privateIntel",
    "mitre.configurationInsights",
    (c) => c.privateIntel.mitre.configurationInsights({ module_instance_id: "mi-1" }),
  ],
  [
    "privateIntel",
    "mitre.compareAdversaries",
    (c) => c.privateIntel.mitre.compareAdversaries({ techniques: ["T1566"] }),
  ],
];

describe("IROH client against a Prism mock of specs/iroh.yaml", () => {
  contractTests("iroh", calls, () => prism);

  it("oauth2: token (form body, no bearer token)", async () => {
    await conform(prism.mock, "iroh.oauth2.token", () =>
      prism.client.oauth2.token(
        { grant_type: "client_credentials" },
        { headers: { authorization: "Basic Y2xpZW50OnNlY3JldA==" } },
      ),
    );
  });

  it("covers every operation of the client", () => {
    const covered = new Set([...calls.map(([g, l]) => callName(g, l)), "oauth2.token"]);
    expect(methodNames(prism.client).filter((name) => !covered.has(name))).toEqual([]);
  });
});

describe("the harness catches requests that break specs/iroh.yaml", () => {
  it("a raw request with a wrong body gets Prism's validation error", async () => {
    const mark = prism.mock.exchanges.length;
    const { response } = await prism.client.raw.POST("/iroh/iroh-inspect/inspect", {
      body: { wrong: 1 } as never,
    });
    expect([400, 422]).toContain(response.status);
    const errors = requestErrors(prism.mock.exchanges.slice(mark));
    expect(errors.map((v) => v.message).join("\n")).toMatch(/content/);
  });

  it("a named call with an argument of the wrong type is rejected, with Prism's message", async () => {
    const attempt = conform(prism.mock, "iroh.inspect", () =>
      prism.client.inspect({ content: 42 } as never),
    );
    await expect(attempt).rejects.toThrow(
      /iroh\.inspect failed against the Prism mock — HTTP (400|422)/,
    );
    await expect(attempt).rejects.toThrow(
      /request\.body\.content: Request body property content must be string/,
    );
  });

  it("a missing required query parameter is rejected", async () => {
    const error = await prism.client.enrich.reputation({ type: "ip" } as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect([400, 422]).toContain((error as ApiError).status);
    const last = prism.mock.exchanges.at(-1)!;
    expect(
      requestErrors([last])
        .map((v) => v.message)
        .join("\n"),
    ).toMatch(/value/);
  });

  it("a request without the bearer token is refused (401)", async () => {
    const bare = createIrohClient({
      accessToken: "test-token",
      baseUrls: { iroh: prism.mock.url },
      maxRetries: 0,
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.delete("authorization");
        return prism.mock.fetch(input, { ...init, headers });
      },
    });
    const error = await bare.profile.whoami().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
  });
});

describe("bundles", () => {
  it("privateIntel.importBundle takes a bundle with its source and entity lists", async () => {
    await conform(prism.mock, "iroh.privateIntel.importBundle", () =>
      prism.client.privateIntel.importBundle({
        type: "bundle",
        source: "contract test",
        judgements: [],
      }),
    );
  });
});
