// Simulated Cisco XDR Automation, its fixed data: the workflow definitions (with their input
// variables) and the approval tasks every simulator starts with, the ids tests can rely on, and
// the spec of a workflow a test adds. See automation-api-notes.md §4.5–4.7.

import { isoTime } from "./http.js";

interface VariableContent {
  name: string;
  type: string;
  scope: string;
  is_required?: boolean;
  value?: unknown;
  description?: string;
}

export interface Variable {
  id: string;
  properties: VariableContent;
}

export interface WorkflowDefinition {
  id: string;
  unique_name: string;
  name: string;
  title: string;
  description: string;
  is_atomic: boolean;
  categories: string[];
  input_variables: Variable[];
}

export interface Task {
  id: string;
  name: string;
  title: string;
  type: string;
  status: string;
  priority: string;
  owner: string;
  requestor: string;
  assignees: { type: string; id: string; name: string }[];
  approval_choices: string[];
  response?: string;
  task_message?: string;
  wf_instance_id: string;
  created_on: string;
}

/** Ids of the workflows every simulator has. "fail"/"cancel" in an id decide how runs end. */
export const SIM_WORKFLOW_IDS = {
  /** Succeeds; one optional input `name`. */
  hello: "definition_workflow_sim_hello_world",
  /** Succeeds; required input `observable_value`, optional `observable_type`. */
  enrichAndBlock: "definition_workflow_sim_enrich_and_block",
  /** Ends `failed` with `status.details`. */
  fail: "definition_workflow_sim_always_fail",
  /** Ends `cancelled`. */
  cancel: "definition_workflow_sim_cancel_me",
} as const;

export function variable(
  workflow: string,
  name: string,
  required: boolean,
  description: string,
  value: unknown = "",
): Variable {
  return {
    id: `variable_workflow_${workflow}_${name}`,
    properties: {
      name,
      type: "datatype.string",
      scope: "input",
      is_required: required,
      value,
      description,
    },
  };
}

export function definition(
  id: string,
  title: string,
  inputs: Variable[] = [],
  extra: Partial<WorkflowDefinition> = {},
): WorkflowDefinition {
  return {
    id,
    unique_name: id,
    name: title,
    title,
    description: `Simulated workflow: ${title}`,
    is_atomic: false,
    categories: ["category_sim"],
    input_variables: inputs,
    ...extra,
  };
}

export function builtInWorkflows(): WorkflowDefinition[] {
  return [
    definition(SIM_WORKFLOW_IDS.hello, "Sim: Hello world", [
      variable("sim_hello_world", "name", false, "Who to greet", "world"),
    ]),
    definition(SIM_WORKFLOW_IDS.enrichAndBlock, "Sim: Enrich and block", [
      variable("sim_enrich_and_block", "observable_value", true, "Observable to enrich"),
      variable("sim_enrich_and_block", "observable_type", false, "Its type", "domain"),
    ]),
    definition(SIM_WORKFLOW_IDS.fail, "Sim: Always fails"),
    definition(SIM_WORKFLOW_IDS.cancel, "Sim: Gets cancelled"),
    definition("definition_workflow_sim_isolate_host", "Sim: Isolate host", [
      variable("sim_isolate_host", "hostname", true, "Host to isolate"),
    ]),
    definition("definition_workflow_sim_create_ticket", "Sim: Create ticket"),
    definition("definition_workflow_sim_http_request", "Sim: HTTP request (atomic)", [], {
      is_atomic: true,
    }),
  ];
}

export function builtInTasks(now: number): Task[] {
  return Array.from({ length: 5 }, (_, i) => ({
    id: `task_sim_0${i + 1}`,
    name: `Approve containment ${i + 1}`,
    title: `Approve containment ${i + 1}`,
    type: "approval",
    status: i < 3 ? "action_required" : "completed",
    priority: i % 2 === 0 ? "high" : "medium",
    owner: "sim-client",
    requestor: "sim-client",
    assignees: [{ type: "user", id: "user-sim-0001", name: "Sim Analyst" }],
    approval_choices: ["approve", "deny"],
    ...(i < 3 ? {} : { response: "approve" }),
    wf_instance_id: `workflow_instance_sim_task_${i + 1}`,
    created_on: isoTime(now - (5 - i) * 3_600_000),
  }));
}

/** A workflow to add to the simulator (`AutomationState.addWorkflow`). */
export interface WorkflowSpec {
  id: string;
  title?: string;
  description?: string;
  inputs?: readonly { name: string; required?: boolean; description?: string; value?: unknown }[];
  atomic?: boolean;
  categories?: readonly string[];
  outcome?: "success" | "failed" | "cancelled";
}
