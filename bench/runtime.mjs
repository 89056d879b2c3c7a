// Lines 4 and 5: per-call overhead of the generated client, and token requests.
import { Buffer } from "node:buffer";
import { createServer } from "node:http";
import { join } from "node:path";
import { BENCH, fmt, median, runNode } from "./lib.mjs";
import { INSPECT_ANSWER, INSPECT_PATH } from "./calls.mjs";

/** A minimal IROH inspect endpoint on 127.0.0.1 (in this process: it idles while the child runs). */
async function inspectServer() {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST" && req.url === INSPECT_PATH) {
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(INSPECT_ANSWER),
        });
        res.end(INSPECT_ANSWER);
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(done);
      }),
  };
}

/** Line 4. */
export async function calls({ quick }) {
  const rows = [];
  const detail = {};
  const server = await inspectServer();
  try {
    for (const [transport, perRound] of [
      ["http", quick ? 300 : 1500],
      ["stub", quick ? 1000 : 5000],
    ]) {
      const rounds = quick ? 3 : 7;
      const { stdout } = await runNode([
        join(BENCH, "calls.mjs"),
        transport,
        transport === "http" ? server.url : "-",
        String(perRound),
        String(rounds),
      ]);
      const us = JSON.parse(stdout);
      detail[transport] = us;
      const m = Object.fromEntries(Object.entries(us).map(([k, v]) => [k, median(v)]));
      const ratio = m.named / m["openapi-fetch"];
      const where = transport === "http" ? "local HTTP server" : "stubbed fetch";
      rows.push({
        line: `4 per call, ${where}: named vs openapi-fetch (raw fetch ${fmt.us(m.fetch)})`,
        measured: `${fmt.us(m.named)} vs ${fmt.us(m["openapi-fetch"])}`,
        ratio: fmt.x(ratio),
        target: "≤ 1.10×",
        pass: ratio <= 1.1,
      });
    }
  } finally {
    await server.close();
  }
  return { rows, detail };
}

/** Line 5: runs bench/tokens.ts under tsx (the simulator is TypeScript). */
export async function tokens() {
  const { stdout } = await runNode(["--import", "tsx", join(BENCH, "tokens.ts")]);
  const r = JSON.parse(stdout);
  return {
    rows: [
      {
        line: "5 token requests, 1000 concurrent calls, cold cache",
        measured: `${r.concurrent.tokenRequests} (${r.concurrent.calls} calls ok)`,
        target: "1",
        pass: r.concurrent.tokenRequests === 1,
      },
      {
        line: "5 token requests, simulated hour of calls, 600 s tokens",
        measured: `${r.hour.tokenRequests} (${r.hour.calls} calls ok)`,
        target: "≤ 7",
        pass: r.hour.tokenRequests <= 7,
      },
    ],
    detail: r,
  };
}
