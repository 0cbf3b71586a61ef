package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.accepted;
import static org.ippan.l2.core.engine.EngineFixture.refusalCode;
import static org.ippan.l2.core.engine.EngineFixture.tx;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.TxAppend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admission cap counts pending txs and txs queued for a storage write alike; a fenced admission write refuses
 * whatever was queued behind it; what was queued is written in groups of at most {@code maxAdmissionGroup} txs, and
 * every waiting submitter returns. A writer is held inside the storage port (a latch, no sleeps) so that later
 * submissions queue behind it in a known order.
 */
class AdmissionCapTest {
    private static final long WAIT_S = 10;

    private final EngineFixture f = new EngineFixture();
    /** The size of every group written to storage, in order. */
    private final List<Integer> groupSizes = new CopyOnWriteArrayList<>();
    private final ScriptedStorage storage = new ScriptedStorage(new EngineFixture.CountingStorage(f.memory) {
        @Override
        public AppendOutcome appendTxs(long term, TxAppend txs) {
            groupSizes.add(txs.size());
            return super.appendTxs(term, txs);
        }
    });
    private final AtomicBoolean holdNextAppend = new AtomicBoolean();
    private final CountDownLatch writerHeld = new CountDownLatch(1);
    private final CountDownLatch releaseWriter = new CountDownLatch(1);
    private Thread writer;

