// Where a standalone client sends its requests: the spec's `servers`, with server variables
// replaced by their defaults (`https://{region}.api.example.com/{basePath}`), and a description
// of each server and variable for the README.

type Json = Record<string, unknown>;

export interface ServerVariableDoc {
  readonly name: string;
  readonly default: string;
  readonly values?: readonly string[];
  readonly description?: string;
}

export interface ServerDoc {
  /** The URL as the spec writes it, variables unexpanded. */
  readonly template: string;
  /** With each variable's default. */
  readonly url: string;
  readonly description?: string;
  readonly variables: readonly ServerVariableDoc[];
}

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value : undefined;

/** Substitutes server variables with their defaults: `https://x/{basePath}` → `https://x/api`. */
export function expandServer(server: Json): string {
  const variables = (server.variables ?? {}) as Json;
  return String(server.url ?? "").replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = Object.hasOwn(variables, name) ? (variables[name] as Json | null) : undefined;
    return variable?.default !== undefined ? String(variable.default) : whole;
  });
}

export function serverDocs(doc: Json): ServerDoc[] {
  const servers = Array.isArray(doc.servers) ? (doc.servers as unknown[]) : [];
  return servers
    .filter((s): s is Json => !!s && typeof s === "object" && typeof (s as Json).url === "string")
    .map((server) => {
      const variables = (server.variables ?? {}) as Json;
      return {
        template: String(server.url),
        url: expandServer(server).replace(/\/+$/, ""),
        description: text(server.description),
        variables: Object.entries(variables)
          .filter(([, v]) => v && typeof v === "object")
          .map(([name, raw]) => {
            const v = raw as Json;
            return {
              name,
              default: String(v.default ?? ""),
              values: Array.isArray(v.enum) ? v.enum.map(String) : undefined,
              description: text(v.description),
            };
          }),
      };
    });
}

/**
 * The base URL a standalone client uses unless given `baseUrl`: the first server that is an
 * absolute http(s) URL once its variables are filled in; "" when there is none (the spec names
 * no server, or only a relative one such as `/api/v3`): the caller must then pass `baseUrl`.
 */
export function defaultBaseUrl(servers: readonly ServerDoc[]): string {
  return servers.find((s) => /^https?:\/\/[^{}]+$/i.test(s.url))?.url ?? "";
}
