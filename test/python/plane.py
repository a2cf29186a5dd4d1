"""The local data plane for the Python tests: the checkout's warm engine and broker, an offline plan, Kafka topics,
sample events and one pipeline run (see README.md here for the fixtures built on it).

The tests run on the checkout's plane (scripts/local/engine.py); npm run test:python brings it up when it is down and
then stops it again. Setting up the data resets the plane first (every table, checkpoint and topic), so the tests
start from nothing and a demo's data does not mix in. Spark work happens in the engine: this process is a Spark
Connect client of it (reads, SQL) and asks it for pipeline runs and GDPR jobs, so no JVM is started per run.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Before PySpark is imported anywhere: this process is a Spark Connect client (functions build Connect columns).
os.environ["SPARK_CONNECT_MODE_ENABLED"] = "1"
# Uncompressed Parquet, so the GDPR tests' byte search of every file means something (asked per request).
os.environ.setdefault("LAKEMESH_PARQUET_CODEC", "uncompressed")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "local"))
sys.path.insert(0, str(ROOT / "notebooks" / "pipelines"))
sys.path.insert(0, str(ROOT / "notebooks" / "gdpr"))

import engine  # noqa: E402
import kafka_admin  # noqa: E402
import mesh  # noqa: E402
import spark_local  # noqa: E402

# What the tests own outside the plane's data: their plan (unless test-python.sh gives one), samples and exports.
WORK = spark_local.local_dir() / "pytest"
# The engine's warehouse: every table file of the plane is under it.
WAREHOUSE = spark_local.warehouse_dir()
PIPELINE = "lakemesh_pytest"
# Four domains: outcomes-performance's gold reads the other three's silver.
DOMAINS = ["core-business", "users-identity", "usage-engagement", "outcomes-performance"]
TENANTS = ["tenant-01", "tenant-02"]
# The subject the GDPR tests ask about. Its "twin" has the same subject id in tenant-02 (other personal values):
# a request for tenant-01 must neither return nor erase the twin.
GDPR_SUBJECT = "user-01-002"
GDPR_TENANT, TWIN_TENANT = TENANTS
SAMPLE = {"seed": 7, "tenants": len(TENANTS), "volume": 30, "malformed": 3, "missing-tenant": 2, "wrong-tenant": 2}


def lakemesh(*args: str) -> str:
    r = subprocess.run(["node", str(ROOT / "bin" / "lakemesh.js"), *args], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"lakemesh {' '.join(args)} failed: {r.stderr}")
    return r.stdout


class Plane:
    def __init__(self) -> None:
        self.plan = Path(os.environ.get("LAKEMESH_TEST_PLAN", WORK / "plan" / "dev"))
        self.sample_dir = WORK / "sample"
        self._spark = None

    def ensure_plan(self) -> None:
        if "LAKEMESH_TEST_PLAN" not in os.environ:
            lakemesh("plan", "--stack", "dev", "--quiet", "--out", str(WORK / "plan"))

    def require_engine(self) -> None:
        if not engine.running():
            raise RuntimeError(f"the local plane is not up ({spark_local.local_dir()}): run the tests with npm run test:python, or start it with npm run local:up")

    def setup(self) -> None:
        """The plane reset, then topics, sample events and one pipeline run of DOMAINS.

        Reused instead when the plane still holds exactly what the last setup left (the same plan, sample and setup
        code, and no table or topic changed since: no destructive test, demo or request ran), so that running one
        module again does not pay for the pipeline run. LAKEMESH_TEST_FRESH_PLANE=1 always builds."""
        self.require_engine()
        marker = WORK / "mesh.json"
        if os.environ.get("LAKEMESH_TEST_FRESH_PLANE") != "1":
            try:
                if json.loads(marker.read_text()) == self.fingerprint():
                    print(f"[plane] reusing the data the last setup left ({marker})", file=sys.stderr)
                    return
            except (OSError, ValueError):
                pass
        marker.unlink(missing_ok=True)
        self.build()
        marker.write_text(json.dumps(self.fingerprint(), sort_keys=True) + "\n")

    def fingerprint(self) -> dict:
        """What the data set up by build() depends on and consists of."""
        import hashlib

        import incremental

        def sha(files) -> str:
            h = hashlib.sha256()
            for f in sorted(files):
                h.update(f.name.encode() + b"\0" + f.read_bytes())
            return h.hexdigest()

        tables = {str(d.parent.relative_to(WAREHOUSE)): incremental.delta_version(d.parent) for d in WAREHOUSE.rglob("_delta_log")}
        return {
            # The pipeline's code too: data built by other code (append-only silver, say) is not what the tests check.
            "setup": sha([Path(__file__), *(ROOT / "notebooks" / "pipelines").glob("*.py")]) + json.dumps(SAMPLE, sort_keys=True),
            "contracts": sha(mesh.contracts(self.plan).values()),
            "sample": sha(self.sample_dir.glob("*.jsonl")) if self.sample_dir.is_dir() else None,
            "offsets": incremental.end_offsets(spark_local.kafka_bootstrap(), self.topics(all_domains=True)),
            "tables": tables,
        }

    def build(self) -> None:
        engine.checked("reset", plan=str(self.plan.resolve()), owner="pytest")
        for d in ("sample", "exports"):
            shutil.rmtree(WORK / d, ignore_errors=True)
        engine.checked("mesh.prepare", plan=str(self.plan.resolve()), tenants=TENANTS, force=True)
        mesh.topics(self.plan, DOMAINS)
        args = [f"--{k}={v}" for k, v in SAMPLE.items()]
        lakemesh("sample", "--domain", ",".join(DOMAINS), "--out", str(self.sample_dir), *args)
        self.add_twins()
        mesh.produce(self.sample_dir)
        self.run_pipeline()

    def add_twins(self) -> None:
        """Copies every valid event of GDPR_SUBJECT into TWIN_TENANT, with new keys and reversed personal strings."""
        for domain in DOMAINS:
            datasets = self.contract(domain)["datasets"]
            for bronze in (d for d in datasets if d["source"]["kind"] == "kafka" and d["source"]["subjectField"] and d["source"]["tenantField"]):
                src = bronze["source"]
                silver = next(d for d in datasets if d["layer"] == "silver" and d["source"].get("table") == bronze["table"])
                personal = {c["name"] for c in silver["columns"] if c.get("personalData") and c["type"] == "STRING"} - {src["subjectField"]}
                f = self.sample_dir / f"{src['topic']}.jsonl"
                twins = []
                for e in self.events(src["topic"]):
                    if e["kind"] != "valid" or e["tenant"] != GDPR_TENANT or e["subject"] != GDPR_SUBJECT:
                        continue
                    p = json.loads(e["value"])
                    p[src["tenantField"]] = TWIN_TENANT
                    for k, v in p.items():
                        if k in personal and isinstance(v, str):
                            p[k] = v[::-1]
                        elif v == e["key"]:
                            p[k] = v + "-twin"
                    twins.append({**e, "key": e["key"] + "-twin", "value": json.dumps(p), "tenant": TWIN_TENANT})
                with f.open("a") as out:
                    out.writelines(json.dumps(t) + "\n" for t in twins)

    def topics(self, all_domains: bool = False) -> list[str]:
        return [t["name"] for t in mesh.topic_specs(self.plan, None if all_domains else DOMAINS)]

    def run_pipeline(self, force: bool = False) -> dict:
        """A triggered run of DOMAINS on the engine (skipped when nothing is new, unless force); its result."""
        r = mesh.run(self.plan, DOMAINS, PIPELINE, conf=spark_local.request_confs(), force=force)
        r.pop("output")
        return r

    def spark(self):
        """A Spark Connect session on the engine (tables by name or, with table(), by path)."""
        if self._spark is None:
            self.require_engine()
            from pyspark.sql import SparkSession

            self._spark = SparkSession.builder.remote(engine.connect_url()).create()
            for k, v in spark_local.request_confs().items():
                self._spark.conf.set(k, v)
        return self._spark

    def path(self, table: str) -> str:
        """Folder of a contract table (catalog.schema.table) in the engine's warehouse."""
        _, schema, name = table.split(".")
        return spark_local.table_path(schema, name)

    def table(self, table: str):
        return self.spark().read.format("delta").load(self.path(table))

    def stop_spark(self) -> None:
        """Ends this process's Spark Connect session (the engine keeps running)."""
        if self._spark is not None:
            self._spark.stop()
            self._spark = None

    def contract(self, domain: str) -> dict:
        return json.loads(mesh.contracts(self.plan, [domain])[domain].read_text())

    def events(self, topic: str) -> list[dict]:
        f = self.sample_dir / f"{topic}.jsonl"
        return [json.loads(line) for line in f.read_text().splitlines() if line.strip()]

    def produce(self, events: list[dict]) -> None:
        kafka_admin.produce_events(spark_local.kafka_bootstrap(), (mesh.event_tuple(e) for e in events))
