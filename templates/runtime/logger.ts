// The logger the runtime calls: the caller's, with every call guarded. Logging is a side
// channel: a logger that throws (a full disk, a closed stream, a bug) must never turn a call
// that succeeded into a reported failure, which the caller might repeat (a second judgement, a
// second quarantine).
import type { Logger } from "./types.js";

type Log = NonNullable<Logger["warn"]>;

const guard = (logger: Logger, method: Log | undefined): Log | undefined =>
  method &&
  ((message, fields) => {
    try {
      method.call(logger, message, fields);
    } catch {
      // Ignored: see above.
    }
  });

/** `logger` with each method wrapped so that it cannot throw into the SDK. */
export function guardLogger(logger: Logger | undefined): Logger | undefined {
  return logger && { debug: guard(logger, logger.debug)!, warn: guard(logger, logger.warn) };
}
