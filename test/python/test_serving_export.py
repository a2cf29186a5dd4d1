"""The serving API's embedded default reads the plane's tables through a Parquet export (serving_export.py, run by
the checkout's engine): the export holds each silver and gold table's current rows, and the API's seed loads them
into DuckDB unchanged."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from plane import ROOT, Plane

sys.path.insert(0, str(ROOT / "scripts" / "local"))
import serving_export  # noqa: E402


def test_export_holds_every_table_of_the_run_domains_and_the_api_seed_loads_it(mesh: Plane, tmp_path: Path):
    out = tmp_path / "parquet"
    # Through the engine, as serving-export.sh asks it: it alone opens the plane's metastore.
    manifest = serving_export.request(mesh.plan, out)
    tables = manifest["tables"]
    assert "lakemesh_dev.core_business.equity_grants" in tables
    assert "lakemesh_dev.outcomes_performance.equity_kpis" in tables
    assert all(not t.split(".")[2].startswith("bronze_") for t in tables)
    # Domains the test plane does not run are listed as missing, not exported empty.
    assert "lakemesh_dev.external_integrations.valuations" in manifest["missing"]
    assert json.loads((out / "export.json").read_text())["tables"] == tables

    spark = mesh.spark()
    for fq, n in tables.items():
        # The test session has no metastore: the plane's tables are read by path (Plane.table).
        assert mesh.table(fq).count() == n
        assert spark.read.parquet(str(out / f"{fq}.parquet")).count() == n
    mesh.stop_spark()

    script = (
        "const { seedLocal } = require('./dist/serving/local/seed.js');"
        "const { readStackConfig } = require('./dist/cli/plan/stack-config.js');"
        "const { loadProjectMesh } = require('./dist/lib/project.js');"
        f"seedLocal(readStackConfig('.', 'dev').settings, loadProjectMesh('.'), {{ exportDir: {json.dumps(str(out))} }})"
        ".then(async (s) => { console.log(JSON.stringify({ source: s.source, counts: s.counts, tenants: s.tenants })); await s.backend.close(); })"
        ".catch((e) => { console.error(e); process.exit(1); });"
    )
    r = subprocess.run(["node", "-e", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    seeded = json.loads(r.stdout.strip().splitlines()[-1])
    assert seeded["source"] == "plane"
    for fq, n in tables.items():
        assert seeded["counts"][fq] == n, fq
    assert set(seeded["tenants"]) <= {"tenant-01", "tenant-02", "tenant-unknown"}


def test_the_plane_has_every_governance_table_but_those_under_a_row_filter(mesh: Plane):
    # Open-source Spark has no ROW FILTER: such a table (the serving API's GDPR intake) would exist here unfiltered,
    # so mesh.prepare leaves it out; every other governance table of the plan is on the plane.
    filtered, plain = set(), set()
    for f in (mesh.plan / "sql" / "governance").glob("*.sql"):
        text = f.read_text()
        if "CREATE TABLE" in text:
            (filtered if "WITH ROW FILTER" in text else plain).add(f.name.split(".")[2])
    assert "serving_gdpr_requests" in filtered and "gdpr_registry" in plain
    present = {r.tableName for r in mesh.spark().sql("SHOW TABLES IN spark_catalog.governance").collect()}
    assert plain <= present
    assert not filtered & present
