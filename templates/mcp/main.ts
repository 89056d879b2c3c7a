#!/usr/bin/env node
// `xdr-mcp`: the MCP server over stdio (default) or Streamable HTTP on 127.0.0.1. Settings from
// flags or the environment; credentials from the environment only.
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { loadCatalog, type Catalog } from "./catalog.js";
import { createContext, type Context, type Settings } from "./context.js";
import { configFromEnv } from "./env.js";
import { grantedScopes } from "./scopes.js";
import { createServer } from "./server.js";

const HELP = `Usage: xdr-mcp [--transport stdio|http] [--port N] [--host H] [--toolsets a,b] [--read-only]
               [--no-scope-filter] [--max-result-chars N]

  --transport   stdio (default) or http (Streamable HTTP at http://HOST:PORT/mcp)   XDR_MCP_TRANSPORT
  --host        address to bind for http (default 127.0.0.1)                        XDR_MCP_HOST
  --allowed-hosts  Host headers accepted besides localhost ones, e.g. xdr.internal:8765
                (requests for other names are refused: DNS rebinding)               XDR_MCP_ALLOWED_HOSTS
  --port        port for http (default 8765; 0 picks a free one)                    XDR_MCP_PORT
  --toolsets    operations offered as tools: all, an API (ctia), a group
                (ctia.judgements) or an operation, comma-separated. Without:
                dynamic mode (list / describe / invoke any operation)               XDR_MCP_TOOLSETS
  --read-only   only read-only operations and task tools                            XDR_MCP_READ_ONLY=1
  --no-scope-filter  offer tools whose scopes the API client was not granted         XDR_MCP_SCOPE_FILTER=0
  --max-result-chars  bound of a tool result (default 20000)                        XDR_MCP_MAX_RESULT_CHARS

Credentials: XDR_CLIENT_ID and XDR_CLIENT_SECRET (or XDR_ACCESS_TOKEN), XDR_REGION (us | eu | apjc);
XDR_BASE_URL_<API> (e.g. XDR_BASE_URL_IROH) and XDR_TOKEN_URL for a proxy or a test server.
`;

const version = (): string =>
  (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    }
  ).version;

export interface Launch {
  readonly settings: Settings;
  readonly transport: "stdio" | "http";
  readonly host: string;
  readonly port: number;
  readonly allowedHosts: readonly string[];
}

export function settingsFrom(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Launch | "help" | "version" {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      transport: { type: "string" },
      host: { type: "string" },
      "allowed-hosts": { type: "string" },
      port: { type: "string" },
      toolsets: { type: "string" },
      "read-only": { type: "boolean" },
      "no-scope-filter": { type: "boolean" },
      "max-result-chars": { type: "string" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) return "help";
  if (values.version) return "version";
  const flag = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);
  const transport = (values.transport ?? env.XDR_MCP_TRANSPORT ?? "stdio").toLowerCase();
  if (transport !== "stdio" && transport !== "http")
    throw new Error(`--transport must be stdio or http`);
  const port = Number(values.port ?? env.XDR_MCP_PORT ?? 8765);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error("--port must be a port number");
  const max = Number(values["max-result-chars"] ?? env.XDR_MCP_MAX_RESULT_CHARS ?? 20000);
  const list = (text: string | undefined) =>
    (text ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
  const toolsets = list(values.toolsets ?? env.XDR_MCP_TOOLSETS);
  return {
    transport,
    host: values.host ?? env.XDR_MCP_HOST ?? "127.0.0.1",
    port,
    allowedHosts: list(values["allowed-hosts"] ?? env.XDR_MCP_ALLOWED_HOSTS),
    settings: {
      toolsets,
      readOnly: values["read-only"] === true || flag(env.XDR_MCP_READ_ONLY),
      filterScopes: !(
        values["no-scope-filter"] === true ||
        /^(0|false|no|off)$/i.test(env.XDR_MCP_SCOPE_FILTER ?? "")
      ),
      maxResultChars: Number.isFinite(max) && max >= 1000 ? max : 20000,
    },
  };
}

/** Stateless Streamable HTTP at `/mcp`: one `Server` and transport per request, one shared context. */
export async function startHttp(
  ctx: Context,
  host: string,
  port: number,
  serverVersion: string,
  extraHosts: readonly string[] = [],
): Promise<HttpServer> {
  const http = createHttpServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/mcp") {
      res
        .writeHead(404, { "content-type": "text/plain" })
        .end("not found: the MCP endpoint is /mcp\n");
      return;
    }
    const bound = http.address();
    const actualPort = bound && typeof bound === "object" ? bound.port : port;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      // A web page must not reach a server on the analyst's machine (DNS rebinding).
      enableDnsRebindingProtection: true,
      allowedHosts: [
        `127.0.0.1:${actualPort}`,
        `localhost:${actualPort}`,
        `[::1]:${actualPort}`,
        `${host}:${actualPort}`,
        ...extraHosts,
      ],
    });
    const server = createServer(ctx, serverVersion);
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch((e: unknown) => {
        ctx.log(`request failed: ${(e as Error).message}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, () => resolve());
  });
  return http;
}

async function main(): Promise<void> {
  let launch;
  try {
    launch = settingsFrom(process.argv.slice(2), process.env);
  } catch (e) {
    process.stderr.write(`xdr-mcp: ${(e as Error).message}\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (launch === "help") return void process.stdout.write(HELP);
  if (launch === "version") return void process.stdout.write(version() + "\n");
  const catalog: Catalog = loadCatalog();
  const env = configFromEnv(catalog.apis.map((a) => a.name));
  const ctx = createContext(catalog, env, launch.settings);
  if (env.problems.length) ctx.log(`${env.problems.join("; ")}: tools are listed, calls will fail`);
  if (launch.settings.filterScopes) ctx.granted = await grantedScopes(catalog, env, ctx.log);
  if (launch.transport === "stdio") {
    await createServer(ctx, version()).connect(new StdioServerTransport());
    ctx.log(
      `ready on stdio (${launch.settings.toolsets.length ? "toolsets " + launch.settings.toolsets.join(",") : "dynamic mode"})`,
    );
    return;
  }
  const http = await startHttp(ctx, launch.host, launch.port, version(), launch.allowedHosts);
  const address = http.address();
  const port = address && typeof address === "object" ? address.port : launch.port;
  ctx.log(
    `listening on http://${launch.host.includes(":") ? `[${launch.host}]` : launch.host}:${port}/mcp`,
  );
  const stop = () => http.close(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

// Run when executed as the bin (through npm's symlink too), not when imported.
if (isMain()) await main();

function isMain(): boolean {
  try {
    return realpathSync(process.argv[1] ?? "") === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
