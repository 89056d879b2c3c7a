// The packed xdr-mcp as a user runs it (`node_modules/.bin/xdr-mcp`), driven by the MCP SDK's own
// `Client` over stdio and over Streamable HTTP, against the local XDR simulator.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_CLIENT_SECRET,
  SIM_WORKFLOW_IDS,
  startSimulator,
  type Simulator,
} from "../simulator/server.js";
import { installedProject, ROOT, simulatorEnv } from "./harness.js";

let project: string;
let sim: Simulator;
/** Every text the server sent back, and its stderr: checked for secrets at the end. */
const seen: string[] = [];
const clients: Client[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  project = installedProject();
  sim = await startSimulator();
  sim.clients.set("narrow-client", {
    secret: "narrow-secret-0123",
    scopes: ["inspect:read", "enrich:read"],
  });
}, 300_000);

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  for (const child of children) child.kill();
  await sim?.close();
});

async function stdio(
  args: string[],
  env: Record<string, string> = simulatorEnv(sim),
): Promise<Client> {
  const transport = new StdioClientTransport({
    command: join(project, "node_modules/.bin/xdr-mcp"),
    args,
    env,
    cwd: project,
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk: Buffer) => seen.push(chunk.toString()));
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(transport);
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
  seen.push(text);
  return {
    result,
    text,
    json: () => JSON.parse((result.content[0] as { text: string }).text) as unknown,
  };
}

const byName = (tools: Tool[], name: string) => tools.find((t) => t.name === name);

