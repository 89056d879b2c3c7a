// The simulator now lives in templates/testing/ (shipped as `xdr-sdk/testing`); this re-export
// keeps the tests', the benchmarks' and the demo's imports unchanged. One copy: edit it there.
export * from "../../templates/testing/server.js";
