// Operation tools. With toolsets chosen, one MCP tool per operation in them; without, a compact
// dynamic mode of three tools (list/search, describe, invoke) that still reaches every operation,
// with the same validation, confirmation and bounds. Inputs are checked against the operation's
// JSON Schema before anything is sent.
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import {
  allOperations,
  findOperation,
  searchOperations,
  type JsonSchema,
  type OperationEntry,
} from "./catalog.js";
import { hiddenBecause, inToolsets, type Context } from "./context.js";
import { scrub } from "./env.js";
import { describeError } from "./failure.js";
import { invoke } from "./invoke.js";
import { bound, pickFields } from "./shape.js";

const validator = new AjvJsonSchemaValidator();
const validators = new Map<string, (input: unknown) => { valid: boolean; errorMessage?: string }>();

/** Why `input` does not match `schema` (compiled once per key), or `undefined`. */
export function checkInput(key: string, schema: unknown, input: unknown): string | undefined {
  let validate = validators.get(key);
  if (!validate) {
    validate = validator.getValidator(schema as never);
    validators.set(key, validate);
  }
  const check = validate(input);
  return check.valid ? undefined : (check.errorMessage ?? "invalid input");
}

/** The operation's input schema plus the server's own keys. */
export function toolInputSchema(op: OperationEntry): Tool["inputSchema"] {
  const properties: Record<string, unknown> = { ...((op.input.properties ?? {}) as object) };
  properties._fields = {
    type: "array",
    items: { type: "string" },
    description: "Keep only these fields (dotted paths) of each result item, to save context.",
  };
  if (op.paging) {
    properties._max_items = {
      type: "integer",
      minimum: 1,
      maximum: 1000,
      description: "Fetch pages until this many items (default: one page).",
    };
  }
  if (op.destructive) {
    properties._confirm = {
      type: "boolean",
      description: "Must be true, and only after the user explicitly approved this action.",
    };
  }
  if (op.waitable) {
    properties._wait = { type: "boolean", description: "Wait for the workflow run to end." };
  }
  return { ...(op.input as JsonSchema), type: "object", properties } as Tool["inputSchema"];
}

export function describeOperation(op: OperationEntry): string {
  const notes = [
    `${op.method} ${op.path}.`,
    `Scope: ${op.scopes.join(", ") || "none"}.`,
    op.destructive
      ? "DESTRUCTIVE: requires _confirm: true after the user explicitly approved."
      : "",
    op.paging
      ? 'Paged: returns items, hasMore and "next" (merge it into the input for the next page).'
      : "",
    op.deprecated ? "Deprecated." : "",
  ].filter(Boolean);
  return `${op.summary}${op.description ? ` — ${op.description}` : ""}\n${notes.join(" ")}`;
}

export function operationTool(op: OperationEntry): Tool {
  return {
    name: op.tool,
    title: op.summary,
    description: describeOperation(op),
    inputSchema: toolInputSchema(op),
    annotations: {
      title: op.summary,
      readOnlyHint: op.readOnly,
      destructiveHint: op.destructive,
      idempotentHint: op.idempotent,
      openWorldHint: true,
    },
  };
}

/** Operations offered as their own tools: those in the chosen toolsets, not hidden. */
export function selectedOperations(ctx: Context): OperationEntry[] {
  const { toolsets } = ctx.settings;
  if (toolsets.length === 0) return [];
  return allOperations(ctx.catalog).filter(
    (op) => inToolsets(toolsets, op) && !hiddenBecause(ctx, op),
  );
}

export function dynamicTools(ctx: Context): Tool[] {
  const apis = ctx.catalog.apis.map((a) => a.name);
  return [
    {
      name: "xdr_list_operations",
      description: `List or search the ${allOperations(ctx.catalog).length} Cisco XDR operations (APIs: ${apis.join(", ")}). Without arguments: the groups of each API. Then describe one with xdr_describe_operation and call it with xdr_invoke_operation.`,
      inputSchema: {
        type: "object",
        properties: {
          api: { type: "string", enum: apis },
          group: { type: "string", description: "e.g. judgements, enrich, workflows" },
          query: {
            type: "string",
            description: "Words to find in names, routes, summaries, scopes",
          },
          offset: { type: "integer", minimum: 0 },
          limit: { type: "integer", minimum: 1, maximum: 200 },
        },
      },
      annotations: { title: "List XDR operations", readOnlyHint: true, openWorldHint: false },
    },
    {
      name: "xdr_describe_operation",
      description:
        "The input JSON Schema, route, scope and safety of one operation (e.g. iroh.enrich.deliberate).",
      inputSchema: {
        type: "object",
        properties: {
          operation: { type: "string", description: "api.name, e.g. ctia.judgements.search" },
        },
        required: ["operation"],
      },
      annotations: { title: "Describe an XDR operation", readOnlyHint: true, openWorldHint: false },
    },
    {
      name: "xdr_invoke_operation",
      description:
        "Call one XDR operation with an input matching its schema (see xdr_describe_operation). Destructive operations need _confirm: true after the user approved.",
      inputSchema: {
        type: "object",
        properties: {
          operation: { type: "string", description: "api.name, e.g. iroh.inspect" },
          input: {
            type: "object",
            description: "The operation's input (path, query and body fields)",
          },
          _confirm: { type: "boolean" },
          _fields: { type: "array", items: { type: "string" } },
          _max_items: { type: "integer", minimum: 1, maximum: 1000 },
          _wait: { type: "boolean" },
        },
        required: ["operation"],
      },
      annotations: {
        title: "Invoke an XDR operation",
        // In read-only mode it can reach read-only operations only.
        readOnlyHint: ctx.settings.readOnly,
        destructiveHint: !ctx.settings.readOnly,
        openWorldHint: true,
      },
    },
  ];
}

