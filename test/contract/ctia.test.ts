// Contract tests: the generated CTIA client against a Prism mock of specs/ctia.yaml.
// Every call must produce a request Prism finds valid (parameters, body, bearer token).
import { describe, expect, it } from "vitest";
import { ApiError, createCtiaClient, type CtiaClient } from "../../generated/src/index.js";
import {
  type Call,
  callName,
  conform,
  contractTests,
  methodNames,
  requestErrors,
  usePrismClient,
} from "./prism.js";

const prism = usePrismClient("ctia", "specs/ctia.yaml", createCtiaClient);

const T0 = "2024-05-01T10:00:00.000Z";
const UUID = "de305d54-75b4-431b-adb2-eb6b9e546014";
const id = (type: string): string =>
  `https://private.intel.amp.cisco.com/ctia/${type}/${type}-${UUID}`;
const ip = { type: "ip", value: "198.51.100.7" } as const;
const source = "contract test";
const describable = {
  title: "Contract",
  description: "Made by a contract test",
  short_description: "Contract",
};

// ---- One valid new entity per kind (typed by the create method's argument) -----------------------

type Body<M extends (args: never, ...rest: never[]) => unknown> = Parameters<M>[0];

const newActor = { ...describable, source } satisfies Body<CtiaClient["actors"]["create"]>;
const newAsset = {
  asset_type: "device",
  valid_time: { start_time: T0 },
  source,
} satisfies Body<CtiaClient["assets"]["create"]>;
const newAssetMapping = {
  asset_ref: id("asset"),
  asset_type: "device",
  confidence: "High",
  observable: ip,
  source,
  specificity: "Unique",
  stability: "Managed",
  valid_time: { start_time: T0 },
} satisfies Body<CtiaClient["assetMappings"]["create"]>;
const newAssetProperties = {
  asset_ref: id("asset"),
  source,
  valid_time: { start_time: T0 },
  properties: [{ name: "cisco:securex:posture:score", value: "40" }],
} satisfies Body<CtiaClient["assetProperties"]["create"]>;
const newAttackPattern = describable satisfies Body<CtiaClient["attackPatterns"]["create"]>;
const newCampaign = {
  ...describable,
  campaign_type: "espionage",
} satisfies Body<CtiaClient["campaigns"]["create"]>;
const newCasebook = {
  title: "Contract",
  observables: [ip],
} satisfies Body<CtiaClient["casebooks"]["create"]>;
const newCoa = { title: "Block it", coa_type: "Perimeter Blocking" } satisfies Body<
  CtiaClient["coas"]["create"]
>;
const newFeed = {
  title: "Contract",
  feed_type: "indicator",
  output: "observables",
  indicator_id: id("indicator"),
} satisfies Body<CtiaClient["feeds"]["create"]>;
const newIncident = {
  confidence: "High",
  status: "New",
  incident_time: { opened: T0 },
  title: "Contract",
} satisfies Body<CtiaClient["incidents"]["create"]>;
const newIndicator = { producer: "contract test" } satisfies Body<
  CtiaClient["indicators"]["create"]
>;
const newInvestigation = { source, title: "Contract" } satisfies Body<
  CtiaClient["investigations"]["create"]
>;
const newJudgement = {
  observable: ip,
  source,
  priority: 90,
  severity: "High",
  confidence: "High",
  disposition: 2,
} satisfies Body<CtiaClient["judgements"]["create"]>;
const newMalware = { ...describable, labels: ["trojan"] } satisfies Body<
  CtiaClient["malwares"]["create"]
>;
const newNote = {
  content: "Looked at it",
  note_class: "worklog",
  related_entities: [{ entity_type: "incident", entity_id: id("incident") }],
} satisfies Body<CtiaClient["notes"]["create"]>;
const newRelationship = {
  relationship_type: "sighting-of",
  source_ref: id("sighting"),
  target_ref: id("indicator"),
} satisfies Body<CtiaClient["relationships"]["create"]>;
const newSighting = {
  observed_time: { start_time: T0 },
  count: 1,
  confidence: "High",
  observables: [ip],
} satisfies Body<CtiaClient["sightings"]["create"]>;
const newTargetRecord = {
  source,
  targets: [{ type: "endpoint.workstation", observables: [ip], observed_time: { start_time: T0 } }],
} satisfies Body<CtiaClient["targetRecords"]["create"]>;
const newTool = { ...describable, labels: ["scanner"] } satisfies Body<
  CtiaClient["tools"]["create"]
>;
const newVulnerability = { description: "A flaw" } satisfies Body<
  CtiaClient["vulnerabilities"]["create"]
