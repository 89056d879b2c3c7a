// Stage 4 — format: prettier over what templates produced. The types file openapi-typescript
// prints is left alone: it is already tidy and formatting it costs more than generating it.
// Past FORMAT_LIMIT a file is kept as the template printed it (templates indent their output):
// on GitHub's 1 200-operation spec prettier alone took longer than openapi-typescript.
import type { RenderedFile } from "./render.js";

export const FORMAT_LIMIT = 256 * 1024;

const PARSERS: Record<string, string> = { ts: "typescript", json: "json", md: "markdown" };

export async function formatFiles(files: readonly RenderedFile[]): Promise<RenderedFile[]> {
  const prettier = await import("prettier");
  return Promise.all(
    files.map(async (file) => {
      const parser = PARSERS[file.path.slice(file.path.lastIndexOf(".") + 1)];
      if (!file.format || !parser || file.content.length > FORMAT_LIMIT) return file;
      try {
        const content = await prettier.format(file.content, { parser, printWidth: 100 });
        return { ...file, content };
      } catch (error) {
        // Only a broken template (the defaults or a user's override) can produce unparsable output.
        const reason = (error as Error).message.split("\n")[0];
        throw new Error(`a template produced invalid ${parser} for ${file.path}: ${reason}`, {
          cause: error,
        });
      }
    }),
  );
}
