#!/usr/bin/env bash
# Starts a local Redis Cluster of N masters (default 3, no replicas) from the system's redis-server
# on free loopback ports, in a directory of its own, and prints its seed list on the last line:
#   REDIS_CLUSTER_NODES=127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3
# Stop it with scripts/redis-cluster-stop.sh <dir> (the directory is printed as REDIS_CLUSTER_DIR=).
# For tests and local trials only: no persistence, no replicas, no password.
set -euo pipefail
MASTERS="${1:-3}"
command -v redis-server >/dev/null || { echo "redis-server not installed (apt-get install redis-server)" >&2; exit 1; }
DIR="$(mktemp -d /tmp/velvet-redis-cluster.XXXXXX)"

port_free() { ! (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A node also listens on port + 10000 (the cluster bus): both must be free, and below the
# ephemeral range (32768+) where an outgoing connection may hold a port no probe can see.
pick_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( (RANDOM % 12000) + 10000 ))
    if port_free "$p" && port_free $((p + 10000)) && ! grep -qx "$p" "$DIR/ports" 2>/dev/null; then
      echo "$p"; return 0
    fi
  done
  return 1
}

# A node that does not answer (a port taken meanwhile by someone else) is retried on another port.
start_node() {
  local port
  for _ in 1 2 3 4 5; do
    port=$(pick_port)
    echo "$port" >>"$DIR/ports"
    mkdir -p "$DIR/$port"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
      --cluster-config-file "$DIR/$port/nodes.conf" --cluster-node-timeout 5000 \
      --save '' --appendonly no --dir "$DIR/$port" --daemonize yes \
      --pidfile "$DIR/$port/redis.pid" --logfile "$DIR/$port/redis.log" || true
    for _ in $(seq 1 100); do
      redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && { echo "$port"; return 0; }
      sleep 0.1
    done
    [ -f "$DIR/$port/redis.pid" ] && kill "$(cat "$DIR/$port/redis.pid")" 2>/dev/null
    echo "node on $port did not start: $(tail -2 "$DIR/$port/redis.log" 2>/dev/null)" >&2
  done
  return 1
}

NODES=()
for i in $(seq 1 "$MASTERS"); do
  PORT=$(start_node) || { bash "$(dirname "$0")/redis-cluster-stop.sh" "$DIR"; exit 1; }
  NODES+=("127.0.0.1:$PORT")
done
redis-cli --cluster create "${NODES[@]}" --cluster-replicas 0 --cluster-yes >"$DIR/create.log" 2>&1 \
  || { cat "$DIR/create.log" >&2; bash "$(dirname "$0")/redis-cluster-stop.sh" "$DIR"; exit 1; }
# Every node must agree the cluster is up (all 16384 slots served) before anyone connects.
for n in "${NODES[@]}"; do
  for _ in $(seq 1 200); do
    redis-cli -p "${n##*:}" cluster info 2>/dev/null | grep -q 'cluster_state:ok' && break
    sleep 0.1
  done
done
echo "REDIS_CLUSTER_DIR=$DIR"
(IFS=,; echo "REDIS_CLUSTER_NODES=${NODES[*]}")
