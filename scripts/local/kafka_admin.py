#!/usr/bin/env python3
"""Small Kafka admin/producer CLI for the local broker (needs the .local/venv: confluent-kafka).

  kafka_admin.py [--bootstrap H:P] wait [--timeout S]      until describe_cluster answers
  kafka_admin.py [--bootstrap H:P] describe                  cluster id, brokers, topics
  kafka_admin.py [--bootstrap H:P] create-topic T [-p N]     idempotent (exists => ok)
  kafka_admin.py [--bootstrap H:P] delete-topic T            idempotent (missing => ok)
  kafka_admin.py [--bootstrap H:P] produce T < events.jsonl  one message per line; key from
                                                             --key-field if given
  kafka_admin.py [--bootstrap H:P] describe-topics T...      JSON: partitions, replication and
                                                             the topic-level (non-default) configs
  kafka_admin.py [--bootstrap H:P] describe-acls             JSON: every ACL binding
  kafka_admin.py [--bootstrap H:P] set-scram USER            upsert USER's SCRAM-SHA-512 credential;
                                                             password from $LAKEMESH_KAFKA_NEW_PASSWORD
  kafka_admin.py [--bootstrap H:P] try-produce T             JSON {ok, error}: can this identity write T
  kafka_admin.py [--bootstrap H:P] try-consume T --group G   JSON {ok, error}: can this identity read T

Identity: SASL/SCRAM-SHA-512 (the secure local broker, LAKEMESH_KAFKA_SECURE=1) when
$LAKEMESH_KAFKA_SASL_USERNAME and $LAKEMESH_KAFKA_SASL_PASSWORD are set, else PLAINTEXT.

--bootstrap defaults to $LAKEMESH_KAFKA_BOOTSTRAP, then .local/run/kafka.bootstrap,
then 127.0.0.1:9092. Importable too: wait_ready(), create_topic(), delete_topic(), produce_events(), produce_lines().
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import (AclBindingFilter, AclOperation, AclPermissionType, AdminClient, ConfigResource,
                                   ConfigSource,
                                   NewTopic, OffsetSpec, ResourcePatternType, ResourceType, ScramCredentialInfo,
                                   ScramMechanism, UserScramCredentialUpsertion)

import spark_local  # the same bootstrap lookup as the pipelines


# Admin requests of the verification commands: generous, since a loaded CI machine answers slowly (10 s was not enough).
ADMIN_TIMEOUT_S = float(os.environ.get("LAKEMESH_KAFKA_ADMIN_TIMEOUT_S", "60"))


def client_config(bootstrap: str, **extra) -> dict:
    """librdkafka config for this identity: SASL/SCRAM-SHA-512 over plaintext when LAKEMESH_KAFKA_SASL_USERNAME is
    set (the secure local broker binds 127.0.0.1 only), else PLAINTEXT."""
    c = {"bootstrap.servers": bootstrap, **extra}
    user = os.environ.get("LAKEMESH_KAFKA_SASL_USERNAME")
    if user:
        c.update({"security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "SCRAM-SHA-512",
                  "sasl.username": user, "sasl.password": os.environ["LAKEMESH_KAFKA_SASL_PASSWORD"]})
    return c


def admin(bootstrap: str) -> AdminClient:
    # Quiet librdkafka: connection-refused retries are expected while waiting.
    return AdminClient(client_config(bootstrap, log_level=0, logger=_NullLogger()))


class _NullLogger:
    def log(self, *a, **k):  # librdkafka log callback sink
        pass


def wait_ready(bootstrap: str, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    a = admin(bootstrap)
    while time.monotonic() < deadline:
        try:
            d = a.describe_cluster(request_timeout=max(1.0, min(5.0, deadline - time.monotonic()))).result()
            return {"cluster_id": d.cluster_id, "controller": d.controller.id if d.controller else None,
                    "brokers": [f"{n.id}@{n.host}:{n.port}" for n in d.nodes]}
        except Exception as e:  # KafkaException (transport), timeouts
            last = e
            time.sleep(0.5)
    raise TimeoutError(f"Kafka at {bootstrap} did not answer describe_cluster in {timeout}s: {last}")


def create_topic(bootstrap: str, topic: str, partitions: int = 1, config: dict[str, str] | None = None,
                 replication: int = 1) -> bool:
    a = admin(bootstrap)  # keep a reference: a collected AdminClient fails its futures (_DESTROY)
    fut = a.create_topics([NewTopic(topic, partitions, replication, config=dict(config or {}))], operation_timeout=30)[topic]
    try:
        fut.result()
        return True
    except KafkaException as e:
        if e.args[0].code() == KafkaError.TOPIC_ALREADY_EXISTS:
            return False
        raise


def delete_topic(bootstrap: str, topic: str) -> bool:
    a = admin(bootstrap)
    fut = a.delete_topics([topic], operation_timeout=30)[topic]
    try:
        fut.result()
        return True
    except KafkaException as e:
        if e.args[0].code() == KafkaError.UNKNOWN_TOPIC_OR_PART:
            return False
        raise


def produce_events(bootstrap: str, events) -> dict[str, int]:
    """Sends (topic, key, value) events, idempotent and acked by all replicas, and waits for every delivery.
    Raises if any event was not delivered. Returns the count sent per topic."""
    p = Producer(client_config(bootstrap, **{"linger.ms": 20, "acks": "all", "enable.idempotence": True}))
    errors: list = []
    sent: dict[str, int] = {}
    for topic, key, value in events:
        while True:
            try:
                p.produce(topic, value, key=key, on_delivery=lambda err, msg: err and errors.append(err))
                break
            except BufferError:  # the local queue is full: let deliveries drain
                p.poll(0.1)
        sent[topic] = sent.get(topic, 0) + 1
        p.poll(0)
    left = p.flush(60)
    if left or errors:
        raise RuntimeError(f"{left} events undelivered, errors: {errors[:3]}")
    return sent


def describe_topics(bootstrap: str, topics: list[str]) -> dict:
    """Partitions, replication factor, the configs set on the topic itself (not broker defaults), and the sum of its
    partitions' end offsets (records ever written: a topic deleted and created again starts from 0)."""
    a = admin(bootstrap)
    md = a.list_topics(timeout=ADMIN_TIMEOUT_S)
    out: dict = {}
    for t in topics:
        m = md.topics.get(t)
        if m is None or m.error is not None:
            out[t] = None
            continue
        res = ConfigResource(ResourceType.TOPIC, t)
        entries = a.describe_configs([res])[res].result(timeout=ADMIN_TIMEOUT_S)
        ends = a.list_offsets({TopicPartition(t, p): OffsetSpec.latest() for p in m.partitions}, request_timeout=ADMIN_TIMEOUT_S)
        out[t] = {"partitions": len(m.partitions), "endOffsets": sum(f.result().offset for f in ends.values()),
                  "replication": min(len(p.replicas) for p in m.partitions.values()),
                  "configs": {k: e.value for k, e in sorted(entries.items()) if e.source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value}}
    return out


