// Task tools: what an analyst asks for, built on the SDK's helpers and on catalog operations, so
// that they follow whatever the model says of routes, bodies and scopes. Each names the
// operations it needs and is offered only when they exist and are allowed (read-only mode,
// granted scopes). Conure incidents are used when the SDK has them, else CTIA incidents.
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { findOperation, type OperationEntry } from "./catalog.js";
import { hiddenBecause, type Context } from "./context.js";
import { describeError } from "./failure.js";
import { invoke } from "./invoke.js";
import { checkInput, failure, ok } from "./tools.js";

type Args = Record<string, unknown>;
interface Observable {
  type: string;
  value: string;
}

export interface TaskTool {
  readonly tool: Tool;
  /** Operations used (`api.name`); the first available alternative of `a|b` counts. */
  readonly needs: readonly string[];
  readonly destructive?: boolean;
  run(ctx: Context, args: Args): Promise<unknown>;
}

const OBSERVABLE = {
  type: "object",
  properties: {
    type: { type: "string", description: "ip, domain, url, sha256, md5, sha1, email…" },
    value: { type: "string" },
  },
  required: ["type", "value"],
};

/** The operation behind `need` (`conure.incidents.search|ctia.incidents.search`), if usable. */
export function available(ctx: Context, need: string): OperationEntry | undefined {
  for (const id of need.split("|")) {
    const op = findOperation(ctx.catalog, id);
    if (op && !hiddenBecause(ctx, op)) return op;
  }
  return undefined;
}

function op(ctx: Context, need: string): OperationEntry {
  const found = available(ctx, need);
  if (!found) throw new Error(`${need} is not available`);
  return found;
}

const sdk = (ctx: Context) =>
  ctx.xdr() as {
    verdicts(text: string): Promise<{
      observables: Observable[];
      verdicts: Record<string, unknown>[];
      errors: unknown[];
    }>;
    targets(text: string): Promise<unknown>;
    investigateUrl(input: string): string;
  };

const DISPOSITIONS: Record<number, string> = {
  1: "Clean",
  2: "Malicious",
  3: "Suspicious",
  4: "Common",
  5: "Unknown",
};

async function observablesOf(ctx: Context, args: Args): Promise<Observable[]> {
  const given = (args.observables as Observable[] | undefined) ?? [];
  if (typeof args.text !== "string" || !args.text.trim()) return given;
  const found = (await invoke(ctx.xdr(), op(ctx, "iroh.inspect"), {
    content: args.text,
  })) as Observable[];
  return [...given, ...found];
}

async function incidents(
  ctx: Context,
  status: string,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const search = op(ctx, "conure.incidents.search|ctia.incidents.search");
  const input: Args =
    search.api === "ctia"
      ? { query: `status:"${status.replace(/"/g, "")}"`, limit }
      : { status, limit };
  const page = (await invoke(ctx.xdr(), search, input)) as { items: Record<string, unknown>[] };
  return page.items.slice(0, limit).map((i) => ({
    id: i.id,
    title: i.title,
    status: i.status,
    severity: i.severity,
    priority: i.priority,
    confidence: i.confidence,
    opened:
      (i.incident_time as { opened?: unknown } | undefined)?.opened ?? i.created ?? i.timestamp,
    assignees: i.assignees,
  }));
}