>;

// ---- The operations every entity kind has ------------------------------------------------------

type EntityGroup =
  | "actors"
  | "assetMappings"
  | "assetProperties"
  | "assets"
  | "attackPatterns"
  | "campaigns"
  | "casebooks"
  | "coas"
  | "feeds"
  | "incidents"
  | "indicators"
  | "investigations"
  | "judgements"
  | "malwares"
  | "notes"
  | "relationships"
  | "sightings"
  | "targetRecords"
  | "tools"
  | "vulnerabilities";

interface Entity {
  group: EntityGroup;
  /** CTIA's type name, as in ids and paths. */
  type: string;
  /** A field its `topn`/`cardinality` metrics accept; none for feeds (no metrics). */
  field?: string;
  create: (c: CtiaClient) => Promise<unknown>;
  /** Full replacement (PUT); judgements cannot be replaced. */
  update?: (c: CtiaClient) => Promise<unknown>;
}

const entities: readonly Entity[] = [
  {
    group: "actors",
    type: "actor",
    field: "source",
    create: (c) => c.actors.create(newActor),
    update: (c) => c.actors.update({ id: id("actor"), body: newActor }),
  },
  {
    group: "assets",
    type: "asset",
    field: "asset_type",
    create: (c) => c.assets.create(newAsset),
    update: (c) => c.assets.update({ id: id("asset"), body: newAsset }),
  },
  {
    group: "assetMappings",
    type: "asset-mapping",
    field: "source",
    create: (c) => c.assetMappings.create(newAssetMapping),
    update: (c) => c.assetMappings.update({ id: id("asset-mapping"), body: newAssetMapping }),
  },
  {
    group: "assetProperties",
    type: "asset-properties",
    field: "source",
    create: (c) => c.assetProperties.create(newAssetProperties),
    update: (c) =>
      c.assetProperties.update({ id: id("asset-properties"), body: newAssetProperties }),
  },
  {
    group: "attackPatterns",
    type: "attack-pattern",
    field: "source",
    create: (c) => c.attackPatterns.create(newAttackPattern),
    update: (c) => c.attackPatterns.update({ id: id("attack-pattern"), body: newAttackPattern }),
  },
  {
    group: "campaigns",
    type: "campaign",
    field: "source",
    create: (c) => c.campaigns.create(newCampaign),
    update: (c) => c.campaigns.update({ id: id("campaign"), body: newCampaign }),
  },
  {
    group: "casebooks",
    type: "casebook",
    field: "source",
    create: (c) => c.casebooks.create(newCasebook),
    update: (c) => c.casebooks.update({ id: id("casebook"), body: newCasebook }),
  },
  {
    group: "coas",
    type: "coa",
    field: "source",
    create: (c) => c.coas.create(newCoa),
    update: (c) => c.coas.update({ id: id("coa"), body: newCoa }),
  },
  {
    group: "feeds",
    type: "feed",
    create: (c) => c.feeds.create(newFeed),
    update: (c) => c.feeds.update({ id: id("feed"), body: newFeed }),
  },
  {
    group: "incidents",
    type: "incident",
    field: "source",
    create: (c) => c.incidents.create(newIncident),
    update: (c) => c.incidents.update({ id: id("incident"), body: newIncident }),
  },
  {
    group: "indicators",
    type: "indicator",
    field: "source",
    create: (c) => c.indicators.create(newIndicator),
    update: (c) => c.indicators.update({ id: id("indicator"), body: newIndicator }),
  },
  {
    group: "investigations",
    type: "investigation",
    field: "source",
    create: (c) => c.investigations.create(newInvestigation),
    update: (c) => c.investigations.update({ id: id("investigation"), body: newInvestigation }),
  },
  {
    group: "judgements",
    type: "judgement",
    field: "confidence",
    create: (c) => c.judgements.create(newJudgement),
  },
  {
    group: "malwares",
    type: "malware",
    field: "source",
    create: (c) => c.malwares.create(newMalware),
    update: (c) => c.malwares.update({ id: id("malware"), body: newMalware }),
  },
  {
    group: "notes",
    type: "note",
    field: "note_class",
    create: (c) => c.notes.create(newNote),
    update: (c) => c.notes.update({ id: id("note"), body: newNote }),
  },
  {
    group: "relationships",
    type: "relationship",
    field: "relationship_type",
    create: (c) => c.relationships.create(newRelationship),
    update: (c) => c.relationships.update({ id: id("relationship"), body: newRelationship }),
  },
  {
    group: "sightings",
    type: "sighting",
    field: "source",
    create: (c) => c.sightings.create(newSighting),
    update: (c) => c.sightings.update({ id: id("sighting"), body: newSighting }),
  },
  {
    group: "targetRecords",
    type: "target-record",
    field: "source",
    create: (c) => c.targetRecords.create(newTargetRecord),
    update: (c) => c.targetRecords.update({ id: id("target-record"), body: newTargetRecord }),
  },
  {
    group: "tools",
    type: "tool",
    field: "source",
    create: (c) => c.tools.create(newTool),
    update: (c) => c.tools.update({ id: id("tool"), body: newTool }),
  },
  {
    group: "vulnerabilities",
    type: "vulnerability",
    field: "source",
    create: (c) => c.vulnerabilities.create(newVulnerability),
    update: (c) => c.vulnerabilities.update({ id: id("vulnerability"), body: newVulnerability }),
  },
];

