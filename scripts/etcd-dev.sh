#!/usr/bin/env bash
# A local single-member etcd for the etcd lease store's tests (l2-lease-etcd) and for trying the store by hand:
# clients on 127.0.0.1:2379, peers on 127.0.0.1:2380, data and log under L2_ETCD_DIR. CI starts the same one
# (.ci/run).
#
# Run:   scripts/etcd-dev.sh [start|stop|status]      (default: start)
#   start   reuses an etcd that already answers on 127.0.0.1:2379; otherwise starts one in the background and waits
#           (at most L2_ETCD_WAIT_S seconds) until it is healthy. Exits non-zero if it is not.
#   stop    stops the etcd this script started (the pid in L2_ETCD_DIR/etcd.pid), nothing else.
#   status  says whether an etcd answers on 127.0.0.1:2379.
# Knobs (environment; not ETCD_*, which etcd itself reads as flags):
#   L2_ETCD_DIR=/tmp/ippan-l2-etcd   data directory (L2_ETCD_DIR/data), log (L2_ETCD_DIR/etcd.log) and pid file
#   L2_ETCD_INSTALL=1                install Debian's etcd-server with apt-get when etcd is not on PATH (root only)
#   L2_ETCD_WAIT_S=30                how long start waits for the member to be healthy
# Then: mvn -B -ntp -pl l2-lease-etcd -am verify   (L2_REQUIRE_ETCD=1 makes a missing etcd fail the tests)
set -euo pipefail

L2_ETCD_DIR="${L2_ETCD_DIR:-/tmp/ippan-l2-etcd}"
L2_ETCD_WAIT_S="${L2_ETCD_WAIT_S:-30}"
CLIENT_URL="http://127.0.0.1:2379"
PEER_URL="http://127.0.0.1:2380"
PID_FILE="$L2_ETCD_DIR/etcd.pid"
LOG_FILE="$L2_ETCD_DIR/etcd.log"

healthy() {
    local answer
    if command -v curl >/dev/null 2>&1; then
        answer="$(curl -fsS -m 2 "$CLIENT_URL/health" 2>/dev/null || true)"
    else
        answer="$( (exec 3<>/dev/tcp/127.0.0.1/2379 && printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 \
            && timeout 2 cat <&3) 2>/dev/null || true)"
    fi
    [[ "$answer" == *'"health":"true"'* ]]
}

install_etcd() {
    if command -v etcd >/dev/null 2>&1; then
        return 0
    fi
    if [ "${L2_ETCD_INSTALL:-0}" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "etcd is not installed: installing Debian's etcd-server."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null
    fi
    if ! command -v etcd >/dev/null 2>&1; then
        echo "etcd is not installed (Debian: apt-get install etcd-server; or run this with L2_ETCD_INSTALL=1 as root)." >&2
        return 1
    fi
}

start() {
    if healthy; then
        echo "etcd already answers on $CLIENT_URL: reusing it."
        return 0
    fi
    install_etcd
    if healthy; then # a package's own service (where systemd runs) may have started one on install
        echo "etcd answers on $CLIENT_URL since it was installed: reusing it."
        return 0
    fi
    mkdir -p "$L2_ETCD_DIR"
    if [ "$(uname -m)" = aarch64 ]; then
        export ETCD_UNSUPPORTED_ARCH=arm64 # etcd 3.4 refuses to start on arm64 without it
    fi
    nohup etcd --name ippan-l2-dev --data-dir "$L2_ETCD_DIR/data" \
        --listen-client-urls "$CLIENT_URL" --advertise-client-urls "$CLIENT_URL" \
        --listen-peer-urls "$PEER_URL" --initial-advertise-peer-urls "$PEER_URL" \
        --initial-cluster "ippan-l2-dev=$PEER_URL" --logger zap --log-outputs stderr \
        >"$LOG_FILE" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" >"$PID_FILE"
    for _ in $(seq 1 "$((L2_ETCD_WAIT_S * 2))"); do
        if healthy; then
            echo "etcd $(etcd --version | head -1 | sed 's/.*: //') started on $CLIENT_URL (pid $pid, log $LOG_FILE)."
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            break
        fi
        sleep 0.5
    done
    sleep 1
    if healthy; then # ours lost the port to another etcd that is up now
        echo "etcd answers on $CLIENT_URL (not the one this script started): reusing it."
        rm -f "$PID_FILE"
        return 0
    fi
    echo "etcd did not become healthy on $CLIENT_URL; the end of its log ($LOG_FILE):" >&2
    tail -n 20 "$LOG_FILE" >&2 || true
    stop >/dev/null 2>&1 || true
    return 1
}

stop() {
    if [ -f "$PID_FILE" ]; then
        local pid
        pid="$(cat "$PID_FILE")"
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid"
            for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
            echo "etcd (pid $pid) stopped."
        fi
        rm -f "$PID_FILE"
    else
        echo "no etcd started by this script in $L2_ETCD_DIR."
    fi
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) if healthy; then echo "etcd answers on $CLIENT_URL."; else echo "no etcd answers on $CLIENT_URL."; exit 1; fi ;;
    *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