describe("xdr-mcp over stdio, dynamic mode (no toolset chosen)", () => {
  let client: Client;
  beforeAll(async () => {
    client = await stdio([]);
  }, 60_000);

  it("offers the task tools and the three dynamic tools", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "xdr_investigate",
        "xdr_triage_incidents",
        "xdr_response_actions",
        "xdr_response_trigger",
        "xdr_casebook_create",
        "xdr_workflow_start",
        "xdr_list_operations",
        "xdr_describe_operation",
        "xdr_invoke_operation",
      ]),
    );
    expect(tools.length).toBeLessThan(15);
    expect(byName(tools, "xdr_response_trigger")!.annotations).toMatchObject({
      destructiveHint: true,
    });
  });

  it("inspect → deliberate through list, describe and invoke", async () => {
    const list = await call(client, "xdr_list_operations", { query: "verdicts" });
    expect(list.text).toContain("iroh.enrich.deliberate");
    const described = await call(client, "xdr_describe_operation", {
      operation: "iroh.enrich.deliberate",
    });
    expect(described.json()).toMatchObject({
      readOnly: true,
      inputSchema: { properties: { body: { type: "array" } } },
    });
    const inspect = await call(client, "xdr_invoke_operation", {
      operation: "iroh.inspect",
      input: { content: "internetbadguys.com and 8.8.8.8" },
    });
    const observables = inspect.json() as { type: string; value: string }[];
    expect(observables).toContainEqual({ type: "domain", value: "internetbadguys.com" });
    const verdicts = await call(client, "xdr_invoke_operation", {
      operation: "iroh.enrich.deliberate",
      input: { body: observables },
    });
    expect(verdicts.result.isError).toBeFalsy();
    expect(verdicts.text).toContain("Malicious");
  });

  it("validates input before sending", async () => {
    const before = sim.stats.requests.length;
    const bad = await call(client, "xdr_invoke_operation", {
      operation: "iroh.inspect",
      input: { content: 42 },
    });
    expect(bad.result.isError).toBe(true);
    expect(bad.json()).toMatchObject({ error: "InvalidInput" });
    expect(sim.stats.requests.length).toBe(before);
  });

  it("the investigate task summarises verdicts with a link", async () => {
    const r = await call(client, "xdr_investigate", { text: "internetbadguys.com cisco.com" });
    const body = r.json() as { summary: Record<string, number>; investigateUrl: string };
    expect(body.summary.Malicious).toBeGreaterThan(0);
    expect(body.investigateUrl).toMatch(/^https:\/\/visibility\.amp\.cisco\.com\/investigate\?q=/);
  });

  it("starts a workflow and waits for its run", async () => {
    const r = await call(client, "xdr_workflow_start", { workflow_id: SIM_WORKFLOW_IDS.hello });
    expect(r.result.isError).toBeFalsy();
    expect(r.text).toMatch(/success/i);
  });

  it("triages Conure incidents and reads one as a resource", async () => {
    const seeded = sim.conure.seedIncidents(6);
    const open = seeded.filter((i) => i.status === "Open");
    const r = await call(client, "xdr_triage_incidents", { status: "Open", limit: 10 });
    expect(r.result.isError, r.text).toBeFalsy();
    const body = r.json() as { count: number; incidents: { id: string }[] };
    expect(body.count).toBe(open.length);
    expect(body.incidents.map((i) => i.id).sort()).toEqual(open.map((i) => i.id).sort());
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain("xdr://incident/{incident_id}");
    const one = await client.readResource({ uri: `xdr://incident/${seeded[0]!.id}` });
    seen.push(JSON.stringify(one));
    expect(JSON.stringify(one.contents)).toContain(seeded[0]!.title as string);
  });

  it("creates a casebook from the observables of a text", async () => {
    const r = await call(client, "xdr_casebook_create", {
      title: "Phishing wave",
      text: "mail from internetbadguys.com, payload at 203.0.113.66",
    });
    expect(r.result.isError, r.text).toBeFalsy();
    const casebook = r.json() as { id: string; observables: { value: string }[] };
    expect(casebook.observables.map((o) => o.value)).toEqual(
      expect.arrayContaining(["internetbadguys.com", "203.0.113.66"]),
    );
  });

  it("offers resources and prompts named as Cisco's server does", async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(
      expect.arrayContaining(["xdr://incidents/open", "xdr://profile", "xdr://integrations"]),
    );
    const profile = await client.readResource({ uri: "xdr://profile" });
    seen.push(JSON.stringify(profile));
    expect(profile.contents[0]!.mimeType).toBe("application/json");
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(
      expect.arrayContaining(["triage_open_incidents", "investigate_ioc", "response_playbook"]),
    );
    const prompt = await client.getPrompt({
      name: "investigate_ioc",
      arguments: { type: "ip", value: "1.2.3.4" },
    });
    expect(JSON.stringify(prompt.messages)).toContain("xdr_investigate");
  });
});

