// Stage 3 — render: an `ApiModel` becomes files. Types come from openapi-typescript; everything
// else from Handlebars templates that only loop and print. The view models the templates print
// (api-view.ts, operation-view.ts, package-view.ts) hold every string already escaped for where
// it lands, so templates need no logic.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ApiView } from "./api-view.js";
import { assertPlain, mdCode, mdInline, tsString } from "./escape.js";
import { BadInputError } from "./errors.js";
import type { PackageView } from "./package-view.js";

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

// ---- files from templates ------------------------------------------------------------------

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
