import type { Column } from "./types.gen";

/** Logical type family of a physical type; drives type checks (retention columns, measures, masks). */
export type TypeFamily = "string" | "boolean" | "integer" | "number" | "date" | "timestamp" | "binary" | "array" | "object";

export function typeFamily(physicalType: string): TypeFamily {
  if (physicalType === "STRING") return "string";
  if (physicalType === "BOOLEAN") return "boolean";
  if (["TINYINT", "SMALLINT", "INT", "BIGINT"].includes(physicalType)) return "integer";
  if (["FLOAT", "DOUBLE"].includes(physicalType) || physicalType.startsWith("DECIMAL(")) return "number";
  if (physicalType === "DATE") return "date";
  if (physicalType.startsWith("TIMESTAMP")) return "timestamp";
  if (physicalType === "BINARY") return "binary";
  if (physicalType.startsWith("ARRAY<")) return "array";
  return "object";
}

/** The ODCS logicalType that a physical type implies (BINARY is carried as a string). */
export function impliedLogicalType(physicalType: string): NonNullable<Column["logicalType"]> {
  const f = typeFamily(physicalType);
  return f === "binary" ? "string" : f;
}

export function isNumeric(physicalType: string): boolean {
  const f = typeFamily(physicalType);
  return f === "integer" || f === "number";
}

/** Precision and scale of DECIMAL(p,s), else undefined. */
export function decimalParts(physicalType: string): { precision: number; scale: number } | undefined {
  const m = /^DECIMAL\((\d+),(\d+)\)$/.exec(physicalType);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : undefined;
}
