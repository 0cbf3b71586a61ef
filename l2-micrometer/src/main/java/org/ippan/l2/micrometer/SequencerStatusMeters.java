package org.ippan.l2.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.ippan.l2.core.engine.LeaderMode;
import org.ippan.l2.core.engine.Sequencer;
import org.ippan.l2.core.engine.SequencerStatus;

/**
 * The sequencer's gauges, read from {@link Sequencer#status()} when the registry is read (a scrape), never pushed:
 * they always agree with storage, as {@code GET /status} does.
 *
 * <p>One scrape reads some twenty gauges, and a status reads storage; so the status is read once and reused by the
 * gauges read within {@code maxStatusAgeNs} of it (by default 250 ms: one scrape, never two; {@link #refresh()} reads
 * it anew at once, for a scrape that must not see an older status). The gauges are those
 * of {@link MeterNames} marked "Gauge"; {@code l2_rotation_epoch} only in rotating mode.
 *
 * <p>{@code l2_storage_state{state="ok|failing|full|corrupt"}} is 1 for the state of {@code /status}'s
 * {@code storage.state}, 0 for the three others; {@code l2_storage_write_failing} is 1 from a failed write until a
 * write succeeds (what keeps {@code l2_ready} at 0), {@code l2_storage_read_failing} 1 from a failed read until a
 * read succeeds.
 */
public final class SequencerStatusMeters implements MeterBinder {
    /** The values of {@code l2_storage_state}'s {@code state} tag, as {@code SequencerStatus.StorageHealth}. */
    public static final List<String> STORAGE_STATES = List.of("ok", "failing", "full", "corrupt");

    /** How long a status read serves the gauges by default. */
    public static final long DEFAULT_MAX_STATUS_AGE_NS = 250_000_000L;

    private final Supplier<SequencerStatus> status;
    private final boolean rotating;
    private final Tags tags;
    private final long maxStatusAgeNs;
    private final LongSupplier nanoClock;
    private final Object lock = new Object();
    private SequencerStatus cached;
    private long cachedAtNs;

    /**
     * Gauges of a sequencer, without common tags, status reused for {@link #DEFAULT_MAX_STATUS_AGE_NS}.
     *
     * @param sequencer the sequencer whose status is read
     */
    public SequencerStatusMeters(Sequencer sequencer) {
        this(sequencer::status, sequencer.config().leaderMode() == LeaderMode.ROTATING, Tags.empty(),
                DEFAULT_MAX_STATUS_AGE_NS, System::nanoTime);
    }

    /**
     * Gauges of a sequencer.
     *
     * @param sequencer the sequencer whose status is read
     * @param commonTags tags added to every gauge; empty for none
     */
    public SequencerStatusMeters(Sequencer sequencer, Iterable<Tag> commonTags) {
        this(sequencer::status, sequencer.config().leaderMode() == LeaderMode.ROTATING, commonTags,
                DEFAULT_MAX_STATUS_AGE_NS, System::nanoTime);
    }

