// The xdr-sdk demo: a local XDR simulator, then the generated SDK against it.
//   node --import tsx test/simulator/demo.ts        (or: npm run demo)
// Flow: inspect → enrich (verdicts) → response actions → CTIA search with paging → workflow run.
// Exit code 0 on success, 1 on any failure; the simulator is stopped either way.

import { createXdr } from "../../generated/src/index.js";
import { EICAR, SIM_WORKFLOW_IDS, startSimulator, type Simulator } from "./server.js";

const TEXT = [
  "Phishing mail from no-reply@internetbadguys.com asked users to log in at",
  "https://internetbadguys.com/login. The attachment (sha256",
  `${EICAR.sha256}) beaconed to 203.0.113.66`,
  "and 2001:db8::bad. Legitimate traffic went to cisco.com.",
].join(" ");

// Minimal structural views of what the SDK returns: the generated types are richer, and assignable
// to these, so the demo only states what it prints.
interface ObservableView {
  type: string;
  value: string;
}
interface VerdictView {
  observable?: { type?: string; value?: string };
  disposition?: number;
  disposition_name?: string;
}
interface EnvelopeView {
  data?: readonly {
    module?: string;
    data?: { verdicts?: { docs?: readonly VerdictView[] } };
  }[];
  errors?: readonly { module?: string; code?: string; message?: string }[];
}
interface RunView {
  id?: string;
  status?: { state?: string; details?: { message?: string } };
  output?: Record<string, unknown>;
}
interface ActionsView {
  data?: readonly { id?: string; title?: string; module?: string; url?: string }[];
}

function heading(title: string): void {
  console.log(`\n\x1b[1m== ${title}\x1b[0m`);
}

function row(...cells: (string | number | undefined)[]): void {
  const widths = [22, 24, 60];
  console.log(
    "  " +
      cells
        .map((c, i) => String(c ?? "").padEnd(widths[i] ?? 0))
        .join(" ")
        .trimEnd(),
  );
}

function requestsTo(sim: Simulator, prefix: string): number {
  return sim.stats.requests.filter((r) => r.path.startsWith(prefix)).length;
}

async function main(sim: Simulator): Promise<void> {
  const xdr = createXdr({
    clientId: "sim-client",
    clientSecret: "sim-secret",
    baseUrls: { iroh: sim.url, ctia: sim.url, automation: `${sim.url}/api` },
  });

  heading("1. Inspect: observables in free text");
  console.log(`  text: ${TEXT}\n`);
  // The first inspect answer is a 503, as from an overloaded load balancer: the SDK retries it.
  sim.faults.serverError = { count: 1, status: 503, path: "/iroh/iroh-inspect" };
  const observables = await xdr.iroh.inspect({ content: TEXT });
  for (const o of observables as readonly ObservableView[]) row(o.type, o.value);
  console.log(
    `\n  (${requestsTo(sim, "/iroh/iroh-inspect")} inspect requests: the 503 was retried by the SDK)`,
  );

  heading("2. Enrich: verdicts from every module (deliberate)");
  const envelope: EnvelopeView = await xdr.iroh.enrich.deliberate(observables);
  const malicious = new Set<string>();
  for (const m of envelope.data ?? []) {
    for (const v of m.data?.verdicts?.docs ?? []) {
      row(m.module, v.disposition_name, `${v.observable?.type}:${v.observable?.value}`);
      if (v.disposition === 2) malicious.add(`${v.observable?.type}:${v.observable?.value}`);
    }
  }
  for (const e of envelope.errors ?? []) row(e.module, `error ${e.code}`, e.message);

  heading("   The same in one call: xdr.verdicts(text)");
  const summary: unknown = await xdr.verdicts(TEXT);
  console.log(`  ${JSON.stringify(summary).slice(0, 300)}…`);

  heading("3. Response: actions offered for the malicious observables");
  const bad = observables.filter((o) => malicious.has(`${o.type}:${o.value}`));
  const actions: ActionsView = await xdr.iroh.response.respond(bad);
  for (const a of actions.data ?? []) row(a.module, a.title, a.url);

  heading("4. Private intel: judgements, paged through X-Next");
  sim.seed("judgement", 230, (i) => ({ disposition: i % 2 === 0 ? 2 : 1 }));
  let count = 0;
  for await (const _j of xdr.ctia.judgements.search({ query: "disposition:2", limit: 50 })) {
    count += 1;
  }
  console.log(
    `  ${count} malicious judgements in ${requestsTo(sim, "/ctia/judgement/search")} pages of ≤ 50`,
  );

  heading("5. Automation: start a workflow and wait for its result");
  const run: RunView = await xdr.automation.workflows.start(
    {
      workflow_id: SIM_WORKFLOW_IDS.enrichAndBlock,
      input_variables: [
        {
          properties: {
            name: "observable_value",
            value: "internetbadguys.com",
            type: "datatype.string",
          },
        },
      ],
    },
    { wait: true },
  );
  row("run", run.id);
  row("final state", run.status?.state, run.status?.details?.message);
  for (const [k, v] of Object.entries(run.output ?? {})) row(`output.${k}`, JSON.stringify(v));
  console.log(`  (${requestsTo(sim, "/api/v1/instances/")} status polls)`);

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
