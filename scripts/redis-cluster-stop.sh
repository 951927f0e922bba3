#!/usr/bin/env bash
# Stops a cluster started by scripts/redis-cluster-start.sh (by the pids in its directory) and
# removes the directory.
set -uo pipefail
DIR="${1:?usage: redis-cluster-stop.sh <REDIS_CLUSTER_DIR>}"
case "$DIR" in /tmp/velvet-redis-cluster.*) ;; *) echo "not a cluster directory: $DIR" >&2; exit 1 ;; esac
for pidfile in "$DIR"/*/redis.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile" 2>/dev/null) || continue
  kill "$pid" 2>/dev/null || true
done
for pidfile in "$DIR"/*/redis.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile" 2>/dev/null) || continue
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
done
rm -rf "$DIR"
