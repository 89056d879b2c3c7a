// The MCP server over the catalog, on the SDK's low-level `Server` (tool input schemas are the
// generated JSON Schemas; no zod). One `Context` may back many `Server`s (one per HTTP request
// in stateless Streamable HTTP).
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type CallToolResult,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { findOperation } from "./catalog.js";
import { inToolsets, type Context } from "./context.js";
import {
  getPrompt,
  listPrompts,
  listResources,
  listResourceTemplates,
  readResource,
} from "./resources.js";
import { callTask, taskTools } from "./tasks.js";
import {
  callDynamic,
  callOperation,
  dynamicTools,
  failure,
  operationTool,
  selectedOperations,
} from "./tools.js";

export const SERVER_NAME = "xdr-mcp";

/** The tools this context offers: task tools, then operations (chosen toolsets) or dynamic mode. */
export function listTools(ctx: Context): Tool[] {
  const tasks = taskTools(ctx).map((t) => t.tool);
  const ops = ctx.settings.toolsets.length
    ? selectedOperations(ctx).map(operationTool)
    : dynamicTools(ctx);
  return [...tasks, ...ops];
}

export function createServer(ctx: Context, version: string): Server {
  const server = new Server(
    { name: SERVER_NAME, version },
    {
      capabilities: { tools: {}, resources: {}, prompts: {} },
      instructions:
        "Cisco XDR: investigate observables (xdr_investigate), triage incidents, respond (list actions, trigger only after the user approved, with _confirm: true), casebooks, workflows. " +
        (ctx.settings.toolsets.length
          ? "Every selected XDR operation is a tool."
          : "Any other XDR operation: xdr_list_operations → xdr_describe_operation → xdr_invoke_operation."),
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listTools(ctx) }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const { name } = request.params;
    const args = (request.params.arguments ?? {}) as Record<string, unknown>;
    const task = taskTools(ctx).find((t) => t.tool.name === name);
    if (task) return callTask(ctx, task, args);
    if (ctx.settings.toolsets.length === 0) {
      const result = await callDynamic(ctx, name, args);
      if (result) return result;
    } else {
      const op = findOperation(ctx.catalog, name);
      if (op && op.tool === name && inToolsets(ctx.settings.toolsets, op))
        return callOperation(ctx, op, args);
    }
    return failure(ctx, { error: "UnknownTool", message: `no tool "${name}"` });
  });
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: listResources(ctx),
  }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: listResourceTemplates(ctx),
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => ({
    contents: await readResource(ctx, request.params.uri),
  }));
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: listPrompts() }));
  server.setRequestHandler(GetPromptRequestSchema, async (request) =>
    getPrompt(
      request.params.name,
      (request.params.arguments ?? {}) as Record<string, string | undefined>,
    ),
  );
  return server;
}
