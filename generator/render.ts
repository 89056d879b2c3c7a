// Stage 3 — render: an `ApiModel` becomes files. Types come from openapi-typescript; everything
// else from Handlebars templates that only loop and print. The view models built here hold every
// string already escaped for where it lands, so templates need no logic.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "./config.js";
import {
  assertPlain,
  commentInline,
  jsDoc,
  mdCode,
  mdInline,
  tsLiteral,
  tsString,
} from "./escape.js";
import { BadInputError } from "./errors.js";
import { exampleCall, memberPaths } from "./examples.js";
import type { ApiModel, GroupModel, OperationModel } from "./model.js";
import type { SchemeDoc } from "./security.js";
import { projectsFields } from "./type-exprs.js";
import { packageLinks } from "./package-links.js";
import {
  apiNames,
  namespacesOf,
  rootNamesOf,
  typesNote,
  type NamesView,
  type OperationTypes,
} from "./named-types.js";
import { typeStem } from "./naming.js";

export interface RenderedFile {
  /** Relative to the output folder, `/`-separated. */
  readonly path: string;
  readonly content: string;
  /** Run prettier over it (template output); the large types file is printed well already. */
  readonly format: boolean;
  /**
   * Its `.d.ts`, printed by a template, where running TypeScript over it would be slow; `null`
   * for a module reached only through an entry point whose declarations are self-contained (the
   * simulator's internals behind `xdr-sdk/testing`): it ships as JavaScript alone.
   */
  readonly declaration?: string | null;
}

export interface Templates {
  render(name: string, data: unknown): string;
}

/**
 * Loads the default templates, then the same names from `overrideDir` on top (any template or
 * partial can be replaced by a user's copy).
 */
export async function loadTemplates(defaultDir: string, overrideDir?: string): Promise<Templates> {
  const Handlebars = (await import("handlebars")).default;
  const hb = Handlebars.create();
  // Handlebars HTML-escapes `{{x}}`, which is wrong for TypeScript. Instead, `{{x}}` may print
  // only plain identifiers and numbers; spec text must go through an escaping helper.
  hb.Utils.escapeExpression = (value: unknown) =>
    value && typeof (value as { toHTML?: unknown }).toHTML === "function"
      ? (value as { toHTML(): string }).toHTML()
      : assertPlain(value);
  const safe = (text: string) => new hb.SafeString(text);
  hb.registerHelper("str", (value: unknown) => safe(tsString(String(value ?? ""))));
  hb.registerHelper("json", (value: unknown) => safe(JSON.stringify(value ?? null, null, 2)));
  hb.registerHelper("md", (value: unknown) =>
    safe(mdInline(value === undefined ? "" : String(value))),
  );
  hb.registerHelper("code", (value: unknown) => safe(mdCode(String(value ?? ""))));
  hb.registerHelper("raw", (value: unknown) => safe(String(value ?? "")));

  const sources = new Map<string, string>();
  /** Templates and partials taken from `overrideDir`: their failures are the user's to fix. */
  const overridden = new Set<string>();
  for (const dir of [defaultDir, overrideDir].filter((d): d is string => d !== undefined)) {
    for (const name of await listFiles(dir)) {
      sources.set(name, await readFile(join(dir, name), "utf8"));
      if (dir === overrideDir) overridden.add(name);
    }
  }
  for (const [name, source] of sources) {
    if (name.startsWith("partials/")) {
      hb.registerPartial(name.slice("partials/".length).replace(/\.hbs$/, ""), source);
    }
  }
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  return {
    render(name, data) {
      let template = compiled.get(name);
      if (!template) {
        const source = sources.get(name);
        if (source === undefined) throw new Error(`template ${name} not found`);
        template = hb.compile(source, { strict: true, noEscape: false });
        compiled.set(name, template);
      }
      try {
        return template(data);
      } catch (error) {
        // A broken override is bad input; a broken default template is a bug (rethrown).
        if (overrideDir === undefined || overridden.size === 0) throw error;
        const culprit = overridden.has(name) ? name : [...overridden].sort().join(", ");
        throw new BadInputError(
          { file: join(overrideDir, culprit) },
          `template failed: ${(error as Error).message.split("\n")[0]}`,
        );
      }
    },
  };
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true }).catch(() => []);
  const names: string[] = [];
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (rel === "runtime") continue;
      names.push(...(await listFiles(dir, rel)));
    } else if (entry.name.endsWith(".hbs")) {
      names.push(rel);
    }
  }
  return names;
}

// ---- types ---------------------------------------------------------------------------------

