#!/usr/bin/env bash
# Overload / memory check of the node (docs/PERFORMANCE.md, "Node over HTTP").
#
# Starts l2-node.jar as its own process on loopback with a small admission cap and a fresh SQLite file, measures
# its saturation through POST /txs (closed loop), then offers FACTOR times that rate open-loop for DURATION
# seconds while sampling, every SAMPLE seconds, the node's heap used after a full GC (jcmd GC.run; the figure is
# the GC's own "after" size from the node's -Xlog:gc log, not a later reading that would count what was allocated
# since), its pending pool, its batches not yet posted and its QUEUE_FULL refusals. It passes (exit 0) when the excess load was
# refused (QUEUE_FULL > 0) and the heap after GC stayed flat once the bounded queues had filled (the pending pool
# at the cap, L2_MAX_UNPOSTED_BATCHES batches waiting for L1, the envelope and dedup caches; SETTLE seconds): the
# trend of the samples from then on (Theil-Sen slope, robust to the +-25 MiB that requests in flight add to a
# sample) may not add more than max(16 MiB, 10 % of their mean) over that stretch. Exit 1 otherwise, 2 for bad
# usage. The full GCs it asks for every SAMPLE seconds cost the node some throughput during the overload phase.
#
# Build first: mvn -B -DskipTests package
# Run:         scripts/overload-check.sh            (about 2 minutes)
# Knobs (environment): PORT=39200 CAP=10000 FACTOR=3 DURATION=60 SAMPLE=2 SETTLE=30 BATCH=1000 CONNECTIONS=16
#                      NODE_JAVA_OPTS="-Xmx1g" KEEP=1 (keep the work directory with the node's log)
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-39200}
CAP=${CAP:-10000}
FACTOR=${FACTOR:-3}
DURATION=${DURATION:-60}
SAMPLE=${SAMPLE:-2}
SETTLE=${SETTLE:-30}
BATCH=${BATCH:-1000}
CONNECTIONS=${CONNECTIONS:-16}
NODE_JAVA_OPTS=${NODE_JAVA_OPTS:--Xmx1g}
NODE_JAR=l2-node/target/l2-node.jar
BENCH_JAR=l2-benchmarks/target/benchmarks.jar
URL="http://127.0.0.1:${PORT}"

for jar in "$NODE_JAR" "$BENCH_JAR"; do
    if [ ! -f "$jar" ]; then
        echo "overload-check: $jar is missing; build with: mvn -B -DskipTests package" >&2
        exit 2
    fi
done
for tool in jcmd curl jq; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "overload-check: needs $tool on the PATH" >&2
        exit 2
    fi
done
if curl -sf "$URL/healthz" >/dev/null 2>&1; then
    echo "overload-check: something already answers on $URL; set PORT" >&2
    exit 2
fi

