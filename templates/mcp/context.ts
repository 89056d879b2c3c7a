// What every handler of one server process shares: the catalog, the settings, the SDK client
// (created on first use, so that listing tools works before credentials are checked), the
// scopes the API client was granted, and a stderr logger that never prints a secret.
import { createXdr, missingScopes } from "xdr-sdk";
import type { Catalog, OperationEntry } from "./catalog.js";
import { scrub, type EnvConfig } from "./env.js";

export interface Settings {
  /** `all`, API names (`ctia`), groups (`ctia.judgements`) or operations; empty → dynamic mode. */
  readonly toolsets: readonly string[];
  /** Only read-only operations and task tools. */
  readonly readOnly: boolean;
  /** Hide operations whose scopes the API client was not granted. */
  readonly filterScopes: boolean;
  /** Longest tool result, in characters. */
  readonly maxResultChars: number;
}

export interface Context {
  readonly catalog: Catalog;
  readonly env: EnvConfig;
  readonly settings: Settings;
  /** The SDK client; throws a `ConfigurationError` when credentials are missing. */
  xdr(): unknown;
  /** Scopes of the API client's token; `undefined` when unknown (nothing hidden). */
  granted: readonly string[] | undefined;
  log(message: string): void;
}

export function createContext(
  catalog: Catalog,
  env: EnvConfig,
  settings: Settings,
  factory: (options: EnvConfig["options"]) => unknown = createXdr,
): Context {
  let client: unknown;
  return {
    catalog,
    env,
    settings,
    granted: undefined,
    xdr() {
      if (client !== undefined) return client;
      if (env.problems.length > 0) {
        const e = new Error(env.problems.join("; "));
        e.name = "ConfigurationError";
        throw e;
      }
      client = factory(env.options);
      return client;
    },
    log(message) {
      process.stderr.write(`xdr-mcp: ${scrub(message, env.secrets)}\n`);
    },
  };
}

/** Why an operation is not offered, or `undefined` when it is. */
export function hiddenBecause(ctx: Context, op: OperationEntry): string | undefined {
  if (ctx.settings.readOnly && !op.readOnly) return "the server runs in read-only mode";
  if (ctx.settings.filterScopes && ctx.granted) {
    const missing = missingScopes(ctx.granted, op.scopes);
    if (missing.length > 0) return `the API client was not granted ${missing.join(", ")}`;
  }
  return undefined;
}

/** Whether a toolset selection names this operation (`ctia`, `ctia.judgements`, `all`…). */
export function inToolsets(toolsets: readonly string[], op: OperationEntry): boolean {
  const full = `${op.api}.${op.name}`;
  return toolsets.some(
    (t) => t === "all" || t === op.api || full === t || full.startsWith(t + "."),
  );
}
