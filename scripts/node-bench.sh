#!/usr/bin/env bash
# Node throughput and latency over HTTP, as medians of RUNS runs (docs/PERFORMANCE.md, "Node over HTTP").
#
# Each run starts l2-node.jar as its own process on loopback with a fresh SQLite file (the node's embedded
# defaults plus the variables the scenario names), waits for /healthz, drives it with the load generator from
# the benchmarks jar, stops the node and keeps the generator's JSON report. At the end it prints one line per
# scenario: every run's accepted tx/s and p99, and their medians.
#
# Warm-up: a fresh node on two cores spends its first ~20 s of load compiling (the C2 compiler thread took most of a
# core for that long in a JFR recording), so the /txs runs measure after 20 s of load.
#
# Scenarios (SCENARIOS, space separated; default: txs sustained sustained4 tx half):
#   txs        POST /txs admission at saturation: 1,000 txs per request, 4 connections, 15 s after 20 s warm-up,
#              L2_ADMISSION_CAP=2000000 so the pending pool never refuses (admission, not the pipeline behind it)
#   txsbin     the same requests as bulk binary v1 bodies (application/octet-stream, docs/spec/bulk-binary-v1.md);
#              SCENARIOS="txs txsbin" compares the two in one run
#   sustained  POST /txs open loop at TXS_RATE tx/s (default 20000), 1,000 txs per request, 8 connections, 30 s
#              after 15 s, the node's defaults: what the whole node (admission, cutting, posting) keeps up with;
#              latency from each request's due time
#   sustained4 the same with L2_MAX_POSTS_IN_FLIGHT=4 (L1 posts pipelined; confirmation stays in batch order)
#   sustainedbin  sustained with bulk binary v1 bodies
#   soak       POST /txs open loop at TXS_RATE tx/s for SOAK_S seconds (default 300) after 15 s, 32 connections, the
#              node's defaults: the sustained figure. /status is sampled every 10 s (pool, unposted and posted
#              batches); after the load the node is given up to 120 s to drain, then the line says whether every
#              accepted tx was confirmed and whether the pool and the backlog stayed flat (their largest value in the
#              second half of the run against the first)
#   soakbin    soak with bulk binary v1 bodies
#   ceiling    no node: the raw SQLite ceiling of durable admission on this machine, now (JMH
#              SqliteAdmissionBenchmark.rawInsert: plain JDBC, 16 rows per fsync'd commit, the node's pragmas), to put
#              the tx and half figures of the same run beside, as ratios
#   flood      POST /txs closed loop at the default cap, no back-off: the pool stays full and the excess is refused
#              (20 s after 20 s); accepted is what is left for admission while the node keeps refusing
#   tx         POST /tx at saturation: 32 connections, 20 s after 10 s warm-up
#   half       POST /tx open loop at RATE tx/s (default 2500, half the 5,000 tx/s target), 32 connections, 30 s
#              after 10 s; latency from each request's due time
#
# Each run's line also gives the txs in confirmed batches when the load ends (GET /batches) and the node's own CPU
# time (user + system, /proc) over the measured part divided by the txs accepted in it.
#
# Build first: mvn -B -DskipTests package
# Run:         scripts/node-bench.sh                   (about 12 minutes with the defaults)
# Knobs (environment): RUNS=3 SCENARIOS="txs tx half" RATE=2500 TXS_RATE=20000 SOAK_S=300 PORT=39100 NODE_JAVA_OPTS="" KEEP=1 (keep the
#                      work directory with every report and node log)
#                      DEVNET=process: the devnet L1 runs as its own process (DevnetL1Server on PORT+1, a fresh one per
#                      run, a block a second, finality 2) and the node posts to it over HTTP (L1_BASE_URL), as a node
#                      posts to a real L1; the node's CPU figure is then the node's alone. Default: the embedded devnet.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
SCENARIOS=${SCENARIOS:-txs sustained sustained4 tx half}
RATE=${RATE:-2500}
TXS_RATE=${TXS_RATE:-20000}
SOAK_S=${SOAK_S:-300}
PORT=${PORT:-39100}
NODE_JAVA_OPTS=${NODE_JAVA_OPTS:-}
DEVNET=${DEVNET:-embedded}
DEVNET_PORT=$((PORT + 1))
NODE_JAR=l2-node/target/l2-node.jar
BENCH_JAR=l2-benchmarks/target/benchmarks.jar
URL="http://127.0.0.1:${PORT}"

