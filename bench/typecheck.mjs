// Line 7: `tsc --noEmit` of a consumer of all three APIs through `createXdr`, against the same
// consumer written with openapi-typescript's output and openapi-fetch alone.
import { copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  BENCH,
  ROOT,
  cacheDir,
  fmt,
  interleaved,
  median,
  remove,
  runNode,
  tempDir,
} from "./lib.mjs";

const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const SPECS = ["iroh", "ctia", "automation"];

const XDR_CONSUMER = `import { createXdr } from "xdr-sdk";

const xdr = createXdr({ clientId: "id", clientSecret: "secret", region: "eu" });

export async function main(): Promise<string[]> {
  const observables = await xdr.iroh.inspect({ content: "203.0.113.66 internetbadguys.com" });
  const verdicts = await xdr.iroh.enrich.deliberate(observables);
  const sightings = await xdr.iroh.enrich.observe(observables, { query: { mids: ["m1"] } });
  const judgement = await xdr.ctia.judgements.get({ id: "judgement-1" });
  const ids: string[] = [judgement.id];
  for await (const j of xdr.ctia.judgements.search({ query: "disposition:2", limit: 10 })) {
    ids.push(j.id);
  }
  const incident = await xdr.ctia.incidents.get({ id: "incident-1" });
  const workflows = await xdr.automation.workflows.list();
  const workflow = await xdr.automation.workflows.get({ workflow_id: "wf-1" });
  const run = await xdr.automation.workflows.start({ workflow_id: "wf-1" }, { wait: true });
  const instance = await xdr.automation.instances.get({ wf_instance_id: "run-1" });
  void [verdicts.data?.length, sightings, incident.status, workflows, workflow, run, instance];
  return ids;
}
`;

const OPENAPI_FETCH_CONSUMER = `import createClient from "openapi-fetch";
import type { paths as IrohPaths } from "./ot/iroh.js";
import type { paths as CtiaPaths } from "./ot/ctia.js";
import type { paths as AutomationPaths } from "./ot/automation.js";

const headers = { Authorization: "Bearer token" };
const iroh = createClient<IrohPaths>({ baseUrl: "https://visibility.eu.amp.cisco.com", headers });
const ctia = createClient<CtiaPaths>({ baseUrl: "https://private.intel.eu.amp.cisco.com", headers });
const automation = createClient<AutomationPaths>({
  baseUrl: "https://automate.eu.security.cisco.com/api",
  headers,
});

export async function main(): Promise<string[]> {
  const { data: observables = [] } = await iroh.POST("/iroh/iroh-inspect/inspect", {
    body: { content: "203.0.113.66 internetbadguys.com" },
  });
  const { data: verdicts } = await iroh.POST("/iroh/iroh-enrich/deliberate/observables", {
    body: observables,
  });
  const { data: sightings } = await iroh.POST("/iroh/iroh-enrich/observe/observables", {
    params: { query: { mids: ["m1"] } },
    body: observables,
  });
  const { data: judgement } = await ctia.GET("/ctia/judgement/{id}", {
    params: { path: { id: "judgement-1" } },
  });
  const ids: string[] = judgement ? [judgement.id] : [];
  const { data: page } = await ctia.GET("/ctia/judgement/search", {
    params: { query: { query: "disposition:2", limit: 10 } },
  });
  for (const j of page ?? []) ids.push(j.id);
  const { data: incident } = await ctia.GET("/ctia/incident/{id}", {
    params: { path: { id: "incident-1" } },
  });
  const { data: workflows } = await automation.GET("/v1/workflows");
  const { data: workflow } = await automation.GET("/v1/workflows/{workflow_id}", {
    params: { path: { workflow_id: "wf-1" } },
  });
  const { data: run } = await automation.POST("/v1/workflows/start", {
    params: { query: { workflow_id: "wf-1" } },
    body: {},
  });
  const { data: instance } = await automation.GET("/v1/instances/{wf_instance_id}", {
    params: { path: { wf_instance_id: "run-1" } },
  });
  void [verdicts?.data?.length, sightings, incident?.status, workflows, workflow, run, instance];
  return ids;
}
`;

