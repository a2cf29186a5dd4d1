import { classifyColumn, type Finding } from "./columns";
import type { Category } from "./table";

/** A labelled column: what the classifier sees, and the category it should find (none: not personal). */
export interface LabelledColumn {
  readonly name: string;
  readonly type: string;
  readonly description: string;
  readonly label: Category | "none";
}

export interface ClassifierMetrics {
  readonly columns: number;
  readonly personal: number;
  readonly truePositives: number;
  readonly falsePositives: readonly { readonly column: LabelledColumn; readonly finding: Finding }[];
  readonly misses: readonly LabelledColumn[];
  /** Flagged personal columns whose category differs from the label. */
  readonly wrongCategory: readonly { readonly column: LabelledColumn; readonly finding: Finding }[];
  /** Personal columns flagged / personal columns. */
  readonly recall: number;
  /** Flagged columns that are personal / flagged columns. */
  readonly precision: number;
}

/** Recall and precision of the column classifier on a labelled list (personal or not; categories reported apart). */
export function measureClassifier(columns: readonly LabelledColumn[]): ClassifierMetrics {
  let tp = 0;
  const falsePositives: { column: LabelledColumn; finding: Finding }[] = [];
  const misses: LabelledColumn[] = [];
  const wrongCategory: { column: LabelledColumn; finding: Finding }[] = [];
  for (const column of columns) {
    const finding = classifyColumn({ name: column.name, description: column.description, physicalType: column.type });
    if (column.label === "none") {
      if (finding) falsePositives.push({ column, finding });
    } else if (!finding) {
      misses.push(column);
    } else {
      tp++;
      if (finding.category !== column.label) wrongCategory.push({ column, finding });
    }
  }
  const personal = columns.filter((c) => c.label !== "none").length;
  const flagged = tp + falsePositives.length;
  return {
    columns: columns.length,
    personal,
    truePositives: tp,
    falsePositives,
    misses,
    wrongCategory,
    recall: personal === 0 ? 1 : tp / personal,
    precision: flagged === 0 ? 1 : tp / flagged,
  };
}
