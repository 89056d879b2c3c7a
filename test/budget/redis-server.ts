// A throwaway `redis-server` for the tests: 127.0.0.1, a free port, no persistence, stopped by the
// test. `hasRedisServer` is false where the Debian package `redis-server` is not installed.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { tmpdir } from "node:os";

/** The binary: `REDIS_SERVER` (a path) when set, else `redis-server` on the PATH. */
const BIN = process.env.REDIS_SERVER || "redis-server";

export const hasRedisServer: boolean =
  spawnSync(BIN, ["--version"], { stdio: "ignore" }).status === 0;

export const INSTALL_HINT =
  "Redis store tests skipped: redis-server not found (install the Debian package: apt-get install redis-server)";

export interface RedisServer {
  readonly port: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function launch(port: number): Promise<ChildProcess> {
  const proc = spawn(
    BIN,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      tmpdir(),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error("redis-server did not start:\n" + out)), 20_000);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      proc.kill("SIGKILL");
      reject(e);
    };
    const read = (chunk: Buffer): void => {
      out += chunk.toString();
      if (out.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve(proc);
      }
    };
    proc.stdout!.on("data", read);
    proc.stderr!.on("data", read);
    proc.once("exit", (code) => fail(new Error(`redis-server exited (${code}):\n${out}`)));
  });
}

export async function startRedis(): Promise<RedisServer> {
  // Another process may take the free port between the probe and the launch: try again.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const proc = await launch(port);
      proc.removeAllListeners("exit");
      return {
        port,
        stop: () =>
          new Promise<void>((resolve) => {
            if (proc.exitCode !== null) return resolve();
            proc.once("exit", () => resolve());
            proc.kill("SIGTERM");
          }),
      };
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}
