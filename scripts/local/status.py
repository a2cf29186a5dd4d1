#!/usr/bin/env python3
"""npm run local:status [-- --json | --quiet]: what of the checkout's local plane runs where.

Prints the broker and the engine (pids, ports, uptime, what the engine is doing), the data folder, the last run of
each pipeline and the demo's domains. Exit 0 when the broker and the engine both run (the engine on the current code),
3 otherwise.
Stdlib only (it must answer fast, also when the venv is missing).
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import engine  # noqa: E402
import spark_local  # noqa: E402


def kafka() -> dict:
    run = engine.run_dir()
    try:
        pid = int((run / "kafka.pid").read_text().strip())
    except (OSError, ValueError):
        pid = None
    conf = spark_local.local_dir() / "kafka" / "server.properties"
    up = engine.alive(pid, f"kafka.Kafka {conf}")
    out: dict = {"running": up, "pid": pid if up else None}
    try:
        port, cport = (run / "kafka.ports").read_text().split()
        out.update(port=int(port), controller_port=int(cport))
    except (OSError, ValueError):
        pass
    if up:
        out["bootstrap"] = (run / "kafka.bootstrap").read_text().strip()
        out["uptime_s"] = round(time.time() - (run / "kafka.pid").stat().st_mtime)
    return out


def rss_mb(pid: int | None) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def size_mb(path: Path) -> float:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return round(total / 1e6, 1)


def pipelines() -> dict:
    import mesh

    out = {}
    root = mesh.pipelines_root()
    for d in sorted(root.iterdir()) if root.is_dir() else []:
        try:
            last = json.loads((d / "lakemesh-last-run.json").read_text())
            out[d.name] = {"last_run_ago_s": round(time.time() - last["at"])}
        except (OSError, ValueError, KeyError):
            out[d.name] = {"last_run_ago_s": None}
    return out


def collect() -> dict:
    import mesh

    e = engine.status()
    for k in ("pid", "jvm_pid", "worker_pid"):
        if e.get(k):
            e[k.replace("pid", "rss_mb")] = rss_mb(e[k])
    try:
        demo = json.loads(mesh.demo_state_file().read_text())
    except (OSError, ValueError):
        demo = {}
    plane = mesh.plane_dir()
    return {"local": str(spark_local.local_dir()), "kafka": kafka(), "engine": e,
            "data": {"dir": str(plane), "warehouse_mb": size_mb(spark_local.warehouse_dir()), "pipelines": pipelines(),
                     "demoed": demo.get("domains", {})}}


def ago(s: float | None) -> str:
    if s is None:
        return "-"
    s = int(s)
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def text(st: dict) -> str:
    k, e, d = st["kafka"], st["engine"], st["data"]
    lines = [f"lakemesh local plane: {st['local']}"]
    if k["running"]:
        lines.append(f"  kafka   running  pid {k['pid']}  {k['bootstrap']} (controller 127.0.0.1:{k.get('controller_port', '?')})  up {ago(k.get('uptime_s'))}")
    else:
        lines.append("  kafka   stopped" + (f"  (last ports {k['port']}, {k['controller_port']})" if "port" in k else ""))
    if e["running"]:
        busy = e.get("busy")
        doing = f"busy: {busy['op']} {busy['label']} for {busy['for_s']} s" if busy else "idle"
        lines.append(f"  engine  running  pid {e['pid']} ({e.get('rss_mb', '?')} MB), jvm {e['jvm_pid']} ({e.get('jvm_rss_mb', '?')} MB{'' if e.get('jvm_alive') else ', NOT ALIVE'}), "
                     f"worker {e['worker_pid']} ({e.get('worker_rss_mb', '?')} MB{'' if e.get('worker_alive') else ', restarts on next run'})")
        lines.append(f"          spark connect sc://localhost:{e['spark_port']} (token in .local/run/engine.token), control 127.0.0.1:{e['control_port']}")
        lines.append(f"          up {ago(e.get('uptime_s'))}, {e.get('served', '?')} requests served, {doing}; log {e['log']}")
        if e.get("code") != engine.code_sha():
            lines.append("          its code changed since it started: npm run local:up restarts it")
    else:
        lines.append("  engine  stopped")
    lines.append(f"  data    {d['dir']} (warehouse {d['warehouse_mb']} MB)")
    for name, p in d["pipelines"].items():
        lines.append(f"          pipeline {name}: last run {ago(p['last_run_ago_s'])} ago" if p["last_run_ago_s"] is not None else f"          pipeline {name}: no successful run recorded")
    if d["demoed"]:
        lines.append("  demoed  " + ", ".join(f"{n} ({v.get('runs', 0)} runs)" for n, v in sorted(d["demoed"].items())))
    return "\n".join(lines)


def main() -> int:
    args = sys.argv[1:]
    st = collect()
    up = st["kafka"]["running"] and st["engine"]["running"] and st["engine"].get("code") == engine.code_sha()
    if "--json" in args:
        print(json.dumps(st, indent=2, default=str))
    elif "--quiet" not in args:
        print(text(st))
    return 0 if up else 3


if __name__ == "__main__":
    sys.exit(main())
