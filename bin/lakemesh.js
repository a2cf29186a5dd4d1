#!/usr/bin/env node
"use strict";
// The CLI is compiled by `npm run build` (run by `npm ci` through the prepare script).
const path = require("path");
let main;
try {
  main = require(path.join(__dirname, "..", "dist", "cli", "main.js")).main;
} catch (err) {
  if (err && err.code === "MODULE_NOT_FOUND") {
    process.stderr.write("lakemesh: the CLI is not built; run `npm ci` (or `npm run build`) first\n");
    process.exit(2);
  }
  throw err;
}
main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
