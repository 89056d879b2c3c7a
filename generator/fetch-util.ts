/**
 * Small helpers shared by the fetch-spec modules: atomic file writes, hashing, and turning
 * unknown errors into one readable reason (never a stack: these reach the user as messages).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function errorCode(err: unknown): string | undefined {
  return isRecord(err) && typeof err["code"] === "string" ? err["code"] : undefined;
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Writes `bytes` atomically unless the file already holds exactly them. Returns whether it wrote. */
export async function writeIfDifferent(file: string, bytes: Buffer): Promise<boolean> {
  try {
    const existing = await readFile(file);
    if (existing.equals(bytes)) return false;
  } catch (err) {
    if (errorCode(err) !== "ENOENT") throw err;
  }
  await writeAtomic(file, bytes);
  return true;
}

/** Writes a temp file in the same directory, then renames it over `file`. */
export async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = path.join(
    dir,
    `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new Error(`cannot write ${file}: ${describeError(err)}`, { cause: err });
  }
}
