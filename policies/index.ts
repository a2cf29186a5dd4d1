// The lakemesh CrossGuard pack: `pulumi preview --policy-pack policies`. Constructing a PolicyPack starts its
// gRPC server, so nothing else (tests, the offline harness) imports this file; they import rules/ instead.
import { PolicyPack } from "@pulumi/policy";
import { allRules } from "./rules";

new PolicyPack("lakemesh", { policies: [...allRules] });
