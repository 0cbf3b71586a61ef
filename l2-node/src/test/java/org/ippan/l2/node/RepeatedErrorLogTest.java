package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

class RepeatedErrorLogTest {
    private final AtomicLong clock = new AtomicLong();
    private final RepeatedErrorLog log = new RepeatedErrorLog(NOPLogger.NOP_LOGGER, 10_000, clock::get);

    @Test
    void identicalFailures_areLoggedOncePerInterval_thenWithTheirCount() {
        RuntimeException full = new RuntimeException("storage write failed", new IllegalStateException("SQLITE_FULL"));
        int written = 0;
        for (int i = 0; i < 3_000; i++) {
            written += log.log("POST /tx failed", new RuntimeException("storage write failed",
                    new IllegalStateException("SQLITE_FULL"))) ? 1 : 0;
        }
        assertThat(written).as("3,000 identical failures in one interval").isEqualTo(1);
        clock.addAndGet(10_000);
        assertThat(log.log("POST /tx failed", full)).as("the next interval logs once, with the count").isTrue();
        assertThat(log.log("POST /tx failed", full)).isFalse();
    }

    @Test
    void differentFailures_areEachLogged() {
        assertThat(log.log("a", new RuntimeException("one"))).isTrue();
        assertThat(log.log("a", new RuntimeException("two"))).isTrue();
        assertThat(log.log("a", new IllegalStateException("one"))).isTrue();
        assertThat(log.log("a", new RuntimeException("one", new RuntimeException("cause")))).isTrue();
        assertThat(log.log("a", new RuntimeException("one"))).isFalse();
    }
}
