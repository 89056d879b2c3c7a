// The named types as a consumer meets them in the generated xdr-sdk (run `generate` first, as
// `npm test` does): importable by name from each entry point, shown by name in a hover, the
// observable list equal to Cisco's enum and tree-shaken away when unused, and renamed path
// parameters sending the same URL as before.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createConureClient } from "../../generated/src/conure/index.js";
import * as ctia from "../../generated/src/ctia/index.js";
import * as root from "../../generated/src/index.js";
import * as iroh from "../../generated/src/iroh/index.js";
import { OBSERVABLE_TYPES as SIMULATED } from "../../templates/testing/vocab.js";
import { strictTsc } from "../support/tsc.js";

const ROOT = join(import.meta.dirname, "..", "..");
const GENERATED = join(ROOT, "generated");
const SCRATCH = join(ROOT, ".xdr-test-tmp");

/** A project outside the package whose node_modules/xdr-sdk is the generated package. */
function consumerProject(files: Record<string, string>): string {
  mkdirSync(SCRATCH, { recursive: true });
  const dir = mkdtempSync(join(SCRATCH, "names-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(GENERATED, join(dir, "node_modules", "xdr-sdk"), "dir");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const CONSUMER = `
import type { InspectParams, InspectResponse, Incident, ObservableType, ResponseTriggerParams } from "xdr-sdk/iroh";
import type { Judgement, Sighting, Casebook, Verdict, Indicator, Investigation, JudgementsSearchResponse } from "xdr-sdk/ctia";
import type { Incident as ConureIncident, IncidentsGetParams } from "xdr-sdk/conure";
import type { WorkflowsStartParams } from "xdr-sdk/automation";
import { OBSERVABLE_TYPES, createXdr, type ArgsOf, type ResultOf, type Ctia, type Iroh } from "xdr-sdk";
import { OBSERVABLE_TYPES as CTIA_TYPES, type ObservableType as CtiaObservableType } from "xdr-sdk/ctia";
import { inspect } from "xdr-sdk/iroh/operations";

const params: InspectParams = { content: "1.2.3.4" };
const first: ObservableType = OBSERVABLE_TYPES[0]!;
const fromCtia: CtiaObservableType = CTIA_TYPES[0]!;
// @ts-expect-error: not an observable type
const wrong: ObservableType = "ipv7";
// ArgsOf/ResultOf keep working, and agree with the names.
const args: ArgsOf<typeof inspect> = params;
declare const response: InspectResponse;
const result: ResultOf<typeof inspect> = response;
const trigger: ResponseTriggerParams = {
  module_instance_id: "mi-1",
  action_id: "block-ip",
  observable_type: "ip",
  observable_value: "1.2.3.4",
};
const conure: IncidentsGetParams = { incident_id: "i-1" };
// @ts-expect-error: the hyphenated name is gone from the argument
const old: IncidentsGetParams = { "incident-id": "i-1" };
declare const start: WorkflowsStartParams;

const xdr = createXdr({ clientId: "id", clientSecret: "secret" });
export async function use(
  i: Incident, j: Judgement, s: Sighting, c: Casebook, v: Verdict, ind: Indicator,
  inv: Investigation, ci: ConureIncident, page: JudgementsSearchResponse,
  nj: Ctia.Judgement, np: Iroh.InspectParams,
) {
  const found: InspectResponse = await xdr.iroh.inspect(params);
  await xdr.iroh.response.trigger(trigger);
  await xdr.conure.incidents.get(conure);
  await xdr.iroh.raw.GET("/iroh/private-intel/incident/{incident_id}", {
    params: { path: { incident_id: "i-1" } },
  });
  return [found, first, fromCtia, wrong, args, result, old, start, i, j, s, c, v, ind, inv, ci, page, nj, np];
}
`;

describe("named types in the generated package", () => {
  let dir: string;
  beforeAll(() => {
    dir = consumerProject({ "consumer.ts": CONSUMER });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("compiles a strict consumer importing them from every entry point", () => {
    const { output, status } = strictTsc(dir, { files: ["consumer.ts"] });
    expect(output).toBe("");
    expect(status).toBe(0);
  }, 240_000);

  it("shows them in a hover of a method", () => {
    const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
    const source = [
      'import { createXdr } from "xdr-sdk";',
      "const x = createXdr();",
      "x.iroh.inspect;",
      "x.conure.incidents.get;",
      "",
    ].join("\n");
    const file = join(dir, "hover.ts");
    writeFileSync(file, source);
    const options: import("typescript").CompilerOptions = {
      strict: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: [],
      skipLibCheck: true,
    };
    const service = ts.createLanguageService({
      getScriptFileNames: () => [file],
      getScriptVersion: () => "1",
      getScriptSnapshot: (f) =>
        ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)!) : undefined,
      getCurrentDirectory: () => dir,
      getCompilationSettings: () => options,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: ts.sys.fileExists,
      readFile: ts.sys.readFile,
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
    });
    const hover = (needle: string) => {
      const info = service.getQuickInfoAtPosition(file, source.indexOf(needle) + 1);
      return ts.displayPartsToString(info?.displayParts);
    };
    expect(hover("inspect;")).toBe(
      "(method) IrohClient.inspect(args: InspectParams, options?: RequestOptions): ApiPromise<InspectResponse>",
    );
    expect(hover("get;")).toContain("(args: IncidentsGetParams, options?: RequestOptions)");
    expect(hover("get;")).toContain("ApiPromise<IncidentsGetResponse>");
  }, 240_000);

  it("declares client methods with the names, not ArgsOf<typeof op.x>", () => {
    const declarations = readFileSync(join(GENERATED, "dist/iroh/client.d.ts"), "utf8");
    expect(declarations).toContain(
      "inspect(args: InspectParams, options?: RequestOptions): ApiPromise<InspectResponse>;",
    );
    expect(declarations).toContain("trigger(args: ResponseTriggerParams,");
    expect(declarations).not.toMatch(/ArgsOf<|ResultOf</);
    const operations = readFileSync(join(GENERATED, "dist/iroh/operations.d.ts"), "utf8");
    expect(operations).toContain(
      "export declare const inspect: TypedOperation<InspectParams, InspectResponse>;",
    );
  });
});

describe("OBSERVABLE_TYPES", () => {
  const cisco = JSON.parse(
    readFileSync(join(ROOT, "..", "shared/specs/reference/ctia-swagger.json"), "utf8"),
  ) as { definitions: Record<string, { properties?: Record<string, { enum?: string[] }> }> };
  const ciscoEnum = cisco.definitions.InvestigationTargetsObservables!.properties!.type!.enum!;
  const irohSpec = parseYaml(readFileSync(join(ROOT, "specs/iroh.yaml"), "utf8")) as {
    components: { schemas: { ObservableType: { enum: string[] } } };
  };

  it("is the 63 observable types of Cisco's CTIA swagger, in our spec's order", () => {
    expect(ciscoEnum).toHaveLength(63);
    expect([...iroh.OBSERVABLE_TYPES].sort()).toEqual([...ciscoEnum].sort());
    expect(iroh.OBSERVABLE_TYPES).toEqual(irohSpec.components.schemas.ObservableType.enum);
  });

  it("is the same list from xdr-sdk, xdr-sdk/iroh and xdr-sdk/ctia, and the simulator's", () => {
    expect(root.OBSERVABLE_TYPES).toBe(iroh.OBSERVABLE_TYPES);
    expect(ctia.OBSERVABLE_TYPES).toEqual(iroh.OBSERVABLE_TYPES);
    expect([...SIMULATED].sort()).toEqual([...iroh.OBSERVABLE_TYPES].sort());
  });

  it("is frozen: a JavaScript caller's push or sort cannot change it for everyone", () => {
    expect(Object.isFrozen(iroh.OBSERVABLE_TYPES)).toBe(true);
    expect(() => (iroh.OBSERVABLE_TYPES as string[]).push("x")).toThrow(TypeError);
    expect(iroh.OBSERVABLE_TYPES).toHaveLength(63);
  });

  it("is left out of a bundle that does not use it", async () => {
    const esbuild = await import("esbuild");
    const bundle = async (entry: string) => {
      const project = consumerProject({});
      try {
        const result = await esbuild.build({
          stdin: { contents: entry, resolveDir: project, loader: "js" },
          bundle: true,
          platform: "browser",
          format: "esm",
          minify: true,
          write: false,
          logLevel: "silent",
          external: ["node:*", "undici"],
        });
        return result.outputFiles[0]!.text;
      } finally {
        rmSync(project, { recursive: true, force: true });
      }
    };
    const unused = await bundle(
      'import { createIrohClient } from "xdr-sdk/iroh"; console.log(createIrohClient);',
    );
    expect(unused).not.toContain("cybereason_id");
    const used = await bundle(
      'import { OBSERVABLE_TYPES } from "xdr-sdk"; console.log(OBSERVABLE_TYPES);',
    );
    expect(used).toContain("cybereason_id");
    expect(used).not.toContain("createXdr");
  }, 60_000);
});

describe("renamed path parameters on the wire", () => {
  const seen: string[] = [];
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends the URL the spec's template gives, byte for byte", async () => {
    const options = { accessToken: "token", baseUrls: { iroh: base, conure: base }, maxRetries: 0 };
    const client = iroh.createIrohClient(options);
    await client.privateIntel.incidents.get({ incident_id: "incident 1/2" });
    await client.response.trigger({
      module_instance_id: "mi-1",
      action_id: "block-ip",
      observable_type: "ip",
      observable_value: "1.2.3.4",
    });
    await createConureClient(options).incidents.link({
      incident_id: "i-1",
      entity_type: "casebook",
      entity_id: "cb-1",
    });
    await client.raw.GET("/iroh/private-intel/incident/{incident_id}", {
      params: { path: { incident_id: "i-2" } },
    });
    expect(seen).toEqual([
      "GET /iroh/private-intel/incident/incident%201%2F2",
      "POST /iroh/iroh-response/respond/trigger/mi-1/block-ip?observable_type=ip&observable_value=1.2.3.4",
      "POST /v2/incident/i-1/link/casebook/cb-1",
      "GET /iroh/private-intel/incident/i-2",
    ]);
  });
});
