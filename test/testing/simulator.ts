// Shared by the xdr-sdk/testing suites: one simulator per file (cleared, with the token cache,
// after each test; closed after the last), and the error a promise rejects with.
import { afterAll, afterEach, beforeAll } from "vitest";
import { clearTokenCache } from "../../generated/src/index.js";
import {
  startSimulator,
  type SimulatorOptions,
  type XdrSimulator,
} from "../../templates/testing/index.js";

/** The file's simulator; read it inside tests (it starts in `beforeAll`). */
export function useSimulator(options?: SimulatorOptions): () => XdrSimulator {
  let sim: XdrSimulator | undefined;
  beforeAll(async () => {
    sim = await startSimulator(options);
  });
  afterEach(() => {
    sim?.clear();
    clearTokenCache();
  });
  afterAll(() => sim?.close());
  return () => sim!;
}

/** What `p` rejects with; a resolution fails the test. */
export async function rejection(p: PromiseLike<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}
