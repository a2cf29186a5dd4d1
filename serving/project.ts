import * as fs from "fs";
import * as path from "path";

/** The project folder (Pulumi.yaml and domains/), found upwards from this file: works from serving/ and dist/serving/. */
export function projectRoot(start = __dirname): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml")) && fs.existsSync(path.join(dir, "domains"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no lakemesh project (Pulumi.yaml and domains/) above ${start}`);
    dir = up;
  }
}

/** Where the local server keeps its state: <project>/.local/serving (git-ignored). */
export function localServingDir(root: string): string {
  return path.join(process.env.LAKEMESH_LOCAL ?? path.join(root, ".local"), "serving");
}
