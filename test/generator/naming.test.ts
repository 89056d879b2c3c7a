import { describe, expect, it } from "vitest";
import { camelCase, deriveName, disambiguate, singular } from "../../generator/naming.js";

describe("deriveName", () => {
  const cases: [string, { given: [string, string]; want: string }][] = [
    ["collection GET is list", { given: ["get", "/v1/workflows"], want: "workflows.list" }],
    ["collection POST is create", { given: ["post", "/v1/workflows"], want: "workflows.create" }],
    ["item GET is get", { given: ["get", "/v1/workflows/{id}"], want: "workflows.get" }],
    ["item PUT is update", { given: ["put", "/v1/workflows/{id}"], want: "workflows.update" }],
    ["item PATCH is patch", { given: ["patch", "/v1/tasks/{id}"], want: "tasks.patch" }],
    [
      "item DELETE is delete",
      { given: ["delete", "/v1/workflows/{id}"], want: "workflows.delete" },
    ],
    ["POST action", { given: ["post", "/v1/workflows/start"], want: "workflows.start" }],
    [
      "POST action on an item",
      { given: ["post", "/v1/instances/{id}/cancel"], want: "instances.cancel" },
    ],
    [
      "GET action in snake_case",
      { given: ["get", "/v1/workflows/start_config"], want: "workflows.startConfig" },
    ],
    [
      "sub-collection GET",
      { given: ["get", "/v1/workflows/{id}/triggers"], want: "workflows.listTriggers" },
    ],
    [
      "sub-collection POST",
      { given: ["post", "/v1/workflows/{id}/triggers"], want: "workflows.createTrigger" },
    ],
    [
      "sub-item GET",
      { given: ["get", "/v1/instances/{id}/actions/{a}"], want: "instances.getAction" },
    ],
    [
      "sub-item DELETE",
      { given: ["delete", "/v1/workflows/{id}/actions/{a}"], want: "workflows.deleteAction" },
    ],
    [
      "action on a sub-item",
      {
        given: ["post", "/v1/workflows/{id}/actions/{a}/duplicate"],
        want: "workflows.duplicateAction",
      },
    ],
    [
      "PUT action on an item",
      { given: ["put", "/v1/workflows/{id}/lock"], want: "workflows.lock" },
    ],
    [
      "PATCH on a static path",
      { given: ["patch", "/v1/rules/priority"], want: "rules.patchPriority" },
    ],
    ["no version prefix", { given: ["get", "/pets/{petId}"], want: "pets.get" }],
    ["kebab-case resource", { given: ["get", "/api/module-type"], want: "moduleType.list" }],
    [
      "reserved method name gets its verb",
      { given: ["post", "/markdown/raw"], want: "markdown.postRaw" },
    ],
    ["reserved group gets a suffix", { given: ["get", "/raw/{id}"], want: "rawApi.get" }],
    ["no static segment at all", { given: ["get", "/{id}"], want: "root.get" }],
  ];
  it.each(cases)("%s", (_title, { given, want }) => {
    expect(deriveName(...given)).toBe(want);
  });
});

describe("camelCase", () => {
  it.each([
    ["start_config", "startConfig"],
    ["module-type", "moduleType"],
    ["refresh_api_key", "refreshApiKey"],
    ["getAllWorkflows", "getAllWorkflows"],
    ["v1.2", "v12"],
    ["2fa", "_2fa"],
    ["", "op"],
  ])("%s → %s", (given, want) => expect(camelCase(given)).toBe(want));
});

describe("singular", () => {
  it.each([
    ["triggers", "trigger"],
    ["policies", "policy"],
    ["status", "status"],
    ["address", "address"],
    ["lock", "lock"],
  ])("%s → %s", (given, want) => expect(singular(given)).toBe(want));
});

describe("disambiguate", () => {
  it("keeps the oldest version's name and suffixes newer versions", () => {
    const names = disambiguate([
      { name: "workflows.create", version: "v1.2" },
      { name: "workflows.create", version: "v1" },
      { name: "workflows.create", version: "v1.1" },
    ]);
    expect(names).toEqual(["workflows.createV1_2", "workflows.create", "workflows.createV1_1"]);
  });
  it("falls back to the operationId, then a counter", () => {
    expect(
      disambiguate([
        { name: "a.b", operationId: "first" },
        { name: "a.b", operationId: "second" },
        { name: "a.b" },
      ]),
    ).toEqual(["a.b", "a.bSecond", "a.b3"]);
  });
  it("leaves distinct names alone", () => {
    expect(disambiguate([{ name: "a.b" }, { name: "a.c" }])).toEqual(["a.b", "a.c"]);
  });
});
