#!/usr/bin/env python3
"""One domain end to end on the warm local plane (npm run local:demo -- <domain>; demo.sh brings the plane up first).

  demo.py --plan P --domain D [--volume N] [--seed N]

1. The domains D reads from (its manifests' consumers, transitively: `lakemesh upstream`), producers first: each one
   not demoed on this plane yet gets sample events once; each then gets a triggered run, which does nothing when
   nothing is new. So a consumer's gold has its producers' silver, from a fresh plane, in one command.
2. D itself: new sample events for two tenants (plus malformed, tenant-less and wrong-tenant ones; a new seed each
   time), a triggered run (incremental: the checkpoints make it read only the new events), and the row counts per
   layer and tenant, and the columns not marked personal whose values look personal (scripts/local/personal_values).
What was demoed is kept in .local/plane/demo.json (a reset of the plane removes it with the data).
No PySpark here: Spark work happens in the engine.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import engine  # noqa: E402
import mesh  # noqa: E402

SAMPLE = {"tenants": 2, "volume": 50, "malformed": 3, "missing-tenant": 2, "wrong-tenant": 1}


def say(msg: str) -> None:
    print(f"[demo] {msg}", file=sys.stderr, flush=True)


def lakemesh(*args: str) -> str:
    r = subprocess.run(["node", str(ROOT / "bin" / "lakemesh.js"), *args], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"[demo] lakemesh {' '.join(args)} failed:\n{r.stderr}")
    return r.stdout


def pipeline_name(domain: str) -> str:
    return "lakemesh_demo_" + domain.replace("-", "_")


class DemoState:
    def __init__(self) -> None:
        self.file = mesh.demo_state_file()
        try:
            self.doc = json.loads(self.file.read_text())
        except (OSError, ValueError):
            self.doc = {"domains": {}}

    def get(self, domain: str) -> dict:
        return self.doc["domains"].get(domain, {})

    def record(self, domain: str, events: int) -> None:
        d = self.doc["domains"].setdefault(domain, {"runs": 0, "events": 0})
        d["runs"] += 1
        d["events"] += events
        d["last"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        self.file.parent.mkdir(parents=True, exist_ok=True)
        self.file.write_text(json.dumps(self.doc, indent=2, sort_keys=True) + "\n")


def produce_sample(domain: str, seed: int, volume: int) -> int:
    out = mesh.plane_dir() / "samples" / f"{domain}-{seed}"
    args = {**SAMPLE, "volume": volume}
    lakemesh("sample", "--domain", domain, "--seed", str(seed), "--out", str(out), *[f"--{k}={v}" for k, v in args.items()])
    return sum(mesh.produce(out).values())


def run(plan: Path, domain: str) -> dict:
    t = time.monotonic()
    r = mesh.run(plan, [domain], pipeline_name(domain))
    log = mesh.pipeline_dir(pipeline_name(domain)) / "last-run.log"
    log.write_text(r.pop("output"))
    r["wall"] = time.monotonic() - t
    if r["skipped"]:
        say(f"{domain}: nothing new, run skipped ({r['wall']:.1f} s)")
    else:
        say(f"{domain}: pipeline ran in {r['wall']:.1f} s (log {log})")
        for q in r.get("quarantine", []):
            say(f"quarantine {q['table']}: tenant {q['tenant_id']} topic {q['kafka_topic']}: {q['events']} events held in bronze")
    return r


def print_counts(counts: dict) -> None:
    for table, c in counts.items():
        tenants = ", ".join(f"{t}: {n}" for t, n in c["by_tenant"].items()) or "shared by all tenants"
        print(f"{c['layer']:7} {table:60} {c['rows']:6}  ({tenants})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plan", type=Path, required=True)
    ap.add_argument("--domain", required=True)
    ap.add_argument("--volume", type=int, default=SAMPLE["volume"], help="valid events per topic (default 50)")
    ap.add_argument("--seed", type=int, help="sample seed (default: a new one per demo of the domain)")
    a = ap.parse_args()
    t0 = time.monotonic()
    upstream = json.loads(lakemesh("upstream", "--domain", a.domain, "--format", "json"))
    state = DemoState()
    try:
        if mesh.owner() not in (None, "demo"):
            # Tables written by the tests' (or a benchmark's) pipeline: the demo's own pipelines would read every
            # event of their topics again into them. Start over instead.
            say(f"the plane holds data of {mesh.owner()} runs: resetting it for the demo")
            engine.checked("reset", plan=str(a.plan.resolve()), owner="demo")
            state = DemoState()
        elif mesh.owner() is None:
            mesh.set_owner("demo")
        # Both cheap when nothing changed: the plan the plane was prepared from, the topics that exist.
        engine.checked("mesh.prepare", plan=str(a.plan.resolve()), tenants=["tenant-01", "tenant-02"])
        mesh.topics(a.plan, [*upstream, a.domain])
        if upstream:
            say(f"{a.domain} reads {', '.join(upstream)}: their pipelines run first")
        for u in upstream:
            produced = 0
            if not state.get(u):
                produced = produce_sample(u, 1, SAMPLE["volume"])
                say(f"{u}: {produced} sample events (first demo of it on this plane)")
            run(a.plan, u)
            if produced:
                state.record(u, produced)
        runs = state.get(a.domain).get("runs", 0)
        seed = a.seed if a.seed is not None else runs + 1
        n = produce_sample(a.domain, seed, a.volume)
        say(f"{a.domain}: {n} sample events (seed {seed})")
        run(a.plan, a.domain)
        state.record(a.domain, n)
        counts = engine.checked("mesh.counts", plan=str(a.plan.resolve()), domains=[a.domain])
        flags = engine.checked("mesh.scan", plan=str(a.plan.resolve()), domains=[a.domain])
    except engine.EngineError as e:
        say(f"ERROR: {e}")
        return 1
    say(f"{a.domain} demo done in {time.monotonic() - t0:.1f} s; row counts per layer and tenant (all runs so far):")
    print_counts(counts)
    if flags:
        say("columns not marked personal whose values look personal:")
        print(json.dumps(flags, indent=2, sort_keys=True), file=sys.stderr)
    else:
        say("no column outside the personal ones holds values that look personal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