/** The operations with the same parameters in every entity group, called by name. */
type Uniform = Record<string, (args: object) => Promise<unknown>>;
const uniform = (c: CtiaClient, group: EntityGroup): Uniform => c[group] as unknown as Uniform;

function entityCalls(e: Entity): Call<CtiaClient>[] {
  const { group, type, field } = e;
  const g = (c: CtiaClient): Uniform => uniform(c, group);
  const rows: Call<CtiaClient>[] = [
    [group, "create", e.create],
    [group, "get", (c) => g(c).get!({ id: id(type) })],
    [group, "search", async (c) => g(c).search!({ query: "source:*", limit: 10 })],
    [group, "count", (c) => g(c).count!({ query: "*" })],
    [group, "byExternalId", async (c) => g(c).byExternalId!({ external_id: "ext-1", limit: 10 })],
    [
      group,
      "deleteSearch",
      (c) =>
        g(c).deleteSearch!({ query: "source:nothing", REALLY_DELETE_ALL_THESE_ENTITIES: false }),
    ],
    [group, "delete", (c) => g(c).delete!({ id: id(type) })],
  ];
  if (e.update) rows.push([group, "update", e.update]);
  if (field) {
    rows.push(
      [
        group,
        "histogram",
        (c) => g(c).histogram!({ "aggregate-on": "timestamp", granularity: "day", from: T0 }),
      ],
      [group, "topn", (c) => g(c).topn!({ "aggregate-on": field, from: T0, limit: 5 })],
      [group, "cardinality", (c) => g(c).cardinality!({ "aggregate-on": field, from: T0 })],
    );
  }
  return rows;
}

// ---- The operations particular to a group --------------------------------------------------------