/** openapi-typescript's transform on the already-bundled document (no second parse or lint). */
export async function renderTypes(
  document: Record<string, unknown>,
  typing: { emptyObjectsAsUnknown?: boolean } = {},
): Promise<string> {
  const ot = await import("openapi-typescript");
  const ts = (await import("typescript")).default;
  const unknownType = ts.factory.createKeywordTypeNode(ts.SyntaxKind.UnknownKeyword);
  // The runtime sends a Blob as a file part and returns binary responses as a Blob.
  const blobType = ts.factory.createTypeReferenceNode("Blob");
  const transform = (schema: Record<string, unknown>) => {
    if (schema.type === "string" && schema.format === "binary") return blobType;
    if (typing.emptyObjectsAsUnknown && isEmptyObject(schema)) return unknownType;
    return undefined;
  };
  const ctx = {
    additionalProperties: false,
    alphabetize: false,
    arrayLength: false,
    defaultNonNullable: true,
    discriminators: ot.scanDiscriminators(document as never, { silent: true } as never),
    // Free-form maps (Automation's target `properties`, say) must accept values, not `never`.
    emptyObjectsUnknown: true,
    enum: false,
    enumValues: false,
    conditionalEnums: false,
    dedupeEnums: false,
    excludeDeprecated: false,
    exportType: false,
    immutable: false,
    rootTypes: false,
    rootTypesNoSchemaPrefix: false,
    rootTypesKeepCasing: false,
    injectFooter: [],
    pathParamsAsTypes: false,
    postTransform: undefined,
    propertiesRequiredByDefault: false,
    redoc: undefined,
    silent: true,
    inject: undefined,
    transform,
    transformProperty: undefined,
    makePathsEnum: false,
    generatePathParams: false,
    readWriteMarkers: false,
    resolve($ref: string) {
      return ot.resolveRef(document, $ref, { silent: true });
    },
  };
  const ast = ot.transformSchema(document as never, ctx as never);
  return ot.COMMENT_HEADER + ot.astToString(ast);
}

/** `{ type: object }` with no properties, no additionalProperties and no composition. */
function isEmptyObject(schema: Record<string, unknown>): boolean {
  const properties = schema.properties as Record<string, unknown> | undefined;
  return (
    schema.type === "object" &&
    (!properties || Object.keys(properties).length === 0) &&
    !schema.additionalProperties &&
    !schema.allOf &&
    !schema.oneOf &&
    !schema.anyOf
  );
}

// ---- view models -----------------------------------------------------------------------------

interface OperationView {
  name: string;
  constName: string;
  methodName: string;
  /** The method's key in a type literal: `"new"` (bare, it would declare a constructor). */
  memberKey: string;
  /** JSDoc block for the descriptor and for the client method. */
  descriptorDoc: string;
  methodDoc: string;
  /** `TypedOperation<InspectParams, InspectResponse>` */
  typeAnnotation: string;
  /** The method's argument type, `InspectParams` (names.ts), absent without arguments. */
  paramsType?: string;
  /** The method's result type, `InspectResponse`. */
  responseType: string;
  /** The `Operation` object literal. */
  literal: string;
  hasArgs: boolean;
  optional: boolean;
  /** `RequestOptions`, plus a typed `query` where the argument is the body itself. */
  optionsType: string;
  paginated: boolean;
  /** Takes `fields` that project the result: generic in the list (`Fielded<…, F>`). */
  fields: boolean;
  waitable: boolean;
  /** Markdown cells. */
  mdName: string;
  mdMethod: string;
  mdPath: string;
  mdScopes: string;
  mdSummary: string;
  mdNotes: string;
}

interface GroupView {
  name: string;
  /** The group's key in a type literal. */
  memberKey: string;
  operations: OperationView[];
  groups: GroupView[];
}

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

/** A member name as a type literal may hold it: `new` alone would declare a constructor. */
function memberKey(name: string): string {
  return name === "new" || !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? tsString(name) : name;
}

