package org.ippan.l2.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.ippan.l2.core.engine.SequencerStatus;
import org.junit.jupiter.api.Test;

class EmbeddedSequencerExampleTest {
    @Test
    void example_confirmsEverySubmittedTx_inContiguousBatches() throws InterruptedException {
        SequencerStatus status = EmbeddedSequencerExample.run(500, 20_000);
        assertThat(status.pool().pending()).isZero();
        assertThat(status.batches().pending()).isZero();
        assertThat(status.batches().posted()).isZero();
        assertThat(status.batches().confirmed()).isEqualTo(status.batches().lastBatchNumber()).isGreaterThanOrEqualTo(5);
        assertThat(status.readiness().ready()).as(status.readiness().reasons().toString()).isTrue();
    }
}
