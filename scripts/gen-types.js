#!/usr/bin/env node
"use strict";
// Generates lib/manifest/types.gen.ts from lib/manifest/schema.json, the one source of truth for manifest types.
// test/manifest/types-current.test.ts fails when the committed file is not what this script produces.
const fs = require("fs");
const path = require("path");
const { compile } = require("json-schema-to-typescript");

const root = path.join(__dirname, "..");
const schemaPath = path.join(root, "lib", "manifest", "schema.json");
const outPath = path.join(root, "lib", "manifest", "types.gen.ts");
const banner = "/* Generated from lib/manifest/schema.json by `npm run gen:types`. Do not edit. */";

async function generate() {
  const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
  return compile(schema, "DomainManifest", {
    bannerComment: banner,
    additionalProperties: false,
    ignoreMinAndMaxItems: true,
    strictIndexSignatures: true,
    format: true,
  });
}

if (require.main === module) {
  generate().then((ts) => {
    if (process.argv.includes("--stdout")) {
      process.stdout.write(ts);
      return;
    }
    fs.writeFileSync(outPath, ts);
    process.stdout.write(`wrote ${path.relative(root, outPath)}\n`);
  });
}