    private Sequencer start(SequencerConfig config) {
        storage.beforeAppend(() -> {
            if (holdNextAppend.compareAndSet(true, false)) {
                writerHeld.countDown();
                try {
                    releaseWriter.await(WAIT_S, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Sequencer sequencer = f.builder(config, storage, f.l1).build();
        sequencer.start();
        return sequencer;
    }

    /** Submits {@code tx} on another thread, whose storage write is held until {@link #release()}. */
    private AtomicReference<SubmitResult> submitHeld(Sequencer sequencer, Tx tx) throws InterruptedException {
        AtomicReference<SubmitResult> result = new AtomicReference<>();
        holdNextAppend.set(true);
        writer = new Thread(() -> result.set(sequencer.submit(tx)), "held-writer");
        writer.start();
        assertThat(writerHeld.await(WAIT_S, TimeUnit.SECONDS)).as("the writer reached storage").isTrue();
        return result;
    }

    private void release() throws InterruptedException {
        releaseWriter.countDown();
        writer.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        assertThat(writer.isAlive()).as("the held writer finished; it is at %s",
                java.util.Arrays.toString(writer.getStackTrace())).isFalse();
    }

    /** Starts {@code submit} on a thread of its own and returns once that thread waits (its tx queued). */
    private static Thread waitingSubmitter(Runnable submit, String name) {
        Thread thread = new Thread(submit, name);
        thread.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (thread.getState() != Thread.State.WAITING && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
        assertThat(thread.getState()).as("%s queued its tx and waits", name).isEqualTo(Thread.State.WAITING);
        return thread;
    }

    private static void join(Thread thread) throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        assertThat(thread.isAlive()).as("%s returned; it is at %s", thread.getName(),
                Arrays.toString(thread.getStackTrace())).isFalse();
    }

    @AfterEach
    void letGo() throws InterruptedException {
        releaseWriter.countDown();
        if (writer != null) {
            writer.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        }
    }

    private static SubmitResult now(CompletableFuture<SubmitResult> future) {
        assertThat(future).as("answered at once").isDone();
        return future.join();
    }

    @Test
    void admissionCap_countsQueuedSubmissionsOnTopOfPendingTxs() throws Exception {
        Sequencer sequencer = start(EngineFixture.config().admissionCap(5).build());
        sequencer.submitAll(txs(1, 3)); // 2 pending
        AtomicReference<SubmitResult> held = submitHeld(sequencer, tx(3)); // 1 queued, being written

        CompletableFuture<SubmitResult> fourth = sequencer.submitAsync(tx(4)); // 2 + 2 queued <= 5
        CompletableFuture<SubmitResult> fifth = sequencer.submitAsync(tx(5)); // 2 + 3 queued = 5
        CompletableFuture<SubmitResult> sixth = sequencer.submitAsync(tx(6)); // over the cap

        assertThat(fourth).as("queued behind the held writer").isNotDone();
        assertThat(fifth).as("queued behind the held writer").isNotDone();
        assertThat(refusalCode(now(sixth))).isEqualTo(RefusalCode.QUEUE_FULL);
        assertThat(refusalCode(sequencer.submit(tx(6)))).isEqualTo(RefusalCode.QUEUE_FULL);

        release();

        assertThat(accepted(held.get()).seq()).isEqualTo(3);
        assertThat(accepted(fourth.get(WAIT_S, TimeUnit.SECONDS)).seq()).isEqualTo(4);
        assertThat(accepted(fifth.get(WAIT_S, TimeUnit.SECONDS)).seq()).isEqualTo(5);
        assertThat(sequencer.status().pool().pending()).isEqualTo(5);
        assertThat(refusalCode(now(sequencer.submitAsync(tx(6))))).as("5 pending: the cap").isEqualTo(
                RefusalCode.QUEUE_FULL);

        f.advanceMs(200);
        sequencer.doWork(f.now()); // cuts the 5: nothing pending, nothing queued
        assertThat(sequencer.status().pool().pending()).isZero();
        List<SubmitResult> next = sequencer.submitAll(txs(6, 12));
        assertThat(next).as("the whole cap is free again once the queued txs are written").hasSize(6)
                .filteredOn(r -> r instanceof SubmitResult.Accepted).hasSize(5);
        assertThat(refusalCode(next.get(5))).isEqualTo(RefusalCode.QUEUE_FULL);
    }

    @Test
    void submitAll_overTheCap_queuesTheFirstCandidatesInListOrderAndRefusesTheRest() {
        Sequencer sequencer = start(EngineFixture.config().admissionCap(4).build());
        long firstSeq = accepted(sequencer.submit(tx(1))).seq();
        Tx otherChain = new Tx(EngineFixture.CHAIN_ID + 1, 99, "alice",
                "elsewhere".getBytes(StandardCharsets.US_ASCII));

        List<SubmitResult> results = sequencer.submitAll(List.of(tx(2), otherChain, tx(1), tx(3), tx(4), tx(5)));

        assertThat(accepted(results.get(0)).seq()).isEqualTo(firstSeq + 1);
        assertThat(refusalCode(results.get(1))).isEqualTo(RefusalCode.CHAIN_ID_MISMATCH);
        assertThat(accepted(results.get(2)).duplicate()).as("a known tx takes no room").isTrue();
        assertThat(accepted(results.get(3)).seq()).isEqualTo(firstSeq + 2);
        assertThat(accepted(results.get(4)).seq()).isEqualTo(firstSeq + 3);
        assertThat(refusalCode(results.get(5))).as("1 pending + 3 queued = the cap of 4")
                .isEqualTo(RefusalCode.QUEUE_FULL);
        assertThat(f.metrics.snapshot().rejected().get(RefusalCode.QUEUE_FULL)).isEqualTo(1);
        assertThat(sequencer.status().pool().pending()).isEqualTo(4);
    }

    @Test
    void admissionCap_belowThePendingCountAfterARestart_refusesEveryNewTx() {
        Sequencer first = start(EngineFixture.config().build());
        first.submitAll(txs(1, 4));
        first.close();
        Sequencer restarted = f.builder(EngineFixture.config().admissionCap(2).build(), storage, f.l1).build();
        restarted.start();

        assertThat(refusalCode(restarted.submit(tx(10)))).isEqualTo(RefusalCode.QUEUE_FULL);
        assertThat(refusalCode(now(restarted.submitAsync(tx(11))))).isEqualTo(RefusalCode.QUEUE_FULL);
        assertThat(restarted.submitAll(txs(12, 14))).allSatisfy(r -> assertThat(refusalCode(r))
                .isEqualTo(RefusalCode.QUEUE_FULL));
        assertThat(f.memory.readSequenceState().nextSeq()).as("nothing written").isEqualTo(4);
    }

    @Test
    void fencedAdmissionWrite_refusesEveryQueuedSubmissionAndWritesNone() throws Exception {
        Sequencer sequencer = start(EngineFixture.config().build());
        storage.nextAppend(new Fenced(2));
        AtomicReference<SubmitResult> held = submitHeld(sequencer, tx(1));
        CompletableFuture<SubmitResult> second = sequencer.submitAsync(tx(2));
        CompletableFuture<SubmitResult> third = sequencer.submitAsync(tx(3));
        assertThat(second).isNotDone();

        release();

        assertThat(refusalCode(held.get())).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(refusalCode(second.get(WAIT_S, TimeUnit.SECONDS))).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(refusalCode(third.get(WAIT_S, TimeUnit.SECONDS))).isEqualTo(RefusalCode.NOT_LEADER);
        assertThat(((SubmitResult.Refused) second.get()).refusal().message()).contains("fenced");
        assertThat(sequencer.state()).isEqualTo(SequencerState.FENCED);
        assertThat(f.memory.readSequenceState().nextSeq()).as("no tx written").isEqualTo(1);
        assertThat(refusalCode(now(sequencer.submitAsync(tx(4))))).isEqualTo(RefusalCode.NOT_LEADER);
    }

    @Test
    void queuedSubmissions_areWrittenInGroupsOfAtMostMaxAdmissionGroup() throws Exception {
        Sequencer sequencer = start(EngineFixture.config().maxAdmissionGroup(3).build());
        AtomicReference<SubmitResult> held = submitHeld(sequencer, tx(1));
        List<CompletableFuture<SubmitResult>> queued = new ArrayList<>();
        for (int n = 2; n <= 8; n++) {
            queued.add(sequencer.submitAsync(tx(n)));
        }
        assertThat(queued).as("queued behind the held writer").noneMatch(CompletableFuture::isDone);

        release();

        assertThat(accepted(held.get()).seq()).isEqualTo(1);
        for (int i = 0; i < queued.size(); i++) {
            assertThat(accepted(queued.get(i).get(WAIT_S, TimeUnit.SECONDS)).seq()).isEqualTo(i + 2);
        }
        assertThat(groupSizes).containsExactly(1, 3, 3, 1);
    }

    @Test
    void submittersWaitingBehindAWriter_areWrittenInOneGroup_andEachOfThemReturns() throws Exception {
        Sequencer sequencer = start(EngineFixture.config().build());
        AtomicReference<SubmitResult> held = submitHeld(sequencer, tx(1));
        AtomicReference<SubmitResult> second = new AtomicReference<>();
        AtomicReference<SubmitResult> third = new AtomicReference<>();
        Thread b = waitingSubmitter(() -> second.set(sequencer.submit(tx(2))), "submitter-b");
        Thread c = waitingSubmitter(() -> third.set(sequencer.submit(tx(3))), "submitter-c");

        release();

        join(b);
        join(c); // written by b's thread, which must wake c
        assertThat(accepted(held.get()).seq()).isEqualTo(1);
        assertThat(accepted(second.get()).seq()).isEqualTo(2);
        assertThat(accepted(third.get()).seq()).isEqualTo(3);
        assertThat(groupSizes).containsExactly(1, 2);
    }

    @Test
    void submit_interruptedWhileItWaits_stillReturnsItsAnswer_andTheThreadStaysInterrupted() throws Exception {
        Sequencer sequencer = start(EngineFixture.config().build());
        AtomicReference<SubmitResult> held = submitHeld(sequencer, tx(1));
        AtomicReference<SubmitResult> result = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread b = waitingSubmitter(() -> {
            result.set(sequencer.submit(tx(2)));
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        }, "submitter-b");

        b.interrupt();
        release();

        join(b);
        assertThat(accepted(held.get()).seq()).isEqualTo(1);
        assertThat(accepted(result.get()).seq()).as("kept waiting: the tx is durable").isEqualTo(2);
        assertThat(interruptedAfter).as("the interrupt is kept for the caller").isTrue();
    }

    @Test
    void bulkCallWhoseLastTxsWereAnsweredBeforeQueueing_passesTheWorkOnToTheSubmitterBehindIt() throws Exception {
        Sequencer sequencer = start(EngineFixture.config().maxAdmissionGroup(3).build());
        AtomicReference<SubmitResult> held = submitHeld(sequencer, tx(1));
        AtomicReference<List<SubmitResult>> bulk = new AtomicReference<>();
        AtomicReference<SubmitResult> behind = new AtomicReference<>();
        Tx invalid = new Tx(EngineFixture.CHAIN_ID, 9, "", new byte[1]); // refused by the rules, never queued
        Thread a = waitingSubmitter(() -> bulk.set(sequencer.submitAll(List.of(tx(2), tx(3), tx(4), invalid))),
                "bulk-submitter");
        Thread b = waitingSubmitter(() -> behind.set(sequencer.submit(tx(5))), "submitter-behind");

        release();

        join(a); // its three queued txs fill one group exactly
        join(b);
        assertThat(accepted(held.get()).seq()).isEqualTo(1);
        assertThat(bulk.get()).hasSize(4);
        for (int i = 0; i < 3; i++) {
            assertThat(accepted(bulk.get().get(i)).seq()).isEqualTo(i + 2);
        }
        assertThat(refusalCode(bulk.get().get(3))).isEqualTo(RefusalCode.INVALID_FIELD);
        assertThat(accepted(behind.get()).seq()).isEqualTo(5);
        assertThat(groupSizes).containsExactly(1, 3, 1);
    }
}
