package org.ippan.l2.micrometer;

/**
 * The Micrometer names of the sequencer's meters. Micrometer's Prometheus registry renders each as the name in its
 * comment: dots become underscores, a counter gets {@code _total}, a timer {@code _seconds} (with {@code _bucket},
 * {@code _count}, {@code _sum} and {@code _max} series).
 */
public final class MeterNames {
    private MeterNames() {}

    /** Counter, {@code l2_tx_accepted_total}. */
    public static final String TX_ACCEPTED = "l2.tx.accepted";
    /** Counter, {@code l2_tx_duplicates_total}. */
    public static final String TX_DUPLICATES = "l2.tx.duplicates";
    /** Counter tagged {@code code}, {@code l2_tx_rejected_total}. */
    public static final String TX_REJECTED = "l2.tx.rejected";
    /** Counter tagged {@code reason}, {@code l2_batches_cut_total}. */
    public static final String BATCHES_CUT = "l2.batches.cut";
    /** Counter, {@code l2_batch_txs_total}. */
    public static final String BATCH_TXS = "l2.batch.txs";
    /** Counter, {@code l2_batch_bytes_total}. */
    public static final String BATCH_BYTES = "l2.batch.bytes";
    /** Counter, {@code l2_posts_succeeded_total}. */
    public static final String POSTS_SUCCEEDED = "l2.posts.succeeded";
    /** Counter, {@code l2_post_failures_total}. */
    public static final String POST_FAILURES = "l2.post.failures";
    /** Counter tagged {@code kind}, {@code l2_post_failures_by_kind_total}. */
    public static final String POST_FAILURES_BY_KIND = "l2.post.failures.by.kind";
    /**
     * Counter, {@code l2_batches_confirmations_total}: batches that reached the confirmed state. Not
     * {@code l2.batches.confirmed}: that is the gauge {@link #BATCHES_CONFIRMED}, and Prometheus' data model (client
     * 1.x, OpenMetrics) cannot hold a gauge {@code l2_batches_confirmed} beside a counter of the same base name. The
     * node writes this value under its earlier name {@code l2_batches_confirmed_total} as well.
     */
    public static final String BATCHES_CONFIRMATIONS = "l2.batches.confirmations";
    /** Counter, {@code l2_batches_reposted_total}. */
    public static final String BATCHES_REPOSTED = "l2.batches.reposted";
    /** Counter, {@code l2_batches_pruned_total}: confirmed batches whose bodies retention pruned. */
    public static final String BATCHES_PRUNED = "l2.batches.pruned";
    /** Counter, {@code l2_batches_forgotten_total}: confirmed batches retention forgot whole. */
    public static final String BATCHES_FORGOTTEN = "l2.batches.forgotten";
    /** Counter, {@code l2_state_changes_total}. */
    public static final String STATE_CHANGES = "l2.state.changes";
    /** Counter, {@code l2_leader_changes_total}. */
    public static final String LEADER_CHANGES = "l2.leader.changes";
    /** Counter, {@code l2_lease_renew_failures_total}. */
    public static final String LEASE_RENEW_FAILURES = "l2.lease.renew.failures";
    /** Counter tagged {@code loop}, {@code l2_loop_errors_total}. */
    public static final String LOOP_ERRORS = "l2.loop.errors";
    /** Counter, {@code l2_forced_txs_admitted_total}. */
    public static final String FORCED_TXS_ADMITTED = "l2.forced.txs.admitted";
    /** Counter, {@code l2_forced_txs_skipped_total}. */
    public static final String FORCED_TXS_SKIPPED = "l2.forced.txs.skipped";
    /** Timer, {@code l2_admission_latency_seconds}. */
    public static final String ADMISSION_LATENCY = "l2.admission.latency";
    /** Timer, {@code l2_post_latency_seconds}. */
    public static final String POST_LATENCY = "l2.post.latency";

    /** Gauge, {@code l2_batches_pending}: batches cut, not yet accepted by L1. */
    public static final String BATCHES_PENDING = "l2.batches.pending";
    /** Gauge, {@code l2_batches_posted}: batches accepted by L1, not yet confirmed. */
    public static final String BATCHES_POSTED = "l2.batches.posted";
    /** Gauge, {@code l2_batches_confirmed}: batches confirmed on L1. */
    public static final String BATCHES_CONFIRMED = "l2.batches.confirmed";
    /** Gauge, {@code l2_batches_failed}: batches refused by L1 for good. */
    public static final String BATCHES_FAILED = "l2.batches.failed";
    /** Gauge, {@code l2_last_batch_number}. */
    public static final String LAST_BATCH_NUMBER = "l2.last.batch.number";
    /** Gauge, {@code l2_pool_pending}: accepted txs not yet in a batch. */
    public static final String POOL_PENDING = "l2.pool.pending";
    /** Gauge, {@code l2_pool_capacity}: the admission cap. */
    public static final String POOL_CAPACITY = "l2.pool.capacity";
    /** Gauge, {@code l2_leader_is_leader}: 1 while this node acts as leader. */
    public static final String LEADER_IS_LEADER = "l2.leader.is.leader";
    /** Gauge, {@code l2_leader_term}: this node's term. */
    public static final String LEADER_TERM = "l2.leader.term";
    /** Gauge, {@code l2_leader_stored_term}: the term storage holds (the current leader's). */
    public static final String LEADER_STORED_TERM = "l2.leader.stored.term";
    /** Gauge, {@code l2_leader_last_heartbeat_ms}: wall-clock ms of the leader's last heartbeat. */
    public static final String LEADER_LAST_HEARTBEAT_MS = "l2.leader.last.heartbeat.ms";
    /** Gauge, {@code l2_l1_height}. */
    public static final String L1_HEIGHT = "l2.l1.height";
    /** Gauge, {@code l2_l1_finalized_height}. */
    public static final String L1_FINALIZED_HEIGHT = "l2.l1.finalized.height";
    /** Gauge, {@code l2_l1_failing}: 1 while the reconciler's last L1 call failed. */
    public static final String L1_FAILING = "l2.l1.failing";
    /** Gauge, {@code l2_ready}: 1 when the node is ready. */
    public static final String READY = "l2.ready";
    /** Gauge tagged {@code state} (ok, failing, full, corrupt), {@code l2_storage_state}. */
    public static final String STORAGE_STATE = "l2.storage.state";
    /** Gauge, {@code l2_storage_write_failing}. */
    public static final String STORAGE_WRITE_FAILING = "l2.storage.write.failing";
    /** Gauge, {@code l2_storage_read_failing}. */
    public static final String STORAGE_READ_FAILING = "l2.storage.read.failing";
    /** Gauge (rotating mode only), {@code l2_rotation_epoch}: the current epoch, -1 before genesis. */
    public static final String ROTATION_EPOCH = "l2.rotation.epoch";
}
