// `@example` calls a SOC engineer would copy where the schema alone says little (audit): the
// workflow a start runs (an optional query parameter) and its inputs, a string body named by its
// description, a list of ids, a map keyed as its description's example, a filter the spec gives.
// First the rules on small specs, then the calls the audit named, as generated for xdr-sdk.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exampleArgs } from "../../generator/examples.js";
import type { ApiModel, OperationModel } from "../../generator/model-types.js";
import { exampleBlocks } from "./example-blocks.js";
import { operationModel } from "./operation-model.js";
import { ROOT } from "./workspace.js";

type Json = Record<string, unknown>;

const op = (
  partial: Partial<OperationModel> & Pick<OperationModel, "path" | "method">,
): OperationModel =>
  operationModel({ name: "things.do", constName: "thingsDo", methodName: "do", ...partial });

const api = (paths: Json, generic = false) =>
  ({ document: { openapi: "3.1.0", paths }, generic }) as unknown as Pick<
    ApiModel,
    "document" | "generic"
  >;

const query = (name: string, type = "string") => ({ name, in: "query", schema: { type } });
const json = (schema: Json, description?: string) => ({
  ...(description ? { description } : {}),
  content: { "application/json": { schema } },
});
const WORKFLOW = "01ZRDJ1X1HJ2D5nHM0DOWmnvmPyESgjfl4G";

describe("exampleArgs where the schema requires nothing", () => {
  it.each<[string, { paths: Json; op: OperationModel; want: unknown; generic?: boolean }]>([
    [
      "an optional query parameter naming what the route acts on is shown",
      {
        paths: {
          "/v1/workflows/start": {
            post: { parameters: [query("workflow_id"), query("unique_name"), query("sync")] },
          },
        },
        op: op({ path: "/v1/workflows/start", method: "POST", argsOptional: true }),
        want: { workflow_id: WORKFLOW },
      },
    ],
    [
      "an optional id of something the route does not name is not",
      {
        paths: { "/v1/rules": { get: { parameters: [query("workflow_id")] } } },
        op: op({ path: "/v1/rules", method: "GET", argsOptional: true }),
        want: {},
      },
    ],
    [
      "a standalone client's spec gets no such guess",
      {
        paths: { "/v1/workflows/start": { post: { parameters: [query("workflow_id")] } } },
        op: op({ path: "/v1/workflows/start", method: "POST", argsOptional: true }),
        want: {},
        generic: true,
      },
    ],
    [
      "a workflow run's inputs are shown though optional, with the subject",
      {
        paths: {
          "/v1/workflows/start": {
            post: {
              parameters: [query("workflow_id")],
              requestBody: json({
                type: "object",
                properties: {
                  input_variables: { type: "array", items: { type: "object" } },
                  target_id: { type: "string" },
                },
              }),
            },
          },
        },
        op: op({
          path: "/v1/workflows/start",
          method: "POST",
          argsOptional: true,
          body: "json",
        }),
        want: {
          workflow_id: WORKFLOW,
          input_variables: [
            {
              properties: {
                name: "observable",
                type: "datatype.string",
                value: "internetbadguys.com",
              },
            },
          ],
        },
      },
    ],
    [
      "a string body is named by a one-word description",
      {
        paths: {
          "/v1/workflows/{workflow_id}/lock": {
            put: {
              parameters: [
                { name: "workflow_id", in: "path", required: true, schema: { type: "string" } },
              ],
              requestBody: json({ type: "string" }, "Message"),
            },
          },
        },
        op: op({
          path: "/v1/workflows/{workflow_id}/lock",
          method: "PUT",
          args: "split",
          body: "json",
        }),
        want: { workflow_id: WORKFLOW, body: "Reviewed by the SOC" },
      },
    ],
    [
      "a list of strings described as a list of things holds their ids",
      {
        paths: {
          "/v1/workflows/batch_get": {
            post: {
              requestBody: json(
                { type: "array", items: { type: "string" } },
                "List of workflows to retrieve",
              ),
            },
          },
        },
        op: op({ path: "/v1/workflows/batch_get", method: "POST", args: "body", body: "json" }),
        want: [WORKFLOW],
      },
    ],
    [
      "a map takes the first key of the example its description gives",
      {
        paths: {
          "/bulk": {
            delete: {
              requestBody: json({
                type: "object",
                description: 'Ids by kind, e.g. `{"incidents": ["…"], "notes": ["…"]}`.',
                additionalProperties: { type: "array", items: { type: "string" } },
              }),
            },
          },
        },
        op: op({ path: "/bulk", method: "DELETE", args: "body", body: "json" }),
        want: { incidents: ["incident-0a38949f-d192-4d30-91ae-e593c1f57c14"] },
      },
    ],
    [
      "a map without such an example stays empty: no key is made up",
      {
        paths: {
          "/bulk": {
            delete: {
              requestBody: json({ type: "object", additionalProperties: { type: "string" } }),
            },
          },
        },
        op: op({ path: "/bulk", method: "DELETE", args: "body", body: "json" }),
        want: {},
      },
    ],
    [
      "an object body's own example is shown whole",
      {
        paths: {
          "/event/search": {
            post: {
              requestBody: json({
                oneOf: [
                  {
                    type: "object",
                    additionalProperties: true,
                    examples: [{ event_type: "private-intel/incident/status-changed" }],
                  },
                  { type: "array", items: { type: "string" } },
                ],
              }),
            },
          },
        },
        op: op({ path: "/event/search", method: "POST", args: "body", body: "json" }),
        want: { event_type: "private-intel/incident/status-changed" },
      },
    ],
  ])("%s", (_title, { paths, op: operation, want, generic }) => {
    expect(exampleArgs(api(paths, generic), operation)).toEqual(want);
  });
});

describe("the calls the audit named, as generated", () => {
  const calls = ["iroh", "automation"].flatMap((name) =>
    exampleBlocks(readFileSync(join(ROOT, "generated", "dist", name, "client.d.ts"), "utf8")).map(
      (b) => b.code,
    ),
  );
  it.each([
    [
      "xdr.automation.workflows.start(",
      `const result = await xdr.automation.workflows.start({ workflow_id: "${WORKFLOW}", input_variables: [{ properties: { name: "observable", type: "datatype.string", value: "internetbadguys.com" } }] }, { wait: true });`,
    ],
    [
      "xdr.iroh.events.search(",
      `const result = await xdr.iroh.events.search({ event_type: "private-intel/incident/status-changed" });`,
    ],
    [
      "xdr.iroh.privateIntel.bulkDelete(",
      `const result = await xdr.iroh.privateIntel.bulkDelete({ incidents: ["incident-0a38949f-d192-4d30-91ae-e593c1f57c14"] });`,
    ],
    [
      "xdr.automation.workflows.batchGet(",
      `const result = await xdr.automation.workflows.batchGet(["${WORKFLOW}"]);`,
    ],
    [
      "xdr.automation.workflows.lock(",
      `const result = await xdr.automation.workflows.lock({ workflow_id: "${WORKFLOW}", body: "Reviewed by the SOC" });`,
    ],
  ])("%s", (call, want) => {
    expect(calls.filter((code) => code.includes(call))).toEqual([want]);
  });
});
