#!/usr/bin/env bash
# npm run local:down: stops the local Kafka broker (by its pid). Data stays under .local/.
exec "$(dirname "$0")/kafka.sh" down
