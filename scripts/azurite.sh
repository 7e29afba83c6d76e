#!/usr/bin/env bash
# Starts or stops Azurite (the Azure Storage emulator, from node_modules) for local runs and tests.
#   scripts/azurite.sh start   start in the background unless something already listens on 127.0.0.1:10000
#   scripts/azurite.sh stop    stop the instance this script started (no-op for one started elsewhere)
#   scripts/azurite.sh status  exit 0 when the blob port accepts connections
# Blob/queue/table on 127.0.0.1:10000/10001/10002, data in .azurite/ (gitignored).
# --disableTelemetry matters: without it Azurite 3.37 does not exit on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
DATA="$ROOT/.azurite"
PIDFILE="$DATA/azurite.pid"
LOG="$DATA/azurite.log"

listening() { (exec 3<>/dev/tcp/127.0.0.1/10000) 2>/dev/null; }

ensure_installed() {
  if [ ! -x node_modules/.bin/azurite ]; then
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error
    else npm install --no-audit --no-fund --loglevel=error; fi
  fi
}

start() {
  if listening; then
    echo "azurite: already listening on 127.0.0.1:10000, reusing it"
    return 0
  fi
  ensure_installed
  mkdir -p "$DATA"
  # setsid: own process group, so stop can end Azurite and nothing else.
  setsid node_modules/.bin/azurite --silent --location "$DATA" --skipApiVersionCheck --loose --disableTelemetry \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 >"$LOG" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 150); do
    if listening; then echo "azurite: started (pid $(cat "$PIDFILE"))"; return 0; fi
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      echo "azurite: exited during start-up; log:" >&2; cat "$LOG" >&2; rm -f "$PIDFILE"; return 1
    fi
    sleep 0.2
  done
  echo "azurite: not listening on 127.0.0.1:10000 after 30 s; log:" >&2
  cat "$LOG" >&2
  stop
  return 1
}

stop() {
  [ -f "$PIDFILE" ] || return 0
  local pid; pid="$(cat "$PIDFILE")"
  rm -f "$PIDFILE"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || { echo "azurite: stopped"; return 0; }; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  echo "azurite: killed"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) listening ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
