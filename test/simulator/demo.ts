// The xdr-sdk demo: a local XDR simulator, then the generated SDK against it.
//   npm run demo        (or: node --import tsx test/simulator/demo.ts)
// Flow: inspect → enrich (verdicts) → response actions → CTIA search with paging → Conure incident
// search and one incident's detail view → workflow run → typed errors. Exit code 0 on success, 1 on any failure; the simulator is stopped either way.

import { createXdr, RateLimitError, WorkflowRunError } from "../../generated/src/index.js";
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  EICAR,
  SIM_WORKFLOW_IDS,
  startSimulator,
  type Simulator,
} from "./server.js";

const TEXT = [
  "Phishing mail from no-reply@internetbadguys.com asked users to log in at",
  "https://internetbadguys.com/login. The attachment (sha256",
  `${EICAR.sha256}) beaconed to 203.0.113.66`,
  "and 2001:db8::bad. Legitimate traffic went to cisco.com.",
].join(" ");

const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[0m` : s);

function heading(title: string): void {
  console.log(`\n${bold(`== ${title}`)}`);
}

function note(text: string): void {
  console.log(dim(`  ${text}`));
}

function row(...cells: (string | number | undefined)[]): void {
  const widths = [24, 20];
  const line = cells.map((c, i) => String(c ?? "").padEnd(widths[i] ?? 0)).join(" ");
  console.log(`  ${line.trimEnd()}`);
}

function requestsTo(sim: Simulator, prefix: string): number {
  return sim.stats.requests.filter((r) => r.path.startsWith(prefix)).length;
}

function countBy<T>(items: readonly T[], key: (item: T) => string | undefined): string {
  const counts = new Map<string, number>();
  for (const i of items) {
    const k = key(i) ?? "?";
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n} ${k}`).join(", ");
}

/**
 * An Automation input variable. Cisco's spec declares `value` an empty object (its description:
 * "a string, boolean, number or array"), so the generated type needs a cast for a string.
 */
function inputVariable(name: string, value: string) {
  return {
    properties: {
      name,
      type: "datatype.string",
      value: value as unknown as Record<string, never>,
    },
  };
}

