// The `@example` calls of a generated client.d.ts, for tests that compile them.

/** A method declaration: a call signature (generic in `fields` or not) or a waitable start. */
export const METHOD =
  /^(?:readonly )?[A-Za-z_$"][\w$"]*(?:(?:<.*>)?\((?:args|options)\b|: WaitableStart)/;

/** The `@example` blocks of a client.d.ts, each with the method declaration it documents. */
export function exampleBlocks(text: string): { code: string; method: string }[] {
  const out: { code: string; method: string }[] = [];
  const block = /\/\*\*\n((?:\s*\*.*\n)*?)\s*\*\/\n\s*([^\n]+)/g;
  for (const m of text.matchAll(block)) {
    const lines = m[1]!.split("\n").map((l) => l.replace(/^\s*\* ?/, ""));
    const at = lines.indexOf("@example");
    // Only method declarations (the create function's example builds a client instead).
    if (at < 0 || !METHOD.test(m[2]!)) continue;
    const code = lines
      .slice(at + 1)
      .join("\n")
      .trim();
    out.push({ code, method: m[2]!.trim() });
  }
  return out;
}

/** Each example as an exported async function of `receiver: type`, one source text. */
export function examplesModule(
  examples: readonly { code: string }[],
  receiver: string,
  type: string,
): string {
  return examples
    .map(
      ({ code }, i) =>
        `export async function example${i}(${receiver}: ${type}): Promise<void> {\n${code}\n  void ${receiver};\n}\n`,
    )
    .join("");
}
