// Contract tests: the generated Automation client against a Prism mock of specs/automation.json
// (Cisco's own OpenAPI 3.0.1 document). Every call must produce a request Prism finds valid.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ApiError,
  createAutomationClient,
  type AutomationClient,
} from "../../generated/src/index.js";
import {
  type Call,
  ROOT,
  callName,
  conform,
  contractTests,
  methodNames,
  requestErrors,
  usePrismClient,
} from "./prism.js";

const SPEC = "specs/automation.json";
// The spec is downloaded by `npm run generate` (fetch-spec); without it there is nothing to test.
const haveSpec = existsSync(join(ROOT, SPEC));

// The spec's server is https://automate.us.security.cisco.com/api, but Prism mounts the
// operations at its root (`/v1/workflows`), so the base URL is the mock's URL as is.
const prism = usePrismClient("automation", SPEC, createAutomationClient, haveSpec);

const WF = "01ABCDEFGHJKMNPQRSTVWXYZ12";
const baseType = "workflow";

/** One row per operation of specs/automation.json. */
const calls: readonly Call<AutomationClient>[] = [
  ["calendars", "list", (c) => c.calendars.list()],
  ["calendars", "batchGet", (c) => c.calendars.batchGet()],
  ["calendars", "create", (c) => c.calendars.create({ name: "Office hours", properties: {} })],
  ["calendars", "get", (c) => c.calendars.get({ calendar_id: "cal-1" })],
  ["calendars", "update", (c) => c.calendars.update({ calendar_id: "cal-1", properties: {} })],
  ["calendars", "delete", (c) => c.calendars.delete({ calendar_id: "cal-1" })],

  ["categories", "list", (c) => c.categories.list({ type: "workflow" })],
  ["categories", "create", (c) => c.categories.create({ title: "Contract" })],
  ["categories", "get", (c) => c.categories.get({ category_id: "cat-1" })],
  ["categories", "update", (c) => c.categories.update({ category_id: "cat-1", title: "Renamed" })],
  ["categories", "delete", (c) => c.categories.delete({ category_id: "cat-1" })],

  [
    "changeOwner",
    "update",
    (c) => c.changeOwner.update({ entity_id: WF, base_type: baseType, owner: "user-1" }),
  ],

  [
    "comments",
    "create",
    (c) =>
      c.comments.create({
        message: "Looks good",
        ref_base_type: baseType,
        ref_id: WF,
        ref_type: "generic.workflow",
      }),
  ],
  [
    "comments",
    "batchGet",
    async (c) => c.comments.batchGet({ ref_id: WF, ref_object_type: "workflow", limit: 10 }),
  ],

  ["events", "list", (c) => c.events.list()],
  ["events", "create", (c) => c.events.create({ title: "Contract", properties: {} })],
  ["events", "get", (c) => c.events.get({ event_id: "ev-1" })],
  [
    "events",
    "update",
    (c) => c.events.update({ event_id: "ev-1", title: "Renamed", properties: {} }),
  ],
  ["events", "delete", (c) => c.events.delete({ event_id: "ev-1" })],

  ["instances", "list", (c) => c.instances.list({ workflow_id: WF })],
  [
    "instances",
    "search",
    async (c) => c.instances.search({ limit: 10, date_from: "2024-05-01T00:00:00Z" }),
  ],
  ["instances", "summary", (c) => c.instances.summary({ workflow_id: WF })],
  ["instances", "get", (c) => c.instances.get({ wf_instance_id: "inst-1", detailed: true })],
  [
    "instances",
    "getAction",
    (c) => c.instances.getAction({ wf_instance_id: "inst-1", action_instance_id: "act-1" }),
  ],
  ["instances", "manage", (c) => c.instances.manage({ wf_instance_id: "inst-1", pause: true })],
  ["instances", "cancel", (c) => c.instances.cancel({ wf_instance_id: "inst-1" })],
  ["instances", "delete", (c) => c.instances.delete({ wf_instance_id: "inst-1" })],
  ["instances", "remove", (c) => c.instances.remove({ wf_instance_ids: ["inst-1", "inst-2"] })],

  ["metadata", "refreshToken", (c) => c.metadata.refreshToken()],
  ["rateLimits", "events", (c) => c.rateLimits.events()],

  [
    "ratings",
    "create",
    (c) =>
      c.ratings.create({
        rating: 5,
        ref_base_type: baseType,
        ref_id: WF,
        ref_type: "generic.workflow",
      }),
  ],
  [
    "ratings",
    "forLoginUser",
    (c) => c.ratings.forLoginUser({ ref_id: WF, ref_type: "generic.workflow" }),
  ],
  ["ratings", "update", (c) => c.ratings.update({ rating_id: "rating-1", rating: 4 })],

  [
    "references",
    "get",
    (c) => c.references.get({ reference_id: WF, base_type: baseType, uses: true }),
  ],

  ["remotes", "list", (c) => c.remotes.list()],
  ["remotes", "create", (c) => c.remotes.create({ title: "Relay", properties: {} })],
  ["remotes", "get", (c) => c.remotes.get({ remote_meta_id: "rm-1" })],
  [
    "remotes",
    "update",
    (c) =>
      c.remotes.update({
        remote_meta_id: "rm-1",
        title: "Relay",
        properties: {},
      }),
  ],
  ["remotes", "manage", (c) => c.remotes.manage({ remote_meta_id: "rm-1", action: "upgrade" })],
  ["remotes", "delete", (c) => c.remotes.delete({ remote_meta_id: "rm-1" })],

  ["rules", "batchGet", async (c) => c.rules.batchGet({ limit: 10 })],
  ["rules", "create", (c) => c.rules.create({ title: "Contract", properties: {} })],
  ["rules", "get", (c) => c.rules.get({ rule_id: "rule-1" })],
  [
    "rules",
    "update",
    (c) => c.rules.update({ rule_id: "rule-1", title: "Renamed", properties: {} }),
  ],
  [
    "rules",
    "patchPriority",
    (c) => c.rules.patchPriority({ rule: { id: "rule-2" }, previous_rule: { id: "rule-1" } }),
  ],
  ["rules", "delete", (c) => c.rules.delete({ rule_id: "rule-1" })],

  ["runtimeUsers", "list", (c) => c.runtimeUsers.list({ types: "runtime_user.web_service" })],
  [
    "runtimeUsers",
    "create",
    (c) => c.runtimeUsers.create({ name: "svc", type: "runtime_user.web_service" }),
  ],
  ["runtimeUsers", "get", (c) => c.runtimeUsers.get({ runtime_user_id: "ru-1" })],
  ["runtimeUsers", "patch", (c) => c.runtimeUsers.patch({ runtime_user_id: "ru-1", name: "svc2" })],
  ["runtimeUsers", "delete", (c) => c.runtimeUsers.delete({ runtime_user_id: "ru-1" })],

  ["schedules", "list", (c) => c.schedules.list()],
  ["schedules", "create", (c) => c.schedules.create({ name: "Nightly" })],
  ["schedules", "get", (c) => c.schedules.get({ schedule_id: "s-1" })],
  ["schedules", "update", (c) => c.schedules.update({ schedule_id: "s-1", name: "Weekly" })],
  ["schedules", "delete", (c) => c.schedules.delete({ schedule_id: "s-1" })],

  ["schemas", "list", (c) => c.schemas.list({ base_type: "target", schema_type: "data_schema" })],
  ["schemas", "create", (c) => c.schemas.create({ data_schema: { type: "object" } })],
  ["schemas", "get", (c) => c.schemas.get({ type_or_id: "endpoint.http" })],
  [
    "schemas",
    "update",
    (c) => c.schemas.update({ type_or_id: "endpoint.http", description: "Renamed" }),
  ],
  ["schemas", "delete", (c) => c.schemas.delete({ type_or_id: "schema-1" })],

  ["share", "get", (c) => c.share.get({ entity_id: WF, base_type: baseType })],
  ["share", "create", (c) => c.share.create({ entity_id: WF, base_type: baseType })],
  ["share", "update", (c) => c.share.update({ entity_id: WF, base_type: baseType })],

  ["sx", "handleIncident", (c) => c.sx.handleIncident()],

  ["tableTypes", "list", (c) => c.tableTypes.list()],
  ["tableTypes", "create", (c) => c.tableTypes.create({ display_name: "Contract", max_rows: 100 })],
  ["tableTypes", "get", (c) => c.tableTypes.get({ table_type_id: "tt-1" })],
  [
    "tableTypes",
    "update",
    (c) => c.tableTypes.update({ table_type_id: "tt-1", display_name: "Renamed" }),
  ],
  ["tableTypes", "delete", (c) => c.tableTypes.delete({ table_type_id: "tt-1" })],

  ["tables", "get", (c) => c.tables.get({ table_id: "table-1", offset: 0, rows: 10 })],
  ["tables", "updateRows", (c) => c.tables.updateRows({ table_id: "table-1" })],

  ["targetGroups", "list", (c) => c.targetGroups.list()],
  [
    "targetGroups",
    "create",
    (c) => c.targetGroups.create({ name: "Contract", title: "Contract", targets: [] }),
  ],
  ["targetGroups", "get", (c) => c.targetGroups.get({ target_group_id: "tg-1" })],
  [
    "targetGroups",
    "update",
    (c) =>
      c.targetGroups.update({
        target_group_id: "tg-1",
        name: "Contract",
        title: "Renamed",
        targets: [],
      }),
  ],
  ["targetGroups", "delete", (c) => c.targetGroups.delete({ target_group_id: "tg-1" })],

  ["targets", "list", (c) => c.targets.list({ types: "endpoint.http" })],
  ["targets", "create", (c) => c.targets.create({ name: "Contract", properties: {} })],
  ["targets", "validate", (c) => c.targets.validate({ all: true })],
  ["targets", "get", (c) => c.targets.get({ target_id: "t-1" })],
  ["targets", "update", (c) => c.targets.update({ target_id: "t-1", properties: {} })],
  ["targets", "delete", (c) => c.targets.delete({ target_id: "t-1" })],

  ["tasks", "list", async (c) => c.tasks.list({ state: "open" })],
  ["tasks", "batchGet", (c) => c.tasks.batchGet()],
  ["tasks", "summary", (c) => c.tasks.summary()],
  ["tasks", "get", (c) => c.tasks.get({ task_id: "task-1" })],
  ["tasks", "patch", (c) => c.tasks.patch({ task_id: "task-1", priority: "high" })],
  ["tasks", "takeAction", (c) => c.tasks.takeAction({ task_id: "task-1", response: "approve" })],

  ["tenants", "list", (c) => c.tenants.list()],
  ["tenants", "create", (c) => c.tenants.create()],
  ["tenants", "get", (c) => c.tenants.get({ tenant_id: "tenant-1" })],
  ["tenants", "update", (c) => c.tenants.update({ tenant_id: "tenant-1", enabled: true })],

  ["variableTypes", "batchGet", async (c) => c.variableTypes.batchGet({ limit: 10 })],
  ["variableTypes", "create", (c) => c.variableTypes.create({ name: "Contract" })],
  ["variableTypes", "get", (c) => c.variableTypes.get({ variable_type_id: "vt-1" })],
  [
    "variableTypes",
    "update",
    (c) => c.variableTypes.update({ variable_type_id: "vt-1", name: "Renamed" }),
  ],
  ["variableTypes", "delete", (c) => c.variableTypes.delete({ variable_type_id: "vt-1" })],

  ["variables", "list", (c) => c.variables.list()],
  [
    "variables",
    "create",
    (c) => c.variables.create({ properties: { name: "threshold", type: "datatype.integer" } }),
  ],
  ["variables", "get", (c) => c.variables.get({ variable_id: "var-1" })],
  ["variables", "listReferences", (c) => c.variables.listReferences({ variable_id: "var-1" })],
  [
    "variables",
    "update",
    (c) => c.variables.update({ variable_id: "var-1", properties: { description: "Threshold" } }),
  ],
  ["variables", "delete", (c) => c.variables.delete({ variable_id: "var-1" })],

  ["webhooks", "list", (c) => c.webhooks.list()],
  ["webhooks", "create", (c) => c.webhooks.create({ title: "Contract", properties: {} })],
  ["webhooks", "get", (c) => c.webhooks.get({ webhook_id: "wh-1" })],
  [
    "webhooks",
    "update",
    (c) => c.webhooks.update({ webhook_id: "wh-1", title: "Renamed", properties: {} }),
  ],
  ["webhooks", "refreshApiKey", (c) => c.webhooks.refreshApiKey({ webhook_id: "wh-1" })],
  ["webhooks", "delete", (c) => c.webhooks.delete({ webhook_id: "wh-1" })],

  ["workflows", "list", (c) => c.workflows.list({ is_atomic: false })],
  ["workflows", "batchGet", (c) => c.workflows.batchGet([WF])],
  ["workflows", "search", async (c) => c.workflows.search({ limit: 10, search: "phish" })],
  ["workflows", "searchV1_1", async (c) => c.workflows.searchV1_1({ limit: 10 })],
  ["workflows", "summary", (c) => c.workflows.summary()],
  ["workflows", "startConfig", (c) => c.workflows.startConfig({ workflow_id: WF })],
  [
    "workflows",
    "start",
    (c) =>
      c.workflows.start({
        workflow_id: WF,
        input_variables: [{ id: "var-1", properties: { value: {} } }],
      }),
  ],
  [
    "workflows",
    "startWithFile",
    (c) =>
      c.workflows.startWithFile({
        workflow_id: WF,
        request_body: JSON.stringify({ input_variables: [] }),
        // `format: binary` is typed Blob; the runtime sends it as a file part.
        file_name: new Blob(["198.51.100.7\n"], { type: "text/plain" }),
      }),
  ],
  ["workflows", "create", (c) => c.workflows.create({ name: "Contract", properties: {} })],
  [
    "workflows",
    "createFromTemplate",
    (c) =>
      c.workflows.createFromTemplate({
        base_type: baseType,
        type: "generic.workflow",
        properties: {},
      }),
  ],
  ["workflows", "get", (c) => c.workflows.get({ workflow_id: WF })],
  ["workflows", "update", (c) => c.workflows.update({ workflow_id: WF, name: "Renamed" })],
  ["workflows", "updateV2", (c) => c.workflows.updateV2({ workflow_id: WF, name: "Renamed" })],
  ["workflows", "validate", (c) => c.workflows.validate({ workflow_id: WF })],
  ["workflows", "lock", (c) => c.workflows.lock({ workflow_id: WF, body: "editing" })],
  ["workflows", "unlock", (c) => c.workflows.unlock({ workflow_id: WF })],
  ["workflows", "listReferences", (c) => c.workflows.listReferences({ workflow_id: WF })],
  ["workflows", "listRules", (c) => c.workflows.listRules({ workflow_id: WF })],
  ["workflows", "listTriggers", (c) => c.workflows.listTriggers({ workflow_id: WF })],
  [
    "workflows",
    "createTrigger",
    (c) =>
      c.workflows.createTrigger({
        workflow_id: WF,
        name: "Nightly",
        ref_id: "rule-1",
        type: "schedule",
      }),
  ],
  [
    "workflows",
    "getTrigger",
    (c) => c.workflows.getTrigger({ workflow_id: WF, trigger_id: "trg-1" }),
  ],
  [
    "workflows",
    "updateTrigger",
    (c) => c.workflows.updateTrigger({ workflow_id: WF, trigger_id: "trg-1", type: "schedule" }),
  ],
  [
    "workflows",
    "deleteTrigger",
    (c) => c.workflows.deleteTrigger({ workflow_id: WF, trigger_id: "trg-1" }),
  ],
  [
    "workflows",
    "createAction",
    (c) =>
      c.workflows.createAction({
        workflow_id: WF,
        action: { type: "logic.if_else", title: "Check" },
      }),
  ],
  ["workflows", "getAction", (c) => c.workflows.getAction({ workflow_id: WF, action_id: "a-1" })],
  [
    "workflows",
    "updateAction",
    (c) => c.workflows.updateAction({ workflow_id: WF, action_id: "a-1", title: "Renamed" }),
  ],
  [
    "workflows",
    "patchAction",
    (c) =>
      c.workflows.patchAction({
        workflow_id: WF,
        action_id: "a-1",
        action: { id: "a-1", block_num: 1 },
        previous_action: { id: "a-2", block_num: 0 },
      }),
  ],
  [
    "workflows",
    "duplicateAction",
    (c) => c.workflows.duplicateAction({ workflow_id: WF, action_id: "a-1" }),
  ],
  [
    "workflows",
    "deleteAction",
    (c) => c.workflows.deleteAction({ workflow_id: WF, action_id: "a-1" }),
  ],
  ["workflows", "uninstall", (c) => c.workflows.uninstall({ workflow_id: WF })],
  ["workflows", "delete", (c) => c.workflows.delete({ workflow_id: WF })],

  ["xchanges", "search", async (c) => c.xchanges.search({ section: "featured" })],
  ["xchanges", "featured", (c) => c.xchanges.featured([{ xchange_id: "x-1", display_order: 1 }])],
  ["xchanges", "get", (c) => c.xchanges.get({ xchange_id: "x-1" })],
  ["xchanges", "releaseNotes", (c) => c.xchanges.releaseNotes({ xchange_id: "x-1" })],
];

