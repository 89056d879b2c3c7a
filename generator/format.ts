// Stage 4 — format: prettier over what templates produced. The types file openapi-typescript
// prints is left alone: it is already tidy and formatting it costs more than generating it.
import type { RenderedFile } from "./render.js";

const PARSERS: Record<string, string> = { ts: "typescript", json: "json", md: "markdown" };

export async function formatFiles(files: readonly RenderedFile[]): Promise<RenderedFile[]> {
  const prettier = await import("prettier");
  return Promise.all(
    files.map(async (file) => {
      const parser = PARSERS[file.path.slice(file.path.lastIndexOf(".") + 1)];
      if (!file.format || !parser) return file;
      try {
        const content = await prettier.format(file.content, { parser, printWidth: 100 });
        return { ...file, content };
      } catch (error) {
        // Only a broken template (the defaults or a user's override) can produce unparsable output.
        const reason = (error as Error).message.split("\n")[0];
        throw new Error(`a template produced invalid ${parser} for ${file.path}: ${reason}`);
      }
    }),
  );
}