export async function callDynamic(
  ctx: Context,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult | undefined> {
  if (name === "xdr_list_operations") {
    const visible = (op: OperationEntry) =>
      !hiddenBecause(ctx, op) &&
      (!args.api || op.api === args.api) &&
      (!args.group || op.group === args.group);
    if (!args.api && !args.group && !args.query) {
      const groups = new Map<string, number>();
      for (const op of allOperations(ctx.catalog).filter(visible)) {
        const key = `${op.api}.${op.group || "(root)"}`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
      }
      return ok(ctx, {
        groups: Object.fromEntries(groups),
        hint: "Filter with api, group or query.",
      });
    }
    const found = searchOperations(ctx.catalog, String(args.query ?? ""), visible);
    const offset = Number(args.offset ?? 0);
    const limit = Number(args.limit ?? 50);
    const page = found.slice(offset, offset + limit).map((op) => ({
      operation: `${op.api}.${op.name}`,
      summary: op.summary,
      route: `${op.method} ${op.path}`,
      ...(op.readOnly ? { readOnly: true } : {}),
      ...(op.destructive ? { destructive: true } : {}),
    }));
    return ok(ctx, {
      total: found.length,
      operations: page,
      ...(offset + limit < found.length ? { next: { offset: offset + limit } } : {}),
    });
  }
  if (name === "xdr_describe_operation") {
    const { op, error } = lookup(ctx, String(args.operation));
    if (!op) return error;
    return ok(ctx, {
      operation: `${op.api}.${op.name}`,
      description: describeOperation(op),
      readOnly: op.readOnly,
      destructive: op.destructive,
      idempotent: op.idempotent,
      inputSchema: toolInputSchema(op),
      ...(op.example ? { example: op.example } : {}),
    });
  }
  if (name === "xdr_invoke_operation") {
    const { op, error } = lookup(ctx, String(args.operation));
    if (!op) return error;
    const { input, operation: _o, ...meta } = args;
    return callOperation(ctx, op, { ...((input as object | undefined) ?? {}), ...meta });
  }
  return undefined;
}

function lookup(
  ctx: Context,
  id: string,
): { op: OperationEntry; error?: never } | { op?: never; error: CallToolResult } {
  const op = findOperation(ctx.catalog, id);
  if (!op)
    return {
      error: failure(ctx, {
        error: "UnknownOperation",
        message: `no operation "${id}"; use xdr_list_operations`,
      }),
    };
  const why = hiddenBecause(ctx, op);
  if (why)
    return {
      error: failure(ctx, {
        error: "OperationUnavailable",
        message: `${id} is not available: ${why}`,
      }),
    };
  return { op };
}

export async function callOperation(
  ctx: Context,
  op: OperationEntry,
  input: Record<string, unknown>,
): Promise<CallToolResult> {
  const why = hiddenBecause(ctx, op);
  if (why)
    return failure(ctx, {
      error: "OperationUnavailable",
      message: `${op.api}.${op.name} is not available: ${why}`,
    });
  const invalid = checkInput(op.tool, toolInputSchema(op), input);
  if (invalid) {
    return failure(ctx, {
      error: "InvalidInput",
      message: `input does not match the schema of ${op.api}.${op.name}: ${invalid}`,
    });
  }
  if (op.destructive && input._confirm !== true) {
    return failure(ctx, {
      error: "ConfirmationRequired",
      message: `${op.api}.${op.name} (${op.method} ${op.path}) is destructive. Ask the user to approve this exact action, then call again with _confirm: true.`,
    });
  }
  try {
    const result = await invoke(ctx.xdr(), op, input, {
      ...(typeof input._max_items === "number" ? { maxItems: input._max_items } : {}),
      ...(input._wait === true ? { wait: true } : {}),
    });
    return ok(ctx, pickFields(result, input._fields as string[] | undefined));
  } catch (error) {
    return failure(ctx, describeError(error, ctx.env.secrets));
  }
}

export function ok(ctx: Context, value: unknown): CallToolResult {
  const { text, note } = bound(value, ctx.settings.maxResultChars);
  const content: CallToolResult["content"] = [{ type: "text", text: scrub(text, ctx.env.secrets) }];
  if (note) content.push({ type: "text", text: note });
  return { content };
}

export function failure(ctx: Context, data: object): CallToolResult {
  return {
    isError: true,
    content: [{ type: "text", text: scrub(JSON.stringify(data), ctx.env.secrets) }],
  };
}
