// What the consumer tests share: generated/ packed once, the tarball installed once into a
// project outside the repository (as a user would), and ways to run compilers and runtimes in it.
// Everything that talks to the simulator runs asynchronously: the simulator answers from the test
// process, which a synchronous spawn would block.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const FIXTURES = import.meta.dirname;
/** TypeScript 5.9 (the repository's) and 7 (the native compiler, as the `typescript7` alias). */
export const TSC = {
  "5.9": join(ROOT, "node_modules/typescript/bin/tsc"),
  "7": join(ROOT, "node_modules/typescript7/bin/tsc"),
} as const;
export const BUN = join(ROOT, "node_modules/.bin/bun");
export const DENO = join(ROOT, "node_modules/.bin/deno");

export interface Run {
  code: number;
  out: string;
}

const TIMEOUT_MS = 300_000;

/** A command that needs nothing from this process (npm, tsc). */
export function sh(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Run {
  const r = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: TIMEOUT_MS,
  });
  return { code: r.status ?? -1, out: (r.stdout ?? "") + (r.stderr ?? "") + (r.error ?? "") };
}

/** A command that may call the simulator served by this process. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", (e) => (out += String(e)));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

/** The last line a consumer printed, parsed (they end with one JSON summary). */
export function lastJson(out: string): unknown {
  return JSON.parse(out.trim().split("\n").pop() ?? "null");
}

export function tsc(version: keyof typeof TSC, config: string, cwd: string): Run {
  return sh(process.execPath, [TSC[version], "-p", config], cwd);
}

/** A strict tsconfig; `compilerOptions` override the ESM (nodenext) defaults. */
export function tsconfig(include: string[], compilerOptions: Record<string, unknown> = {}): string {
  return JSON.stringify({
    compilerOptions: {
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2022", "DOM", "DOM.Iterable"],
      types: [],
      skipLibCheck: false,
      noEmit: true,
      ...compilerOptions,
    },
    include,
  });
}

export interface Packed {
  dir: string;
  tarball: string;
  /** Paths inside the package, as `npm pack` lists them. */
  files: string[];
}

/** `npm pack generated/` into a new temporary folder. */
export function pack(prefix: string): Packed {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const r = sh(
    "npm",
    ["pack", join(ROOT, "generated"), "--pack-destination", dir, "--json", "--silent"],
    ROOT,
  );
  if (r.code !== 0) throw new Error(`npm pack failed:\n${r.out}`);
  const [info] = JSON.parse(r.out.slice(r.out.indexOf("["))) as {
    filename: string;
    files: { path: string }[];
  }[];
  return {
    dir,
    tarball: join(dir, info!.filename),
    files: info!.files.map((f) => f.path).sort(),
  };
}

/** A user's ESM project (`"type": "module"`) with the packed package installed. */
export function installConsumer(): Packed {
  const packed = pack("xdr-consumer-");
  writeFileSync(
    join(packed.dir, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  const install = sh(
    "npm",
    [
      "install",
      packed.tarball,
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--ignore-scripts",
      "--no-package-lock",
    ],
    packed.dir,
  );
  if (install.code !== 0) throw new Error(`npm install failed:\n${install.out}`);
  return packed;
}

/** Why a runtime's tests are skipped, or undefined when its binary is there. */
export function missing(binary: string): string | undefined {
  return existsSync(binary) ? undefined : `${binary} is not installed`;
}
