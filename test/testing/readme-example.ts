import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import {
  AuthenticationError,
  clearTokenCache,
  createXdr,
  ServerError,
  TimeoutError,
  type Xdr,
} from "xdr-sdk";
import { startSimulator, type XdrSimulator } from "xdr-sdk/testing";

// The code under test: your automation. Here: the IPs that judgements call malicious.
async function maliciousIps(xdr: Xdr): Promise<string[]> {
  const ips: string[] = [];
  for await (const j of xdr.ctia.judgements.search({ query: "disposition:2" })) {
    if (j.observable.type === "ip") ips.push(j.observable.value);
  }
  return ips;
}

let sim: XdrSimulator;
beforeAll(async () => {
  sim = await startSimulator(); // on 127.0.0.1, a free port; no Cisco account needed
});
afterEach(() => {
  sim.clear(); // data, faults and the request log
  clearTokenCache(); // the SDK's tokens live as long as the process: sim.clear() leaves them
});
afterAll(() => sim.close());

// Credentials and base URLs of the simulator; fast retries for tests.
const client = () => createXdr({ ...sim.clientOptions(), retryDelayMs: 1 });

test("finds the malicious IPs", async () => {
  sim.seed.judgements([
    { observable: { type: "ip", value: "198.51.100.7" }, disposition: 2 },
    { observable: { type: "domain", value: "example.com" }, disposition: 2 },
    { observable: { type: "ip", value: "192.0.2.1" }, disposition: 1 },
  ]);
  expect(await maliciousIps(client())).toEqual(["198.51.100.7"]);
});

test("survives a rate limit and a flaky server", async () => {
  sim.seed.judgements([{ observable: { type: "ip", value: "203.0.113.9" }, disposition: 2 }]);
  sim.faults.rateLimit({ retryAfter: "0" }); // any string: "2", an HTTP date, "soon"…
  sim.faults.serverError({ status: 503 });
  expect(await maliciousIps(client())).toEqual(["203.0.113.9"]);
  const ctia = sim.requests.filter((r) => r.api === "ctia");
  expect(ctia.map((r) => r.status)).toEqual([429, 503, 200]);
});

test("reports an outage of the token endpoint", async () => {
  // Fires only because afterEach cleared the token cache: else the last test's token serves.
  sim.faults.serverError({ api: "token", status: 503, times: Infinity });
  await expect(maliciousIps(client())).rejects.toThrow(ServerError);
});

test("reports a revoked API client", async () => {
  sim.faults.revokeTokens();
  await expect(maliciousIps(client())).rejects.toThrow(AuthenticationError);
});

test("gives up on a slow answer", async () => {
  sim.faults.slow({ ms: 5_000, times: Infinity });
  const impatient = createXdr({ ...sim.clientOptions(), timeoutMs: 100, maxRetries: 0 });
  await expect(maliciousIps(impatient)).rejects.toThrow(TimeoutError);
});
