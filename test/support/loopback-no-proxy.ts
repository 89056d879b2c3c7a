// Every test server listens on 127.0.0.1. A CI machine may set HTTPS_PROXY for the npm registry;
// the SDK honours it (as Python's requests does), so loopback is added to NO_PROXY here, for the
// tests and the processes they start, while npm keeps its proxy. Proxy tests pass their own env.
const loopback = ["127.0.0.1", "localhost", "::1"];
const current = process.env.no_proxy || process.env.NO_PROXY || "";
const entries = current
  .split(",")
  .map((e) => e.trim())
  .filter(Boolean);
const noProxy = [...entries, ...loopback.filter((h) => !entries.includes(h))].join(",");
process.env.no_proxy = noProxy;
process.env.NO_PROXY = noProxy;