describe("xdr-mcp with toolsets", () => {
  let client: Client;
  let tools: Tool[];
  beforeAll(async () => {
    client = await stdio(["--toolsets", "all"]);
    tools = (await client.listTools()).tools;
  }, 60_000);

  it("offers every operation as a tool, with valid self-contained input schemas", () => {
    expect(tools.length).toBeGreaterThan(500);
    const ajv = new AjvJsonSchemaValidator();
    for (const tool of tools) {
      expect(JSON.stringify(tool.inputSchema)).not.toContain("$ref");
      expect(() => ajv.getValidator(tool.inputSchema as never), tool.name).not.toThrow();
      expect(tool.name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
  });

  it("annotates from the model: reads, deletes and response triggers, idempotent methods", () => {
    expect(byName(tools, "iroh_inspect")!.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
    });
    expect(byName(tools, "iroh_enrich_deliberate")!.annotations).toMatchObject({
      readOnlyHint: true,
    });
    expect(byName(tools, "ctia_judgements_search")!.annotations).toMatchObject({
      readOnlyHint: true,
      idempotentHint: true,
    });
    expect(byName(tools, "iroh_response_trigger")!.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    });
    expect(byName(tools, "ctia_judgements_delete")!.annotations).toMatchObject({
      destructiveHint: true,
      idempotentHint: true,
    });
    expect(byName(tools, "ctia_judgements_create")!.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
    });
    expect(byName(tools, "ctia_judgements_search")!.description).toMatch(/Scope: /);
  });

  it("inspect → deliberate as tools", async () => {
    const inspect = await call(client, "iroh_inspect", { content: "internetbadguys.com" });
    const deliberate = await call(client, "iroh_enrich_deliberate", { body: inspect.json() });
    expect(deliberate.text).toContain("Malicious");
  });

  it("refuses a destructive call without confirmation, and sends nothing", async () => {
    const before = sim.stats.requests.length;
    const refused = await call(client, "iroh_response_trigger", {
      module_instance_id: "x",
      action_id: "y",
      observable_type: "ip",
      observable_value: "1.2.3.4",
    });
    expect(refused.result.isError).toBe(true);
    expect(refused.json()).toMatchObject({ error: "ConfirmationRequired" });
    const task = await call(client, "xdr_response_trigger", {
      module_instance_id: "x",
      action_id: "y",
      observable: { type: "ip", value: "1.2.3.4" },
    });
    expect(task.json()).toMatchObject({ error: "ConfirmationRequired" });
    expect(sim.stats.requests.length).toBe(before);
  });

  it("lists response actions, then triggers one only when confirmed", async () => {
    const listed = await call(client, "xdr_response_actions", {
      observable: { type: "domain", value: "internetbadguys.com" },
    });
    const { actions } = listed.json() as {
      actions: { module_instance_id: string; action_id: string }[];
    };
    expect(actions.length).toBeGreaterThan(0);
    const before = sim.stats.actions.length;
    const r = await call(client, "xdr_response_trigger", {
      module_instance_id: actions[0]!.module_instance_id,
      action_id: actions[0]!.action_id,
      observable: { type: "domain", value: "internetbadguys.com" },
      _confirm: true,
    });
    expect(r.result.isError, r.text).toBeFalsy();
    expect(sim.stats.actions.length).toBe(before + 1);
  });

  it("a 429 is an isError result with class, status and the wait", async () => {
    sim.faults.rateLimit = { count: 5, retryAfter: 3600, path: "/iroh/iroh-inspect" };
    try {
      const r = await call(client, "iroh_inspect", { content: "cisco.com" });
      expect(r.result.isError).toBe(true);
      expect(r.json()).toMatchObject({
        error: "RateLimitError",
        status: 429,
        retryAfterMs: 3_600_000,
        requestId: expect.any(String),
      });
    } finally {
      delete sim.faults.rateLimit;
    }
  });

  it("bounds large results and pages with a cursor", async () => {
    sim.seed("judgement", 30);
    const r = await call(client, "ctia_judgements_search", {
      limit: 10,
      _fields: ["id", "disposition"],
    });
    const page = r.json() as {
      items: Record<string, unknown>[];
      hasMore: boolean;
      next?: Record<string, unknown>;
    };
    expect(page.items).toHaveLength(10);
    expect(Object.keys(page.items[0]!).sort()).toEqual(["disposition", "id"]);
    expect(page.hasMore).toBe(true);
    const next = await call(client, "ctia_judgements_search", {
      limit: 10,
      ...page.next,
      _fields: ["id"],
    });
    expect(next.result.isError, next.text).toBeFalsy();
    const ids = (next.json() as { items: { id: string }[] }).items.map((i) => i.id);
    expect(ids).not.toContain(page.items[0]!.id);
  });

  it("a gateway that echoes credentials leaks nothing", async () => {
    sim.faults.echoCredentials = { count: 1, path: "/iroh/iroh-inspect" };
    const r = await call(client, "iroh_inspect", { content: "cisco.com" });
    expect(r.result.isError).toBe(true);
    expect(r.text).not.toContain(DEFAULT_CLIENT_SECRET);
  });
});