function operationView(
  api: ApiModel,
  op: OperationModel,
  types: OperationTypes,
  members: readonly string[],
): OperationView {
  const target = `paths[${tsString(op.path)}][${tsString(op.method.toLowerCase())}]`;
  const argsType = types.params ?? "void";
  const typeAnnotation = `TypedOperation<${argsType}${op.argsOptional ? " | void" : ""}, ${types.response}>`;
  const descriptor: Record<string, unknown> = {
    name: op.name,
    method: op.method,
    path: op.path,
    args: op.args,
  };
  if (op.pathParams.length) descriptor.pathParams = op.pathParams;
  if (op.queryParams.length) descriptor.queryParams = op.queryParams;
  if (op.headerParams.length) descriptor.headerParams = op.headerParams;
  if (op.body) descriptor.body = op.body;
  if (op.response !== "json") descriptor.response = op.response;
  if (op.scopes.length && !api.generic) descriptor.scopes = op.scopes;
  if (op.anyScopes) descriptor.anyScopes = op.anyScopes;
  if (!op.auth) descriptor.auth = false;
  if (op.safe) descriptor.safe = true;
  if (op.paging) descriptor.paging = op.paging;
  if (op.pagingFallback) descriptor.pagingFallback = op.pagingFallback;
  if (op.rateLimit) descriptor.rateLimit = op.rateLimit;

  const route = `${op.method} ${op.path}`;
  const scopeNote = op.scopes.length
    ? ` — scope ${op.scopes.join(", ")}`
    : op.anyScopes
      ? ` — scope ${op.anyScopes.map((set) => set.join(" + ")).join(" or ")}`
      : op.auth
        ? ""
        : api.generic
          ? " — no credentials"
          : " — no token";
  const notes = [
    op.paging ? `paged (${op.paging === "ctia" ? "X-Next / search_after" : "start / limit"})` : "",
    op.safe && op.method === "POST" ? "retried (read-only)" : "",
    op.deprecated ? "deprecated" : "",
    op.nameNote ? mdInline(op.nameNote) : "",
  ].filter(Boolean);
  const waitable = api.workflowRun?.start === op;
  const tags = [`\`${route}\`${scopeNote}`];
  if (op.nameNote) tags.push(op.nameNote);
  if (op.deprecated) tags.push("@deprecated");
  const receiver = api.generic ? "client" : `xdr.${api.name}`;
  const example = exampleCall(api, op, receiver, members, { paged: !!op.paging, waitable });
  tags.push(`@example\n${example}`);
  return {
    name: op.name,
    constName: op.constName,
    methodName: op.methodName,
    memberKey: memberKey(op.methodName),
    descriptorDoc: jsDoc([op.summary ?? op.name, `\`${route}\``]),
    methodDoc: jsDoc([
      op.summary,
      op.description !== op.summary ? op.description : undefined,
      ...tags,
    ]),
    typeAnnotation,
    ...(types.params ? { paramsType: types.params } : {}),
    fields: projectsFields(api, op),
    responseType: types.response,
    literal: tsLiteral(descriptor),
    hasArgs: op.args !== "none",
    optional: op.argsOptional,
    optionsType:
      op.args === "body" && op.queryParams.length > 0
        ? `RequestOptions & { query?: QueryParams<${target}> }`
        : "RequestOptions",
    paginated: op.paging !== undefined,
    waitable,
    mdName: mdCode(api.generic ? op.name : `${api.name}.${op.name}`),
    mdMethod: op.method,
    mdPath: mdCode(op.path),
    mdScopes: op.scopes.length
      ? op.scopes.map(mdCode).join(", ")
      : op.anyScopes
        ? op.anyScopes.map((set) => set.map(mdCode).join(" + ")).join(" or ")
        : op.auth
          ? "—"
          : api.generic
            ? "none (no credentials)"
            : "none (no token)",
    mdSummary: mdInline(op.summary),
    mdNotes: notes.join(", "),
  };
}

