#!/usr/bin/env node
"use strict";
// Second half of `npm run build`: records the hash of every source tsc compiled into dist/, which the compiled
// Pulumi program and policy pack check at start (lib/build-stamp.ts).
const path = require("path");
const root = path.join(__dirname, "..");
const n = require(path.join(root, "dist", "lib", "build-stamp.js")).writeBuildStamp(root, path.join(root, "dist"));
process.stderr.write(`build stamp: ${n} sources\n`);
