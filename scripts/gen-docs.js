#!/usr/bin/env node
"use strict";
// Writes the files generated from the manifests: domains/CATALOG.md and .github/CODEOWNERS (from the owners, with
// .github/codeowners.yaml). test/catalog/generated.test.ts fails when a committed file is not what this writes.
// Usage: npm run gen:docs   (builds first: it runs the compiled lib/)
const fs = require("fs");
const path = require("path");
const { parse } = require("yaml");
const root = path.join(__dirname, "..");
const { catalogMarkdown, catalogOf, codeowners } = require(path.join(root, "dist", "lib", "catalog"));
const { readManifestFiles, validateMesh, formatError } = require(path.join(root, "dist", "lib", "manifest"));

const read = readManifestFiles(["domains"], root);
const v = validateMesh(read.files);
const errors = [...read.errors, ...v.errors];
if (errors.length > 0) {
  for (const e of errors) console.error(formatError(e));
  process.exit(1);
}
const cfg = parse(fs.readFileSync(path.join(root, ".github", "codeowners.yaml"), "utf8"));
fs.writeFileSync(path.join(root, "domains", "CATALOG.md"), catalogMarkdown(catalogOf(v.manifests.map((m) => m.manifest))));
fs.writeFileSync(path.join(root, ".github", "CODEOWNERS"), codeowners(cfg, v.manifests));
console.log("wrote domains/CATALOG.md and .github/CODEOWNERS");
