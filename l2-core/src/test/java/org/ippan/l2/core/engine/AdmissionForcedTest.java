package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.tx;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.ForwardingStorage;
import org.ippan.l2.storage.TxAppend;
import org.junit.jupiter.api.Test;

/**
 * The admission room's forced path (what the forced-inclusion watcher admits with): its future is completed in
 * every case, and it never parks waiting for another thread's group write (the watcher runs under the leader
 * tasks' lock, which a writer that meets a higher term takes to stop them).
 */
class AdmissionForcedTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void anEmptyListOrANodeThatDoesNotLead_completesAtOnce() throws Exception {
        Sequencer leader = f.leader();
        SubmitResults empty = new SubmitResults();
        assertThat(leader.admission().submitForced(List.of(), empty)).isDone();
        assertThat(empty.size()).isZero();

        Sequencer follower = f.start(EngineFixture.config().role(Role.FOLLOWER).build());
        SubmitResults refused = new SubmitResults();
        CompletableFuture<?> answered = follower.admission().submitForced(List.of(tx(1), tx(2)), refused);
        assertThat(answered).isDone();
        assertThat(refused.refusal(0).code()).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(refused.refusal(1).code()).isEqualTo(RefusalCode.NOT_LEADER);
    }

    @Test
    void whileAnotherThreadWrites_itQueuesAndReturns_andThatWriterWritesItToo() throws Exception {
        CountDownLatch inWrite = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean blockNext = new AtomicBoolean(true);
        ForwardingStorage slow = new ForwardingStorage(f.storage) {
            @Override
            public AppendOutcome appendTxs(long term, TxAppend txs) {
                if (blockNext.getAndSet(false)) {
                    inWrite.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.appendTxs(term, txs);
            }
        };
        Sequencer leader = f.builder(EngineFixture.config().build(), slow, f.l1).build();
        leader.start();
        CompletableFuture<SubmitResult> first = CompletableFuture.supplyAsync(() -> leader.submit(tx(1)));
        assertThat(inWrite.await(10, TimeUnit.SECONDS)).isTrue(); // that thread holds the commit lock, writing
        SubmitResults results = new SubmitResults();

        CompletableFuture<?> answered = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> leader.admission().submitForced(List.of(tx(2), tx(3)), results));

        assertThat(answered).as("queued, not written yet").isNotDone();
        release.countDown();
        answered.get(10, TimeUnit.SECONDS);
        assertThat(EngineFixture.accepted(first.get(10, TimeUnit.SECONDS)).seq()).isEqualTo(1);
        assertThat(results.seq(0)).isEqualTo(2);
        assertThat(results.seq(1)).isEqualTo(3);
    }
}
