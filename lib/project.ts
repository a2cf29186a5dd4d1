import * as fs from "fs";
import * as path from "path";

/** Where the shared pipeline module lives in the project; every .py file in it is uploaded with each pipeline. */
export const PIPELINE_CODE_DIR = "notebooks/pipelines";

/** The pipeline module's files, relative to the project root, sorted (what compileDomain takes as code). */
export function pipelineCodeFiles(root: string): string[] {
  return fs
    .readdirSync(path.join(root, PIPELINE_CODE_DIR))
    .filter((f) => f.endsWith(".py"))
    .sort()
    .map((f) => `${PIPELINE_CODE_DIR}/${f}`);
}
