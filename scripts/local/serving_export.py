#!/usr/bin/env python3
"""Exports the local data plane's silver and gold tables to Parquet for the serving API's embedded default.

  serving_export.py --plan .local/plane/plan/dev --out .local/serving/parquet

DuckDB cannot read Delta tables offline (its delta extension is downloaded at run time), and reading a Delta
table's Parquet files directly would return rows that later commits removed. So Spark reads each table as Delta
(the current snapshot) and writes plain Parquet: <out>/<catalog>.<schema>.<table>.parquet/ per table, plus
export.json with the row counts. Tables the plane does not have (domains not run yet) are left out and listed.

The checkout's engine (engine.py) does the work, as its `serving.export` op: it is the only process that may open
the plane's Derby metastore, and it is warm, so an export costs seconds and no JVM. This script is its client
(stdlib only, like gdpr_request.py); scripts/local/serving-export.sh brings the plane up for it when it is down.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import engine  # noqa: E402


def export(spark, plan: Path, out: Path) -> dict:
    """The export itself, in a session of the engine's Spark (engine_ops registers it as `serving.export`)."""
    import mesh

    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, int] = {}
    missing: list[str] = []
    for p in mesh.contracts(plan).values():
        for ds in json.loads(p.read_text())["datasets"]:
            if ds["layer"] == "bronze":
                continue
            fq = ds["table"]
            local = mesh.local_name(fq)
            if not spark.catalog.tableExists(local):
                missing.append(fq)
                continue
            target = out / f"{fq}.parquet"
            shutil.rmtree(target, ignore_errors=True)
            df = spark.read.table(local)
            df.coalesce(1).write.mode("overwrite").parquet(str(target))
            # Counted from what was written: the table may change between two reads of it.
            tables[fq] = spark.read.parquet(str(target)).count()
    manifest = {"exported_at": datetime.now(timezone.utc).isoformat(), "plan": str(plan), "tables": tables, "missing": sorted(missing)}
    (out / "export.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def request(plan: Path, out: Path) -> dict:
    """Asks the checkout's running engine for the export (paths made absolute: the engine has its own cwd)."""
    return engine.checked("serving.export", plan=str(plan.resolve()), out=str(out.resolve()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plan", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    try:
        m = request(a.plan, a.out)
    except engine.EngineError as e:
        print(f"[serving-export] ERROR: {e}", file=sys.stderr)
        return 1
    print(json.dumps({"tables": len(m["tables"]), "rows": sum(m["tables"].values()), "missing": len(m["missing"])}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
