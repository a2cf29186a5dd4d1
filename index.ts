// Pulumi entry point: `pulumi up` runs the exported function; `lakemesh plan` runs the same one under mocks.
// Pulumi.yaml points the engine at the compiled dist/index.js (see README, "Running Pulumi"): the engine's own
// TypeScript loader forces moduleResolution nodenext and resolves `./x` to x.json before x.ts, neither of which the
// project's build uses, so the engine runs exactly what `npm run build` compiled and the tests ran.
import * as pulumi from "@pulumi/pulumi";
import { assertBuildCurrent } from "./lib/build-stamp";
import { program } from "./program";

export = () => {
  assertBuildCurrent(__dirname);
  // The engine runs the program in the folder of `main` (dist/): the manifests and the pipeline code are found from
  // the project root it reports, never from the working directory.
  return program(pulumi.getRootDirectory() || process.cwd());
};
