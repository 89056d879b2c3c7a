// Stage 4b — compile: `src/**/*.ts` → `dist/**/*.js` + `.d.ts`, file by file. The generated code
// and the runtime annotate every export, so declarations need no type-checker
// (isolatedDeclarations); the large generated files bring their own, printed by templates, as
// TypeScript takes seconds over a megabyte of client. Type-checking is the tests' job.
// The runtime and testing sources, copied verbatim, are compiled at build time (precompiled.ts):
// a run looks them up by content and compiles only what it does not find.
import { readPrecompiled, sourceKey, type PrecompiledTable } from "./precompiled.js";
import { reexportDeclaration } from "./reexports.js";
import type { RenderedFile } from "./render.js";

/** The generator's source hash, set by scripts/build.mjs in the bundle; undefined under tsx. */
declare const XDR_CODEGEN_BUILD: string | undefined;

const DTS_OPTIONS = {
  target: 9 /* ES2022 */,
  module: 99 /* ESNext */,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  declaration: true,
  isolatedDeclarations: true,
  strict: true,
};

/**
 * `precompiled`: the table to look sources up in; by default the one the bundle was built with
 * (none when running from generator/*.ts); null compiles everything.
 */
export async function compileFiles(
  files: readonly RenderedFile[],
  precompiled?: PrecompiledTable | null,
): Promise<RenderedFile[]> {
  const ts = (await import("typescript")).default;
  // esbuild strips types several times faster than ts.transpileModule on large clients.
  const esbuild = await import("esbuild");
  const known =
    precompiled === undefined
      ? await bundledTable(ts.version, esbuild.version)
      : (precompiled ?? undefined);
  const sources = files.filter((f) => f.path.startsWith("src/") && f.path.endsWith(".ts"));
  // Files rendered with their declarations are the large generated ones: never in the table.
  const hits = sources.map((f) =>
    known && typeof f.declaration !== "string" ? known.get(sourceKey(f.content)) : undefined,
  );
  // All transforms are sent to esbuild's service at once (it works in parallel), then read in
  // order: an error names the first broken file, as a sequential loop would.
  const js = await Promise.allSettled(
    sources.map((f, i) =>
      hits[i] || f.path.endsWith("/types.ts") ? Promise.resolve(hits[i]?.js) : transpileJs(f),
    ),
  );
  const out: RenderedFile[] = [];
  sources.forEach((file, i) => {
    const stem = "dist/" + file.path.slice("src/".length, -".ts".length);
    if (file.path.endsWith("/types.ts")) {
      // openapi-typescript output holds only types: it is its own declaration file.
      out.push({ path: `${stem}.d.ts`, content: file.content, format: false });
      out.push({ path: `${stem}.js`, content: "export {};\n", format: false });
      return;
    }
    const result = js[i]!;
    if (result.status === "rejected") throw result.reason;
    out.push({ path: `${stem}.js`, content: result.value!, format: false });
    if (file.declaration === null) return;
    const declaration =
      file.declaration ??
      hits[i]?.dts ??
      reexportDeclaration(file.content) ??
      declarationOf(ts, file.path, file.content);
    out.push({ path: `${stem}.d.ts`, content: declaration, format: false });
  });
  return out;
}

async function bundledTable(typescript: string, esbuild: string) {
  if (typeof XDR_CODEGEN_BUILD !== "string") return undefined;
  // dist/precompiled.json, beside the bundle (dist/xdr-codegen.js or dist/index.js).
  const file = new URL("./precompiled.json", import.meta.url);
  return readPrecompiled(file, { build: XDR_CODEGEN_BUILD, typescript, esbuild });
}

/** A source's JavaScript, as every run emits it (and scripts/build.mjs precompiles it). */
export async function transpileJs(file: Pick<RenderedFile, "path" | "content">): Promise<string> {
  const esbuild = await import("esbuild");
  const js = await esbuild.transform(file.content, {
    loader: "ts",
    format: "esm",
    target: "es2022",
    sourcefile: file.path,
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
  });
  return js.code;
}

/** A source's declarations, or an error naming the file and line that needs an annotation. */
export function declarationOf(
  ts: typeof import("typescript"),
  path: string,
  content: string,
): string {
  const dts = ts.transpileDeclaration(content, {
    compilerOptions: DTS_OPTIONS,
    fileName: path,
    reportDiagnostics: true,
  });
  const first = dts.diagnostics?.[0];
  if (first) {
    const message = ts.flattenDiagnosticMessageText(first.messageText, "\n");
    const line =
      first.start !== undefined && first.file
        ? `:${first.file.getLineAndCharacterOfPosition(first.start).line + 1}`
        : "";
    throw new Error(`cannot compile ${path}${line}: ${message}`);
  }
  return dts.outputText;
}
