// Conveniences over IROH, as the Python SDK's `commands` offered: verdicts and sighting targets
// for a text, and a link that opens an XDR investigation. `deps` are the generated client's
// methods, so this module needs no generated types.
import { ConfigurationError } from "./errors.js";
import type { Observable, Region, RequestOptions } from "./types.js";

export interface InspectDep {
  inspect(args: { content: string }, options?: RequestOptions): PromiseLike<readonly Observable[]>;
}
export interface DeliberateDep {
  /** `POST /iroh/iroh-enrich/deliberate/observables` */
  deliberate(observables: Observable[], options?: RequestOptions): PromiseLike<unknown>;
}
export interface ObserveDep {
  /** `POST /iroh/iroh-enrich/observe/observables` */
  observe(observables: Observable[], options?: RequestOptions): PromiseLike<unknown>;
}

/** Which module said it: the per-module fields of an enrich envelope. */
export interface ModuleRef {
  module: string;
  module_instance_id?: string;
  module_type_id?: string;
}

/** A per-module failure reported inside a 200 enrich envelope. */
export interface ModuleError {
  module?: string;
  module_instance_id?: string;
  module_type_id?: string;
  type?: string;
  code?: string;
  message?: string;
}

export interface ValidTime {
  start_time?: string;
  end_time?: string;
}

export interface VerdictItem extends ModuleRef {
  observable: Observable;
  /** 1 Clean, 2 Malicious, 3 Suspicious, 4 Common, 5 Unknown. */
  disposition?: number;
  disposition_name?: string;
  valid_time?: ValidTime;
  /** `valid_time.end_time`, as the Python SDK called it. */
  expiration?: string;
  judgement_id?: string;
}

export interface VerdictsResult {
  observables: Observable[];
  verdicts: VerdictItem[];
  errors: ModuleError[];
}

export interface SightingTarget {
  type: string;
  observables: Observable[];
  observed_time?: ValidTime;
  os?: string;
  [key: string]: unknown;
}

export interface ModuleTargets extends ModuleRef {
  targets: SightingTarget[];
}

export interface TargetsResult {
  observables: Observable[];
  targets: ModuleTargets[];
  errors: ModuleError[];
}

interface Envelope {
  data?: (ModuleRef & { data?: Record<string, { docs?: unknown[] } | undefined> })[];
  errors?: ModuleError[];
}

function envelope(value: unknown): Envelope {
  return (value ?? {}) as Envelope;
}

function ref(m: ModuleRef): ModuleRef {
  return {
    module: m.module,
    module_instance_id: m.module_instance_id,
    module_type_id: m.module_type_id,
  };
}

/** inspect → enrich deliberate: every module's verdicts on the observables in `text`. */
export async function verdicts(
  deps: InspectDep & DeliberateDep,
  text: string,
  options?: RequestOptions,
): Promise<VerdictsResult> {
  const observables = [...(await deps.inspect({ content: text }, options))];
  if (!observables.length) return { observables, verdicts: [], errors: [] };
  const env = envelope(await deps.deliberate(observables, options));
  const out: VerdictItem[] = [];
  for (const m of env.data ?? []) {
    for (const d of (m.data?.verdicts?.docs ?? []) as Partial<VerdictItem>[]) {
      out.push({
        ...ref(m),
        observable: d.observable!,
        disposition: d.disposition,
        disposition_name: d.disposition_name,
        valid_time: d.valid_time,
        expiration: d.valid_time?.end_time,
        judgement_id: d.judgement_id,
      });
    }
  }
  return { observables, verdicts: out, errors: env.errors ?? [] };
}

/** inspect → enrich observe: per module, the distinct targets of the sightings found. */
export async function targets(
  deps: InspectDep & ObserveDep,
  text: string,
  options?: RequestOptions,
): Promise<TargetsResult> {
  const observables = [...(await deps.inspect({ content: text }, options))];
  if (!observables.length) return { observables, targets: [], errors: [] };
  const env = envelope(await deps.observe(observables, options));
  const out: ModuleTargets[] = [];
  for (const m of env.data ?? []) {
    const seen = new Set<string>();
    const list: SightingTarget[] = [];
    for (const s of (m.data?.sightings?.docs ?? []) as { targets?: SightingTarget[] }[]) {
      for (const t of s.targets ?? []) {
        const key = JSON.stringify(t);
        if (!seen.has(key)) {
          seen.add(key);
          list.push(t);
        }
      }
    }
    if (list.length) out.push({ ...ref(m), targets: list });
  }
  return { observables, targets: out, errors: env.errors ?? [] };
}

const CONSOLES: Readonly<Record<Region, string>> = {
  us: "https://visibility.amp.cisco.com",
  eu: "https://visibility.eu.amp.cisco.com",
  apjc: "https://visibility.apjc.amp.cisco.com",
};

/**
 * A link that opens an XDR investigation of `input` (`/investigate?q=<text>`). Observables are
 * passed by value, one per line: XDR detects their types again. Keep it under ~2 000 characters.
 */
export function investigateUrl(
  input: string | readonly Observable[],
  region: Region = "us",
): string {
  const host = CONSOLES[region];
  if (!host) throw new ConfigurationError(`Unknown region "${region}": use "us", "eu" or "apjc"`);
  const q = typeof input === "string" ? input : input.map((o) => o.value).join("\n");
  return `${host}/investigate?q=${encodeURIComponent(q)}`;
}
