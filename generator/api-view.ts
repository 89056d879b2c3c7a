// The view of one API: what its templates (operations, client, names, index, README) print,
// built from its model. Every string is escaped already for where it lands, so the templates
// need no logic; the operations' own views come from operation-view.ts.
import { commentInline, jsDoc, mdCode, mdInline, tsLiteral } from "./escape.js";
import { exampleCall, memberPaths } from "./examples.js";
import type { ApiModel } from "./model-types.js";
import { apiNames, typesNote, type NamesView } from "./named-types.js";
import { typeStem } from "./naming.js";
import { groupView, operationView, type GroupView, type OperationView } from "./operation-view.js";
import type { SchemeDoc } from "./security.js";
import { projectsFields } from "./type-exprs.js";

export interface ApiView {
  name: string;
  stem: string;
  title: string;
  mdTitle: string;
  /** The title escaped for a comment line in generated code. */
  commentTitle: string;
  version: string;
  mdVersion: string;
  headerDoc: string;
  clientType: string;
  createFn: string;
  descriptorConst: string;
  descriptorLiteral: string;
  operations: OperationView[];
  root: GroupView;
  anyPaginated: boolean;
  /** Some method takes a projecting `fields` (type-exprs.ts `projectsFields`). */
  anyFields: boolean;
  anyQueryOptions: boolean;
  workflowRun?: { start: string; getInstance: string; getInstanceResponse: string };
  regions: { region: string; mdUrl: string }[];
  mdTokenUrl: string;
  operationCount: number;
  /** Options type of the create function: `XdrOptions` (regions) or `ClientOptions`. */
  clientOptionsType: string;
  /** The JSDoc line above the descriptor. */
  descriptorComment: string;
  /** The `@example` of the create function: `createPetsClient({ baseUrl, accessToken })`. */
  example: string;
  /**
   * The first code of a package README that is not xdr-sdk's: for a standalone client, create
   * it, make one call, tell an API error apart; else the create function's example.
   */
  readmeUse: string;
  /** Standalone clients: what the README says of servers and auth. */
  generic?: GenericView;
  anyScopes: boolean;
  /** `src/<api>/names.ts`: the named types (generator/named-types.ts). */
  names: NamesView;
  /** The operations' type names, as the operations and client modules import them. */
  typeImports: string;
  /** Markdown: where the named types come from, with one operation's as the example. */
  mdTypesNote: string;
  /**
   * What the package root re-exports of this API by name: the observable vocabulary
   * (`OBSERVABLE_TYPES`, `type ObservableType`), the same in every XDR API that has it.
   */
  rootNames: string[];
}

interface GenericView {
  mdBaseUrl: string;
  servers: {
    mdUrl: string;
    mdTemplate: string;
    mdDescription: string;
    variables: { mdName: string; mdDefault: string; mdValues: string; mdDescription: string }[];
  }[];
  auth: { mdNote: string }[];
  /** Option names the auth schemes use (`accessToken`, `apiKey`…), for the README example. */
  exampleOptions: string;
}

/**
 * `sdk`: `<package>/<version>`, the first word of the clients' User-Agent. `versionHeader`: the
 * response header naming the service's version (`info.x-xdr-version-header`), compared at run
 * time with `info.version` to report drift.
 */
export function apiView(api: ApiModel, sdk?: string, versionHeader?: string): ApiView {
  const stem = typeStem(api.name);
  const fixed = ["components", "operations", "paths", `create${stem}Client`, `${stem}Client`];
  const names = apiNames(api, stem, [...fixed, `${api.name.toUpperCase()}_API`]);
  const members = memberPaths(api.root);
  const views = new Map(
    api.operations.map((op) => [
      op,
      operationView(api, op, names.byOperation.get(op)!, members.get(op) ?? [op.methodName]),
    ]),
  );
  const version = versionHeader ? { header: versionHeader, value: api.version } : undefined;
  const descriptor: Record<string, unknown> = api.generic
    ? {
        name: api.name,
        servers: api.servers,
        auth: api.generic.auth,
        ...(api.generic.anonymous ? { anonymous: true } : {}),
        sdk,
      }
    : { name: api.name, servers: api.servers, tokenUrls: api.tokenUrls, sdk, version };
  return {
    name: api.name,
    stem,
    title: api.title,
    mdTitle: mdInline(api.title),
    commentTitle: commentInline(api.title),
    version: api.version,
    mdVersion: mdInline(api.version),
    headerDoc: jsDoc([`${api.title} ${api.version}`.trim(), api.description]),
    clientType: `${stem}Client`,
    createFn: `create${stem}Client`,
    descriptorConst: `${api.name.toUpperCase()}_API`,
    descriptorLiteral: tsLiteral(JSON.parse(JSON.stringify(descriptor))),
    operations: [...views.values()],
    root: groupView(api.root, views),
    anyPaginated: api.operations.some((o) => o.paging),
    anyFields: api.operations.some((o) => projectsFields(api, o)),
    anyQueryOptions: api.operations.some((o) => o.args === "body" && o.queryParams.length > 0),
    workflowRun: api.workflowRun && {
      start: api.workflowRun.start.constName,
      getInstance: api.workflowRun.getInstance.constName,
      getInstanceResponse: names.byOperation.get(api.workflowRun.getInstance)!.response,
    },
    regions: Object.entries(api.servers).map(([region, url]) => ({ region, mdUrl: mdCode(url) })),
    mdTokenUrl: api.tokenUrls ? mdCode(api.tokenUrls.us) : "—",
    operationCount: api.operations.length,
    clientOptionsType: api.generic ? "ClientOptions" : "XdrOptions",
    descriptorComment: api.generic
      ? `/** Where the ${commentInline(api.title)} API is and how it authenticates. */`
      : `/** Hosts of the ${commentInline(api.title)} API per region, and where its tokens come from. */`,
    example: api.generic
      ? `const ${api.name} = create${stem}Client(${exampleOptions(api) ? `{ ${exampleOptions(api)} }` : ""});`
      : `const ${api.name} = create${stem}Client({ clientId, clientSecret, region: "eu" });`,
    readmeUse: api.generic
      ? readmeUse(api)
      : `const ${api.name} = create${stem}Client({ clientId, clientSecret, region: "eu" });`,
    generic: api.generic && genericView(api),
    anyScopes: api.operations.some((o) => o.scopes.length > 0),
    names: names.view,
    typeImports: [...names.byOperation.values()]
      .flatMap((t) => [t.params, t.response, t.fields])
      .filter((n): n is string => n !== undefined)
      .join(",\n  "),
    mdTypesNote: typesNote(api, names.byOperation),
    rootNames:
      names.lists.get("ObservableType") === "OBSERVABLE_TYPES"
        ? ["OBSERVABLE_TYPES", "type ObservableType"]
        : [],
  };
}