WORK=$(mktemp -d /tmp/l2-overload.XXXXXX)
NODE_PID=""
LOAD_PID=""
cleanup() {
    [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null || true
    if [ -n "$NODE_PID" ]; then
        kill "$NODE_PID" 2>/dev/null || true
        wait "$NODE_PID" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

load() {
    java -cp "$BENCH_JAR" org.ippan.l2.benchmarks.load.LoadGenerator --url "$URL" --json "$@"
}

# shellcheck disable=SC2086
L2_LISTEN_ADDR="127.0.0.1:${PORT}" L2_STORAGE_URL="sqlite:${WORK}/l2.db" L2_ADMISSION_CAP="$CAP" \
    java $NODE_JAVA_OPTS "-Xlog:gc:file=$WORK/gc.log" -jar "$NODE_JAR" >"$WORK/node.log" 2>&1 &
NODE_PID=$!
for _ in $(seq 1 100); do
    curl -sf "$URL/healthz" >/dev/null 2>&1 && break
    kill -0 "$NODE_PID" 2>/dev/null || { echo "overload-check: the node did not start:" >&2; cat "$WORK/node.log" >&2; exit 1; }
    sleep 0.2
done
echo "node pid $NODE_PID on $URL, L2_ADMISSION_CAP=$CAP, java $NODE_JAVA_OPTS, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# MiB used after a full GC, as the GC logged it: "... Pause Full (Diagnostic Command) 398M->124M(1024M) 180.123ms"
heap_after_gc_mib() {
    local before
    before=$(grep -c 'Pause Full (Diagnostic Command)' "$WORK/gc.log" || true)
    # jcmd attaches within 10 s or gives up (it can, on a node keeping both cores busy): then there is no GC to wait
    # for, and waiting would leave a gap of half a minute in the samples
    if ! jcmd "$NODE_PID" GC.run >/dev/null 2>&1; then
        return
    fi
    for _ in $(seq 1 100); do
        if [ "$(grep -c 'Pause Full (Diagnostic Command)' "$WORK/gc.log" || true)" -gt "$before" ]; then
            { grep 'Pause Full (Diagnostic Command)' "$WORK/gc.log" || true; } | tail -1 \
                | sed -n 's/.*->\([0-9]*\)M(.*/\1/p'
            return
        fi
        sleep 0.1
    done
}
# a whole number: the node writes values as doubles, large ones in E notation (1.2345678E7)
metric() {
    { curl -sf --max-time 10 "$URL/metrics" || true; } | awk -v name="$1" '$1 == name { printf "%.0f\n", $2; exit }'
}

echo "saturation: POST /txs, $BATCH txs per request, closed loop, 4 connections, 15 s after 5 s of warm-up"
load --endpoint txs --batch "$BATCH" --connections 4 --duration 15s --warmup 5s >"$WORK/saturation.json"
SATURATION=$(jq -r '.accepted_tx_per_s' "$WORK/saturation.json")
jq -c '{accepted_tx_per_s, refused_by_code, errors, latency_ms: .latency_ms | {p50, p99}}' "$WORK/saturation.json"
RATE=$(awk -v s="$SATURATION" -v f="$FACTOR" 'BEGIN { printf "%d", s * f }')
if [ "$RATE" -lt 1 ]; then
    echo "overload-check: saturation measured as $SATURATION tx/s; nothing to overload" >&2
    exit 1
fi

echo "overload: ${FACTOR}x saturation = $RATE tx/s offered for ${DURATION}s (open loop, $CONNECTIONS connections)"
load --endpoint txs --batch "$BATCH" --connections "$CONNECTIONS" --rate "$RATE" --duration "${DURATION}s" \
    >"$WORK/overload.json" &
LOAD_PID=$!
START=$(date +%s)
printf '%6s %18s %12s %16s %16s %16s\n' "t_s" "heap_after_gc_MiB" "pool_pending" "batches_unposted" \
    "queue_full_total" "accepted_total"
: >"$WORK/heap.tsv"
while kill -0 "$LOAD_PID" 2>/dev/null; do
    sleep "$SAMPLE"
    kill -0 "$LOAD_PID" 2>/dev/null || break
    T=$(( $(date +%s) - START ))
    HEAP=$(heap_after_gc_mib)
    if [ -z "$HEAP" ]; then
        echo "t=${T}s: jcmd gave no heap figure; sample skipped" >&2
        continue
    fi
    POOL=$(metric l2_pool_pending)
    UNPOSTED=$(metric l2_batches_pending)
    FULL=$(metric 'l2_tx_rejected_total{code="QUEUE_FULL"}')
    ACCEPTED=$(metric l2_tx_accepted_total)
    printf '%6d %18s %12s %16s %16s %16s\n' "$T" "$HEAP" "$POOL" "$UNPOSTED" "$FULL" "$ACCEPTED"
    printf '%d\t%d\n' "$T" "$HEAP" >>"$WORK/heap.tsv"
done
wait "$LOAD_PID"
LOAD_PID=""
jq -c '{offered_tx_per_s, accepted_tx_per_s, refused_by_code, errors, errors_by_kind, missed_txs,
        latency_ms: .latency_ms | {p50, p99, p999}}' "$WORK/overload.json"
FULL=$(metric 'l2_tx_rejected_total{code="QUEUE_FULL"}')

VERDICT=$(awk -v settle="$SETTLE" '
    $1 >= settle { n++; t[n] = $1; v[n] = $2; sum += $2 }
    END {
        if (n < 3) { print "UNKNOWN fewer than 3 samples after " settle " s"; exit }
        m = 0
        for (i = 1; i < n; i++) for (j = i + 1; j <= n; j++) if (t[j] > t[i]) { m++; s[m] = (v[j] - v[i]) / (t[j] - t[i]) }
        for (i = 2; i <= m; i++) { x = s[i]; for (j = i - 1; j >= 1 && s[j] > x; j--) s[j + 1] = s[j]; s[j + 1] = x }
        slope = (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
        mean = sum / n; span = t[n] - t[1]; growth = slope * span
        allowed = 16; if (0.10 * mean > allowed) allowed = 0.10 * mean
        min = v[1]; max = v[1]; for (i = 2; i <= n; i++) { if (v[i] < min) min = v[i]; if (v[i] > max) max = v[i] }
        printf "%s heap after GC from %d s on (%d samples): mean %.0f MiB, min %d, max %d; trend %+.2f MiB/s = %+.1f MiB over %d s (allowed %.1f)\n",
            (growth <= allowed ? "FLAT" : "GROWING"), settle, n, mean, min, max, slope, growth, span, allowed
    }' "$WORK/heap.tsv")
echo "$VERDICT"
echo "QUEUE_FULL refusals: $FULL"
case "$VERDICT" in
    FLAT*) [ "${FULL:-0}" -gt 0 ] && exit 0 ;;
esac
exit 1
