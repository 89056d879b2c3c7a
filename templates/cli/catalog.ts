// The operation catalog: every operation of every API as plain data, written by xdr-codegen into
// `catalog.json` beside this package's `dist/`. The CLI and the MCP server read it instead of
// reflecting over the SDK, so help texts, flags, JSON Schemas and annotations come from the
// same model the SDK was generated from. Shared by the `xdr` CLI and the `xdr-mcp` server.
import { readFileSync } from "node:fs";

export type JsonSchema = Record<string, unknown>;

export interface OperationEntry {
  /** `iroh` */
  readonly api: string;
  /** `enrich.deliberate`: the SDK method under `xdr.<api>`. */
  readonly name: string;
  /** `iroh_enrich_deliberate`: the MCP tool name (`[A-Za-z0-9_-]`, ≤ 64). */
  readonly tool: string;
  /** `enrich`; `""` for root operations such as `inspect`. */
  readonly group: string;
  readonly method: string;
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly scopes: readonly string[];
  readonly readOnly: boolean;
  readonly destructive: boolean;
  readonly idempotent: boolean;
  readonly deprecated?: boolean;
  /** How `input` maps onto the SDK call; see invoke.ts. */
  readonly args: "none" | "flat" | "body" | "split";
  readonly queryParams: readonly string[];
  readonly body?: string;
  readonly paging?: "ctia" | "links";
  /** `workflows.start`: accepts `wait`. */
  readonly waitable?: boolean;
  /** The input object, as a JSON Schema: path, query and header parameters and the body. */
  readonly input: JsonSchema;
  /** An example input for help texts. */
  readonly example?: Record<string, unknown>;
}

export interface ApiEntry {
  readonly name: string;
  readonly title: string;
  readonly operations: readonly OperationEntry[];
}

export interface Catalog {
  readonly sdk: string;
  /** OAuth2 token URL per region. */
  readonly tokenUrls?: Readonly<Record<string, string>>;
  readonly apis: readonly ApiEntry[];
}

/** Reads the catalog shipped with the package (`<package>/catalog.json`). */
export function loadCatalog(url: URL = new URL("../catalog.json", import.meta.url)): Catalog {
  return JSON.parse(readFileSync(url, "utf8")) as Catalog;
}

export function allOperations(catalog: Catalog): OperationEntry[] {
  return catalog.apis.flatMap((a) => a.operations);
}

/** Finds an operation by tool name (`iroh_inspect`) or by `api.name` (`iroh.enrich.deliberate`). */
export function findOperation(catalog: Catalog, id: string): OperationEntry | undefined {
  for (const api of catalog.apis) {
    for (const op of api.operations) {
      if (op.tool === id || `${op.api}.${op.name}` === id) return op;
    }
  }
  return undefined;
}

/** Word search over names, routes and summaries: every word must match somewhere. */
export function searchOperations(
  catalog: Catalog,
  query: string,
  filter: (op: OperationEntry) => boolean = () => true,
): OperationEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return allOperations(catalog).filter((op) => {
    if (!filter(op)) return false;
    const hay =
      `${op.api}.${op.name} ${op.tool} ${op.method} ${op.path} ${op.summary} ${op.scopes.join(" ")}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}
