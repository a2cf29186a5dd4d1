"""The local data plane for the Python tests: an offline plan, Kafka topics, sample events, one pipeline run.

The tests share one warehouse and metastore under .local/pytest (fresh per session) and one classic Spark
session, which is stopped before any pipeline run (the embedded metastore allows one JVM at a time).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".local" / "pytest"
os.environ.setdefault("LAKEMESH_WAREHOUSE", str(WORK / "warehouse"))
os.environ.setdefault("LAKEMESH_METASTORE", str(WORK / "metastore_db"))
# Uncompressed Parquet, so the GDPR tests' byte search of every file means something.
os.environ.setdefault("LAKEMESH_PARQUET_CODEC", "uncompressed")
sys.path.insert(0, str(ROOT / "scripts" / "local"))
sys.path.insert(0, str(ROOT / "notebooks" / "pipelines"))
sys.path.insert(0, str(ROOT / "notebooks" / "gdpr"))

import kafka_admin  # noqa: E402
import mesh  # noqa: E402
import spark_local  # noqa: E402

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

    def setup(self) -> None:
        """Fresh warehouse, topics and sample events, and one pipeline run of DOMAINS."""
        self.stop_spark()
        for d in ("warehouse", "metastore_db", "sample", "pipelines", "exports"):
            shutil.rmtree(WORK / d, ignore_errors=True)
        shutil.rmtree(mesh.pipeline_dir("lakemesh_pytest"), ignore_errors=True)
        bootstrap = spark_local.kafka_bootstrap()
        kafka_admin.wait_ready(bootstrap, 60)
        for t in self.topics():
            kafka_admin.delete_topic(bootstrap, t)
        mesh.topics(self.plan, DOMAINS)
        args = [f"--{k}={v}" for k, v in SAMPLE.items()]
        lakemesh("sample", "--domain", ",".join(DOMAINS), "--out", str(self.sample_dir), *args)
        self.add_twins()
        mesh.produce(self.sample_dir)
        self.mesh("prepare", "--plan", str(self.plan), "--tenants", ",".join(TENANTS))
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

    def mesh(self, *args: str) -> None:
        """mesh.py in its own process: a JVM that opened the metastore keeps it locked until it exits."""
        r = subprocess.run([sys.executable, str(ROOT / "scripts" / "local" / "mesh.py"), *args], cwd=ROOT)
        assert r.returncode == 0, f"mesh.py {' '.join(args)} failed"

    def topics(self) -> list[str]:
        return [r["inputs"]["name"] for r in mesh.plan_json(self.plan)["resources"] if r["type"] == "kafka:index/topic:Topic" and r["inputs"]["name"].split(".")[0] in DOMAINS]

    def run_pipeline(self, *extra: str) -> None:
        self.mesh("run", "--plan", str(self.plan), "--domains", ",".join(DOMAINS), "--name", "lakemesh_pytest", *extra)

    def spark(self):
        """A session without the metastore, reading tables by path (see table())."""
        if self._spark is None:
            self._spark = spark_local.classic_session("lakemesh-pytest", {"spark.sql.parquet.compression.codec": "uncompressed"}, hive=False)
        return self._spark

    def path(self, table: str) -> str:
        """Folder of a contract table (catalog.schema.table) in the test warehouse."""
        _, schema, name = table.split(".")
        return spark_local.table_path(schema, name)

    def table(self, table: str):
        return self.spark().read.format("delta").load(self.path(table))

    def stop_spark(self) -> None:
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
