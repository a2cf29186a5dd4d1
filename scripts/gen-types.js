#!/usr/bin/env node
"use strict";
// Generates the TypeScript types of every JSON Schema in SCHEMAS, the one source of truth for those shapes.
// test/manifest/types-current.test.ts fails when a committed file is not what this script produces.
// Usage: node scripts/gen-types.js            write every generated file
//        node scripts/gen-types.js --stdout <name>   print one (for the staleness test)
const fs = require("fs");
const path = require("path");
const { compile } = require("json-schema-to-typescript");

const root = path.join(__dirname, "..");
const SCHEMAS = {
  manifest: { schema: "lib/manifest/schema.json", out: "lib/manifest/types.gen.ts", name: "DomainManifest" },
  settings: { schema: "lib/compile/settings.schema.json", out: "lib/compile/settings.gen.ts", name: "StackSettings" },
};

async function generate(key) {
  const s = SCHEMAS[key];
  const schema = JSON.parse(fs.readFileSync(path.join(root, s.schema), "utf8"));
  return compile(schema, s.name, {
    bannerComment: `/* Generated from ${s.schema} by \`npm run gen:types\`. Do not edit. */`,
    additionalProperties: false,
    ignoreMinAndMaxItems: true,
    strictIndexSignatures: true,
    format: true,
  });
}

async function main() {
  const i = process.argv.indexOf("--stdout");
  if (i >= 0) {
    process.stdout.write(await generate(process.argv[i + 1]));
    return;
  }
  for (const [key, s] of Object.entries(SCHEMAS)) {
    fs.writeFileSync(path.join(root, s.out), await generate(key));
    process.stdout.write(`wrote ${s.out}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
