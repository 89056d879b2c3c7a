// Simulated Cisco XDR Automation API (served under /api): workflows, start, instance polling,
// instance and task listing with `_links` paging. See automation-api-notes.md §4.5–4.7. The
// state is in automation-state.ts, runs in automation-runs.ts, fixed workflows and tasks in
// automation-workflows.ts, start bodies in automation-start.ts.

import {
  empty,
  intParam,
  isRecord,
  json,
  readJson,
  ReplyError,
  type Ctx,
  type Reply,
  type Route,
} from "./http.js";
import type { WorkflowDefinition } from "./automation-workflows.js";
import type { AutomationState } from "./automation-state.js";
import { aoError, readStartBody, resolveInputs } from "./automation-start.js";

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
