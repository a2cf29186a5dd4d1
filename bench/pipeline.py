#!/usr/bin/env python3
"""Pipeline benchmark on the checkout's warm local plane (npm run bench:pipeline [-- --events N --domain D]).

Resets the plane's data (tables, checkpoints, topics), produces N sample events of one domain, and times triggered
runs on the engine:
  run 1  N events, first run: creates and clusters the tables, Kafka -> bronze -> silver -> gold
  run 2  no new events: the fixed cost of a trigger (the engine skips it: nothing is new)
  run 3  no new events, forced: what a Spark Declarative Pipelines update costs with nothing to read (every flow
         started, every materialized view recomputed, every table's properties committed)
  run 4  one new event: one micro-batch end to end
  run 5  N more events on existing tables: steady-state throughput
and prints Kafka -> silver throughput net of the fixed cost (run 5 - run 3, and run 1 - run 3). Wall times are
measured by this client around each request (what a user waits for). The machine's load average is printed before
and after: the numbers mean little on a machine other work keeps busy.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts" / "local"))

import engine  # noqa: E402
import kafka_admin  # noqa: E402
import mesh  # noqa: E402
import spark_local  # noqa: E402

WORK = spark_local.local_dir() / "bench"


def sh(*cmd: str) -> str:
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd[:4])} ... failed:\n{r.stderr[-3000:]}")
    return r.stdout


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timed_run(plan: Path, domain: str, force: bool = False) -> tuple[float, dict]:
    t = time.monotonic()
    r = mesh.run(plan, [domain], "lakemesh_bench", force=force)
    return time.monotonic() - t, r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=100_000, help="events in runs 1 and 5 (default 100000)")
    ap.add_argument("--domain", default="usage-engagement")
    ap.add_argument("--plan", type=Path, required=True, help="the plane's plan (bench/pipeline.sh passes it)")
    a = ap.parse_args()
    print(f"load average before: {load()} on {os.cpu_count()} cores", flush=True)
    plan = a.plan
    engine.checked("reset", plan=str(plan.resolve()), owner="bench")
    engine.checked("mesh.prepare", plan=str(plan.resolve()), tenants=[])
    mesh.topics(plan, [a.domain])
    contract = json.loads(mesh.contracts(plan, [a.domain])[a.domain].read_text())
    fed = [d for d in contract["datasets"] if d["layer"] == "bronze"]
    per_topic = -(-a.events // len(fed))

    def produce(seed: int) -> tuple[int, float]:
        out = WORK / f"sample-{seed}"
        sh("node", "bin/lakemesh.js", "sample", "--domain", a.domain, "--volume", str(per_topic), "--tenants", "4", "--seed", str(seed), "--out", str(out))
        t = time.monotonic()
        n = sum(mesh.produce(out).values())
        return n, time.monotonic() - t

    sent, produce_s = produce(11)
    first, _ = timed_run(plan, a.domain)
    skipped, r2 = timed_run(plan, a.domain)
    assert r2["skipped"], "a trigger with nothing new ran"
    forced, r3 = timed_run(plan, a.domain, force=True)
    assert not r3["skipped"]
    one = json.loads((WORK / "sample-11" / f"{fed[0]['source']['topic']}.jsonl").read_text().splitlines()[0])
    kafka_admin.produce_events(spark_local.kafka_bootstrap(), [mesh.event_tuple({**one, "key": one["key"] + "-bench"})])
    single, r4 = timed_run(plan, a.domain)
    assert not r4["skipped"]
    sent2, _ = produce(12)
    steady, _ = timed_run(plan, a.domain)
    rows = engine.checked("mesh.counts", plan=str(plan.resolve()), domains=[a.domain])
    silver = sum(c["rows"] for c in rows.values() if c["layer"] == "silver")
    bronze = sum(c["rows"] for c in rows.values() if c["layer"] == "bronze")
    print(f"domain {a.domain}: {len(fed)} topics, {sent} events produced in {produce_s:.1f} s ({sent / produce_s:,.0f} events/s)")
    print(f"spark master {os.environ.get('LAKEMESH_SPARK_MASTER', 'local[2]')} on {os.cpu_count()} cores, one warm engine; rows now: bronze {bronze}, silver {silver}")
    print(f"run 1 ({sent} events, first run: tables created and clustered): {first:.1f} s wall")
    print(f"run 2 (no new events: fixed cost of a triggered run, skipped): {skipped:.2f} s wall")
    print(f"run 3 (no new events, forced: an SDP update with nothing to read): {forced:.1f} s wall")
    print(f"run 4 (one new event: one micro-batch end to end): {single:.1f} s wall ({single - forced:+.1f} s over the forced empty run)")
    print(f"run 5 ({sent2} more events on existing tables): {steady:.1f} s wall")
    for label, n, t in (("steady state (run 5)", sent2, steady - forced), ("first run (run 1)", sent, first - forced)):
        print(f"throughput Kafka -> silver, {label}: {n / (t + forced):,.0f} events/s including the fixed cost, "
              + (f"{n / t:,.0f} events/s net of it (per event {1e3 * t / n:.3f} ms)" if t > 0 else "not slower than the empty run"))
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
