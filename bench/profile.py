#!/usr/bin/env python3
"""Where the engine's time went: a summary of Spark's event log over a time window.

  bench/profile.py EVENT_LOG [--from MS --to MS | --tests .local/pytest/timings.json --match test_gdpr.py] [--top N]

The engine writes an event log when it is started with LAKEMESH_SPARK_EVENT_LOG=<folder> (spark_local.confs). For the
window (epoch milliseconds, or the span of the tests whose id contains --match in the timings test/python/conftest.py
writes; default: the whole log) this prints:
  * wall time, and how much of it some Spark SQL execution was running (the union of their intervals); the rest is
    time outside Spark's execution: Python clients, request handling, SDP's graph registration and table
    materialization, Delta's commit protocol between jobs, waiting for CPU;
  * jobs, stages, tasks, and the tasks' summed run time, CPU time and GC time (CPU time below run time on an idle
    machine means waiting on I/O; on a busy one, waiting for a core);
  * the SQL executions grouped by what they were (their description with numbers and ids blanked), by total time.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

SQL_START = "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart"
SQL_END = "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd"


def events(path: Path):
    with path.open() as f:
        for line in f:
            try:
                yield json.loads(line)
            except ValueError:
                continue


def normalize(desc: str) -> str:
    d = " ".join(desc.split())
    d = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", d)
    d = re.sub(r"\b\d+\b", "N", d)
    return d[:110]


def union(intervals: list[tuple[int, int]]) -> int:
    total, end = 0, None
    for a, b in sorted(intervals):
        if end is None or a > end:
            total += b - a
            end = b
        elif b > end:
            total += b - end
            end = b
    return total


def profile(path: Path, t0: int | None = None, t1: int | None = None, top: int = 15) -> dict:
    starts: dict[int, tuple[int, str]] = {}
    sql: list[tuple[int, int, str]] = []
    jobs = stages = tasks = 0
    run_ms = cpu_ns = gc_ms = 0
    first = last = None
    for e in events(path):
        ev = e.get("Event")
        ts = e.get("time") or e.get("Submission Time") or e.get("Completion Time") or e.get("Timestamp")
        if ev == SQL_START:
            starts[e["executionId"]] = (e["time"], e.get("description") or e.get("details") or "?")
        elif ev == SQL_END and e["executionId"] in starts:
            a, desc = starts.pop(e["executionId"])
            sql.append((a, e["time"], desc))
        elif ev == "SparkListenerJobStart":
            if (t0 is None or e["Submission Time"] >= t0) and (t1 is None or e["Submission Time"] <= t1):
                jobs += 1
        elif ev == "SparkListenerStageCompleted":
            si = e["Stage Info"]
            if (t0 is None or si.get("Submission Time", 0) >= t0) and (t1 is None or si.get("Completion Time", 0) <= t1):
                stages += 1
        elif ev == "SparkListenerTaskEnd":
            ti, tm = e["Task Info"], e.get("Task Metrics") or {}
            if (t0 is None or ti["Launch Time"] >= t0) and (t1 is None or ti["Finish Time"] <= t1):
                tasks += 1
                run_ms += tm.get("Executor Run Time", 0)
                cpu_ns += tm.get("Executor CPU Time", 0)
                gc_ms += tm.get("JVM GC Time", 0)
        if isinstance(ts, int):
            first = ts if first is None else min(first, ts)
            last = ts if last is None else max(last, ts)
    lo = t0 if t0 is not None else first or 0
    hi = t1 if t1 is not None else last or 0
    inside = [(max(a, lo), min(b, hi), d) for a, b, d in sql if b >= lo and a <= hi]
    groups: dict[str, list[int]] = defaultdict(list)
    for a, b, d in inside:
        groups[normalize(d)].append(b - a)
    busy = union([(a, b) for a, b, _ in inside])
    return {
        "wall_s": (hi - lo) / 1e3, "sql_busy_s": busy / 1e3, "sql_executions": len(inside), "jobs": jobs, "stages": stages,
        "tasks": tasks, "task_run_s": run_ms / 1e3, "task_cpu_s": cpu_ns / 1e9, "gc_s": gc_ms / 1e3,
        "top": sorted(((d, len(v), sum(v) / 1e3, max(v) / 1e3) for d, v in groups.items()), key=lambda r: -r[2])[:top],
    }


def report(p: dict, title: str = "") -> str:
    out = [f"{title}wall {p['wall_s']:.1f} s; some Spark SQL execution running {p['sql_busy_s']:.1f} s "
           f"({100 * p['sql_busy_s'] / p['wall_s'] if p['wall_s'] else 0:.0f}%), outside Spark's execution {p['wall_s'] - p['sql_busy_s']:.1f} s",
           f"  {p['sql_executions']} SQL executions, {p['jobs']} jobs, {p['stages']} stages, {p['tasks']} tasks: "
           f"task run time {p['task_run_s']:.1f} s, CPU {p['task_cpu_s']:.1f} s, GC {p['gc_s']:.1f} s",
           "  by kind (count, total s, max s):"]
    out += [f"    {n:4d} {t:7.1f} {m:6.1f}  {d}" for d, n, t, m in p["top"]]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("event_log", type=Path)
    ap.add_argument("--from", dest="t0", type=int)
    ap.add_argument("--to", dest="t1", type=int)
    ap.add_argument("--tests", type=Path, help="timings.json of a pytest run")
    ap.add_argument("--match", default="", help="with --tests: the tests whose id contains this")
    ap.add_argument("--top", type=int, default=15)
    a = ap.parse_args()
    if a.tests:
        spans = [v for k, v in json.loads(a.tests.read_text()).items() if a.match in k]
        if not spans:
            sys.exit(f"no test matching {a.match!r} in {a.tests}")
        a.t0, a.t1 = int(min(s[0] for s in spans)), int(max(s[1] for s in spans))
    log = a.event_log
    if log.is_dir():
        logs = sorted((p for p in log.iterdir() if p.is_file()), key=lambda p: p.stat().st_mtime)
        if not logs:
            sys.exit(f"no event log in {log}")
        log = logs[-1]
    print(report(profile(log, a.t0, a.t1, a.top), f"{log.name}: "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