def describe_acls(bootstrap: str) -> list[dict]:
    a = admin(bootstrap)
    f = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, None, None, AclOperation.ANY,
                         AclPermissionType.ANY)
    return sorted(({"principal": b.principal, "host": b.host, "operation": b.operation.name,
                    "permission": b.permission_type.name, "resourceType": b.restype.name, "resourceName": b.name,
                    "patternType": b.resource_pattern_type.name} for b in a.describe_acls(f).result(timeout=ADMIN_TIMEOUT_S)),
                  key=lambda x: json.dumps(x, sort_keys=True))


def set_scram(bootstrap: str, user: str, password: str, iterations: int = 8192) -> None:
    a = admin(bootstrap)
    up = UserScramCredentialUpsertion(user, ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, iterations), password.encode())
    a.alter_user_scram_credentials([up])[user].result(timeout=ADMIN_TIMEOUT_S)


def try_produce(bootstrap: str, topic: str) -> dict:
    """One record to `topic` as this identity; {ok, error} instead of raising, so a refusal is a result."""
    result: dict = {}
    # A refused login surfaces only through error_cb; the delivery then just times out.
    p = Producer(client_config(bootstrap, **{"acks": "all", "enable.idempotence": True, "message.timeout.ms": int(ADMIN_TIMEOUT_S * 1000),
                                              "log_level": 0, "logger": _NullLogger(),
                                              "error_cb": lambda e: result.setdefault("login", e.name())}))
    p.produce(topic, b'{"probe": true}', on_delivery=lambda err, msg: result.update(error=err.name() if err else None))
    p.flush(ADMIN_TIMEOUT_S + 10)
    err = result.get("error", "TIMED_OUT")
    if err is not None and result.get("login") == "_AUTHENTICATION":
        err = "_AUTHENTICATION"
    return {"ok": err is None, "error": err}


