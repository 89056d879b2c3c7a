// Simulated Cisco XDR Automation API (served under /api): workflows, start, instance polling,
// instance and task listing with `_links` paging. See automation-api-notes.md §4.5–4.7.

import { randomBytes } from "node:crypto";
import {
  empty,
  intParam,
  isoTime,
  isRecord,
  json,
  readJson,
  ReplyError,
  type Ctx,
  type Reply,
  type Route,
} from "./http.js";

interface VariableContent {
  name: string;
  type: string;
  scope: string;
  is_required?: boolean;
  value?: unknown;
  description?: string;
}

interface Variable {
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

export type InstanceState = "created" | "running" | "success" | "failed" | "cancelled";
const TERMINAL: ReadonlySet<InstanceState> = new Set(["success", "failed", "cancelled"]);

interface Instance {
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

interface Task {
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

function variable(
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

function definition(
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

function builtInWorkflows(): WorkflowDefinition[] {
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

function builtInTasks(now: number): Task[] {
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

function aoError(status: number, message: string): Reply {
  return json(status, { code: status, message, description: message });
}

function newInstanceId(): string {
  return `workflow_instance_${randomBytes(12).toString("hex").toUpperCase()}`;
}

/** Parse `multipart/form-data` into its named text parts (enough for `request_body`). */
function multipartFields(ctx: Ctx): Map<string, string> {
  const ct = String(ctx.headers["content-type"] ?? "");
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(ct);
  const out = new Map<string, string>();
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) return out;
  const text = ctx.body.toString("latin1");
  for (const part of text.split(`--${b}`)) {
    const sep = part.indexOf("\r\n\r\n");
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) continue;
    const value = part.slice(sep + 4).replace(/\r\n$/, "");
    out.set(name, Buffer.from(value, "latin1").toString("utf8"));
  }
  return out;
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

  instanceBody(inst: Instance) {
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

  instanceSummary(inst: Instance) {
    const full = this.instanceBody(inst);
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
}

/** `{_links: {self, next?, prev?}, results}` with `start`/`limit` (§4.5). */
function linksPage<T>(ctx: Ctx, items: T[], requireLimit: boolean, defaultLimit: number): Reply {
  if (requireLimit && !ctx.query.has("limit")) {
    return aoError(400, "query parameter 'limit' is required");
  }
  const limit = intParam(ctx.query, "limit", defaultLimit);
  const start = intParam(ctx.query, "start", 0);
  if (limit === null) return aoError(400, "query parameter 'limit' must be a non-negative integer");
  if (start === null) return aoError(400, "query parameter 'start' must be a non-negative integer");
  const results = items.slice(start, start + limit);
  const link = (s: number) => {
    const q = new URLSearchParams(ctx.query);
    q.set("limit", String(limit));
    q.set("start", String(s));
    return `${ctx.path}?${q.toString()}`;
  };
  const _links: Record<string, string> = { self: link(start) };
  if (limit > 0 && start + limit < items.length) _links.next = link(start + limit);
  if (start > 0) _links.prev = link(Math.max(0, start - limit));
  return json(200, { _links, results });
}

function readStartBody(ctx: Ctx): Record<string, unknown> {
  const ct = String(ctx.headers["content-type"] ?? "");
  let raw: unknown;
  if (ct.startsWith("multipart/form-data")) {
    const field = multipartFields(ctx).get("request_body");
    if (field === undefined || field.trim() === "") return {};
    try {
      raw = JSON.parse(field) as unknown;
    } catch {
      throw new ReplyError(aoError(400, "request_body is not valid JSON"));
    }
  } else {
    raw = readJson(ctx, (m) => aoError(400, m));
  }
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw new ReplyError(aoError(400, "request body must be a JSON object"));
  return raw;
}

/** Check the start payload's `input_variables` against the definition; returns the run inputs. */
function resolveInputs(def: WorkflowDefinition, body: Record<string, unknown>): Variable[] {
  const given = body.input_variables ?? [];
  if (!Array.isArray(given)) throw new ReplyError(aoError(400, "input_variables must be an array"));
  const values = new Map<string, unknown>();
  given.forEach((v, i) => {
    if (!isRecord(v)) throw new ReplyError(aoError(400, `input_variables[${i}] must be an object`));
    const props = isRecord(v.properties) ? v.properties : {};
    const byId =
      typeof v.id === "string" ? def.input_variables.find((d) => d.id === v.id) : undefined;
    const name = byId?.properties.name ?? (typeof props.name === "string" ? props.name : undefined);
    if (name === undefined) {
      throw new ReplyError(
        aoError(400, `input_variables[${i}]: either id or properties.name must be specified`),
      );
    }
    values.set(name, props.value);
  });
  const known = def.input_variables.length > 0;
  if (known) {
    for (const name of values.keys()) {
      if (!def.input_variables.some((d) => d.properties.name === name)) {
        throw new ReplyError(aoError(400, `workflow has no input variable named "${name}"`));
      }
    }
    for (const d of def.input_variables) {
      const v = values.get(d.properties.name);
      if (d.properties.is_required && (v === undefined || v === null || v === "")) {
        throw new ReplyError(
          aoError(400, `required input variable "${d.properties.name}" is missing`),
        );
      }
    }
  }
  const declared = def.input_variables.map((d) => ({
    id: d.id,
    properties: {
      ...d.properties,
      value: values.has(d.properties.name) ? values.get(d.properties.name) : d.properties.value,
    },
  }));
  const adHoc = known
    ? []
    : [...values].map(([name, value]) => ({
        id: `variable_workflow_adhoc_${name}`,
        properties: { name, type: "datatype.string", scope: "input", value },
      }));
  return [...declared, ...adHoc];
}

export function automationRoutes(state: AutomationState, pageSize: number): Route[] {
  const read = "ao:read";
  const write = "ao:write";
  const workflowParam = (ctx: Ctx): WorkflowDefinition => {
    const id = ctx.query.get("workflow_id");
    const unique = ctx.query.get("unique_name");
    if ((id === null) === (unique === null)) {
      throw new ReplyError(aoError(400, "exactly one of workflow_id or unique_name is required"));
    }
    const def = state.workflow((id ?? unique) as string);
    if (!def) throw new ReplyError(aoError(404, `workflow ${id ?? unique} not found`));
    return def;
  };
  /** The item of `list` whose id is the `:id` path parameter, or a 404 naming `what`. */
  const byId = <T extends { id: string }>(list: readonly T[], ctx: Ctx, what: string): T => {
    const item = list.find((x) => x.id === ctx.params.id);
    if (!item) throw new ReplyError(aoError(404, `${what} ${ctx.params.id} not found`));
    return item;
  };
  const instance = (ctx: Ctx) => {
    const inst = state.instances.get(ctx.params.id as string);
    if (!inst) throw new ReplyError(aoError(404, `workflow instance ${ctx.params.id} not found`));
    return inst;
  };
  const startHandler = (ctx: Ctx): Reply => {
    const def = workflowParam(ctx);
    const body = readStartBody(ctx);
    const inputs = resolveInputs(def, body);
    const clientId = ctx.principal?.clientId ?? "anonymous";
    state.checkStartLimit(clientId);
    const inst = state.start(def, clientId, inputs, ctx.query.get("sync") === "true");
    return json(200, [state.startResponse(inst)]);
  };
  const listWorkflows = (ctx: Ctx) => {
    const atomic = ctx.query.get("is_atomic");
    return atomic === null
      ? state.workflows
      : state.workflows.filter((w) => String(w.is_atomic) === atomic);
  };
  return [
    {
      method: "GET",
      pattern: "/api/v1/workflows",
      scope: read,
      handler: (ctx) => json(200, listWorkflows(ctx)),
    },
    {
      method: "POST",
      pattern: "/api/v1.1/workflows",
      scope: read,
      handler: (ctx) => linksPage(ctx, listWorkflows(ctx), true, pageSize),
    },
    {
      method: "POST",
      pattern: "/api/v1.2/workflows",
      scope: read,
      handler: (ctx) => linksPage(ctx, listWorkflows(ctx), true, pageSize),
    },
    {
      method: "GET",
      pattern: "/api/v1/workflows/start_config",
      scope: read,
      handler: (ctx) => {
        const def = workflowParam(ctx);
        return json(200, {
          id: def.id,
          unique_name: def.unique_name,
          input_variables: def.input_variables,
          type_of_target_needed: false,
          wf_start_points: [],
          intent_config: {},
        });
      },
    },
    { method: "POST", pattern: "/api/v1/workflows/start", scope: write, handler: startHandler },
    { method: "POST", pattern: "/api/v1.1/workflows/start", scope: write, handler: startHandler },
    {
      method: "GET",
      pattern: "/api/v1/workflows/:id",
      scope: read,
      handler: (ctx) => json(200, byId(state.workflows, ctx, "workflow")),
    },
    {
      method: "GET",
      pattern: "/api/v1/instances",
      scope: read,
      handler: (ctx) => {
        const wf = ctx.query.get("workflow_id");
        if (!wf) return aoError(400, "query parameter 'workflow_id' is required");
        const list = [...state.instances.values()].filter((i) => i.definition.id === wf);
        return json(
          200,
          list.map((i) => state.instanceSummary(i)),
        );
      },
    },
    {
      method: "POST",
      pattern: "/api/v1.1/instances",
      scope: read,
      handler: (ctx) => {
        const limit = intParam(ctx.query, "limit", -1);
        if (limit !== null && limit > 100) return aoError(400, "limit must between 0-100");
        const from = ctx.query.get("date_from");
        if (!from) return aoError(400, "query parameter 'date_from' is required");
        const fromMs = Date.parse(from);
        const to = ctx.query.get("date_to");
        const toMs = to ? Date.parse(to) : Infinity;
        if (Number.isNaN(fromMs) || Number.isNaN(toMs)) {
          return aoError(400, "date_from/date_to must be RFC 3339 times like 2019-05-19T00:00:00Z");
        }
        const body = readJson(ctx, (m) => aoError(400, m));
        const filter = isRecord(body) ? body : {};
        const ids = Array.isArray(filter.workflow_ids) ? filter.workflow_ids : undefined;
        const owners = Array.isArray(filter.owner) ? filter.owner : undefined;
        const states = ctx.query
          .get("state")
          ?.split(",")
          .filter((s) => s !== "" && s !== "all");
        const search = ctx.query.get("search")?.toLowerCase();
        const list = [...state.instances.values()]
          .filter(
            (i) =>
              i.startedOn >= fromMs &&
              i.startedOn < toMs &&
              (!ids || ids.includes(i.definition.id)) &&
              (!owners || owners.includes(i.clientId)) &&
              (!states || states.length === 0 || states.includes(i.state)) &&
              (!search || i.definition.title.toLowerCase().includes(search)),
          )
          .sort((a, b) => b.startedOn - a.startedOn || b.seq - a.seq)
          .map((i) => state.instanceSummary(i));
        return linksPage(ctx, list, true, pageSize);
      },
    },
    {
      method: "GET",
      pattern: "/api/v1/instances/:id",
      scope: read,
      handler: (ctx) => {
        const inst = instance(ctx);
        state.advance(inst);
        return json(200, state.instanceBody(inst));
      },
    },
    {
      method: "POST",
      pattern: "/api/v1/instances/:id/cancel",
      scope: write,
      handler: (ctx) => {
        state.cancel(instance(ctx));
        return empty(200, { status: "cancelled" });
      },
    },
    {
      method: "POST",
      pattern: "/api/v1/instances/:id",
      scope: write,
      handler: (ctx) => {
        const inst = instance(ctx);
        if (ctx.query.get("cancel") === "true") {
          state.cancel(inst);
          return empty(200, { status: "cancelled" });
        }
        return aoError(400, "one of cancel, pause, resume, rerun must be true");
      },
    },
    {
      method: "GET",
      pattern: "/api/v1/tasks",
      scope: read,
      handler: (ctx) => {
        const st = ctx.query.get("state");
        const list = st ? state.tasks.filter((t) => t.status === st) : state.tasks;
        return linksPage(ctx, list, false, pageSize);
      },
    },
    {
      method: "GET",
      pattern: "/api/v1/tasks/:id",
      scope: read,
      handler: (ctx) => json(200, byId(state.tasks, ctx, "task")),
    },
    {
      method: "POST",
      pattern: "/api/v1/tasks/:id/action",
      scope: write,
      handler: (ctx) => {
        const task = byId(state.tasks, ctx, "task");
        const body = readJson(ctx, (m) => aoError(400, m));
        if (!isRecord(body) || typeof body.response !== "string") {
          return aoError(400, "response is required");
        }
        if (!task.approval_choices.includes(body.response)) {
          return aoError(400, `response must be one of ${task.approval_choices.join(", ")}`);
        }
        if (task.status === "completed") return aoError(412, "task is already completed");
        task.status = "completed";
        task.response = body.response;
        if (typeof body.message === "string") task.task_message = body.message;
        return json(200, task);
      },
    },
  ];
}
