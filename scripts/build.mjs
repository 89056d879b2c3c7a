// Bundles the generator (generator/*.ts) with esbuild: dist/xdr-codegen.js (the CLI) and
// dist/index.js (the programmatic API, `import { generate, check } from "xdr-codegen"`), with
// the API's declarations (dist/*.d.ts, printed file by file: its exports are all annotated).
// Runs from `npm ci` (prepare) and, with --if-stale, before every npm script that uses the CLI,
// so a fresh clone needs no manual build step and an edit to generator/ is never run stale.
// Also dist/precompiled.json: the runtime's and the simulator's compiled output (see
// generator/precompiled.ts), which every `generate` would otherwise compute again.
import { createHash } from "node:crypto";
import { build, version as esbuildVersion } from "esbuild";
import {
  readdirSync,
  readFileSync,
  statSync,
  existsSync,
  mkdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const outfile = join(root, "dist", "xdr-codegen.js");

function newestSourceMtime() {
  let newest = statSync(join(root, "package.json")).mtimeMs;
  // Recursive: generator/targets/ holds the MCP and CLI targets. The runtime and testing sources
  // feed dist/precompiled.json (a stale table is only slower: its entries then miss).
  for (const dir of ["generator", "templates/runtime", "templates/testing"]) {
    for (const name of readdirSync(join(root, dir), { recursive: true })) {
      newest = Math.max(newest, statSync(join(root, dir, name)).mtimeMs);
    }
  }
  return newest;
}

if (process.argv.includes("--if-stale") && existsSync(outfile)) {
  if (statSync(outfile).mtimeMs >= newestSourceMtime()) process.exit(0);
}

/** The generator's sources, hashed by name and content: both bundles record the same value. */
function sourceHash() {
  const hash = createHash("sha256");
  const names = readdirSync(join(root, "generator"), { recursive: true })
    .map(String)
    .filter((n) => n.endsWith(".ts"))
    .sort();
  for (const name of names) {
    hash.update(name.split("\\").join("/")).update("\0");
    hash.update(readFileSync(join(root, "generator", name))).update("\0");
  }
  return hash.digest("hex");
}

/**
 * The generator's dynamic `import()` of these CommonJS packages becomes a `require()`. Importing
 * CommonJS from ESM makes Node detect the file's module format and lex it for export names
 * before running it: over TypeScript's 9 MB that took ~0.4 s of every cold `generate`, twice
 * what loading it with `require` costs. openapi-typescript is taken as its CommonJS build, so
 * that TypeScript is reached by `require` throughout.
 */
const REQUIRED = new Set(["typescript", "openapi-typescript", "@redocly/openapi-core"]);
const requireCommonJs = {
  name: "require-commonjs",
  setup(b) {
    b.onResolve({ filter: /^[@\w]/ }, (args) =>
      args.kind === "dynamic-import" && REQUIRED.has(args.path)
        ? { path: args.path, namespace: "require-commonjs" }
        : undefined,
    );
    // esbuild's interop gives `import()` the same shape: named exports and `default`.
    b.onLoad({ filter: /.*/, namespace: "require-commonjs" }, (args) => ({
      contents: `module.exports = __xdrRequire(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};
const REQUIRE_BANNER =
  'import { createRequire as __xdrCreateRequire } from "node:module";\n' +
  "const __xdrRequire = __xdrCreateRequire(import.meta.url);";

const buildHash = sourceHash();
const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
  define: { XDR_CODEGEN_BUILD: JSON.stringify(buildHash) },
  plugins: [requireCommonJs],
  banner: { js: REQUIRE_BANNER },
};

// The API first: the CLI's mtime is what --if-stale compares, so it is written last.
await build({
  ...common,
  entryPoints: [join(root, "generator", "index.ts")],
  outfile: join(root, "dist", "index.js"),
});
mkdirSync(join(root, "dist"), { recursive: true });
// The entry point's declarations and those they import, transitively.
const queue = ["index"];
for (const name of queue) {
  const result = ts.transpileDeclaration(
    readFileSync(join(root, "generator", `${name}.ts`), "utf8"),
    {
      fileName: `${name}.ts`,
      reportDiagnostics: true,
      compilerOptions: { isolatedDeclarations: true, declaration: true, strict: true },
    },
  );
  const problem = result.diagnostics?.[0];
  if (problem) {
    throw new Error(
      `generator/${name}.ts: ${ts.flattenDiagnosticMessageText(problem.messageText, "\n")}`,
    );
  }
  writeFileSync(join(root, "dist", `${name}.d.ts`), result.outputText);
  for (const m of result.outputText.matchAll(/from "\.\/([\w-]+)\.js"/g)) {
    if (!queue.includes(m[1])) queue.push(m[1]);
  }
}
await writePrecompiled();
await build({
  ...common,
  entryPoints: [join(root, "generator", "cli.ts")],
  outfile,
  banner: { js: "#!/usr/bin/env node\n" + REQUIRE_BANNER },
});

/**
 * dist/precompiled.json, computed by the generator's own compile functions (bundled apart into
 * a scratch module) so that the table holds exactly what a run would emit.
 */
async function writePrecompiled() {
  const scratch = join(root, "dist", `.precompile-${process.pid}.mjs`);
  const bundled = await build({
    ...common,
    sourcemap: false,
    write: false,
    stdin: {
      contents: [
        'export { buildPrecompiled, PRECOMPILED_FILE } from "./generator/precompiled.ts";',
        'export { declarationOf, transpileJs } from "./generator/compile.ts";',
      ].join("\n"),
      resolveDir: root,
      loader: "ts",
    },
    outfile: scratch,
  });
  writeFileSync(scratch, bundled.outputFiles[0].text);
  try {
    const m = await import(pathToFileURL(scratch).href);
    const stamp = { build: buildHash, typescript: ts.version, esbuild: esbuildVersion };
    const table = await m.buildPrecompiled(join(root, "templates"), stamp, {
      js: (path, content) => m.transpileJs({ path, content }),
      dts: (path, content) => m.declarationOf(ts, path, content),
    });
    writeFileSync(join(root, "dist", m.PRECOMPILED_FILE), JSON.stringify(table) + "\n");
  } finally {
    rmSync(scratch, { force: true });
  }
}
