// The generated packages as a user gets them: `npm pack` of generated/, generated-mcp/ and
// generated-cli/, installed together into a project outside the repository. The install is
// shared by the MCP and CLI test files through a folder keyed by the tarballs' hash (built
// under a temporary name and renamed into place, so concurrent test files never see half of it).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Simulator } from "../simulator/server.js";
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from "../simulator/server.js";

export const ROOT = join(import.meta.dirname, "..", "..");
const PACKAGES = ["generated", "generated-mcp", "generated-cli"];

export function sh(command: string, args: string[], cwd: string, input?: string) {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 300_000, input });
  return { code: r.status ?? -1, out: (r.stdout ?? "") + (r.stderr ?? "") };
}

/** The project folder with xdr-sdk, xdr-mcp and xdr-cli installed from their tarballs. */
export function installedProject(): string {
  const packs = mkdtempSync(join(tmpdir(), "xdr-packs-"));
  try {
    for (const pkg of PACKAGES) {
      const r = sh("npm", ["pack", join(ROOT, pkg), "--pack-destination", packs, "--silent"], ROOT);
      if (r.code !== 0) throw new Error(`npm pack ${pkg} failed: ${r.out}`);
    }
    const tarballs = readdirSync(packs)
      .filter((f) => f.endsWith(".tgz"))
      .sort();
    const hash = createHash("sha256");
    for (const t of tarballs) hash.update(t).update(readFileSync(join(packs, t)));
    const key = hash.digest("hex").slice(0, 16);
    const project = join(tmpdir(), `xdr-agents-${key}`);
    if (existsSync(join(project, ".ready"))) return project;
    const temp = `${project}.tmp-${process.pid}`;
    rmSync(temp, { recursive: true, force: true });
    mkdirSync(temp);
    writeFileSync(
      join(temp, "package.json"),
      JSON.stringify({ name: "agents", private: true, type: "module" }),
    );
    for (const t of tarballs) renameSync(join(packs, t), join(temp, t));
    const install = sh(
      "npm",
      [
        "install",
        ...tarballs.map((t) => `./${t}`),
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
      ],
      temp,
    );
    if (install.code !== 0) throw new Error(`npm install failed: ${install.out}`);
    writeFileSync(join(temp, ".ready"), "");
    try {
      renameSync(temp, project);
    } catch {
      // Another test file got there first: use its copy.
      rmSync(temp, { recursive: true, force: true });
    }
    // Older installs (other keys) are stale.
    for (const name of readdirSync(tmpdir())) {
      if (
        name.startsWith("xdr-agents-") &&
        !name.startsWith(`xdr-agents-${key}`) &&
        !name.includes(".tmp-")
      ) {
        rmSync(join(tmpdir(), name), { recursive: true, force: true });
      }
    }
    return project;
  } finally {
    rmSync(packs, { recursive: true, force: true });
  }
}

/** The environment a user would set to point the packages at the simulator. */
export function simulatorEnv(
  sim: Simulator,
  client = DEFAULT_CLIENT_ID,
  secret = DEFAULT_CLIENT_SECRET,
) {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    XDR_CLIENT_ID: client,
    XDR_CLIENT_SECRET: secret,
    XDR_BASE_URL_IROH: sim.url,
    XDR_BASE_URL_CTIA: sim.url,
    XDR_BASE_URL_CONURE: `${sim.url}/conure`,
    XDR_BASE_URL_AUTOMATION: `${sim.url}/api`,
    XDR_TOKEN_URL: `${sim.url}/iroh/oauth2/token`,
  };
}
