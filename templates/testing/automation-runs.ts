// Simulated Cisco XDR Automation, its runs (workflow instances): what the simulator keeps of a
// run, and the JSON shapes AO answers with for it (start answer, full body, list summary).

import { randomBytes } from "node:crypto";
import { isoTime } from "./http.js";
import type { Variable, WorkflowDefinition } from "./automation-workflows.js";

export type InstanceState = "created" | "running" | "success" | "failed" | "cancelled";
export const TERMINAL: ReadonlySet<InstanceState> = new Set(["success", "failed", "cancelled"]);

export interface Instance {
  id: string;
  seq: number;
  definition: WorkflowDefinition;
  clientId: string;
  state: InstanceState;
  prevState?: InstanceState;
  details?: { code: string; description: string; message: string };
  polls: number;
  startedOn: number;
  endedOn?: number;
  inputs: Variable[];
}

export function newInstanceId(): string {
  return `workflow_instance_${randomBytes(12).toString("hex").toUpperCase()}`;
}

/** The answer to a start: one of these per run, in a list. */
export function startResponseOf(inst: Instance) {
  return {
    id: inst.id,
    definition_id: inst.definition.id,
    status: { state: inst.state },
    type: "workflow",
    base_type: "workflow",
    schema_id: "workflow-schema-1.0.0",
    version: "1.0.0",
    created_by: inst.clientId,
    created_on: isoTime(inst.startedOn),
    properties: {
      title: inst.definition.title,
      description: inst.definition.description,
    },
  };
}

/** A run as `GET /api/v1/instances/{id}` answers it. */
export function instanceBodyOf(inst: Instance) {
  const inputValues = Object.fromEntries(
    inst.inputs.map((v) => [v.properties.name, v.properties.value]),
  );
  const success = inst.state === "success";
  const outputVars: Variable[] = success
    ? [
        {
          id: `variable_workflow_output_result`,
          properties: {
            name: "result",
            type: "datatype.string",
            scope: "output",
            value: "completed",
          },
        },
      ]
    : [];
  return {
    id: inst.id,
    definition_id: inst.definition.id,
    root_workflow_id: inst.definition.id,
    name: inst.definition.name,
    title: inst.definition.title,
    type: "workflow",
    base_type: "workflow",
    schema_id: "workflow-schema-1.0.0",
    version: "1.0.0",
    created_by: inst.clientId,
    created_on: isoTime(inst.startedOn),
    started_on: isoTime(inst.startedOn),
    ...(inst.endedOn !== undefined ? { ended_on: isoTime(inst.endedOn) } : {}),
    status: {
      state: inst.state,
      ...(inst.prevState ? { prev_state: inst.prevState } : {}),
      ...(inst.details ? { details: inst.details } : {}),
    },
    output: success ? { result: "completed", ...inputValues } : {},
    variables: [...inst.inputs, ...outputVars],
    actions: [
      {
        id: `action_instance_${inst.id.slice(-12)}`,
        name: "Simulated activity",
        title: "Simulated activity",
        type: "core.http",
        status: { state: inst.state === "created" ? "created" : inst.state },
      },
    ],
  };
}

/** A run as the instance lists show it: the fields of its full body that lists keep. */
export function instanceSummaryOf(full: ReturnType<typeof instanceBodyOf>) {
  return {
    id: full.id,
    definition_id: full.definition_id,
    name: full.name,
    title: full.title,
    type: full.type,
    base_type: full.base_type,
    status: full.status,
    started_on: full.started_on,
    ...(full.ended_on !== undefined ? { ended_on: full.ended_on } : {}),
    created_by: full.created_by,
  };
}
