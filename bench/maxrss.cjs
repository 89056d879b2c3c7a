// Preloaded with `node --require` into a measured child: writes its peak RSS (kB) on exit to the
// file named by XDR_BENCH_MAXRSS_FILE. process.resourceUsage() covers this process only (not,
// for instance, esbuild's service process).
const { writeFileSync } = require("node:fs");

const file = process.env.XDR_BENCH_MAXRSS_FILE;
if (file) {
  delete process.env.XDR_BENCH_MAXRSS_FILE;
  process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
}