function groupView(group: GroupModel, views: Map<OperationModel, OperationView>): GroupView {
  return {
    name: group.name,
    memberKey: memberKey(group.name),
    operations: group.operations.map((o) => views.get(o)!),
    groups: group.groups.map((g) => groupView(g, views)),
  };
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
    ? { name: api.name, servers: api.servers, auth: api.generic.auth, sdk }
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
      ? `const ${api.name} = create${stem}Client({ ${exampleOptions(api)} });`
      : `const ${api.name} = create${stem}Client({ clientId, clientSecret, region: "eu" });`,
    generic: api.generic && genericView(api),
    anyScopes: api.operations.some((o) => o.scopes.length > 0),
    names: names.view,
    typeImports: [...names.byOperation.values()]
      .flatMap((t) => (t.params ? [t.params, t.response] : [t.response]))
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

/** The per-API files under `src/<api>/` and `docs/<api>.md`. */
export function renderApiFiles(view: ApiView, types: string, templates: Templates): RenderedFile[] {
  const dir = `src/${view.name}`;
  return [
    { path: `${dir}/types.ts`, content: types, format: false },
    {
      path: `${dir}/names.ts`,
      content: templates.render("names.ts.hbs", { ...view, declaration: false }),
      // Rendered, not transpiled: the declarations of a large spec's names take a second to derive.
      declaration: templates.render("names.d.ts.hbs", { ...view, declaration: true }),
      format: true,
    },
    {
      path: `${dir}/operations.ts`,
      content: templates.render("operations.ts.hbs", view),
      declaration: templates.render("operations.d.ts.hbs", view),
      format: true,
    },
    {
      path: `${dir}/client.ts`,
      content: templates.render("client.ts.hbs", view),
      declaration: templates.render("client.d.ts.hbs", view),
      format: true,
    },
    { path: `${dir}/index.ts`, content: templates.render("api-index.ts.hbs", view), format: true },
    {
      path: `docs/${view.name}.md`,
      content: templates.render("api-README.md.hbs", view),
      format: true,
    },
  ];
}

export interface PackageView {
  name: string;
  version: string;
  description: string;
  mdDescription: string;
  /** `keywords`, `homepage`, `bugs`, `repository`: package.json lines (package-links.ts). */
  links: string;
  xdr: boolean;
  apis: ApiView[];
  exportsJson: string;
  typesVersionsJson: string;
  generatorCommand: string;
  /** One API: its names are the root's too (`export *`); several: one namespace each. */
  singleApi: boolean;
  /**
   * Several APIs: the namespace each API's names are exported under at the root (its stem,
   * `Ctia`), unless the root exports that name already (a runtime export, `Xdr`).
   */
  namespaces: { name: string; stem: string }[];
  /** `{ from, names }` of what the root re-exports by name (the observable vocabulary). */
  rootNames?: { from: string; names: string };
}

export function packageView(
  config: Config,
  apis: ApiView[],
  generatorCommand: string,
): PackageView {
  // `default`, not `import`: one ESM build serves `require` too through Node ≥ 20.19's
  // require(esm), Bun and Deno — no second copy whose token cache and error classes would differ.
  const exportsMap: Record<string, unknown> = {
    ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
  };
  for (const api of apis) {
    exportsMap[`./${api.name}`] = {
      types: `./dist/${api.name}/index.d.ts`,
      default: `./dist/${api.name}/index.js`,
    };
    exportsMap[`./${api.name}/operations`] = {
      types: `./dist/${api.name}/operations.d.ts`,
      default: `./dist/${api.name}/operations.js`,
    };
  }
  // The rate budget: its own entry points, so that clients without one never load it (and the
  // Redis store never loads unless asked for). openapi-fetch: the raw client under openapi-fetch's
  // own type, whose declarations only a project importing this entry point type-checks.
  for (const module of ["budget", "budget-redis", "openapi-fetch"]) {
    exportsMap[`./${module}`] = {
      types: `./dist/runtime/${module}.d.ts`,
      default: `./dist/runtime/${module}.js`,
    };
  }
  // The XDR simulator, for users' tests: Node-only and never imported by the runtime, so it
  // stays out of every bundle that does not name it.
  if (config.xdr) {
    exportsMap["./testing"] = {
      types: "./dist/testing/index.d.ts",
      default: "./dist/testing/index.js",
    };
  }
  exportsMap["./package.json"] = "./package.json";
  // TypeScript's `moduleResolution: node10` ignores `exports`: map each subpath to its types.
  const typesVersions: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(exportsMap)) {
    const types = (target as { types?: string }).types;
    if (subpath !== "." && types) typesVersions[subpath.slice(2)] = [types];
  }
  return {
    name: config.package.name,
    version: config.package.version,
    description: config.package.description,
    mdDescription: mdInline(config.package.description),
    links: packageLinks(config.package),
    xdr: config.xdr,
    apis,
    // Indented to sit at the second level of package.json.hbs.
    exportsJson: JSON.stringify(exportsMap, null, 2).replace(/\n/g, "\n  "),
    typesVersionsJson: JSON.stringify({ "*": typesVersions }, null, 2)
      .replace(/\[\s+("[^"]*")\s+\]/g, "[$1]")
      .replace(/\n/g, "\n  "),
    generatorCommand,
    singleApi: apis.length === 1,
    namespaces: namespacesOf(apis),
    ...rootNamesOf(apis),
  };
}

/**
 * The XDR simulator (`templates/testing/`), to be compiled into `dist/testing/` only: it imports
 * Node built-ins, so its sources stay out of `src/` (which type-checks with DOM types alone).
 * Only `index.ts` gets declarations; they describe the whole public API without the internals.
 */
export async function testingSources(templatesDir: string): Promise<RenderedFile[]> {
  const dir = join(templatesDir, "testing");
  const names = (await readdir(dir)).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts"));
  return Promise.all(
    names.sort().map(async (name) => ({
      path: `src/testing/${name}`,
      content: await readFile(join(dir, name), "utf8"),
      format: false,
      ...(name === "index.ts" ? {} : { declaration: null }),
    })),
  );
}

/** Files shared by all APIs: the root index, package.json, the README, the LICENSE. */
export function renderPackageFiles(view: PackageView, templates: Templates): RenderedFile[] {
  return [
    { path: "src/index.ts", content: templates.render("index.ts.hbs", view), format: true },
    { path: "package.json", content: templates.render("package.json.hbs", view), format: true },
    { path: "README.md", content: templates.render("README.md.hbs", view), format: true },
    { path: "LICENSE", content: templates.render("LICENSE.hbs", view), format: false },
  ];
}
