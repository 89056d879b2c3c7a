// Preloaded with `node --require` into a measured child: writes `{ cpuMs, maxRssKb }` on exit to
// the file named by XDR_BENCH_USAGE_FILE. CPU time (user + system, every thread of the process)
// is the steadier measure of work on a shared machine, where wall time follows the load.
const { writeFileSync } = require("node:fs");

const file = process.env.XDR_BENCH_USAGE_FILE;
if (file) {
  delete process.env.XDR_BENCH_USAGE_FILE;
  process.on("exit", () => {
    const u = process.resourceUsage();
    const cpuMs = (u.userCPUTime + u.systemCPUTime) / 1000;
    writeFileSync(file, JSON.stringify({ cpuMs, maxRssKb: u.maxRSS }));
  });
}