function project(dir, source, skipLibCheck) {
  writeFileSync(join(dir, "consumer.ts"), source);
  writeFileSync(
    join(dir, `tsconfig.${skipLibCheck ? "skip" : "full"}.json`),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        strict: true,
        noEmit: true,
        skipLibCheck,
        types: [],
      },
      files: ["consumer.ts"],
    }),
  );
}

async function tsc(dir, skipLibCheck) {
  const config = join(dir, `tsconfig.${skipLibCheck ? "skip" : "full"}.json`);
  const r = await runNode([TSC, "-p", config, "--extendedDiagnostics"], { allowFailure: true });
  const text = r.stdout + r.stderr;
  const seconds = (label) => Number(new RegExp(`${label}:\\s+([\\d.]+)s`).exec(text)?.[1]) * 1000;
  const errors = text
    .split("\n")
    .filter((l) => /error TS\d+/.test(l))
    .map((l) => l.slice(l.lastIndexOf("/") + 1));
  return {
    totalMs: seconds("Total time"),
    checkMs: seconds("Check time"),
    errors,
    tooDeep: /excessively deep/i.test(text),
  };
}

/** Line 7. `floorTypes`: a folder holding openapi-typescript's <spec>.d.ts (else made here). */
export async function typecheck({ runs, floorTypes }) {
  const dir = cacheDir("typecheck");
  let madeTypes;
  try {
    if (!floorTypes || !SPECS.every((s) => existsSync(join(floorTypes, `${s}.d.ts`)))) {
      madeTypes = tempDir("ot");
      const specs = [join(ROOT, "specs", "iroh.yaml"), join(ROOT, "specs", "ctia.yaml")];
      specs.push(join(ROOT, "specs", "automation.json"));
      await runNode([join(BENCH, "openapi-typescript.mjs"), madeTypes, ...specs]);
      floorTypes = madeTypes;
    }
    const xdrDir = join(dir, "xdr");
    const ofDir = join(dir, "openapi-fetch");
    mkdirSync(join(xdrDir, "node_modules"), { recursive: true });
    mkdirSync(join(ofDir, "ot"), { recursive: true });
    symlinkSync(join(ROOT, "generated"), join(xdrDir, "node_modules", "xdr-sdk"), "dir");
    for (const s of SPECS)
      copyFileSync(join(floorTypes, `${s}.d.ts`), join(ofDir, "ot", `${s}.d.ts`));
    const rows = [];
    const detail = {};
    for (const skipLibCheck of [true, false]) {
      project(xdrDir, XDR_CONSUMER, skipLibCheck);
      project(ofDir, OPENAPI_FETCH_CONSUMER, skipLibCheck);
      const t = await interleaved(
        { xdr: () => tsc(xdrDir, skipLibCheck), of: () => tsc(ofDir, skipLibCheck) },
        runs,
      );
      const total = (k) => median(t[k].map((r) => r.totalMs));
      const check = (k) => median(t[k].map((r) => r.checkMs));
      const ratio = total("xdr") / total("of");
      const errors = [...new Set([...t.xdr, ...t.of].flatMap((r) => r.errors))];
      const tooDeep = [...t.xdr, ...t.of].some((r) => r.tooDeep);
      const label = skipLibCheck ? "skipLibCheck" : "full lib check";
      detail[label] = t;
      rows.push({
        line: `7 tsc consumer of 3 APIs (${label}): total (check ${fmt.ms(check("xdr"))} vs ${fmt.ms(check("of"))})`,
        measured: `${fmt.ms(total("xdr"))} vs ${fmt.ms(total("of"))}`,
        ratio: fmt.x(ratio),
        target: "≤ 1.20×",
        pass: ratio <= 1.2,
      });
      rows.push({
        line: `7 tsc errors / "excessively deep" (${label})`,
        measured: errors.length
          ? `${errors.length}: ${errors[0]}`
          : tooDeep
            ? "excessively deep"
            : "none",
        target: "none",
        pass: errors.length === 0 && !tooDeep,
      });
    }
    return { rows, detail };
  } finally {
    remove(dir);
    if (madeTypes) remove(madeTypes);
  }
}