describe("xdr-mcp modes", () => {
  it("read-only mode offers no destructive or writing tool", async () => {
    const client = await stdio(["--toolsets", "all", "--read-only"]);
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(100);
    expect(tools.filter((t) => t.annotations?.readOnlyHint !== true).map((t) => t.name)).toEqual(
      [],
    );
    expect(byName(tools, "xdr_investigate")).toBeDefined();
  }, 60_000);

  it("read-only dynamic mode: the invoke tool is read-only and refuses writes", async () => {
    const client = await stdio(["--read-only"]);
    const { tools } = await client.listTools();
    expect(tools.filter((t) => t.annotations?.readOnlyHint !== true).map((t) => t.name)).toEqual(
      [],
    );
    const r = await call(client, "xdr_invoke_operation", {
      operation: "ctia.judgements.delete",
      input: { id: "judgement-1" },
      _confirm: true,
    });
    expect(r.json()).toMatchObject({ error: "OperationUnavailable" });
  }, 60_000);

  it("hides the tools whose scopes the API client was not granted", async () => {
    const client = await stdio(
      ["--toolsets", "all"],
      simulatorEnv(sim, "narrow-client", "narrow-secret-0123"),
    );
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("iroh_inspect");
    expect(names).toContain("iroh_enrich_deliberate");
    expect(names).toContain("xdr_investigate");
    expect(names).not.toContain("ctia_judgements_search");
    expect(names).not.toContain("iroh_response_trigger");
    expect(names.some((n) => n.startsWith("automation_"))).toBe(false);
  }, 60_000);
});

describe("xdr-mcp over Streamable HTTP", () => {
  let url: URL;
  beforeAll(async () => {
    const child = spawn(
      join(project, "node_modules/.bin/xdr-mcp"),
      ["--transport", "http", "--port", "0"],
      {
        env: simulatorEnv(sim),
        cwd: project,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    children.push(child);
    url = await new Promise<URL>((resolve, reject) => {
      let err = "";
      child.stderr!.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        seen.push(chunk.toString());
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(err);
        if (m) resolve(new URL(m[1]!));
      });
      child.once("exit", (code) => reject(new Error(`xdr-mcp exited ${code}: ${err}`)));
    });
  }, 60_000);

  it("binds to 127.0.0.1 and serves tools to the SDK client", async () => {
    expect(url.hostname).toBe("127.0.0.1");
    const client = new Client({ name: "test-http", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(url));
    clients.push(client);
    const { tools } = await client.listTools();
    expect(byName(tools, "xdr_investigate")).toBeDefined();
    const r = await call(client, "xdr_invoke_operation", {
      operation: "iroh.inspect",
      input: { content: "cisco.com" },
    });
    expect(r.json()).toEqual([{ type: "domain", value: "cisco.com" }]);
  });

  it("refuses a request for another host name (DNS rebinding)", async () => {
    // fetch cannot set Host (a forbidden header): a plain http request does.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        {
          method: "POST",
          headers: {
            host: "evil.example",
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }));
    });
    expect(status).toBe(403);
  });
});

describe("the shipped sources", () => {
  it("type-check under --strict against the installed xdr-sdk and MCP SDK", () => {
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "DOM"],
          types: ["node"],
          typeRoots: [join(ROOT, "node_modules/@types")],
          skipLibCheck: true,
        },
        include: ["node_modules/xdr-mcp/src/*.ts", "node_modules/xdr-cli/src/*.ts"],
      }),
    );
    const r = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "."],
      {
        cwd: project,
        encoding: "utf8",
      },
    );
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 180_000);
});

describe("secrets", () => {
  it("no message, result or log line carried the client secret or a token", () => {
    const all = seen.join("\n");
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toContain(DEFAULT_CLIENT_SECRET);
    expect(all).not.toContain("narrow-secret-0123");
    expect(all).not.toContain(
      Buffer.from(`sim-client:${DEFAULT_CLIENT_SECRET}`).toString("base64"),
    );
    for (const token of sim.issuedTokens()) expect(all).not.toContain(token);
  });
});
