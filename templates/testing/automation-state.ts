// Simulated Cisco XDR Automation, its state: the workflows (built in and added), runs that advance
// one step a poll and end by the workflow's outcome, the per-client start limit, and tasks.

import { json, ReplyError } from "./http.js";
import {
  builtInTasks,
  builtInWorkflows,
  definition,
  variable,
  type Task,
  type Variable,
  type WorkflowDefinition,
  type WorkflowSpec,
} from "./automation-workflows.js";
import {
  instanceBodyOf,
  instanceSummaryOf,
  newInstanceId,
  startResponseOf,
  TERMINAL,
  type Instance,
} from "./automation-runs.js";

export interface AutomationOptions {
  now(): number;
  instanceSteps: number;
  pageSize: number;
  startLimit: number;
  startWindowMs: number;
}

export class AutomationState {
  workflows: WorkflowDefinition[] = [];
  readonly instances = new Map<string, Instance>();
  tasks: Task[] = [];
  /** Start times per client, for the 10-starts-per-minute limit. */
  readonly starts = new Map<string, number[]>();
  /** How runs of added workflows end, by id; any other run ends by the words in its id. */
  readonly outcomes = new Map<string, "success" | "failed" | "cancelled">();
  private seq = 0;

  constructor(private readonly opts: AutomationOptions) {
    this.clear();
  }

  clear(): void {
    this.workflows = builtInWorkflows();
    this.instances.clear();
    this.tasks = builtInTasks(this.opts.now());
    this.starts.clear();
    this.outcomes.clear();
    this.seq = 0;
  }

  /** Add (or replace) a workflow definition; its runs end with `outcome` (default success). */
  addWorkflow(spec: WorkflowSpec): WorkflowDefinition {
    const slug = spec.id.replace(/^definition_workflow_/, "");
    const def = definition(
      spec.id,
      spec.title ?? spec.id,
      (spec.inputs ?? []).map((v) =>
        variable(slug, v.name, v.required ?? false, v.description ?? "", v.value ?? ""),
      ),
      { is_atomic: spec.atomic ?? false, categories: [...(spec.categories ?? ["category_sim"])] },
    );
    if (spec.description !== undefined) def.description = spec.description;
    this.workflows = [...this.workflows.filter((w) => w.id !== spec.id), def];
    this.outcomes.set(spec.id, spec.outcome ?? "success");
    return def;
  }

  workflow(id: string): WorkflowDefinition | undefined {
    const known = this.workflows.find((w) => w.id === id || w.unique_name === id);
    if (known) return known;
    // Any other id is accepted as an ad-hoc workflow (so tests can pick "…fail…" ids freely),
    // except ids containing "missing", which do not exist.
    if (/missing/i.test(id)) return undefined;
    return definition(id, `Ad-hoc workflow ${id}`);
  }

  /** Throws a 429 `ReplyError` when the client started too many runs in the window. */
  checkStartLimit(clientId: string): void {
    const now = this.opts.now();
    const recent = (this.starts.get(clientId) ?? []).filter(
      (t) => t > now - this.opts.startWindowMs,
    );
    this.starts.set(clientId, recent);
    if (recent.length >= this.opts.startLimit) {
      const oldest = recent[0] as number;
      const retryAfter = Math.max(1, Math.ceil((oldest + this.opts.startWindowMs - now) / 1000));
      throw new ReplyError(
        json(
          429,
          {
            error: "Too Many Requests",
            code: 429,
            message: "Too Many Requests",
            description: `workflow start limit of ${this.opts.startLimit} per minute reached`,
          },
          { "Retry-After": String(retryAfter) },
        ),
      );
    }
  }

  start(def: WorkflowDefinition, clientId: string, inputs: Variable[], sync: boolean): Instance {
    const now = this.opts.now();
    (this.starts.get(clientId) ?? this.starts.set(clientId, []).get(clientId))?.push(now);
    const inst: Instance = {
      id: newInstanceId(),
      seq: ++this.seq,
      definition: def,
      clientId,
      state: "created",
      polls: 0,
      startedOn: now,
      inputs,
    };
    this.instances.set(inst.id, inst);
    if (sync) this.finish(inst);
    return inst;
  }

  /** One poll: created → running → terminal after `instanceSteps` polls. */
  advance(inst: Instance): void {
    if (TERMINAL.has(inst.state)) return;
    inst.polls++;
    if (inst.polls >= this.opts.instanceSteps) {
      this.finish(inst);
    } else if (inst.state !== "running") {
      inst.prevState = inst.state;
      inst.state = "running";
    }
  }

  private finish(inst: Instance): void {
    inst.prevState = "running";
    inst.endedOn = this.opts.now();
    const id = inst.definition.id.toLowerCase();
    const outcome = this.outcomes.get(inst.definition.id);
    if (outcome === "success") {
      inst.state = "success";
    } else if (outcome === "failed" || (outcome === undefined && id.includes("fail"))) {
      inst.state = "failed";
      inst.details = {
        code: "activity-failed",
        description: "HTTP Request activity failed",
        message: "Simulated failure: the target answered 500 Internal Server Error",
      };
    } else if (outcome === "cancelled" || id.includes("cancel")) {
      inst.state = "cancelled";
      inst.details = {
        code: "cancelled",
        description: "Workflow cancelled",
        message: "The run was cancelled by the simulator",
      };
    } else {
      inst.state = "success";
    }
  }

  cancel(inst: Instance, message = "The run was cancelled by the API client"): void {
    if (TERMINAL.has(inst.state)) return;
    inst.prevState = inst.state;
    inst.state = "cancelled";
    inst.endedOn = this.opts.now();
    inst.details = { code: "cancelled", description: "Workflow cancelled", message };
  }

  startResponse(inst: Instance) {
    return startResponseOf(inst);
  }

  instanceBody(inst: Instance) {
    return instanceBodyOf(inst);
  }

  instanceSummary(inst: Instance) {
    return instanceSummaryOf(this.instanceBody(inst));
  }
}
