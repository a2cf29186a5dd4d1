"use strict";
// Fixture of test/engine/sql-provider.test.ts: the platform's governance SQL objects (functions, tables, the GDPR
// registry rows), compiled by lakemesh from the dev stack and the shipped manifests and registered through the same
// SqlObject dynamic resource the platform uses, without the rest of the platform (there is no workspace here).
// Config lakemesh-sql:variant changes what is registered: v2 changes one function's create statements (what a template
// change does), v3 also removes one function and one table, v4 changes that function again (the test's API fails it).
const path = require("path");
const pulumi = require("@pulumi/pulumi");

const repo = process.env.LAKEMESH_REPO;
if (!repo) throw new Error("LAKEMESH_REPO names the lakemesh checkout whose dist/ this fixture runs");
const { SqlObject } = require(path.join(repo, "dist", "components", "governance", "SqlObject"));
const compile = require(path.join(repo, "dist", "lib", "compile"));
const manifest = require(path.join(repo, "dist", "lib", "manifest"));
const { readStackConfig } = require(path.join(repo, "dist", "cli", "plan", "stack-config"));

const cfg = new pulumi.Config("lakemesh-sql");
const settings = readStackConfig(repo, "dev").settings;
const { files } = manifest.readManifestFiles([path.join(repo, "domains")], repo);
const mesh = compile.meshOf(manifest.validateMesh(files).manifests);
// The platform declares a mask per (category, type) of its mesh (numeric personal columns get their own).
const names = compile.meshPlatformNames(settings.catalog, mesh);
const registry = compile.compileRegistry(mesh.domains.map((d) => compile.compileContract(settings, names, d)));

let objects = [...compile.compileGovernanceObjects(settings, compile.maskSpecs(mesh)), compile.compileRegistryRows(settings, registry)];
const variant = cfg.get("variant") || "v1";
if (variant !== "v1") {
  const mark = variant === "v4" ? "v4" : "v2";
  objects = objects.map((o) => (o.name.endsWith(".mask_email") ? { ...o, create: o.create.map((s) => ({ ...s, sql: `${s.sql}\n-- template ${mark}` })) } : o));
}
if (variant === "v3" || variant === "v4") objects = objects.filter((o) => !o.name.endsWith(".mask_phone") && !o.name.endsWith(".audit_log"));

for (const o of objects) new SqlObject(o.resourceName, { spec: o, host: cfg.require("host"), warehouseId: cfg.require("warehouseId") });

// A stack secret, to see how the state keeps one.
exports.probe = cfg.requireSecret("probeSecret");
exports.objects = objects.map((o) => o.name);
