// The lakemesh CrossGuard pack: `pulumi preview --policy-pack policies`. package.json points the engine at the
// compiled pack (dist/policies/index.js), as Pulumi.yaml does for the program. Constructing a PolicyPack starts its
// gRPC server, so nothing else (tests, the offline harness) imports this file; they import rules/ instead.
import * as path from "path";
import { PolicyPack } from "@pulumi/policy";
import { assertBuildCurrent } from "../lib/build-stamp";
import { allRules } from "./rules";

assertBuildCurrent(path.join(__dirname, ".."));
new PolicyPack("lakemesh", { policies: [...allRules] });
