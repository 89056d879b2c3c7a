// Errors the user can act on. Every stage throws `BadInputError` for a problem in an input file;
// the CLI prints `message` alone (no stack) and exits 2.

export interface Place {
  /** The file the problem is in, as the user named it (relative paths stay relative). */
  file: string;
  /** JSON pointer inside the document, e.g. `#/paths/~1pets/get`. */
  pointer?: string;
  line?: number;
  column?: number;
}

export class BadInputError extends Error {
  readonly place: Place;
  readonly reason: string;

  constructor(place: Place, reason: string) {
    super(formatPlace(place) + ": " + reason);
    this.name = "BadInputError";
    this.place = place;
    this.reason = reason;
  }
}

export function formatPlace({ file, pointer, line, column }: Place): string {
  let where = file;
  if (line !== undefined) where += `:${line}` + (column !== undefined ? `:${column}` : "");
  if (pointer) where += ` (${pointer})`;
  return where;
}

/** `#/paths/~1pets~1{id}/get` from `["paths", "/pets/{id}", "get"]` (RFC 6901 escaping). */
export function toPointer(segments: readonly (string | number)[]): string {
  return "#/" + segments.map((s) => String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}
