"""When a triggered pipeline run has nothing to do: the fingerprint of everything a run reads.

A triggered Spark Declarative Pipelines update with no new events still starts every flow, asks Kafka for offsets,
and recomputes every materialized view (open-source SDP refreshes a materialized view in full: TRUNCATE and append).
On a 2-core machine that is seconds per domain for no change. A run is skipped instead when none of its inputs
changed since the last successful run of the same pipeline:

  * the end offsets of every topic its bronze tables read (taken *before* the run: events that arrive while it runs
    make the next fingerprint differ, so they are never missed; at worst one extra run reads nothing);
  * the Delta version of every table it reads or writes (taken *after* the run and its clustering), which includes
    other domains' tables its gold reads, the erasure suppression list its bronze joins, and its own tables, so that
    an erasure or retention job that changed them recomputes the materialized views built from them;
  * the contracts, the pipeline code and the run's configuration.

A pipeline whose materialized views depend on the clock (current_date() and the like in a gold filter or expectation)
is never skipped. Pass force=True to run regardless.

Stdlib plus confluent-kafka only: it runs in the engine without Spark (versions are read from _delta_log listings).
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import spark_local

_COMMIT = re.compile(r"^(\d{20})\.json$")
_CLOCK = re.compile(r"\b(current_date|current_timestamp|now|localtimestamp|curdate|unix_timestamp|rand|randn|uuid)\s*\(", re.I)


def delta_version(path: Path) -> int | None:
    """The latest committed version of the Delta table at path; None when there is no table."""
    log = path / "_delta_log"
    try:
        versions = [int(m.group(1)) for n in (e.name for e in log.iterdir()) if (m := _COMMIT.match(n))]
    except OSError:
        return None
    return max(versions) if versions else None


def table_dir(fq: str) -> Path:
    _cat, schema, table = fq.split(".")
    return Path(spark_local.table_path(schema, table))


def end_offsets(bootstrap: str, topics: list[str], timeout: float = 10.0) -> dict[str, list[int]]:
    """High watermarks per topic, by partition; a missing topic maps to []."""
    from confluent_kafka import Consumer, TopicPartition

    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "lakemesh-incremental-probe", "enable.auto.commit": False,
                  "log_level": 0})
    try:
        meta = c.list_topics(timeout=timeout)
        out: dict[str, list[int]] = {}
        for t in sorted(set(topics)):
            parts = sorted(meta.topics[t].partitions) if t in meta.topics and not meta.topics[t].error else []
            out[t] = [c.get_watermark_offsets(TopicPartition(t, p), timeout=timeout)[1] for p in parts]
        return out
    finally:
        c.close()


def clock_dependent(contracts: list[dict]) -> list[str]:
    """Materialized views whose content can change with time alone (so a run is never skipped for them)."""
    out = []
    for c in contracts:
        for ds in c["datasets"]:
            if ds["kind"] != "materialized_view":
                continue
            texts = [e["predicate"] for e in ds["expectations"]] + [ds["source"].get("filter") or ""]
            if any(_CLOCK.search(t) for t in texts):
                out.append(ds["table"])
    return out


def topics_of(contracts: list[dict]) -> list[str]:
    return sorted({ds["source"]["topic"] for c in contracts for ds in c["datasets"] if ds["source"]["kind"] == "kafka"})


def keyed_module():
    """lakemesh_keyed (notebooks/pipelines), which names the local stand-in's changes tables; imports PySpark."""
    import sys

    folder = str(Path(__file__).resolve().parents[2] / "notebooks" / "pipelines")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    import lakemesh_keyed

    return lakemesh_keyed


def tables_of(contracts: list[dict]) -> list[str]:
    """Every table the pipeline writes or reads (inputs of other domains and the erasure suppression list included)."""
    names = set()
    for c in contracts:
        names.add(c["governance"]["erasureSuppression"])
        for ds in c["datasets"]:
            names.add(ds["table"])
            if ds.get("keyed") is not None:
                # The keyed stand-in's changes table: an erasure or retention job changes it too.
                names.add(keyed_module().changes_table(ds["table"]))
            src = ds["source"]
            if src["kind"] == "bronze":
                names.add(src["table"])
            elif src["kind"] == "aggregate":
                names.update(i["table"] for i in src["inputs"])
    return sorted(names)


def versions(tables: list[str]) -> dict[str, int | None]:
    return {t: delta_version(table_dir(t)) for t in tables}


def code_sha(files: list[Path], extra: Any) -> str:
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(str(f).encode() + b"\0" + f.read_bytes() + b"\0")
    h.update(json.dumps(extra, sort_keys=True).encode())
    return h.hexdigest()


class State:
    """The fingerprint of a pipeline's last successful run, kept beside its checkpoints (a reset removes both)."""

    def __init__(self, pipeline_dir: Path) -> None:
        self.file = pipeline_dir / "lakemesh-last-run.json"

    def read(self) -> dict | None:
        try:
            return json.loads(self.file.read_text())
        except (OSError, ValueError):
            return None

    def write(self, doc: dict) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
        tmp.replace(self.file)

    def clear(self) -> None:
        self.file.unlink(missing_ok=True)


def unchanged(last: dict | None, code: str, offsets: dict[str, list[int]], tables: dict[str, int | None]) -> str | None:
    """Why the run can be skipped (a sentence), or None when it must run."""
    if not last or last.get("code") != code:
        return None
    if last.get("offsets") != offsets or last.get("tables") != tables:
        return None
    return "no new events on its topics and no change to the tables it reads or writes since its last run"
