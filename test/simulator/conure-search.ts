// Moved to templates/testing/conure-search.ts (the simulator ships as `xdr-sdk/testing`): edit it there.
export * from "../../templates/testing/conure-search.js";
