"""How the erasure waits for the domains' pipeline updates, in plain Python (no Spark, no Kafka).

Databricks: DatabricksUpdates drives the Pipelines API through the Databricks SDK; here its client is an autospec of
the SDK's PipelinesAPI (requirements/pipeline.txt pins the SDK), so a call with a wrong method name or argument fails
as it would on Databricks, and the API's answers are the SDK's own dataclasses. Locally: LocalUpdates reads the plane's
update log (scripts/local/mesh.py log_update)."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from unittest import mock

import pytest
from databricks.sdk.service import pipelines as P

import lakemesh_gdpr as g

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
TRIGGERED = g.PipelineRef("core-business", "lakemesh-dev-core-business", False)
CONTINUOUS = g.PipelineRef("usage-engagement", "lakemesh-dev-usage-engagement", True)


class Api:
    """A workspace with the two pipelines; each update moves one state per get_update call through `script`."""

    def __init__(self, active: dict[str, str] | None = None, scripts: dict[str, list[str]] | None = None, names: dict[str, list[str]] | None = None):
        self.pipelines = mock.create_autospec(P.PipelinesAPI, instance=True)
        self.names = {TRIGGERED.name: ["p-core"], CONTINUOUS.name: ["p-usage"]} if names is None else names
        self.scripts = scripts or {}
        self.started: list[str] = []
        self.pipelines.list_pipelines.side_effect = self.list_pipelines
        self.pipelines.get.side_effect = self.get
        self.pipelines.get_update.side_effect = self.get_update
        self.pipelines.start_update.side_effect = self.start_update
        self.pipelines.stop_and_wait.side_effect = lambda pipeline_id, timeout: P.GetPipelineResponse(pipeline_id=pipeline_id, state=P.PipelineState.IDLE)
        self.active = dict(active or {})  # pipeline id -> its active update

    def list_pipelines(self, *, filter=None, **_):
        # The documented filter form is name LIKE '<pattern>'; '_' matches one character, like a LIKE.
        pattern = filter.removeprefix("name LIKE '").removesuffix("'")
        rx = re.compile("".join("." if c == "_" else ".*" if c == "%" else re.escape(c) for c in pattern))
        return iter([P.PipelineStateInfo(pipeline_id=pid, name=name) for name, ids in self.names.items() if rx.fullmatch(name) for pid in ids])

    def get(self, pipeline_id):
        latest = [P.UpdateStateInfo(update_id=u, state=P.UpdateStateInfoState.RUNNING) for pid, u in self.active.items() if pid == pipeline_id]
        return P.GetPipelineResponse(pipeline_id=pipeline_id, latest_updates=latest)

    def get_update(self, pipeline_id, update_id):
        script = self.scripts.setdefault(update_id, ["COMPLETED"])
        state = script.pop(0) if len(script) > 1 else script[0]
        return P.GetUpdateResponse(update=P.UpdateInfo(update_id=update_id, pipeline_id=pipeline_id, state=P.UpdateInfoState(state)))

    def start_update(self, pipeline_id, *, cause=None, **_):
        assert cause == P.StartUpdateCause.API_CALL
        update_id = f"new-{pipeline_id}-{len(self.started)}"
        self.started.append(pipeline_id)
        return P.StartUpdateResponse(update_id=update_id)


def updates(api: Api, **kw) -> g.DatabricksUpdates:
    clock = iter(T0 + timedelta(seconds=30 * i) for i in range(10_000))
    return g.DatabricksUpdates((TRIGGERED, CONTINUOUS), client=api, poll_seconds=0, sleep=lambda s: None, clock=lambda: next(clock), **kw)


def test_a_triggered_pipeline_gets_a_new_update_after_the_active_one_ends():
    api = Api(active={"p-core": "u-old"}, scripts={"u-old": ["RUNNING", "RUNNING", "COMPLETED"], "new-p-core-0": ["QUEUED", "RUNNING", "COMPLETED"]})
    seen = updates(api).await_updates(["core-business"], T0)
    assert seen == {"core-business": "update new-p-core-0 of lakemesh-dev-core-business: COMPLETED"}
    assert api.started == ["p-core"]
    # The active update was waited for before the start (starting one while another is active fails).
    calls = [c[0] for c in api.pipelines.method_calls]
    assert calls.index("start_update") > max(i for i, c in enumerate(api.pipelines.method_calls) if c[0] == "get_update" and c.kwargs["update_id"] == "u-old")
    api.pipelines.stop_and_wait.assert_not_called()


def test_a_continuous_pipeline_is_stopped_and_counts_once_its_new_update_runs():
    api = Api(active={"p-usage": "u-live"}, scripts={"new-p-usage-0": ["INITIALIZING", "SETTING_UP_TABLES", "RUNNING"]})
    seen = updates(api).await_updates(["usage-engagement"], T0)
    assert seen == {"usage-engagement": "update new-p-usage-0 of lakemesh-dev-usage-engagement: RUNNING"}
    api.pipelines.stop_and_wait.assert_called_once_with(pipeline_id="p-usage", timeout=timedelta(hours=1))


@pytest.mark.parametrize("script", [["RUNNING", "FAILED"], ["CANCELED"]])
def test_an_update_that_does_not_complete_leaves_the_domain_waited_for(script):
    api = Api(scripts={"new-p-core-0": script})
    assert updates(api).await_updates(["core-business"], T0) == {"core-business": None}


def test_an_update_still_running_at_the_timeout_leaves_the_domain_waited_for():
    api = Api(scripts={"new-p-core-0": ["RUNNING"]})
    assert updates(api, timeout=timedelta(minutes=5)).await_updates(["core-business"], T0) == {"core-business": None}


def test_one_run_waits_three_hours_at_most_and_leaves_the_rest_waited_for():
    # The clock moves 30 s per reading and has 10,000 readings (83 h). The first update completes after about 1.4 h;
    # the second, which never gets going, is given up at the run's 3 h budget: with only the per-update timeout
    # (100 h here) the wait would outrun the clock and fail the test.
    api = Api(scripts={"new-p-core-0": ["RUNNING"] * 170 + ["COMPLETED"], "new-p-usage-1": ["INITIALIZING"]})
    seen = updates(api, timeout=timedelta(hours=100)).await_updates(["core-business", "usage-engagement"], T0)
    assert seen["core-business"].endswith("COMPLETED") and seen["usage-engagement"] is None
    assert api.started == ["p-core", "p-usage"]
    # Budget spent on the first: the second is not even started (the next run of the job waits for it).
    api = Api(scripts={"new-p-core-0": ["RUNNING"]})
    seen = updates(api, timeout=timedelta(hours=100)).await_updates(["core-business", "usage-engagement"], T0)
    assert seen == {"core-business": None, "usage-engagement": None} and api.started == ["p-core"]


def test_the_pipeline_is_found_by_its_exact_name_only():
    # '_' in a LIKE pattern matches any character: a pipeline whose name differs there is not taken.
    api = Api(names={"lakemesh-dev-core-business": ["p-core"], "lakemesh-dev-core-businessX": ["p-x"]})
    assert updates(api).pipeline_id("lakemesh-dev-core-business") == "p-core"
    api = Api(names={"lakemesh-dev-core-business": ["p-1", "p-2"]})
    assert updates(api).await_updates(["core-business"], T0) == {"core-business": None}
    api = Api(names={})
    assert updates(api).await_updates(["core-business"], T0) == {"core-business": None}
    with pytest.raises(g.GdprInputError):
        updates(api).pipeline_id("x' OR name LIKE '%")


def test_a_domain_the_settings_do_not_name_is_refused():
    with pytest.raises(g.GdprInputError, match=r"names no pipeline for domains \['payments'\]"):
        updates(Api()).await_updates(["core-business", "payments"], T0)


def test_local_updates_count_runs_that_started_after_the_erasure(tmp_path):
    log = tmp_path / "pipeline_updates.jsonl"
    local = g.LocalUpdates(log)
    assert local.await_updates(["core-business"], T0) == {"core-business": None}  # no log yet
    rows = [
        {"pipeline": "p", "domains": ["core-business", "users-identity"], "started_at": (T0 - timedelta(seconds=1)).isoformat(), "completed_at": (T0 + timedelta(minutes=2)).isoformat(), "skipped": False},
        {"pipeline": "p", "domains": ["users-identity"], "started_at": (T0 + timedelta(minutes=5)).isoformat(), "completed_at": (T0 + timedelta(minutes=7)).isoformat(), "skipped": False},
    ]
    log.write_text("".join(json.dumps(r) + "\n" for r in rows))
    seen = local.await_updates(["core-business", "users-identity"], T0)
    # A run that started before the erasure and completed after it does not count: it may have read Kafka before.
    assert seen["core-business"] is None
    assert seen["users-identity"] == f"local run started {rows[1]['started_at']}, completed {rows[1]['completed_at']}"
