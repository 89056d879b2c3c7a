// The floor of lines 1 and 3: openapi-typescript alone, through its Node API, in one cold
// process (as our CLI handles all specs in one process): read, validate and bundle each spec
// (Redocly), transform, print, write `<out>/<spec name>.d.ts`. Default options, as its CLI.
//   node bench/openapi-typescript.mjs <out dir> <spec>...
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const [out, ...specs] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
for (const spec of specs) {
  const ast = await openapiTS(pathToFileURL(resolve(spec)), { silent: true });
  const name = basename(spec).replace(/\.(ya?ml|json)$/, "");
  writeFileSync(join(out, `${name}.d.ts`), astToString(ast));
}
