import { describe, expect, it } from "vitest";
import { camelCase, deriveName, disambiguate, singular } from "../../generator/naming.js";
import { isMeaningfulId, specNames } from "../../generator/naming-spec.js";

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

describe("names of a standalone client (from the spec's operationIds)", () => {
  type Op = { method: string; path: string; operationId?: string; tags?: string[] };
  const name = (ops: Op[]) => specNames(ops.map((o) => ({ tags: [], ...o }))).names;
  const cases: [string, { given: Op[]; want: string[] }][] = [
    [
      "GitHub's group/action ids",
      {
        given: [
          { method: "get", path: "/repos/{owner}/{repo}/pulls", operationId: "pulls/list" },
          {
            method: "put",
            path: "/orgs/{org}/interaction-limits",
            operationId: "interactions/set-restrictions-for-org",
          },
        ],
        want: ["pulls.list", "interactions.setRestrictionsForOrg"],
      },
    ],
    [
      "Azure's Group_Action ids",
      {
        given: [{ method: "get", path: "/subscriptions/{id}/pets", operationId: "Pets_List" }],
        want: ["pets.list"],
      },
    ],
    [
      "a chosen id, grouped by its tag",
      {
        given: [{ method: "get", path: "/pets", operationId: "listPets", tags: ["pets"] }],
        want: ["pets.listPets"],
      },
    ],
    [
      "a chosen id without tags, grouped by its path",
      {
        given: [{ method: "post", path: "/v1/pets/{id}/adopt", operationId: "adoptPet" }],
        want: ["pets.adoptPet"],
      },
    ],
    [
      "ids that spell out the route (Stripe) are named from the path",
      {
        given: [
          { method: "get", path: "/v1/customers/{customer}", operationId: "GetCustomersCustomer" },
          { method: "post", path: "/v1/customers", operationId: "PostCustomers" },
          { method: "get", path: "/v1/users/{id}", operationId: "get_v1_users_id" },
        ],
        want: ["customers.get", "customers.create", "users.get"],
      },
    ],
    ["no operationId", { given: [{ method: "get", path: "/pets" }], want: ["pets.list"] }],
    [
      "ids that are a route, not a name, or no words at all",
      {
        given: [
          { method: "get", path: "/pets", operationId: "get /pets" },
          { method: "post", path: "/pets", operationId: "ペット作成" },
          { method: "get", path: "/{id}", operationId: "" },
        ],
        want: ["pets.list", "pets.create", "root.get"],
      },
    ],
    [
      "an id equal to its group says nothing more: the path's name",
      { given: [{ method: "get", path: "/health", operationId: "health" }], want: ["health.list"] },
    ],
    [
      "two routes that derive one name: the second says which route it is",
      {
        given: [
          { method: "get", path: "/v1/pets" },
          { method: "get", path: "/v2/pets" },
        ],
        want: ["pets.list", "pets.getV2Pets"],
      },
    ],
    [
      "a collision falls back to the operationId, never to a counter",
      {
        given: [
          { method: "get", path: "/v1/pets", operationId: "GetV1Pets" },
          { method: "get", path: "/v2/pets", operationId: "GetV2Pets" },
        ],
        want: ["pets.list", "pets.getV2Pets"],
      },
    ],
    [
      "an operation and a group never share a name",
      {
        given: [
          { method: "get", path: "/a", operationId: "repos" },
          { method: "get", path: "/b", operationId: "repos/get" },
        ],
        want: ["a.repos", "repos.get"],
      },
    ],
    [
      "members every client has are renamed",
      {
        given: [
          { method: "get", path: "/x", operationId: "api/then" },
          { method: "get", path: "/y", operationId: "raw/list" },
          { method: "post", path: "/z", operationId: "ops/constructor" },
        ],
        want: ["api.getThen", "rawApi.list", "ops.postConstructor"],
      },
    ],
  ];
  it.each(cases)("%s", (_title, { given, want }) => {
    expect(name(given)).toEqual(want);
  });

  it.each([
    ["listPets", "get", "/pets", true],
    ["pulls/list", "get", "/repos/{o}/{r}/pulls", true],
    ["GetCustomersCustomer", "get", "/v1/customers/{customer}", false],
    ["DeleteApplePayDomainsDomain", "delete", "/v1/apple_pay/domains/{domain}", false],
    ["getPetById", "get", "/pet/{petId}", false],
    ["getInventory", "get", "/store/inventory", false],
    ["findPetsByStatus", "get", "/pet/findByStatus", true],
  ])("%s on %s %s is meaningful: %s", (id, method, path, want) => {
    expect(isMeaningfulId(id, method, path)).toBe(want);
  });
});
