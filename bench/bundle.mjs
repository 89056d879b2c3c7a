// Line 6: bundle size of a consumer that calls one IROH operation (esbuild, minified, ESM,
// platform node), and what importing `xdr-sdk/iroh` pulls in. `xdr-sdk` resolves to generated/
// through a symlink in a scratch node_modules, so the package's `exports` map is honoured.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { ROOT, cacheDir, fmt, remove } from "./lib.mjs";

const PRELUDE = `const opts = JSON.parse(process.env.XDR_OPTIONS ?? "{}");\nconst content = process.argv[2];\n`;

const ENTRIES = {
  "tree-shakable": `import { createTransport, IROH_API } from "xdr-sdk/iroh";
import { inspect } from "xdr-sdk/iroh/operations";
${PRELUDE}console.log(await createTransport(IROH_API, opts).call(inspect, { content }));
`,
  "full client": `import { createIrohClient } from "xdr-sdk/iroh";
${PRELUDE}console.log(await createIrohClient(opts).inspect({ content }));
`,
  "openapi-fetch": `import createClient from "openapi-fetch";
${PRELUDE}const client = createClient({ baseUrl: opts.baseUrl, headers: { Authorization: "Bearer " + opts.accessToken } });
console.log((await client.POST("/iroh/iroh-inspect/inspect", { body: { content } })).data);
`,
};

const LIMIT = 10_000;

export async function bundle() {
  const dir = cacheDir("bundle");
  try {
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(join(ROOT, "generated"), join(dir, "node_modules", "xdr-sdk"), "dir");
    const results = {};
    for (const [name, source] of Object.entries(ENTRIES)) {
      const file = join(dir, `${name.replace(/\W+/g, "-")}.mjs`);
      writeFileSync(file, source);
      const r = await build({
        entryPoints: [file],
        absWorkingDir: dir,
        bundle: true,
        minify: true,
        format: "esm",
        platform: "node",
        target: "es2022",
        write: false,
        metafile: true,
        logLevel: "error",
      });
      const output = Object.values(r.metafile.outputs)[0];
      const inputs = Object.entries(output.inputs)
        .filter(([, v]) => v.bytesInOutput > 0)
        .map(([path, v]) => [relative(ROOT, join(dir, path)), v.bytesInOutput])
        .sort((a, b) => b[1] - a[1]);
      const contents = r.outputFiles[0].contents;
      results[name] = { bytes: contents.length, gzip: gzipSync(contents).length, inputs };
    }
    const foreign = ["tree-shakable", "full client"].flatMap((n) =>
      results[n].inputs.map(([p]) => p).filter((p) => /(^|\/)(ctia|automation)\//.test(p)),
    );
    const small = results["tree-shakable"].bytes;
    const full = results["full client"].bytes;
    const floor = results["openapi-fetch"].bytes;
    return {
      rows: [
        {
          line: "6 bundle: createTransport(IROH_API).call(inspect) (min, esm)",
          measured: `${fmt.kb(small)} (${small} B)`,
          ratio: `${fmt.x(small / floor)} of openapi-fetch`,
          target: "≤ 10.0 kB",
          pass: small <= LIMIT,
        },
        {
          // What goes over the wire when the bundle is served compressed (browser, edge).
          line: "6 bundle: the same, gzip (information)",
          measured: `${fmt.kb(results["tree-shakable"].gzip)} vs ${fmt.kb(results["openapi-fetch"].gzip)} for openapi-fetch`,
          ratio: `${fmt.x(results["tree-shakable"].gzip / results["openapi-fetch"].gzip)} of openapi-fetch`,
        },
        {
          // Where the bytes go (per module, minified): what to look at when the line fails.
          line: "6 bundle: largest modules of the one-call bundle (information)",
          measured: results["tree-shakable"].inputs
            .slice(0, 6)
            .map(
              ([p, bytes]) =>
                `${p.replace(/^.*\/(?:dist|src)\//, "").replace(/\.js$/, "")} ${bytes}`,
            )
            .join(", "),
        },
        {
          line: "6 bundle: createIrohClient().inspect() (information)",
          measured: `${fmt.kb(full)} (${full} B)`,
          ratio: `${fmt.x(full / floor)} of openapi-fetch`,
        },
        {
          line: "6 bundle: openapi-fetch POST alone (reference)",
          measured: `${fmt.kb(floor)} (${floor} B)`,
        },
        {
          line: "6 importing xdr-sdk/iroh pulls no CTIA/Automation module",
          measured: foreign.length ? foreign.join(", ") : "none",
          target: "none",
          pass: foreign.length === 0,
        },
      ],
      detail: results,
    };
  } finally {
    remove(dir);
  }
}