def try_consume(bootstrap: str, topic: str, group: str) -> dict:
    """Fetches partition 0 of `topic` as this identity in consumer group `group`; {ok, error}. Fetching needs Read on
    the topic (and the group for its offsets); reaching a record or the end of the partition is a successful read."""
    c = Consumer(client_config(bootstrap, **{"group.id": group, "auto.offset.reset": "earliest", "log_level": 0,
                                              "logger": _NullLogger(),
                                              "enable.auto.commit": False, "enable.partition.eof": True}))
    try:
        c.assign([TopicPartition(topic, 0)])
        deadline = time.monotonic() + ADMIN_TIMEOUT_S
        while time.monotonic() < deadline:
            msg = c.poll(1.0)
            if msg is None:
                continue
            if msg.error() is None:
                return {"ok": True, "error": None}
            if msg.error().code() == KafkaError._PARTITION_EOF:
                return {"ok": True, "error": None}
            return {"ok": False, "error": msg.error().name()}
        # Neither a record, nor the end of the partition, nor a refusal: nothing was proven.
        return {"ok": False, "error": "TIMED_OUT"}
    finally:
        c.close()


def _key(line: str, key_field: str | None) -> bytes | None:
    if not key_field:
        return None
    try:
        v = json.loads(line).get(key_field)
    except (ValueError, AttributeError):  # not a JSON object: send it without a key
        v = None
    return None if v is None else str(v).encode()


def produce_lines(bootstrap: str, topic: str, lines, key_field: str | None = None) -> int:
    events = ((topic, _key(line, key_field), line.encode()) for line in (raw.strip() for raw in lines) if line)
    return sum(produce_events(bootstrap, events).values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bootstrap", default=None)
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("wait"); w.add_argument("--timeout", type=float, default=60)
    sub.add_parser("describe")
    c = sub.add_parser("create-topic"); c.add_argument("topic"); c.add_argument("-p", "--partitions", type=int, default=1)
    d = sub.add_parser("delete-topic"); d.add_argument("topic")
    pr = sub.add_parser("produce"); pr.add_argument("topic"); pr.add_argument("--key-field")
    dt = sub.add_parser("describe-topics"); dt.add_argument("topics", nargs="+")
    sub.add_parser("describe-acls")
    ss = sub.add_parser("set-scram"); ss.add_argument("user")
    tp = sub.add_parser("try-produce"); tp.add_argument("topic")
    tc = sub.add_parser("try-consume"); tc.add_argument("topic"); tc.add_argument("--group", required=True)
    args = ap.parse_args()
    bs = args.bootstrap or spark_local.kafka_bootstrap()

    if args.cmd == "wait":
        try:
            info = wait_ready(bs, args.timeout)
        except TimeoutError as e:
            print(e, file=sys.stderr)
            return 1
        print(f"kafka ready at {bs}: {json.dumps(info)}", file=sys.stderr)
    elif args.cmd == "describe":
        info = wait_ready(bs, 10)
        a = admin(bs)
        md = a.list_topics(timeout=10)
        info["topics"] = {t: len(m.partitions) for t, m in sorted(md.topics.items())}
        print(json.dumps(info, indent=2))
    elif args.cmd == "create-topic":
        created = create_topic(bs, args.topic, args.partitions)
        print(f"topic {args.topic}: {'created' if created else 'already exists'}", file=sys.stderr)
    elif args.cmd == "delete-topic":
        deleted = delete_topic(bs, args.topic)
        print(f"topic {args.topic}: {'deleted' if deleted else 'did not exist'}", file=sys.stderr)
    elif args.cmd == "produce":
        t0 = time.monotonic()
        n = produce_lines(bs, args.topic, sys.stdin, args.key_field)
        print(f"produced {n} messages to {args.topic} in {time.monotonic() - t0:.2f}s", file=sys.stderr)
    elif args.cmd == "describe-topics":
        print(json.dumps(describe_topics(bs, args.topics), indent=2, sort_keys=True))
    elif args.cmd == "describe-acls":
        print(json.dumps(describe_acls(bs), indent=2))
    elif args.cmd == "set-scram":
        set_scram(bs, args.user, os.environ["LAKEMESH_KAFKA_NEW_PASSWORD"])
        print(f"SCRAM-SHA-512 credential of {args.user}: set", file=sys.stderr)
    elif args.cmd == "try-produce":
        print(json.dumps(try_produce(bs, args.topic)))
    elif args.cmd == "try-consume":
        print(json.dumps(try_consume(bs, args.topic, args.group)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
