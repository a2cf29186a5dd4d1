#!/usr/bin/env python3
"""Pipeline benchmark on the local data plane (npm run bench:pipeline [-- --events N --domain D]).

Prints: produce rate into Kafka; the wall time of one triggered pipeline run that takes N events from Kafka to
bronze and silver (and gold), of a run with no new events (the fixed cost: JVM, graph, Kafka offsets, commits), and
of a run with one new event (one micro-batch end to end); and Kafka -> silver throughput net of the fixed cost.
Runs on its own warehouse under .local/bench; starts the broker if it is down (and stops it then). It deletes and
recreates the domain's topics on that broker, so do not run it beside `npm test` or `npm run local:demo`.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".local" / "bench"
os.environ["LAKEMESH_WAREHOUSE"] = str(WORK / "warehouse")
os.environ["LAKEMESH_METASTORE"] = str(WORK / "metastore_db")
sys.path.insert(0, str(ROOT / "scripts" / "local"))

import kafka_admin  # noqa: E402
import mesh  # noqa: E402
import spark_local  # noqa: E402


def sh(*cmd: str, quiet: bool = True) -> str:
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd[:4])} ... failed:\n{r.stderr[-3000:]}")
    return r.stdout


def timed_run(plan: Path, domain: str) -> float:
    t = time.monotonic()
    sh(sys.executable, str(ROOT / "scripts" / "local" / "mesh.py"), "run", "--plan", str(plan), "--domains", domain, "--name", "lakemesh_bench")
    return time.monotonic() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=100_000, help="events in the first run (default 100000)")
    ap.add_argument("--domain", default="usage-engagement")
    a = ap.parse_args()
    for d in ("warehouse", "metastore_db", "sample", "pipelines", "plan"):
        shutil.rmtree(WORK / d, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    sh("node", "bin/lakemesh.js", "plan", "--stack", "dev", "--quiet", "--out", str(WORK / "plan"))
    plan = WORK / "plan" / "dev"
    bootstrap = spark_local.kafka_bootstrap()
    kafka_admin.wait_ready(bootstrap, 60)
    names = [r["inputs"]["name"] for r in mesh.plan_json(plan)["resources"] if r["type"] == "kafka:index/topic:Topic" and r["inputs"]["name"].startswith(a.domain + ".")]
    for t in names:
        kafka_admin.delete_topic(bootstrap, t)
    mesh.topics(plan, [a.domain])
    contract = json.loads(mesh.contracts(plan, [a.domain])[a.domain].read_text())
    fed = [d for d in contract["datasets"] if d["layer"] == "bronze"]
    per_topic = -(-a.events // len(fed))
    sh("node", "bin/lakemesh.js", "sample", "--domain", a.domain, "--volume", str(per_topic), "--tenants", "4", "--seed", "11", "--out", str(WORK / "sample"))
    t = time.monotonic()
    sent = sum(mesh.produce(WORK / "sample").values())
    produce_s = time.monotonic() - t
    sh(sys.executable, str(ROOT / "scripts" / "local" / "mesh.py"), "prepare", "--plan", str(plan))

    first = timed_run(plan, a.domain)
    empty = timed_run(plan, a.domain)
    one = json.loads((WORK / "sample" / f"{fed[0]['source']['topic']}.jsonl").read_text().splitlines()[0])
    kafka_admin.produce_events(bootstrap, [mesh.event_tuple({**one, "key": one["key"] + "-bench"})])
    single = timed_run(plan, a.domain)
    rows = json.loads(sh(sys.executable, str(ROOT / "scripts" / "local" / "mesh.py"), "counts", "--plan", str(plan), "--domains", a.domain))
    silver = sum(c["rows"] for c in rows.values() if c["layer"] == "silver")
    bronze = sum(c["rows"] for c in rows.values() if c["layer"] == "bronze")
    cores = os.cpu_count()
    print(f"domain {a.domain}: {len(fed)} topics, {sent} events produced in {produce_s:.1f} s ({sent / produce_s:,.0f} events/s)")
    print(f"spark master {os.environ.get('LAKEMESH_SPARK_MASTER', 'local[2]')} on {cores} cores; rows now: bronze {bronze}, silver {silver}")
    print(f"run 1 ({sent} events, Kafka -> bronze -> silver -> gold): {first:.1f} s wall")
    print(f"run 2 (no new events: fixed cost of a triggered run): {empty:.1f} s wall")
    print(f"run 3 (one new event: one micro-batch end to end): {single:.1f} s wall ({single - empty:+.1f} s over the fixed cost)")
    net = first - empty
    print(f"throughput Kafka -> silver: {sent / first:,.0f} events/s including the fixed cost, {sent / net:,.0f} events/s net of it" if net > 0 else "throughput: run 1 was not slower than the empty run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
