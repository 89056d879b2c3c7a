// Moved to templates/testing/conure-work.ts (the simulator ships as `xdr-sdk/testing`): edit it there.
export * from "../../templates/testing/conure-work.js";