export const TASKS: readonly TaskTool[] = [
  {
    needs: ["iroh.inspect", "iroh.enrich.deliberate"],
    tool: {
      name: "xdr_investigate",
      description:
        "Investigate a text: find every observable in it (IPs, domains, URLs, hashes, emails), ask every XDR module for verdicts, and optionally sightings. Returns a verdict summary and a link to XDR's investigation page.",
      inputSchema: {
        type: "object",
        properties: {
          text: { type: "string", description: "Free text: an alert, an email, log lines" },
          sightings: {
            type: "boolean",
            description: "Also fetch sighting targets (enrich/observe); slower",
          },
        },
        required: ["text"],
      },
      annotations: {
        title: "Investigate observables in a text",
        readOnlyHint: true,
        openWorldHint: true,
      },
    },
    async run(ctx, args) {
      const text = String(args.text);
      const result = await sdk(ctx).verdicts(text);
      const byDisposition: Record<string, string[]> = {};
      for (const v of result.verdicts) {
        const name = String(v.disposition_name ?? DISPOSITIONS[Number(v.disposition)] ?? "Unknown");
        const o = v.observable as Observable;
        (byDisposition[name] ??= []).push(`${o.type}:${o.value} (${String(v.module)})`);
      }
      return {
        observables: result.observables,
        summary: Object.fromEntries(
          Object.entries(byDisposition).map(([k, list]) => [k, list.length]),
        ),
        verdicts: byDisposition,
        moduleErrors: result.errors,
        ...(args.sightings === true && available(ctx, "iroh.enrich.observe")
          ? { sightings: await sdk(ctx).targets(text) }
          : {}),
        investigateUrl: sdk(ctx).investigateUrl(text),
      };
    },
  },
  {
    needs: ["conure.incidents.search|ctia.incidents.search"],
    tool: {
      name: "xdr_triage_incidents",
      description:
        "Triage incidents: the incidents of a status (default Open), newest first, summarised (id, title, severity, priority, opened, assignees) with counts by severity.",
      inputSchema: {
        type: "object",
        properties: {
          status: { type: "string", description: "New, Open, Closed… (default Open)" },
          limit: { type: "integer", minimum: 1, maximum: 100, description: "default 25" },
        },
      },
      annotations: { title: "Triage incidents", readOnlyHint: true, openWorldHint: true },
    },
    async run(ctx, args) {
      const list = await incidents(ctx, String(args.status ?? "Open"), Number(args.limit ?? 25));
      const bySeverity: Record<string, number> = {};
      for (const i of list)
        bySeverity[String(i.severity ?? "unknown")] =
          (bySeverity[String(i.severity ?? "unknown")] ?? 0) + 1;
      return { count: list.length, bySeverity, incidents: list };
    },
  },
  {
    needs: ["iroh.response.respond"],
    tool: {
      name: "xdr_response_actions",
      description:
        "The response actions XDR's modules offer for one observable (block, isolate, add to a list…). Trigger one with xdr_response_trigger.",
      inputSchema: {
        type: "object",
        properties: { observable: OBSERVABLE },
        required: ["observable"],
      },
      annotations: { title: "List response actions", readOnlyHint: true, openWorldHint: true },
    },
    async run(ctx, args) {
      const o = args.observable as Observable;
      const result = await invoke(ctx.xdr(), op(ctx, "iroh.response.respond"), { body: [o] });
      const data = ((result as { data?: Record<string, unknown>[] })?.data ?? []) as Record<
        string,
        unknown
      >[];
      return {
        observable: o,
        actions: data.map((a) => ({
          module_instance_id: a.module_instance_id,
          action_id: a.id,
          title: a.title,
          description: a.description,
          module: a.module,
        })),
      };
    },
  },
  {
    needs: ["iroh.response.trigger"],
    destructive: true,
    tool: {
      name: "xdr_response_trigger",
      description:
        "Trigger a response action (from xdr_response_actions) on an observable. Acts on real systems: only with _confirm: true after the user explicitly approved this exact action.",
      inputSchema: {
        type: "object",
        properties: {
          module_instance_id: { type: "string" },
          action_id: { type: "string" },
          observable: OBSERVABLE,
          _confirm: { type: "boolean", description: "true only after the user approved" },
        },
        required: ["module_instance_id", "action_id", "observable"],
      },
      annotations: {
        title: "Trigger a response action",
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: true,
      },
    },
    async run(ctx, args) {
      const o = args.observable as Observable;
      return invoke(ctx.xdr(), op(ctx, "iroh.response.trigger"), {
        module_instance_id: args.module_instance_id,
        action_id: args.action_id,
        observable_type: o.type,
        observable_value: o.value,
      });
    },
  },
  {
    needs: ["ctia.casebooks.create"],
    tool: {
      name: "xdr_casebook_create",
      description:
        "Create a casebook with a title, a description and observables (given, or found in a text).",
      inputSchema: {
        type: "object",
        properties: {
          title: { type: "string" },
          description: { type: "string" },
          observables: { type: "array", items: OBSERVABLE },
          text: { type: "string", description: "Text to take observables from (inspect)" },
        },
        required: ["title"],
      },
      annotations: {
        title: "Create a casebook",
        readOnlyHint: false,
        destructiveHint: false,
        openWorldHint: true,
      },
    },
    async run(ctx, args) {
      const observables = await observablesOf(ctx, args);
      return invoke(ctx.xdr(), op(ctx, "ctia.casebooks.create"), {
        title: args.title,
        ...(args.description ? { description: args.description } : {}),
        observables,
      });
    },
  },
  {
    needs: ["ctia.casebooks.observables"],
    tool: {
      name: "xdr_casebook_add_observables",
      description: "Add observables (given, or found in a text) to a casebook.",
      inputSchema: {
        type: "object",
        properties: {
          casebook_id: { type: "string" },
          observables: { type: "array", items: OBSERVABLE },
          text: { type: "string" },
        },
        required: ["casebook_id"],
      },
      annotations: {
        title: "Add observables to a casebook",
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: true,
      },
    },
    async run(ctx, args) {
      const observables = await observablesOf(ctx, args);
      return invoke(ctx.xdr(), op(ctx, "ctia.casebooks.observables"), {
        id: args.casebook_id,
        operation: "add",
        observables,
      });
    },
  },
  {
    needs: ["automation.workflows.start"],
    tool: {
      name: "xdr_workflow_start",
      description:
        "Start an Automation workflow and (by default) wait for its run to end; returns the run's final state and output.",
      inputSchema: {
        type: "object",
        properties: {
          workflow_id: { type: "string" },
          input_variables: { type: "array", items: { type: "object" } },
          wait: { type: "boolean", description: "default true" },
          wait_timeout_ms: { type: "integer", minimum: 1000, maximum: 900000 },
        },
        required: ["workflow_id"],
      },
      annotations: {
        title: "Start a workflow",
        readOnlyHint: false,
        destructiveHint: false,
        openWorldHint: true,
      },
    },
    async run(ctx, args) {
      const start = op(ctx, "automation.workflows.start");
      return invoke(
        ctx.xdr(),
        start,
        { workflow_id: args.workflow_id, input_variables: args.input_variables ?? [] },
        {
          wait: args.wait !== false,
          ...(typeof args.wait_timeout_ms === "number"
            ? { waitTimeoutMs: args.wait_timeout_ms }
            : {}),
        },
      );
    },
  },
];

export function taskTools(ctx: Context): TaskTool[] {
  return TASKS.filter((t) => t.needs.every((n) => available(ctx, n)));
}

export async function callTask(ctx: Context, task: TaskTool, args: Args): Promise<CallToolResult> {
  const invalid = checkInput(`task:${task.tool.name}`, task.tool.inputSchema, args);
  if (invalid)
    return failure(ctx, { error: "InvalidInput", message: `${task.tool.name}: ${invalid}` });
  if (task.destructive && args._confirm !== true) {
    return failure(ctx, {
      error: "ConfirmationRequired",
      message: `${task.tool.name} acts on real systems. Ask the user to approve this exact action, then call again with _confirm: true.`,
    });
  }
  try {
    return ok(ctx, await task.run(ctx, args));
  } catch (error) {
    return failure(ctx, describeError(error, ctx.env.secrets));
  }
}

export { incidents };
