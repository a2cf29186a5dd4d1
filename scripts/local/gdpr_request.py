#!/usr/bin/env python3
"""Client of the engine's GDPR ops (scripts/local/gdpr.sh runs it):

    gdpr_request.py <job> [--record] [--export-root DIR] [--vacuum-retain-hours N] [job parameters ...]

The local plane runs the GDPR jobs as Databricks does: the job takes the request id as its only parameter (retention
none) and reads its settings from a settings file. This client writes the local plane's own settings file
(catalog spark_catalog, no secret scope; --export-root and --vacuum-retain-hours go there, never to the job) and
names it to the job in LAKEMESH_GDPR_SETTINGS, which lakemesh_gdpr honours only off Databricks.

--record files the request first: it reads {"type": "access"|"erasure", "tenant": ..., "subject": ...} from stdin
(never argv, which other local users can see) and the engine inserts it into the local request inbox with bound
parameters, as `lakemesh gdpr request` does on Databricks. Then the job runs with its parameters only; the line
`[gdpr] <job> parameters: [...]` on stderr shows what it ran with. Exit status and output are the job's.
Stdlib only: no PySpark import, so a request starts in a fraction of a second.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import engine  # noqa: E402
import spark_local  # noqa: E402

SALT_KEY = "subject-salt"  # lib/compile/gdpr-jobs.ts SUBJECT_SALT_KEY


def local_settings(export_root: str | None, vacuum_hours: str | None) -> Path:
    """The local plane's settings file (lib/compile/gdpr-jobs.ts GdprSettingsFile), named by its content so runs
    with different options never overwrite each other's."""
    if vacuum_hours is not None and not (vacuum_hours.isascii() and vacuum_hours.isdigit() and len(vacuum_hours) <= 5):
        raise ValueError(f"--vacuum-retain-hours {vacuum_hours!r} is not a whole number of hours")
    values = {
        "catalog": "spark_catalog",
        "governance_schema": "governance",
        "export_root": str(Path(export_root or spark_local.local_dir() / "gdpr-exports").resolve()),
        "salt_secret_scope": None,
        "salt_secret_key": SALT_KEY,
        "vacuum_retain_hours": None if vacuum_hours is None else int(vacuum_hours),
        # The stack default (lakemesh:databricks.gdprExportRetentionDays).
        "export_retention_days": 7,
        # No pipeline names: the local plane's erasure reads its runs from the update log (lakemesh_gdpr.LocalUpdates).
        "pipelines": [],
        # The local plane's classic session runs jobs from separate threads side by side (Apache Spark documents it);
        # Databricks gets 1 (lib/compile/gdpr-jobs.ts GDPR_MAINTENANCE_THREADS).
        "maintenance_threads": 4,
    }
    text = json.dumps(values, indent=2, sort_keys=True) + "\n"
    path = spark_local.local_dir() / "gdpr" / f"settings-{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text)
        tmp.replace(path)
    return path


def main() -> int:
    job, rest = sys.argv[1], sys.argv[2:]
    record, export_root, vacuum, argv = False, None, None, []
    i = 0
    while i < len(rest):
        a = rest[i]
        key, eq, value = a.partition("=")
        if a == "--record":
            record = True
        elif key in ("--export-root", "--vacuum-retain-hours"):
            if not eq:
                i += 1
                value = rest[i] if i < len(rest) else ""
            export_root, vacuum = (value, vacuum) if key == "--export-root" else (export_root, value)
        else:
            argv.append(a)
        i += 1
    try:
        settings = local_settings(export_root, vacuum)
    except ValueError as e:
        print(f"refused: {e}", file=sys.stderr)
        return 2
    env = {k: os.environ[k] for k in ("LAKEMESH_SUBJECT_SALT",) if k in os.environ}
    env["LAKEMESH_GDPR_SETTINGS"] = str(settings)
    try:
        if record:
            request = json.loads(sys.stdin.read() or "null")
            ids = [a.partition("=")[2] or (argv[k + 1] if k + 1 < len(argv) else "") for k, a in enumerate(argv) if a.split("=")[0] == "--request-id"]
            if not isinstance(request, dict) or set(request) != {"type", "tenant", "subject"} or len(ids) != 1:
                print('refused: --record reads {"type", "tenant", "subject"} from stdin and needs one --request-id', file=sys.stderr)
                return 2
            r = engine.call("gdpr.record", request_id=ids[0], request_type=request["type"], tenant=request["tenant"], subject=request["subject"], conf=spark_local.request_confs())
            if r.get("rc", 1) != 0:
                sys.stderr.write(r.get("stderr", ""))
                if r.get("error"):
                    print(f"[gdpr] recording the request failed: {r['error']}", file=sys.stderr)
                return int(r.get("rc", 1))
        r = engine.call("gdpr", job=job, argv=argv, env=env, conf=spark_local.request_confs())
    except engine.EngineError as e:
        print(f"[gdpr] ERROR: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(r.get("stdout", ""))
    sys.stderr.write(r.get("stderr", ""))
    print(f"[gdpr] {job} parameters: {json.dumps(r.get('argv', argv))}", file=sys.stderr)
    if r.get("rc", 1) not in (0, 2) and r.get("error"):
        print(f"[gdpr] {job} failed: {r['error']}", file=sys.stderr)
    return int(r.get("rc", 1))


if __name__ == "__main__":
    sys.exit(main())