/** Options a caller of a standalone client passes: the base URL if needed, then credentials. */
function exampleOptions(api: ApiModel): string {
  const generic = api.generic!;
  const parts = generic.baseUrl === "" ? ['baseUrl: "https://api.example.com"'] : [];
  const first = generic.auth[0];
  if (first?.type === "oauth2") parts.push("clientId", "clientSecret");
  else if (first?.type === "bearer") parts.push("accessToken");
  else if (first?.type === "basic") parts.push("username", "password");
  else if (first?.type === "apiKey") parts.push("apiKey");
  return parts.join(", ");
}

/** What to pass for one security scheme, as a Markdown list item. */
function authNote({ key, auth, kind }: SchemeDoc): string {
  const name = mdCode(key);
  if (!auth)
    return `${name} (${mdInline(kind)}): not supported; pass the credentials in \`headers\``;
  switch (auth.type) {
    case "bearer":
      return `${name}: \`accessToken\`, a string or a function returning one (or a promise of one), sent as \`Authorization: Bearer …\``;
    case "basic":
      return `${name}: \`username\` and \`password\` (HTTP basic)`;
    case "apiKey":
      return `${name}: \`apiKey\`, sent in the ${auth.in} ${mdCode(auth.name)}`;
    case "oauth2":
      return `${name}: \`clientId\` and \`clientSecret\` (OAuth2 client credentials, token URL ${mdCode(auth.tokenUrl)}), or a ready \`accessToken\``;
  }
}

function genericView(api: ApiModel): GenericView {
  const generic = api.generic!;
  return {
    mdBaseUrl: generic.baseUrl ? mdCode(generic.baseUrl) : "",
    servers: generic.servers.map((s) => ({
      mdUrl: mdCode(s.url),
      mdTemplate: s.template !== s.url ? mdCode(s.template) : "",
      mdDescription: mdInline(s.description),
      variables: s.variables.map((v) => ({
        mdName: mdCode(v.name),
        mdDefault: mdCode(v.default),
        mdValues: v.values ? v.values.map(mdCode).join(", ") : "any",
        mdDescription: mdInline(v.description),
      })),
    })),
    auth: generic.schemes.map((s) => ({ mdNote: authNote(s) })),
    exampleOptions: exampleOptions(api),
  };
}

/** Environment variables the README reads each credential from (`PETSTORE_API_KEY`). */
const CREDENTIAL_VARIABLES: Record<string, string> = {
  clientId: "CLIENT_ID",
  clientSecret: "CLIENT_SECRET",
  accessToken: "TOKEN",
  username: "USERNAME",
  password: "PASSWORD",
  apiKey: "API_KEY",
};

/**
 * The README's first code block, after its import: the client created with credentials read from
 * the environment, one call (the first GET, else the first operation, as its `@example` shows
 * it) and an `ApiError` told apart. Compiled by test/generator/readme-standalone.test.ts.
 */
function readmeUse(api: ApiModel): string {
  const prefix = api.name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
  const options = exampleOptions(api)
    .split(", ")
    .filter(Boolean)
    .map((o) =>
      CREDENTIAL_VARIABLES[o] ? `${o}: process.env.${prefix}_${CREDENTIAL_VARIABLES[o]}` : o,
    )
    .join(", ");
  const create = `const client = create${typeStem(api.name)}Client(${options ? `{ ${options} }` : ""});`;
  const op = api.operations.find((o) => o.method === "GET") ?? api.operations[0];
  if (!op) return create;
  const members = memberPaths(api.root).get(op) ?? [op.methodName];
  const call = exampleCall(api, op, "client", members, { paged: !!op.paging });
  const body = op.paging ? call : `${call}\nconsole.log(result);`;
  return [
    create,
    "",
    "try {",
    body.replace(/^/gm, "  "),
    "} catch (error) {",
    "  // An ApiError has the status, the operation and the answer (secrets scrubbed); a",
    "  // TimeoutError or ConnectionError means no answer came.",
    "  if (error instanceof ApiError) console.error(error.status, error.message);",
    "  throw error;",
    "}",
  ].join("\n");
}
