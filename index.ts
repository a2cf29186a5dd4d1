// Pulumi entry point: `pulumi up` runs the exported function; `lakemesh plan` runs the same one under mocks.
import { program } from "./program";

export = () => program();