const specific: readonly Call<CtiaClient>[] = [
  ["assetMappings", "expire", (c) => c.assetMappings.expire({ id: id("asset-mapping") })],
  ["assetProperties", "expire", (c) => c.assetProperties.expire({ id: id("asset-properties") })],
  [
    "judgements",
    "expire",
    (c) => c.judgements.expire({ id: id("judgement"), reason: "false positive" }),
  ],
  ["attackPatterns", "byMitreId", (c) => c.attackPatterns.byMitreId({ mitre_id: "T1566" })],
  [
    "vulnerabilities",
    "byCpe",
    async (c) =>
      c.vulnerabilities.byCpe({
        cpe23_match_strings: ["cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*"],
      }),
  ],
  [
    "casebooks",
    "observables",
    (c) => c.casebooks.observables({ id: id("casebook"), operation: "add", observables: [ip] }),
  ],
  [
    "casebooks",
    "texts",
    (c) =>
      c.casebooks.texts({
        id: id("casebook"),
        operation: "add",
        texts: [{ type: "note", text: "Hi" }],
      }),
  ],
  [
    "casebooks",
    "bundle",
    (c) =>
      c.casebooks.bundle({
        id: id("casebook"),
        operation: "add",
        bundle: { source, judgement_refs: [id("judgement")] },
      }),
  ],
  [
    "casebooks",
    "patch",
    (c) => c.casebooks.patch({ id: id("casebook"), body: { title: "Renamed" } }),
  ],
  [
    "incidents",
    "average",
    (c) => c.incidents.average({ "aggregate-on": "intervals.new_to_opened", from: T0 }),
  ],
  [
    "incidents",
    "link",
    (c) => c.incidents.link({ id: id("incident"), casebook_id: id("casebook") }),
  ],
  [
    "incidents",
    "patch",
    (c) => c.incidents.patch({ id: id("incident"), body: { status: "Open" } }),
  ],
  [
    "incidents",
    "setStatus",
    (c) => c.incidents.setStatus({ id: id("incident"), status: "Closed" }),
  ],
  ["notes", "patch", (c) => c.notes.patch({ id: id("note"), body: { content: "Edited" } })],
  ["feeds", "view", (c) => c.feeds.view({ id: `feed-${UUID}`, s: "share-token" })],
  ["feeds", "viewText", (c) => c.feeds.viewText({ id: `feed-${UUID}`, s: "share-token" })],

  ...(
    [
      "judgements",
      "judgementIndicators",
      "sightings",
      "sightingIncidents",
      "sightingIndicators",
    ] as const
  ).map((m): Call<CtiaClient> => [
    "observables",
    m,
    async (c) =>
      c.observables[m]({ observable_type: "ip", observable_value: "198.51.100.7", limit: 10 }),
  ]),
  [
    "observables",
    "verdict",
    (c) => c.observables.verdict({ observable_type: "domain", observable_value: "example.com" }),
  ],

  [
    "bulk",
    "create",
    (c) => c.bulk.create({ judgements: [newJudgement], sightings: [newSighting] }),
  ],
  [
    "bulk",
    "get",
    (c) => c.bulk.get({ judgements: [id("judgement")], sightings: [id("sighting")] }),
  ],
  ["bulk", "update", (c) => c.bulk.update({ actors: [{ ...newActor, id: id("actor") }] })],
  ["bulk", "patch", (c) => c.bulk.patch({ incidents: [{ id: id("incident"), status: "Open" }] })],
  ["bulk", "delete", (c) => c.bulk.delete({ judgements: [id("judgement")] })],

  ["bundle", "import", (c) => c.bundle.import({ source, judgements: [newJudgement] })],
  ["bundle", "export", (c) => c.bundle.export({ ids: [id("incident")] })],
  ["bundle", "exportMany", (c) => c.bundle.exportMany({ ids: [id("incident"), id("sighting")] })],

  ["events", "get", (c) => c.events.get({ id: `event-${UUID}` })],
  ["events", "search", async (c) => c.events.search({ query: "*", limit: 10 })],
  ["events", "count", (c) => c.events.count({ query: "*" })],
  ["events", "history", (c) => c.events.history({ entity_id: id("incident") })],

  [
    "graphql",
    "query",
    (c) => c.graphql.query({ query: '{ judgements(query: "*") { totalCount } }' }),
  ],

  ["meta", "status", (c) => c.meta.status()],
  ["meta", "version", (c) => c.meta.version()],
];

const calls: readonly Call<CtiaClient>[] = [...entities.flatMap(entityCalls), ...specific];

describe("CTIA client against a Prism mock of specs/ctia.yaml", () => {
  contractTests("ctia", calls, () => prism);

  it("a search awaits to its first page (no iteration: Prism's answers always carry X-Next)", async () => {
    const page = await conform(prism.mock, "ctia.judgements.search", () =>
      prism.client.judgements.search({ query: "*" }),
    );
    expect(Array.isArray((page as { items: unknown[] }).items)).toBe(true);
  });

  it("covers every operation of the client", () => {
    const covered = new Set(calls.map(([g, l]) => callName(g, l)));
    expect(methodNames(prism.client).filter((name) => !covered.has(name))).toEqual([]);
  });
});

describe("the harness catches requests that break specs/ctia.yaml", () => {
  it("a raw request with a wrong body gets Prism's validation error", async () => {
    const mark = prism.mock.exchanges.length;
    const { response } = await prism.client.raw.POST("/ctia/judgement", {
      body: { wrong: 1 } as never,
    });
    expect([400, 422]).toContain(response.status);
    const messages = requestErrors(prism.mock.exchanges.slice(mark)).map((v) => v.message);
    expect(messages.join("\n")).toMatch(/observable/);
  });

  it("a named call with a value outside an enum is rejected, with Prism's message", async () => {
    const attempt = conform(prism.mock, "ctia.judgements.create", () =>
      prism.client.judgements.create({ ...newJudgement, severity: "Apocalyptic" } as never),
    );
    await expect(attempt).rejects.toThrow(
      /ctia\.judgements\.create failed against the Prism mock — HTTP (400|422)/,
    );
    await expect(attempt).rejects.toThrow(/request\.body\.severity: .*allowed values/);
  });

  it("a named call missing a required query parameter is rejected", async () => {
    const error = await prism.client.judgements
      .histogram({ "aggregate-on": "timestamp", from: T0 } as never)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ApiError);
    expect([400, 422]).toContain((error as ApiError).status);
    expect(
      requestErrors([prism.mock.exchanges.at(-1)!])
        .map((v) => v.message)
        .join("\n"),
    ).toMatch(/granularity/);
  });
});