    /**
     * Gauges over any source of statuses (tests, or a host that composes its own).
     *
     * @param status reads the status
     * @param rotating whether to register the rotating mode's gauges
     * @param commonTags tags added to every gauge; empty for none
     * @param maxStatusAgeNs how long one status read serves the gauges (0: every gauge reads anew)
     * @param nanoClock the monotonic clock that ages the status
     */
    public SequencerStatusMeters(Supplier<SequencerStatus> status, boolean rotating, Iterable<Tag> commonTags,
            long maxStatusAgeNs, LongSupplier nanoClock) {
        this.status = Objects.requireNonNull(status, "status");
        this.rotating = rotating;
        this.tags = Tags.of(Objects.requireNonNull(commonTags, "commonTags"));
        if (maxStatusAgeNs < 0) {
            throw new IllegalArgumentException("maxStatusAgeNs must be >= 0: " + maxStatusAgeNs);
        }
        this.maxStatusAgeNs = maxStatusAgeNs;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, MeterNames.BATCHES_PENDING, "Batches cut, not yet accepted by L1.", tags,
                s -> s.batches().pending());
        gauge(registry, MeterNames.BATCHES_POSTED, "Batches accepted by L1, not yet confirmed.", tags,
                s -> s.batches().posted());
        gauge(registry, MeterNames.BATCHES_CONFIRMED, "Batches confirmed on L1.", tags, s -> s.batches().confirmed());
        gauge(registry, MeterNames.BATCHES_FAILED, "Batches refused by L1 for good.", tags, s -> s.batches().failed());
        gauge(registry, MeterNames.LAST_BATCH_NUMBER, "Number of the last batch cut.", tags,
                s -> s.batches().lastBatchNumber());
        gauge(registry, MeterNames.POOL_PENDING, "Accepted txs not yet in a batch.", tags, s -> s.pool().pending());
        gauge(registry, MeterNames.POOL_CAPACITY, "Admission cap.", tags, s -> s.pool().capacity());
        gauge(registry, MeterNames.LEADER_IS_LEADER, "1 while this node acts as leader.", tags,
                s -> s.leader().isLeader() ? 1 : 0);
        gauge(registry, MeterNames.LEADER_TERM, "This node's term.", tags, s -> s.leader().termId());
        gauge(registry, MeterNames.LEADER_STORED_TERM, "The term storage holds (the current leader's).", tags,
                s -> s.leader().storedTerm());
        gauge(registry, MeterNames.LEADER_LAST_HEARTBEAT_MS, "Wall-clock ms of the leader's last heartbeat.", tags,
                s -> s.leader().lastHeartbeatMs());
        gauge(registry, MeterNames.L1_HEIGHT, "L1 height last seen.", tags, s -> s.l1().height());
        gauge(registry, MeterNames.L1_FINALIZED_HEIGHT, "L1 finalized height last seen.", tags,
                s -> s.l1().finalizedHeight());
        gauge(registry, MeterNames.L1_FAILING, "1 while the last L1 call of the reconciler failed.", tags,
                s -> s.l1().lastError() == null ? 0 : 1);
        gauge(registry, MeterNames.READY, "1 when the node is ready.", tags, s -> s.readiness().ready() ? 1 : 0);
        for (String state : STORAGE_STATES) {
            gauge(registry, MeterNames.STORAGE_STATE, "Storage health: 1 for the state storage is in (ok, failing,"
                    + " full, corrupt), 0 for the others.", tags.and("state", state),
                    s -> state.equals(s.storage().state()) ? 1 : 0);
        }
        gauge(registry, MeterNames.STORAGE_WRITE_FAILING, "1 from a failed storage write until a write succeeds.",
                tags, s -> s.storage().lastWriteError() == null ? 0 : 1);
        gauge(registry, MeterNames.STORAGE_READ_FAILING, "1 from a failed storage read until a read succeeds.",
                tags, s -> s.storage().lastReadError() == null ? 0 : 1);
        if (rotating) {
            gauge(registry, MeterNames.ROTATION_EPOCH, "The rotating schedule's current epoch, -1 before genesis.",
                    tags, s -> s.leader().rotation() == null ? -1 : s.leader().rotation().epoch());
        }
    }

    private void gauge(MeterRegistry registry, String name, String description, Tags gaugeTags,
            ToDoubleFunction<SequencerStatus> value) {
        Gauge.builder(name, this, self -> value.applyAsDouble(self.status())).description(description)
                .tags(gaugeTags).strongReference(true).register(registry);
    }

    /**
     * Reads the status now, for the gauges read within the max age from now: a host that renders its registry calls
     * this first (as the node's {@code GET /metrics} does), so that a scrape never shows a status read before it,
     * however close together two scrapes come.
     */
    public void refresh() {
        synchronized (lock) {
            cached = status.get();
            cachedAtNs = nanoClock.getAsLong();
        }
    }

    /** @return the cached status while it is young enough, a new one otherwise */
    private SequencerStatus status() {
        synchronized (lock) {
            long nowNs = nanoClock.getAsLong();
            if (cached == null || nowNs - cachedAtNs > maxStatusAgeNs || maxStatusAgeNs == 0) {
                cached = status.get();
                cachedAtNs = nowNs;
            }
            return cached;
        }
    }
}
