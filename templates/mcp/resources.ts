// Resources and prompts, named as in Cisco's own MCP server so that prompts written for it keep
// working: open and recent incidents, the profile, the integrations, one incident; prompts for
// triage, IOC investigation, incident drill-down, threat-intel hunting, a daily briefing and a
// response playbook. Each prompt tells the agent which of this server's tools to use.
import type {
  GetPromptResult,
  Prompt,
  Resource,
  ResourceTemplate,
} from "@modelcontextprotocol/sdk/types.js";
import { available, incidents } from "./tasks.js";
import type { Context } from "./context.js";
import { invoke } from "./invoke.js";
import { bound } from "./shape.js";
import { scrub } from "./env.js";

const BASE = "xdr://";

interface Source {
  readonly resource: Resource;
  readonly needs: string;
  read(ctx: Context): Promise<unknown>;
}

const SOURCES: readonly Source[] = [
  {
    resource: {
      uri: `${BASE}incidents/open`,
      name: "Open Incidents",
      mimeType: "application/json",
      description: "Incidents with status Open (up to 50)",
    },
    needs: "conure.incidents.search|ctia.incidents.search",
    read: (ctx) => incidents(ctx, "Open", 50),
  },
  {
    resource: {
      uri: `${BASE}incidents/recent`,
      name: "Recent Incidents",
      mimeType: "application/json",
      description: "New incidents (up to 50)",
    },
    needs: "conure.incidents.search|ctia.incidents.search",
    read: (ctx) => incidents(ctx, "New", 50),
  },
  {
    resource: {
      uri: `${BASE}profile`,
      name: "XDR Profile",
      mimeType: "application/json",
      description: "The API client's user and organisation",
    },
    needs: "iroh.profile.whoami",
    read: (ctx) => invoke(ctx.xdr(), available(ctx, "iroh.profile.whoami")!, {}),
  },
  {
    resource: {
      uri: `${BASE}integrations`,
      name: "XDR Integrations",
      mimeType: "application/json",
      description: "Configured module instances",
    },
    needs: "iroh.moduleInstances.list",
    read: (ctx) => invoke(ctx.xdr(), available(ctx, "iroh.moduleInstances.list")!, {}),
  },
];

const INCIDENT_TEMPLATE: ResourceTemplate = {
  uriTemplate: `${BASE}incident/{incident_id}`,
  name: "Incident Details",
  mimeType: "application/json",
};

export function listResources(ctx: Context): Resource[] {
  return SOURCES.filter((s) => available(ctx, s.needs)).map((s) => s.resource);
}

export function listResourceTemplates(ctx: Context): ResourceTemplate[] {
  return available(ctx, "conure.incidents.get|ctia.incidents.get") ? [INCIDENT_TEMPLATE] : [];
}

export async function readResource(
  ctx: Context,
  uri: string,
): Promise<{ uri: string; mimeType: string; text: string }[]> {
  const source = SOURCES.find((s) => s.resource.uri === uri);
  let value: unknown;
  if (source && available(ctx, source.needs)) value = await source.read(ctx);
  else if (uri.startsWith(`${BASE}incident/`)) {
    const get = available(ctx, "conure.incidents.get|ctia.incidents.get");
    if (!get) throw new Error("incidents are not available");
    const id = decodeURIComponent(uri.slice(`${BASE}incident/`.length));
    const key =
      Object.keys((get.input.properties ?? {}) as object).find((k) => /id$/.test(k)) ?? "id";
    value = await invoke(ctx.xdr(), get, { [key]: id });
  } else throw new Error(`unknown resource ${uri}`);
  const { text } = bound(value, ctx.settings.maxResultChars);
  return [{ uri, mimeType: "application/json", text: scrub(text, ctx.env.secrets) }];
}

interface PromptDef {
  readonly prompt: Prompt;
  text(args: Record<string, string | undefined>): string;
}

const PROMPTS: readonly PromptDef[] = [
  {
    prompt: {
      name: "triage_open_incidents",
      description: "Triage the open incidents",
      arguments: [{ name: "limit", description: "Max incidents (default 25)" }],
    },
    text: (a) =>
      `Triage the open Cisco XDR incidents. Call xdr_triage_incidents with status "Open" and limit ${a.limit ?? 25}. Rank them by severity and priority, explain the top ones in one line each, and propose the next step for each (investigate, assign, close). Do not change anything.`,
  },
  {
    prompt: {
      name: "investigate_ioc",
      description: "Investigate one indicator of compromise",
      arguments: [
        { name: "type", description: "ip, domain, url, sha256, md5, sha1, email", required: true },
        { name: "value", description: "The observable", required: true },
      ],
    },
    text: (a) =>
      `Investigate the ${a.type ?? "observable"} ${a.value ?? ""} in Cisco XDR. Call xdr_investigate with text "${a.value ?? ""}" and sightings true; summarise the verdicts per module, any sightings in our environment, and give the investigation link. If it is malicious, list the response actions with xdr_response_actions but do not trigger any without my explicit approval.`,
  },
  {
    prompt: {
      name: "incident_drill_down",
      description: "Everything about one incident",
      arguments: [{ name: "incident_id", required: true }],
    },
    text: (a) =>
      `Drill into Cisco XDR incident ${a.incident_id ?? ""}: read the resource xdr://incident/${a.incident_id ?? ""}, investigate its observables with xdr_investigate, and summarise what happened, the affected assets, the verdicts and the recommended response.`,
  },
  {
    prompt: {
      name: "threat_intel_investigation",
      description: "Extract and investigate the IOCs in a text",
      arguments: [{ name: "content", required: true }],
    },
    text: (a) =>
      `Extract every indicator from the following text and investigate them with xdr_investigate (sightings true). Report malicious and suspicious ones first, with the modules that judged them.\n\n${a.content ?? ""}`,
  },
  {
    prompt: {
      name: "daily_briefing",
      description: "A SOC briefing of recent activity",
      arguments: [{ name: "days", description: "default 1" }],
    },
    text: (a) =>
      `Write a SOC briefing for the last ${a.days ?? 1} day(s): new and open incidents (xdr_triage_incidents with status New, then Open), counts by severity, the three that need attention first and why.`,
  },
  {
    prompt: {
      name: "response_playbook",
      description: "A response plan for an incident",
      arguments: [{ name: "incident_id", required: true }],
    },
    text: (a) =>
      `Prepare a response plan for Cisco XDR incident ${a.incident_id ?? ""}: read xdr://incident/${a.incident_id ?? ""}, investigate its observables, list the response actions available for the malicious ones (xdr_response_actions), and propose an ordered plan. Trigger nothing: I will approve each action explicitly.`,
  },
];

export function listPrompts(): Prompt[] {
  return PROMPTS.map((p) => p.prompt);
}

export function getPrompt(name: string, args: Record<string, string | undefined>): GetPromptResult {
  const def = PROMPTS.find((p) => p.prompt.name === name);
  if (!def) throw new Error(`unknown prompt ${name}`);
  return {
    description: def.prompt.description,
    messages: [{ role: "user", content: { type: "text", text: def.text(args) } }],
  };
}
