#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis when they are installed but stopped. Idempotent.
set -euo pipefail

PG_HOST=${PGHOST:-127.0.0.1}
PG_PORT=${PGPORT:-5432}

if ! pg_isready -h "$PG_HOST" -p "$PG_PORT" -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    for version in $(ls /etc/postgresql); do
      echo "starting PostgreSQL $version"
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
  else
    echo "PostgreSQL is not running on $PG_HOST:$PG_PORT and is not installed here" >&2
    exit 1
  fi
  for _ in $(seq 1 30); do pg_isready -h "$PG_HOST" -p "$PG_PORT" -q && break; sleep 1; done
  pg_isready -h "$PG_HOST" -p "$PG_PORT" -q || { echo "PostgreSQL did not come up" >&2; exit 1; }
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null; then
    echo "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    # Append-only persistence, so queued audit jobs survive a Redis restart.
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --appendonly yes \
      --dir /var/lib/redis --logfile /var/log/redis/velvet.log
    for _ in $(seq 1 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.5; done
  else
    echo "Redis is not running on 127.0.0.1:6379 and is not installed here" >&2
    exit 1
  fi
fi
# A Redis started by someone else may keep nothing on disk: turn append-only persistence on.
if [ "$(redis-cli config get appendonly | tail -n 1)" != "yes" ]; then
  redis-cli config set appendonly yes >/dev/null && echo "Redis: append-only persistence turned on"
fi
echo "PostgreSQL and Redis are up"
