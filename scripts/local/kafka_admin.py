#!/usr/bin/env python3
"""Small Kafka admin/producer CLI for the local broker (needs the .local/venv: confluent-kafka).

  kafka_admin.py [--bootstrap H:P] wait [--timeout S]      until describe_cluster answers
  kafka_admin.py [--bootstrap H:P] describe                  cluster id, brokers, topics
  kafka_admin.py [--bootstrap H:P] create-topic T [-p N]     idempotent (exists => ok)
  kafka_admin.py [--bootstrap H:P] delete-topic T            idempotent (missing => ok)
  kafka_admin.py [--bootstrap H:P] produce T < events.jsonl  one message per line; key from
                                                             --key-field if given

--bootstrap defaults to $LAKEMESH_KAFKA_BOOTSTRAP, then .local/run/kafka.bootstrap,
then 127.0.0.1:9092. Importable too: wait_ready(), create_topic(), delete_topic(), produce_events(), produce_lines().
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic

import spark_local  # the same bootstrap lookup as the pipelines


def admin(bootstrap: str) -> AdminClient:
    # Quiet librdkafka: connection-refused retries are expected while waiting.
    return AdminClient({"bootstrap.servers": bootstrap, "log_level": 0, "logger": _NullLogger()})


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
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "acks": "all", "enable.idempotence": True})
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
