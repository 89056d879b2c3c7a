// Stage 4b — compile: `src/**/*.ts` → `dist/**/*.js` + `.d.ts`, file by file. The generated code
// and the runtime annotate every export, so declarations need no type-checker
// (isolatedDeclarations); the large generated files bring their own, printed by templates, as
// TypeScript takes seconds over a megabyte of client. Type-checking is the tests' job.
import type { RenderedFile } from "./render.js";

const DTS_OPTIONS = {
  target: 9 /* ES2022 */,
  module: 99 /* ESNext */,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  declaration: true,
  isolatedDeclarations: true,
  strict: true,
};

export async function compileFiles(files: readonly RenderedFile[]): Promise<RenderedFile[]> {
  const ts = (await import("typescript")).default;
  // esbuild strips types several times faster than ts.transpileModule on large clients.
  const esbuild = await import("esbuild");
  const out: RenderedFile[] = [];
  for (const file of files) {
    if (!file.path.startsWith("src/") || !file.path.endsWith(".ts")) continue;
    const stem = "dist/" + file.path.slice("src/".length, -".ts".length);
    if (file.path.endsWith("/types.ts")) {
      // openapi-typescript output holds only types: it is its own declaration file.
      out.push({ path: `${stem}.d.ts`, content: file.content, format: false });
      out.push({ path: `${stem}.js`, content: "export {};\n", format: false });
      continue;
    }
    const js = await esbuild.transform(file.content, {
      loader: "ts",
      format: "esm",
      target: "es2022",
      sourcefile: file.path,
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
    });
    out.push({ path: `${stem}.js`, content: js.code, format: false });
    if (file.declaration === null) continue;
    const declaration = file.declaration ?? declarationOf(ts, file);
    out.push({ path: `${stem}.d.ts`, content: declaration, format: false });
  }
  return out;
}

function declarationOf(ts: typeof import("typescript"), file: RenderedFile): string {
  const dts = ts.transpileDeclaration(file.content, {
    compilerOptions: DTS_OPTIONS,
    fileName: file.path,
    reportDiagnostics: true,
  });
  const first = dts.diagnostics?.[0];
  if (first) {
    const message = ts.flattenDiagnosticMessageText(first.messageText, "\n");
    const line =
      first.start !== undefined && first.file
        ? `:${first.file.getLineAndCharacterOfPosition(first.start).line + 1}`
        : "";
    throw new Error(`cannot compile ${file.path}${line}: ${message}`);
  }
  return dts.outputText;
}
