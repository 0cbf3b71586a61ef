package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ippan.l2.storage.StorageException;
import org.junit.jupiter.api.Test;

/** The one error path of the loops: readiness, the counter, the host's handler, and never a throw. */
class LoopErrorsTest {
    private final Health health = new Health(3);
    private final CountingMetrics metrics = new CountingMetrics();
    private final List<Map.Entry<String, Throwable>> handled = new CopyOnWriteArrayList<>();
    private final LoopErrors errors = new LoopErrors(health, metrics, (loop, e) -> handled.add(Map.entry(loop, e)));

    @Test
    void storageFailure_turnsTheLoopRed_andSaysSo_storageHealthIsLeftToTheStorageView() {
        StorageException failure = new StorageException("disk full");
        assertThat(errors.failed("batcher", failure)).isTrue();
        assertThat(health.reasons(SequencerState.LEADER, "")).containsExactly("loop batcher failing: disk full");
        assertThat(metrics.snapshot().loopErrors().get("batcher")).isEqualTo(1L);
        assertThat(handled).containsExactly(Map.entry("batcher", failure));
    }

    @Test
    void otherFailure_turnsOnlyTheLoopRed() {
        IllegalStateException failure = new IllegalStateException("bug");
        assertThat(errors.failed("poster", failure)).isFalse();
        assertThat(health.reasons(SequencerState.LEADER, "")).containsExactly("loop poster failing: bug");
        assertThat(metrics.snapshot().loopErrors().get("poster")).isEqualTo(1L);
        assertThat(handled).containsExactly(Map.entry("poster", failure));
    }

    @Test
    void ok_clearsThatLoopOnly() {
        errors.failed("poster", new IllegalStateException("a"));
        errors.failed("reconciler", new IllegalStateException("b"));
        errors.ok("poster");
        assertThat(health.reasons(SequencerState.LEADER, "")).containsExactly("loop reconciler failing: b");
    }

    @Test
    void unexpected_tellsTheHandlerOnly() {
        IllegalStateException failure = new IllegalStateException("odd answer");
        errors.unexpected("poster", failure);
        assertThat(handled).containsExactly(Map.entry("poster", failure));
        assertThat(health.reasons(SequencerState.LEADER, "")).isEmpty();
        assertThat(metrics.snapshot().loopErrors()).doesNotContainKey("poster");
    }

    @Test
    void aThrowingHandlerDoesNotEscape() {
        LoopErrors throwing = new LoopErrors(health, metrics, (loop, e) -> {
            throw new IllegalStateException("handler broke");
        });
        assertThat(throwing.failed("heartbeat", new IllegalStateException("x"))).isFalse();
        throwing.unexpected("heartbeat", new IllegalStateException("y"));
        assertThat(metrics.snapshot().loopErrors().get("heartbeat")).isEqualTo(1L);
    }
}
