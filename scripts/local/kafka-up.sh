#!/usr/bin/env bash
# Start the local Kafka broker (see kafka.sh for the environment variables). Idempotent.
exec "$(dirname "$0")/kafka.sh" up
