// Loaded with NODE_OPTIONS=--require by the benchmark: every Node process of the measured
// command appends its peak resident set size (KiB) to $BENCH_RSS_FILE when it exits.
"use strict";
const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on("exit", () => {
    require("node:fs").appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
  });
}
