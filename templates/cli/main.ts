#!/usr/bin/env node
// The `xdr` command: every operation of the catalog as `xdr <api> <group…> <method> --flags`,
// plus the Python SDK's commands (verdicts, targets, investigate-url). Configuration comes only
// from the environment (env.ts); results go to stdout as JSON, diagnostics to stderr.
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createXdr, investigateUrl, type Xdr } from "xdr-sdk";
import { loadCatalog, searchOperations, type Catalog, type OperationEntry } from "./catalog.js";
import { configFromEnv, scrub } from "./env.js";
import { describeError, exitCodeOf, UsageError } from "./failure.js";
import { parseCall } from "./flags.js";
import { commandOf, listHelp, mainHelp, operationHelp } from "./help.js";
import { allItems, invoke } from "./invoke.js";
import { pickFields } from "./shape.js";

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly stdoutIsTty: boolean;
  readonly stdinIsTty: boolean;
  readonly readStdin: () => string;
  readonly env: Record<string, string | undefined>;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  stdoutIsTty: process.stdout.isTTY === true,
  stdinIsTty: process.stdin.isTTY === true,
  readStdin: () => readFileSync(0, "utf8"),
  env: process.env,
};

export async function run(
  argv: readonly string[],
  io: Io = processIo,
  catalog: Catalog = loadCatalog(),
): Promise<number> {
  const env = configFromEnv(
    catalog.apis.map((a) => a.name),
    io.env,
  );
  const print = (value: unknown) =>
    io.out(JSON.stringify(value, null, io.stdoutIsTty ? 2 : undefined) + "\n");
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      (command === undefined ? io.err : io.out)(mainHelp(catalog));
      return command === undefined ? 2 : 0;
    }
    if (command === "--version") {
      io.out(
        `${catalog.sdk} catalog: ${catalog.apis.map((a) => `${a.name} ${a.operations.length}`).join(", ")}\n`,
      );
      return 0;
    }
    if (command === "search") {
      const found = searchOperations(catalog, rest.join(" "));
      for (const op of found) io.out(`${commandOf(op).padEnd(56)} ${op.summary}\n`);
      return found.length ? 0 : 1;
    }
    if (command === "verdicts" || command === "targets" || command === "investigate-url") {
      const words = rest.filter((a) => a === "-" || !a.startsWith("-"));
      const help = rest.includes("--help") || rest.includes("-h");
      if (help || words.length === 0) {
        (help ? io.out : io.err)(
          `Usage: xdr ${command} "<text>"   (or - to read the text from stdin)\n`,
        );
        return help ? 0 : 2;
      }
      if (words.length !== rest.length) throw new UsageError(`xdr ${command} takes a text only`);
      const text = words[0] === "-" ? io.readStdin() : words.join(" ");
      if (command === "investigate-url") {
        const region = env.options.region;
        io.out(investigateUrl(text, region) + "\n");
        return 0;
      }
      const xdr = client(env);
      print(command === "verdicts" ? await xdr.verdicts(text) : await xdr.targets(text));
      return 0;
    }
    const api = catalog.apis.find((a) => a.name === command);
    if (!api) throw new UsageError(`unknown command "${command}"; run xdr --help`);
    const flagAt = rest.findIndex((a) => a.startsWith("-"));
    const words = (flagAt < 0 ? rest : rest.slice(0, flagAt)).flatMap((w) => w.split("."));
    const flags = flagAt < 0 ? [] : rest.slice(flagAt);
    const name = words.join(".");
    const op = api.operations.find((o) => o.name === name);
    if (!op) {
      const under = api.operations.filter((o) => o.name.startsWith(name ? name + "." : ""));
      if (under.length === 0)
        throw new UsageError(
          `${api.name} has no operation or group "${name}"; run xdr ${api.name} --help`,
        );
      const wantsHelp = flags.includes("--help") || flags.includes("-h");
      (wantsHelp ? io.out : io.err)(
        listHelp(`xdr ${[api.name, ...words].join(" ")} — ${api.title}`, under, words),
      );
      return wantsHelp ? 0 : 2;
    }
    return await call(op, flags, io, env, print);
  } catch (error) {
    return fail(error, io, env.secrets);
  }
}

function client(env: ReturnType<typeof configFromEnv>): Xdr {
  if (env.problems.length) {
    const e = new Error(env.problems.join("; "));
    e.name = "ConfigurationError";
    throw e;
  }
  return createXdr(env.options);
}

async function call(
  op: OperationEntry,
  argv: readonly string[],
  io: Io,
  env: ReturnType<typeof configFromEnv>,
  print: (value: unknown) => void,
): Promise<number> {
  const { input, flags } = parseCall(op, argv, io.readStdin);
  if (flags.help) {
    io.out(operationHelp(op));
    return 0;
  }
  const required = (op.input.required as string[] | undefined) ?? [];
  // A required body not given as a flag comes from stdin when something is piped in.
  if (required.includes("body") && input.body === undefined && !io.stdinIsTty) {
    const text = io.readStdin();
    try {
      input.body = JSON.parse(text);
    } catch {
      throw new UsageError("stdin must be JSON (the request body)");
    }
  }
  const missing = required.filter((r) => input[r] === undefined);
  if (missing.length)
    throw new UsageError(
      `missing ${missing.map((m) => "--" + m).join(", ")}; run ${commandOf(op)} --help`,
    );
  if (op.destructive && !flags.yes) {
    throw new UsageError(
      `${commandOf(op)} is destructive (${op.method} ${op.path}); add --yes to confirm`,
    );
  }
  const fields = flags.fields
    ?.split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  const xdr = client(env);
  if (flags.all) {
    for await (const item of allItems(xdr, op, input))
      io.out(JSON.stringify(pickFields(item, fields)) + "\n");
    return 0;
  }
  const maxItems = flags["max-items"] ? Number(flags["max-items"]) : undefined;
  const waitTimeoutMs = flags["wait-timeout"] ? Number(flags["wait-timeout"]) : undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  if (flags.wait && op.waitable) {
    const started = Date.now();
    io.err(`xdr: workflow started, waiting for the run to end…\n`);
    timer = setInterval(
      () => io.err(`xdr: still waiting (${Math.round((Date.now() - started) / 1000)} s)\n`),
      5000,
    );
    timer.unref();
  }
  try {
    const result = await invoke(xdr, op, input, {
      ...(maxItems ? { maxItems } : {}),
      ...(flags.wait ? { wait: true } : {}),
      ...(waitTimeoutMs ? { waitTimeoutMs } : {}),
    });
    if (timer) io.err(`xdr: run ended\n`);
    print(pickFields(result, fields));
  } finally {
    if (timer) clearInterval(timer);
  }
  return 0;
}

function fail(error: unknown, io: Io, secrets: readonly string[]): number {
  const failure = describeError(error, secrets);
  io.err(scrub(`xdr: ${failure.error}: ${failure.message}\n`, secrets));
  if (failure.error !== "UsageError") io.err(scrub(JSON.stringify(failure) + "\n", secrets));
  return exitCodeOf(error);
}

// Run when executed as the `xdr` bin (through npm's symlink too), not when imported by tests.
if (isMain()) process.exitCode = await run(process.argv.slice(2));

function isMain(): boolean {
  try {
    return realpathSync(process.argv[1] ?? "") === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
