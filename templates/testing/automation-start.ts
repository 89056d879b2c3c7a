// Simulated Cisco XDR Automation, reading a start request: its body (JSON, or `request_body` in
// multipart/form-data), its `input_variables` checked against the workflow, and AO's error body.

import { isRecord, json, readJson, ReplyError, type Ctx, type Reply } from "./http.js";
import type { Variable, WorkflowDefinition } from "./automation-workflows.js";

export function aoError(status: number, message: string): Reply {
  return json(status, { code: status, message, description: message });
}

/** Parse `multipart/form-data` into its named text parts (enough for `request_body`). */
function multipartFields(ctx: Ctx): Map<string, string> {
  const ct = String(ctx.headers["content-type"] ?? "");
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(ct);
  const out = new Map<string, string>();
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) return out;
  const text = ctx.body.toString("latin1");
  for (const part of text.split(`--${b}`)) {
    const sep = part.indexOf("\r\n\r\n");
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) continue;
    const value = part.slice(sep + 4).replace(/\r\n$/, "");
    out.set(name, Buffer.from(value, "latin1").toString("utf8"));
  }
  return out;
}

export function readStartBody(ctx: Ctx): Record<string, unknown> {
  const ct = String(ctx.headers["content-type"] ?? "");
  let raw: unknown;
  if (ct.startsWith("multipart/form-data")) {
    const field = multipartFields(ctx).get("request_body");
    if (field === undefined || field.trim() === "") return {};
    try {
      raw = JSON.parse(field) as unknown;
    } catch {
      throw new ReplyError(aoError(400, "request_body is not valid JSON"));
    }
  } else {
    raw = readJson(ctx, (m) => aoError(400, m));
  }
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) throw new ReplyError(aoError(400, "request body must be a JSON object"));
  return raw;
}

/** Check the start payload's `input_variables` against the definition; returns the run inputs. */
export function resolveInputs(def: WorkflowDefinition, body: Record<string, unknown>): Variable[] {
  const given = body.input_variables ?? [];
  if (!Array.isArray(given)) throw new ReplyError(aoError(400, "input_variables must be an array"));
  const values = new Map<string, unknown>();
  given.forEach((v, i) => {
    if (!isRecord(v)) throw new ReplyError(aoError(400, `input_variables[${i}] must be an object`));
    const props = isRecord(v.properties) ? v.properties : {};
    const byId =
      typeof v.id === "string" ? def.input_variables.find((d) => d.id === v.id) : undefined;
    const name = byId?.properties.name ?? (typeof props.name === "string" ? props.name : undefined);
    if (name === undefined) {
      throw new ReplyError(
        aoError(400, `input_variables[${i}]: either id or properties.name must be specified`),
      );
    }
    values.set(name, props.value);
  });
  const known = def.input_variables.length > 0;
  if (known) {
    for (const name of values.keys()) {
      if (!def.input_variables.some((d) => d.properties.name === name)) {
        throw new ReplyError(aoError(400, `workflow has no input variable named "${name}"`));
      }
    }
    for (const d of def.input_variables) {
      const v = values.get(d.properties.name);
      if (d.properties.is_required && (v === undefined || v === null || v === "")) {
        throw new ReplyError(
          aoError(400, `required input variable "${d.properties.name}" is missing`),
        );
      }
    }
  }
  const declared = def.input_variables.map((d) => ({
    id: d.id,
    properties: {
      ...d.properties,
      value: values.has(d.properties.name) ? values.get(d.properties.name) : d.properties.value,
    },
  }));
  const adHoc = known
    ? []
    : [...values].map(([name, value]) => ({
        id: `variable_workflow_adhoc_${name}`,
        properties: { name, type: "datatype.string", scope: "input", value },
      }));
  return [...declared, ...adHoc];
}
