#!/usr/bin/env bash
# Stop the local Kafka broker by its pid file. Idempotent.
exec "$(dirname "$0")/kafka.sh" down
