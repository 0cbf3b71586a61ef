package org.ippan.l2.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.ippan.l2.core.engine.Readiness;
import org.ippan.l2.core.engine.SequencerState;
import org.ippan.l2.core.engine.SequencerStatus;
import org.junit.jupiter.api.Test;

class SequencerStatusMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong clockNs = new AtomicLong(1_000);
    private final AtomicInteger reads = new AtomicInteger();

    static SequencerStatus status(boolean leader, long pendingBatches, String storage, String l1Error,
            SequencerStatus.Rotation rotation) {
        return new SequencerStatus(leader ? SequencerState.LEADER : SequencerState.FOLLOWER,
                new SequencerStatus.Leader("single", leader, "node-a", "ab", 4, 1_700_000_000_000L, 5, "node-b",
                        !leader, null, rotation),
                new SequencerStatus.Pool(17, 1_000),
                new SequencerStatus.Batches(pendingBatches, 2, 9, 1, 12, "cd"),
                new SequencerStatus.L1(300, 290, l1Error),
                Readiness.of(leader ? List.of() : List.of("not leader")),
                new SequencerStatus.StorageHealth(storage, storage.equals("ok") ? null : "disk", null, null));
    }

    private double gauge(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void gauges_showTheStatus() {
        SequencerStatus s = status(true, 3, "ok", null, null);
        new SequencerStatusMeters(() -> s, false, Tags.empty(), 0, clockNs::get).bindTo(registry);

        assertThat(gauge(MeterNames.BATCHES_PENDING)).isEqualTo(3);
        assertThat(gauge(MeterNames.BATCHES_POSTED)).isEqualTo(2);
        assertThat(gauge(MeterNames.BATCHES_CONFIRMED)).isEqualTo(9);
        assertThat(gauge(MeterNames.BATCHES_FAILED)).isEqualTo(1);
        assertThat(gauge(MeterNames.LAST_BATCH_NUMBER)).isEqualTo(12);
        assertThat(gauge(MeterNames.POOL_PENDING)).isEqualTo(17);
        assertThat(gauge(MeterNames.POOL_CAPACITY)).isEqualTo(1_000);
        assertThat(gauge(MeterNames.LEADER_IS_LEADER)).isEqualTo(1);
        assertThat(gauge(MeterNames.LEADER_TERM)).isEqualTo(4);
        assertThat(gauge(MeterNames.LEADER_STORED_TERM)).isEqualTo(5);
        assertThat(gauge(MeterNames.LEADER_LAST_HEARTBEAT_MS)).isEqualTo(1_700_000_000_000.0);
        assertThat(gauge(MeterNames.L1_HEIGHT)).isEqualTo(300);
        assertThat(gauge(MeterNames.L1_FINALIZED_HEIGHT)).isEqualTo(290);
        assertThat(gauge(MeterNames.L1_FAILING)).isZero();
        assertThat(gauge(MeterNames.READY)).isEqualTo(1);
        assertThat(gauge(MeterNames.STORAGE_STATE, "state", "ok")).isEqualTo(1);
        assertThat(gauge(MeterNames.STORAGE_STATE, "state", "full")).isZero();
        assertThat(gauge(MeterNames.STORAGE_WRITE_FAILING)).isZero();
        assertThat(registry.find(MeterNames.ROTATION_EPOCH).gauge()).isNull();
    }

    @Test
    void gauges_followAFailingNode() {
        SequencerStatus s = status(false, 0, "full", "connection refused", null);
        new SequencerStatusMeters(() -> s, false, Tags.empty(), 0, clockNs::get).bindTo(registry);

        assertThat(gauge(MeterNames.LEADER_IS_LEADER)).isZero();
        assertThat(gauge(MeterNames.READY)).isZero();
        assertThat(gauge(MeterNames.L1_FAILING)).isEqualTo(1);
        for (String state : SequencerStatusMeters.STORAGE_STATES) {
            assertThat(gauge(MeterNames.STORAGE_STATE, "state", state)).as(state)
                    .isEqualTo(state.equals("full") ? 1 : 0);
        }
        assertThat(gauge(MeterNames.STORAGE_WRITE_FAILING)).isEqualTo(1);
        assertThat(gauge(MeterNames.STORAGE_READ_FAILING)).isZero();
    }

    @Test
    void oneStatusRead_servesTheGaugesWithinItsMaxAge() {
        AtomicReference<SequencerStatus> current = new AtomicReference<>(status(true, 1, "ok", null, null));
        new SequencerStatusMeters(() -> {
            reads.incrementAndGet();
            return current.get();
        }, false, Tags.empty(), 100, clockNs::get).bindTo(registry);

        assertThat(gauge(MeterNames.BATCHES_PENDING)).isEqualTo(1);
        current.set(status(true, 5, "ok", null, null));
        clockNs.addAndGet(100); // at the max age: still served from the first read
        assertThat(gauge(MeterNames.BATCHES_PENDING)).isEqualTo(1);
        assertThat(gauge(MeterNames.POOL_PENDING)).isEqualTo(17);
        assertThat(reads).hasValue(1);

        clockNs.addAndGet(1); // past it: read again
        assertThat(gauge(MeterNames.BATCHES_PENDING)).isEqualTo(5);
        assertThat(reads).hasValue(2);
    }

    @Test
    void refresh_readsTheStatusAtOnce_forTheGaugesThatFollow() {
        AtomicReference<SequencerStatus> current = new AtomicReference<>(status(true, 1, "ok", null, null));
        SequencerStatusMeters meters = new SequencerStatusMeters(() -> {
            reads.incrementAndGet();
            return current.get();
        }, false, Tags.empty(), 1_000_000, clockNs::get);
        meters.bindTo(registry);
        assertThat(gauge(MeterNames.STORAGE_STATE, "state", "ok")).isEqualTo(1);

        current.set(status(true, 1, "corrupt", null, null));
        assertThat(gauge(MeterNames.STORAGE_STATE, "state", "ok")).as("within the max age").isEqualTo(1);
        meters.refresh();
        assertThat(gauge(MeterNames.STORAGE_STATE, "state", "ok")).isZero();
        assertThat(gauge(MeterNames.STORAGE_STATE, "state", "corrupt")).isEqualTo(1);
        assertThat(reads).hasValue(2);
    }

    @Test
    void rotatingMode_addsTheEpochGauge() {
        AtomicReference<SequencerStatus> current = new AtomicReference<>(status(true, 0, "ok", null,
                new SequencerStatus.Rotation(42, 0, "k", "k", 3, 60_000, 5_000)));
        new SequencerStatusMeters(current::get, true, Tags.of("chain", "7"), 0, clockNs::get).bindTo(registry);

        assertThat(registry.get(MeterNames.ROTATION_EPOCH).tags("chain", "7").gauge().value()).isEqualTo(42);
        current.set(status(true, 0, "ok", null, null));
        assertThat(gauge(MeterNames.ROTATION_EPOCH)).isEqualTo(-1);
    }
}
