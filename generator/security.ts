// How a standalone client authenticates, from the spec's `securitySchemes` and `security`
// requirements: the `auth` list of its `ApiDescriptor` (the runtime uses the first scheme the
// caller gave credentials for), and per operation whether credentials are sent at all. XDR
// packages keep their own rule (a bearer token from OAuth2 client credentials, in
// model-operation.ts).
import { resolveRef } from "./ref.js";

type Json = Record<string, unknown>;

/** Mirrors `AuthScheme` in templates/runtime/types.ts. */
export type AuthScheme =
  | { readonly type: "oauth2"; readonly tokenUrl: string }
  | { readonly type: "bearer" }
  | { readonly type: "basic" }
  | { readonly type: "apiKey"; readonly in: "header" | "query" | "cookie"; readonly name: string };

export interface SchemeDoc {
  /** The scheme's key in `components.securitySchemes`. */
  readonly key: string;
  /** What the runtime does with it, or undefined when it cannot (mutual TLS, HTTP digest…). */
  readonly auth?: AuthScheme;
  /** `HTTP digest`, `mutualTLS`… for a scheme the runtime cannot speak. */
  readonly kind: string;
}

const own = (record: unknown, key: string): unknown =>
  record && typeof record === "object" && Object.hasOwn(record, key)
    ? (record as Json)[key]
    : undefined;

function schemesOf(doc: Json): Json {
  const components = own(doc, "components") as Json | undefined;
  const schemes = own(components, "securitySchemes");
  return schemes && typeof schemes === "object" ? (schemes as Json) : {};
}

/** The runtime's view of one scheme (an absolute token URL resolved against the server). */
function toAuth(scheme: Json, serverUrl: string): AuthScheme | undefined {
  const type = scheme.type;
  if (type === "http") {
    const name = String(scheme.scheme ?? "").toLowerCase();
    if (name === "bearer") return { type: "bearer" };
    if (name === "basic") return { type: "basic" };
    return undefined;
  }
  if (type === "apiKey") {
    const where = scheme.in;
    if (typeof scheme.name !== "string" || scheme.name === "") return undefined;
    if (where !== "header" && where !== "query" && where !== "cookie") return undefined;
    return { type: "apiKey", in: where, name: scheme.name };
  }
  if (type === "oauth2") {
    const flows = (own(scheme, "flows") ?? {}) as Json;
    const cc = own(flows, "clientCredentials") as Json | undefined;
    if (cc && typeof cc.tokenUrl === "string" && cc.tokenUrl !== "") {
      return { type: "oauth2", tokenUrl: absoluteUrl(cc.tokenUrl, serverUrl) };
    }
    // Other flows need a browser: the caller brings the token.
    return { type: "bearer" };
  }
  if (type === "openIdConnect") return { type: "bearer" };
  return undefined;
}

function absoluteUrl(url: string, base: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  try {
    return new URL(url, base || undefined).href;
  } catch {
    return url;
  }
}

/**
 * The schemes the spec's requirements name, in the order they first appear (the document's
 * `security`, then each operation's), each with its README line; `auth` is the descriptor's
 * list, without repeats.
 */
export function authSchemes(
  doc: Json,
  operationSecurity: readonly unknown[],
  serverUrl: string,
): { auth: AuthScheme[]; docs: SchemeDoc[] } {
  const schemes = schemesOf(doc);
  const order: string[] = [];
  for (const security of [own(doc, "security"), ...operationSecurity]) {
    if (!Array.isArray(security)) continue;
    for (const requirement of security) {
      if (!requirement || typeof requirement !== "object") continue;
      for (const key of Object.keys(requirement)) if (!order.includes(key)) order.push(key);
    }
  }
  const docs: SchemeDoc[] = [];
  const auth: AuthScheme[] = [];
  for (const key of order) {
    const scheme = resolveRef(doc, own(schemes, key)) as Json | undefined;
    if (!scheme || typeof scheme !== "object") continue;
    const a = toAuth(scheme, serverUrl);
    const kind = scheme.type === "http" ? `HTTP ${String(scheme.scheme)}` : String(scheme.type);
    docs.push({ key, auth: a, kind });
    if (a && !auth.some((x) => JSON.stringify(x) === JSON.stringify(a))) auth.push(a);
  }
  return { auth, docs };
}

/**
 * Whether an operation sends credentials: not when it (or the document) requires none
 * (`security: []`, or no requirement at all), nor when every alternative names only schemes the
 * runtime cannot speak. An empty alternative (`{}`) makes credentials optional: they are sent
 * when given.
 */
export function operationAuth(doc: Json, security: unknown): boolean {
  if (!Array.isArray(security)) return false;
  const schemes = schemesOf(doc);
  return security.some(
    (requirement) =>
      requirement &&
      typeof requirement === "object" &&
      Object.keys(requirement).some((key) => {
        const scheme = resolveRef(doc, own(schemes, key)) as Json | undefined;
        return !!scheme && typeof scheme === "object" && toAuth(scheme, "") !== undefined;
      }),
  );
}

/**
 * The schemes one operation accepts, as indexes into the descriptor's `auth` list, in the order
 * its requirements name them; `-1` for an empty requirement (`{}`: credentials optional); a list
 * of indexes for a requirement naming several schemes, all needed at once (an API key and a
 * token). A requirement naming a scheme the SDK cannot send is left out. Undefined when it
 * accepts every scheme in the list's order (the runtime's default).
 */
export function operationSchemes(
  doc: Json,
  security: unknown,
  auth: readonly AuthScheme[],
  serverUrl: string,
): (number | number[])[] | undefined {
  if (!Array.isArray(security)) return undefined;
  const schemes = schemesOf(doc);
  const out: (number | number[])[] = [];
  const seen = new Set<string>();
  for (const requirement of security) {
    if (!requirement || typeof requirement !== "object") continue;
    const indexes = Object.keys(requirement).map((key) => {
      const scheme = resolveRef(doc, own(schemes, key)) as Json | undefined;
      const a = scheme && typeof scheme === "object" ? toAuth(scheme, serverUrl) : undefined;
      return a ? auth.findIndex((x) => JSON.stringify(x) === JSON.stringify(a)) : -2;
    });
    if (indexes.some((i) => i < 0)) continue;
    const unique = [...new Set(indexes)].sort((a, b) => a - b);
    const entry = unique.length === 0 ? -1 : unique.length === 1 ? unique[0]! : unique;
    if (!seen.has(String(entry))) {
      seen.add(String(entry));
      out.push(entry);
    }
  }
  // Every requirement names a scheme the SDK cannot send: the caller passes those credentials in
  // `headers` (the docs say so), and the SDK adds none.
  if (out.length === 0 && security.length > 0) return [-1];
  const everything = out.length === auth.length && out.every((i, n) => i === n);
  return everything ? undefined : out;
}
