#!/usr/bin/env python3
"""Client of the engine's `gdpr` op (scripts/local/gdpr.sh runs it): gdpr_request.py <job> [--name value ...].

Sends the job's arguments, the salt (LAKEMESH_SUBJECT_SALT, when set) and the runtime confs the environment asks for
(spark_local.request_confs) to the engine, and prints what the job printed, exiting with its status. A relative
--export-root is taken relative to this process's working directory, as it would be for a job run here.
Stdlib only: no PySpark import, so a request starts in a fraction of a second.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import engine  # noqa: E402
import spark_local  # noqa: E402


def main() -> int:
    job, argv = sys.argv[1], sys.argv[2:]
    for i, a in enumerate(argv[:-1]):
        if a == "--export-root":
            argv[i + 1] = str(Path(argv[i + 1]).resolve())
    env = {k: os.environ[k] for k in ("LAKEMESH_SUBJECT_SALT",) if k in os.environ}
    try:
        r = engine.call("gdpr", job=job, argv=argv, env=env, conf=spark_local.request_confs())
    except engine.EngineError as e:
        print(f"[gdpr] ERROR: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(r.get("stdout", ""))
    sys.stderr.write(r.get("stderr", ""))
    if r.get("rc", 1) not in (0, 2) and r.get("error"):
        print(f"[gdpr] {job} failed: {r['error']}", file=sys.stderr)
    return int(r.get("rc", 1))


if __name__ == "__main__":
    sys.exit(main())