describe.skipIf(!haveSpec)(
  "Automation client against a Prism mock of specs/automation.json",
  () => {
    contractTests("automation", calls, () => prism);

    it("covers every operation of the client", () => {
      const covered = new Set(calls.map(([g, l]) => callName(g, l)));
      expect(methodNames(prism.client).filter((name) => !covered.has(name))).toEqual([]);
    });
  },
);

describe.skipIf(!haveSpec)("the harness catches requests that break specs/automation.json", () => {
  it("a raw request with a wrong body gets Prism's validation error", async () => {
    const mark = prism.mock.exchanges.length;
    const { response } = await prism.client.raw.POST("/v1/categories", {
      body: { description: "no title" } as never,
    });
    expect([400, 422]).toContain(response.status);
    const messages = requestErrors(prism.mock.exchanges.slice(mark)).map((v) => v.message);
    expect(messages.join("\n")).toMatch(/title/);
  });

  it("a named call with an argument of the wrong type is rejected, with Prism's message", async () => {
    const attempt = conform(prism.mock, "automation.ratings.create", () =>
      prism.client.ratings.create({
        rating: "five",
        ref_base_type: baseType,
        ref_id: WF,
        ref_type: "generic.workflow",
      } as never),
    );
    await expect(attempt).rejects.toThrow(
      /automation\.ratings\.create failed against the Prism mock — HTTP (400|422)/,
    );
    await expect(attempt).rejects.toThrow(/request\.body\.rating: .*integer/);
  });

  it("a named call missing a required query parameter is rejected", async () => {
    const error = await prism.client.share.get({ entity_id: WF } as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect([400, 422]).toContain((error as ApiError).status);
    expect(
      requestErrors([prism.mock.exchanges.at(-1)!])
        .map((v) => v.message)
        .join("\n"),
    ).toMatch(/base_type/);
  });
});

describe.skipIf(!haveSpec)("defects of specs/automation.json the contract exposes", () => {
  // Cisco's document renders Go's `interface{}` as `{ type: object, properties: {} }`. A workflow
  // input's `value` ("a string, boolean, number or array", says its own description) and the
  // values of the `properties` maps of targets, calendars, rules, webhooks, workflows… are thus
  // objects only. The generator types such schemas `unknown` (config switch), so these calls
  // compile, but the document itself still refuses the real payloads, and so does Prism.
  // These tests pin the defect; once the spec (or an overlay of it) is fixed they fail: then make
  // them ordinary rows of the table above.

  it("workflows.start with a string input value is refused (VariableContent.value: type object)", async () => {
    const attempt = conform(prism.mock, "automation.workflows.start", () =>
      prism.client.workflows.start({
        workflow_id: WF,
        input_variables: [{ id: "var-1", properties: { value: "198.51.100.7" } }],
      }),
    );
    await expect(attempt).rejects.toThrow(
      /request\.body\.input_variables\.0\.properties\.value: .*must be object/,
    );
  });

  it("targets.create with scalar properties is refused (additionalProperties: type object)", async () => {
    const attempt = conform(prism.mock, "automation.targets.create", () =>
      prism.client.targets.create({
        name: "Contract",
        properties: { url: "https://example.com", ignore_certificate_errors: false },
      }),
    );
    await expect(attempt).rejects.toThrow(/request\.body\.properties\.url: .*must be object/);
  });
});