async function main(sim: Simulator): Promise<void> {
  const xdr = createXdr({
    clientId: DEFAULT_CLIENT_ID,
    clientSecret: DEFAULT_CLIENT_SECRET,
    baseUrls: {
      iroh: sim.url,
      ctia: sim.url,
      conure: `${sim.url}/conure`,
      automation: `${sim.url}/api`,
    },
  });

  heading("1. Inspect: the observables in a text (xdr.iroh.inspect)");
  console.log(`  ${TEXT}\n`);
  // The first answer is a 503, as from an overloaded load balancer: the SDK retries it.
  sim.faults.serverError = { count: 1, status: 503, path: "/iroh/iroh-inspect" };
  const {
    data: observables,
    requestId,
    rateLimit,
  } = await xdr.iroh.inspect({ content: TEXT }).withResponse();
  for (const o of observables) row(o.type, o.value);
  console.log();
  note(`${requestsTo(sim, "/iroh/iroh-inspect")} requests: the 503 was retried by the SDK`);
  note(`request id ${requestId}, org limit ${rateLimit?.limit} requests (.withResponse())`);

  heading("2. Enrich: every module's verdicts (xdr.iroh.enrich.deliberate)");
  const envelope = await xdr.iroh.enrich.deliberate(observables);
  for (const m of envelope.data ?? []) {
    for (const v of m.data?.verdicts?.docs ?? []) {
      row(m.module, v.disposition_name, `${v.observable?.type}:${v.observable?.value}`);
    }
  }
  for (const e of envelope.errors ?? []) row(e.module, `error ${e.code}`, e.message);

  const summary = await xdr.verdicts(TEXT);
  console.log();
  note(
    `in one call, xdr.verdicts(text): ${summary.verdicts.length} verdicts ` +
      `(${countBy(summary.verdicts, (v) => v.disposition_name)}), ` +
      `${summary.errors.length} module errors`,
  );
  note(`investigate in XDR: ${xdr.investigateUrl(summary.observables.slice(0, 3))}`);

  heading("3. Response: actions for the malicious observables (xdr.iroh.response.respond)");
  const malicious = new Set(
    summary.verdicts
      .filter((v) => v.disposition === 2)
      .map((v) => `${v.observable.type}:${v.observable.value}`),
  );
  const bad = observables.filter((o) => malicious.has(`${o.type}:${o.value}`));
  const actions = await xdr.iroh.response.respond(bad);
  for (const a of actions.data ?? []) {
    const q = new URLSearchParams(a.url?.split("?")[1]);
    row(a.module, a.title, `${q.get("observable_type")}:${q.get("observable_value")}`);
  }
  const block = actions.data?.find((a) => a.id === "sim-block-destination");
  if (block?.module_instance_id && block.id) {
    const result = await xdr.iroh.response.trigger({
      module_instance_id: block.module_instance_id,
      action_id: block.id,
      observable_type: "ip",
      observable_value: "203.0.113.66",
    });
    console.log();
    note(`triggered "${block.title}" for ip:203.0.113.66: ${JSON.stringify(result)}`);
  }

  heading("4. Private intelligence: judgements, paged through X-Next (xdr.ctia)");
  sim.seed("judgement", 230, (i) => ({ disposition: i % 2 === 0 ? 2 : 1 }));
  const first = await xdr.ctia.judgements.search({ query: "disposition:2", limit: 50 });
  let count = 0;
  for await (const _j of xdr.ctia.judgements.search({ query: "disposition:2", limit: 50 })) {
    count += 1;
  }
  row("stored", 230);
  row("malicious", `${first.totalHits} (totalHits of the first page)`);
  row("iterated", `${count} with for await`);
  note(`${requestsTo(sim, "/ctia/judgement/search") - 1} search requests for the iteration`);

  heading("4b. Incidents: open, high-impact incidents and one summary (xdr.conure)");
  sim.conure.seedIncidents(12);
  const open = await xdr.conure.incidents.search({
    status: "Open",
    high_impact: true,
    sort_by: "timestamp:desc",
    limit: 10,
  });
  for (const i of open.items) row(i.short_id, i.severity, i.title);
  const total = await xdr.conure.incidents.count();
  note(`${open.items.length} of ${total} incidents are Open with a high impact`);
  const [top] = open.items;
  if (top?.id) {
    const view = await xdr.conure.incidents.summary({ incident_id: top.id });
    console.log();
    row("summary of", top.short_id);
    row("events", view.event_count);
    row("sources", view.sources?.join(", "));
    for (const o of view.observables?.data ?? []) row("observable", `${o.type}:${o.value}`);
  }

  heading("5. Automation: start a workflow and wait for its result (xdr.automation)");
  const run = await xdr.automation.workflows.start(
    {
      workflow_id: SIM_WORKFLOW_IDS.enrichAndBlock,
      input_variables: [inputVariable("observable_value", "internetbadguys.com")],
    },
    // The simulated runs are quick: poll every 200 ms rather than every second.
    { wait: true, pollIntervalMs: 200 },
  );
  row("workflow", SIM_WORKFLOW_IDS.enrichAndBlock);
  row("run", run.id);
  row("final state", run.status?.state);
  for (const [k, v] of Object.entries(run.output ?? {})) row(`output.${k}`, JSON.stringify(v));
  note(`${requestsTo(sim, "/api/v1/instances/")} status polls`);

  heading("6. Errors are typed");
  sim.faults.rateLimit = { count: 1, retryAfter: 3600, path: "/ctia" };
  try {
    await xdr.ctia.judgements.search({ query: "*" });
  } catch (e) {
    if (!(e instanceof RateLimitError)) throw e;
    row("429 Retry-After 3600", `${e.name}: thrown at once, retryAfterMs ${e.retryAfterMs}`);
  }
  try {
    await xdr.automation.workflows.start(
      { workflow_id: SIM_WORKFLOW_IDS.fail },
      { wait: true, pollIntervalMs: 200 },
    );
  } catch (e) {
    if (!(e instanceof WorkflowRunError)) throw e;
    const failed = e.instance as { status?: { details?: { message?: string } } };
    row("failing run", `${e.name}: ${e.message}`);
    row("", failed.status?.details?.message);
  }

  heading("Done");
  console.log(
    `  ${sim.stats.requests.length} HTTP requests, ${sim.stats.tokenRequests} token request(s)`,
  );
}

const sim = await startSimulator();
console.log(`XDR simulator listening on ${sim.url}`);
try {
  await main(sim);
} catch (err) {
  console.error(
    `\ndemo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  process.exitCode = 1;
} finally {
  await sim.close();
}