for jar in "$NODE_JAR" "$BENCH_JAR"; do
    if [ ! -f "$jar" ]; then
        echo "node-bench: $jar is missing; build with: mvn -B -DskipTests package" >&2
        exit 2
    fi
done
for tool in curl jq; do
    command -v "$tool" >/dev/null 2>&1 || { echo "node-bench: needs $tool on the PATH" >&2; exit 2; }
done
if curl -sf "$URL/healthz" >/dev/null 2>&1; then
    echo "node-bench: something already answers on $URL; set PORT" >&2
    exit 2
fi
for s in $SCENARIOS; do
    case "$s" in txs|txsbin|sustained|sustainedbin|sustained4|soak|soakbin|ceiling|flood|tx|half) ;; *) echo "node-bench: unknown scenario '$s'" >&2; exit 2 ;; esac
done
case "$RUNS" in ''|*[!0-9]*|0) echo "node-bench: RUNS must be a positive integer" >&2; exit 2 ;; esac
case "$DEVNET" in embedded|process) ;; *) echo "node-bench: DEVNET must be embedded or process" >&2; exit 2 ;; esac

WORK=$(mktemp -d /tmp/l2-node-bench.XXXXXX)
NODE_PID=""
DEVNET_PID=""
cleanup() {
    for pid in "$NODE_PID" "$DEVNET_PID"; do
        if [ -n "$pid" ]; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    if [ "${KEEP:-0}" = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

start_devnet() { # $1 = run directory: a fresh devnet L1 process on DEVNET_PORT
    local dir=$1
    env L2_DEVNET_LISTEN_ADDR="127.0.0.1:${DEVNET_PORT}" java -cp "$NODE_JAR" org.ippan.l2.node.devnet.DevnetL1Server \
        >"$dir/devnet.log" 2>&1 &
    DEVNET_PID=$!
    for _ in $(seq 1 150); do
        # any HTTP answer means it listens (the devnet has no /healthz)
        [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${DEVNET_PORT}/" 2>/dev/null)" != 000 ] && return 0
        kill -0 "$DEVNET_PID" 2>/dev/null || { echo "node-bench: the devnet did not start:" >&2; cat "$dir/devnet.log" >&2; exit 1; }
        sleep 0.2
    done
    echo "node-bench: the devnet did not listen on ${DEVNET_PORT} within 30 s" >&2
    exit 1
}
start_node() { # $1 = run directory, rest = VAR=value for the node
    local dir=$1
    shift
    mkdir -p "$dir"
    local l1=()
    if [ "$DEVNET" = process ]; then
        start_devnet "$dir"
        # the devnet's paths (DevnetL1Server.PATH_*): the HTTP client assumes none
        l1=(L1_BASE_URL="http://127.0.0.1:${DEVNET_PORT}" L1_ENDPOINT_CHAIN_STATUS=/v1/status
            L1_ENDPOINT_SUBMIT_BATCH=/v1/l2/batches L1_ENDPOINT_GET_INCLUSION='/v1/l2/batches/{id}/inclusion'
            L1_ENDPOINT_GET_FINALITY='/v1/l1/tx/{l1_tx_id}/finality'
            L1_ENDPOINT_FORCED_SUBMIT='/v1/l2/chains/{chain}/forced'
            L1_ENDPOINT_FORCED_INBOX='/v1/l2/chains/{chain}/forced?from={from}&max={max}')
    fi
    # shellcheck disable=SC2086
    env L2_LISTEN_ADDR="127.0.0.1:${PORT}" L2_STORAGE_URL="sqlite:${dir}/l2.db" "${l1[@]}" "$@" \
        java $NODE_JAVA_OPTS -jar "$NODE_JAR" >"$dir/node.log" 2>&1 &
    NODE_PID=$!
    for _ in $(seq 1 150); do
        curl -sf "$URL/healthz" >/dev/null 2>&1 && return 0
        kill -0 "$NODE_PID" 2>/dev/null || { echo "node-bench: the node did not start:" >&2; cat "$dir/node.log" >&2; exit 1; }
        sleep 0.2
    done
    echo "node-bench: the node did not answer /healthz within 30 s" >&2
    exit 1
}
stop_node() {
    kill "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
    NODE_PID=""
    if [ -n "$DEVNET_PID" ]; then
        kill "$DEVNET_PID" 2>/dev/null || true
        wait "$DEVNET_PID" 2>/dev/null || true
        DEVNET_PID=""
    fi
}
load() {
    java -cp "$BENCH_JAR" org.ippan.l2.benchmarks.load.LoadGenerator --url "$URL" --json "$@"
}
confirmed_txs() { # txs in confirmed batches now, summed over GET /batches pages
    local from=1 total=0 page n
    while :; do
        page=$(curl -sf "$URL/batches?from=${from}&limit=1000") || break
        n=$(jq '.batches | length' <<<"$page")
        [ "$n" = 0 ] && break
        total=$((total + $(jq '[.batches[] | select(.status == "confirmed") | .tx_count] | add // 0' <<<"$page")))
        from=$((from + 1000))
    done
    echo "$total"
}
node_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$NODE_PID/stat"; } # user + system, in clock ticks
measure() { # $1 = warm-up seconds, rest = load options: runs the load, and the node's CPU over the measured part
    local warmup=$1 before after
    shift
    load "$@" &
    local load_pid=$!
    sleep "$warmup"
    before=$(node_cpu_ticks)
    wait "$load_pid"
    after=$(node_cpu_ticks)
    echo $(((after - before) * 1000000 / $(getconf CLK_TCK))) >"$dir/node_cpu_us"
}
soak() { # rest = load options: the load for SOAK_S s, /status every 10 s, then the drain; writes $dir/soak.txt
    local t0 samples="$dir/status.tsv" before after
    load --endpoint txs --batch 1000 --connections 32 --rate "$TXS_RATE" --duration "${SOAK_S}s" --warmup 15s "$@" \
        >"$dir/report.json" &
    local load_pid=$!
    sleep 15
    before=$(node_cpu_ticks)
    t0=$(date +%s)
    while kill -0 "$load_pid" 2>/dev/null; do
        # seconds, pending txs, unposted batches, posted batches, confirmed batches
        curl -sf "$URL/status" | jq -r --arg t "$(($(date +%s) - t0))" \
            '[$t, .pool.pending, .batches.pending, .batches.posted, .batches.confirmed] | @tsv' >>"$samples" || true
        sleep 10
    done
    wait "$load_pid"
    after=$(node_cpu_ticks)
    echo $(((after - before) * 1000000 / $(getconf CLK_TCK))) >"$dir/node_cpu_us"
    local drained=no status
    for _ in $(seq 1 120); do
        status=$(curl -sf "$URL/status") || break
        if [ "$(jq '.pool.pending + .batches.pending + .batches.posted' <<<"$status")" = 0 ]; then drained=yes; break; fi
        sleep 1
    done
    local accepted confirmed half
    accepted=$(jq '.total.accepted_txs' "$dir/report.json")
    confirmed=$(confirmed_txs)
    half=$((SOAK_S / 2))
    awk -v half="$half" -v accepted="$accepted" -v confirmed="$confirmed" -v drained="$drained" '
        { if ($1 < half) { p1 = ($2 > p1 ? $2 : p1); b1 = ($3 > b1 ? $3 : b1) } else { p2 = ($2 > p2 ? $2 : p2); b2 = ($3 > b2 ? $3 : b2) }
          if (NR == 1) { c0 = $5; t0 = $1 } cN = $5; tN = $1 }
        END { printf "soak: accepted %d txs, confirmed %d after the drain (%s), %s; largest pool %d then %d txs, largest unposted backlog %d then %d batches (first half, second half); confirmed %.0f batches/s while loaded\n",
              accepted, confirmed, (drained == "yes" ? "drained" : "NOT drained in 120 s"), (accepted == confirmed ? "all confirmed" : "NOT all confirmed"),
              p1, p2, b1, b2, (tN > t0 ? (cN - c0) / (tN - t0) : 0) }' "$samples" >"$dir/soak.txt"
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "node-bench: $RUNS run(s) of: $SCENARIOS (devnet: $DEVNET); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
# runs outside, scenarios inside: the scenarios of one round meet the same machine, so their ratio is fairer
for r in $(seq 1 "$RUNS"); do
    for s in $SCENARIOS; do
        dir="$WORK/$s-$r"
        if [ "$s" = ceiling ]; then
            mkdir -p "$dir"
            java -jar "$BENCH_JAR" 'SqliteAdmissionBenchmark.rawInsert' -f 1 -wi 2 -i 3 -rf json -rff "$dir/jmh.json" \
                >"$dir/jmh.log" 2>&1
            jq -r --arg r "$r" --arg load "$(cut -d' ' -f1 /proc/loadavg)" \
                '"ceiling run \($r): raw SQLite admission \(.[0].primaryMetric.score | floor) tx/s (JMH rawInsert, 16 rows per commit), load \($load)"' \
                "$dir/jmh.json"
            jq -r '.[0].primaryMetric.score | floor' "$dir/jmh.json" >"$dir/ceiling.txt"
            continue
        fi
        case "$s" in
            txs)
                start_node "$dir" L2_ADMISSION_CAP=2000000
                measure 20 --endpoint txs --batch 1000 --connections 4 --duration 15s --warmup 20s >"$dir/report.json" ;;
            txsbin)
                start_node "$dir" L2_ADMISSION_CAP=2000000
                measure 20 --endpoint txs --body binary --batch 1000 --connections 4 --duration 15s --warmup 20s \
                    >"$dir/report.json" ;;
            sustained)
                start_node "$dir"
                measure 15 --endpoint txs --batch 1000 --connections 8 --rate "$TXS_RATE" --duration 30s --warmup 15s \
                    >"$dir/report.json" ;;
            sustainedbin)
                start_node "$dir"
                measure 15 --endpoint txs --body binary --batch 1000 --connections 8 --rate "$TXS_RATE" --duration 30s \
                    --warmup 15s >"$dir/report.json" ;;
            sustained4)
                start_node "$dir" L2_MAX_POSTS_IN_FLIGHT=4
                measure 15 --endpoint txs --batch 1000 --connections 8 --rate "$TXS_RATE" --duration 30s --warmup 15s \
                    >"$dir/report.json" ;;
            soak)
                start_node "$dir"
                soak ;;
            soakbin)
                start_node "$dir"
                soak --body binary ;;
            flood)
                start_node "$dir"
                measure 20 --endpoint txs --batch 1000 --connections 4 --duration 20s --warmup 20s >"$dir/report.json" ;;
            tx)
                start_node "$dir"
                measure 10 --endpoint tx --connections 32 --duration 20s --warmup 10s >"$dir/report.json" ;;
            half)
                start_node "$dir"
                measure 10 --endpoint tx --rate "$RATE" --connections 32 --duration 30s --warmup 10s >"$dir/report.json" ;;
        esac
        confirmed_txs >"$dir/confirmed.txt"
        stop_node
        jq -r --arg s "$s" --arg r "$r" --arg load "$(cut -d' ' -f1 /proc/loadavg)" --arg confirmed "$(cat "$dir/confirmed.txt")" \
            --arg cpu "$(cat "$dir/node_cpu_us")" \
            '"\($s) run \($r): offered \(.offered_tx_per_s | floor) tx/s, accepted \(.accepted_tx_per_s | floor) tx/s, confirmed \($confirmed) txs by the end (\(($confirmed | tonumber) / .total.seconds | floor) tx/s over the whole run), node CPU \(($cpu | tonumber) / ([.accepted_txs, 1] | max) | floor) us per accepted tx while measured, p50 \(.latency_ms.p50) ms, p99 \(.latency_ms.p99) ms, p99.9 \(.latency_ms.p999) ms, refused \(.refused_by_code), errors \(.errors), missed \(.missed_txs // 0), load \($load)"' \
            "$dir/report.json"
        if [ -f "$dir/soak.txt" ]; then cat "$dir/soak.txt"; fi
    done
done
echo "medians:"
for s in $SCENARIOS; do
    if [ "$s" = ceiling ]; then
        runs=$(for r in $(seq 1 "$RUNS"); do cat "$WORK/ceiling-$r/ceiling.txt"; done | paste -sd' ')
        printf '  %-12s raw SQLite tx/s [%s] median %s\n' "$s" "$runs" "$(tr ' ' '\n' <<<"$runs" | median)"
        continue
    fi
    runs=$(for r in $(seq 1 "$RUNS"); do jq -r '.accepted_tx_per_s | floor' "$WORK/$s-$r/report.json"; done | paste -sd' ')
    p99s=$(for r in $(seq 1 "$RUNS"); do jq -r '.latency_ms.p99' "$WORK/$s-$r/report.json"; done | paste -sd' ')
    printf '  %-12s accepted tx/s [%s] median %s; p99 ms [%s] median %s\n' "$s" "$runs" \
        "$(tr ' ' '\n' <<<"$runs" | median)" "$p99s" "$(tr ' ' '\n' <<<"$p99s" | median)"
done
