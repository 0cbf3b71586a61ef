package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.ippan.l2.core.engine.EngineFixture.accepted;
import static org.ippan.l2.core.engine.EngineFixture.refusalCode;
import static org.ippan.l2.core.engine.EngineFixture.tx;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.batch.PendingTx;
import org.ippan.l2.core.engine.EngineFixture.CountingStorage;
import org.ippan.l2.core.engine.EngineFixture.Op;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.memory.InMemoryStorage.WriteFault;
import org.junit.jupiter.api.Test;

/** Admission: sequence numbers, duplicates, rules, the admission cap, storage failures and group commit. */
class AdmissionTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void submit_acceptsWithContiguousSeqsFromOne() {
        Sequencer sequencer = f.leader();

        for (int n = 1; n <= 5; n++) {
            SubmitResult.Accepted result = accepted(sequencer.submit(tx(n)));
            assertThat(result.seq()).isEqualTo(n);
            assertThat(result.duplicate()).isFalse();
            assertThat(result.txHash()).isEqualTo(tx(n).hash());
        }
        assertThat(f.memory.readSequenceState().nextSeq()).isEqualTo(6);
        assertThat(sequencer.findTx(tx(3).hash()).orElseThrow().seq()).isEqualTo(3);
        assertThat(sequencer.findTx(tx(3).hash()).orElseThrow().batch()).isEmpty();
        assertThat(f.metrics.snapshot().accepted()).isEqualTo(5);
    }

    @Test
    void submit_storesTheCanonicalBytesHashAndAdmissionTime() {
        Sequencer sequencer = f.leader();
        long admittedMs = f.clock.currentTimeMs();

        accepted(sequencer.submit(tx(7)));

        StoredTx stored = f.memory.findTx(tx(7).hash().toBytes()).orElseThrow();
        assertThat(stored.seq()).isEqualTo(1);
        assertThat(stored.canonicalTx()).isEqualTo(tx(7).encode());
        assertThat(stored.admittedMs()).isEqualTo(admittedMs);
        assertThat(PendingTx.fromStored(stored)).isEqualTo(new PendingTx(1, tx(7), admittedMs));
    }

    @Test
    void submit_duplicateFromCache_answersFirstSeqAndStoresNothing() {
        Sequencer sequencer = f.leader();
        accepted(sequencer.submit(tx(1)));
        accepted(sequencer.submit(tx(2)));
        int appends = f.storage.count(Op.APPEND_TXS);

        SubmitResult.Accepted again = accepted(sequencer.submit(tx(1)));

        assertThat(again.seq()).isEqualTo(1);
        assertThat(again.duplicate()).isTrue();
        assertThat(f.storage.count(Op.APPEND_TXS)).as("answered from the cache").isEqualTo(appends);
        assertThat(f.memory.readSequenceState().nextSeq()).isEqualTo(3);
        assertThat(f.metrics.snapshot().duplicates()).isEqualTo(1);
        assertThat(f.metrics.snapshot().accepted()).isEqualTo(2);
        assertThat(f.metrics.snapshot().admissionLatency().count()).as("one observation per group written")
                .isEqualTo(appends);
    }

    @Test
    void submit_duplicateWithoutCache_isAnsweredByStorageWithFirstSeq() {
        Sequencer sequencer = f.start(EngineFixture.config().dedupCacheSize(0).admissionCap(1_000).build());
        for (int n = 1; n <= 100; n++) {
            accepted(sequencer.submit(tx(n)));
            int appends = f.storage.count(Op.APPEND_TXS);

            SubmitResult.Accepted again = accepted(sequencer.submit(tx(n)));

            assertThat(again.seq()).isEqualTo(n);
            assertThat(again.duplicate()).isTrue();
            assertThat(f.storage.count(Op.APPEND_TXS)).as("cache disabled: storage answers resubmission %d", n)
                    .isEqualTo(appends + 1);
        }
        assertThat(f.memory.readSequenceState().nextSeq()).isEqualTo(101);
        assertThat(f.metrics.snapshot().duplicates()).isEqualTo(100);
        assertThat(accepted(sequencer.submit(tx(101))).seq()).as("duplicates use no seq").isEqualTo(101);
    }

    @Test
    void submitAll_duplicateInsideOneGroup_getsTheSeqOfItsFirstCopy() {
        Sequencer sequencer = f.leader();

        List<SubmitResult> results = sequencer.submitAll(List.of(tx(1), tx(2), tx(1)));

        assertThat(accepted(results.get(0)).seq()).isEqualTo(1);
        assertThat(accepted(results.get(1)).seq()).isEqualTo(2);
        assertThat(accepted(results.get(2))).isEqualTo(new SubmitResult.Accepted(tx(1).hash(), 1, true));
        assertThat(f.memory.readSequenceState().nextSeq()).isEqualTo(3);
        sequencer.flush();
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        assertThat(f.batch(1).batch().txCount()).isEqualTo(2);
    }

    @Test
    void submit_breakingTheRules_isRefusedWithItsCode() {
        Sequencer sequencer = f.start(EngineFixture.config().maxTxSize(100).build());

        assertThat(refusalCode(sequencer.submit(new Tx(2, 1, "alice", new byte[1]))))
                .isEqualTo(RefusalCode.CHAIN_ID_MISMATCH);
        assertThat(refusalCode(sequencer.submit(new Tx(1, 1, "alice", new byte[101]))))
                .isEqualTo(RefusalCode.TX_TOO_LARGE);
        assertThat(refusalCode(sequencer.submit(new Tx(1, 1, "", new byte[1]))))
                .isEqualTo(RefusalCode.INVALID_FIELD);
        assertThat(refusalCode(sequencer.submit(new Tx(1, 1, "a".repeat(257), new byte[1]))))
                .isEqualTo(RefusalCode.INVALID_FIELD);
        assertThat(accepted(sequencer.submit(new Tx(1, 1, "alice", new byte[100]))).seq()).isEqualTo(1);

        CountingMetrics.Snapshot metrics = f.metrics.snapshot();
        assertThat(metrics.rejected()).containsEntry(RefusalCode.CHAIN_ID_MISMATCH, 1L)
                .containsEntry(RefusalCode.TX_TOO_LARGE, 1L).containsEntry(RefusalCode.INVALID_FIELD, 2L);
        assertThat(metrics.rejectedTotal()).isEqualTo(4);
        assertThat(f.storage.count(Op.APPEND_TXS)).as("refused txs are never written").isEqualTo(1);
    }

    @Test
    void submit_txThatCouldNeverFitInABatch_isRefusedTooLarge() {
        // max tx size 300 is within the batch limit of 350, but a batch holding a 300-byte payload with a long
        // sender is over it
        Sequencer sequencer = f.start(EngineFixture.config().maxTxSize(300)
                .batchLimits(new BatchLimits(10, 350, 100)).build());

        SubmitResult result = sequencer.submit(new Tx(1, 1, "x".repeat(100), new byte[300]));

        assertThat(refusalCode(result)).isEqualTo(RefusalCode.TX_TOO_LARGE);
        assertThat(((SubmitResult.Refused) result).refusal().message()).contains("could never be batched");
    }

    @Test
    void submit_atTheAdmissionCap_isQueueFullUntilABatchIsCut() {
        Sequencer sequencer = f.start(EngineFixture.config().admissionCap(3).build());
        for (int n = 1; n <= 3; n++) {
            accepted(sequencer.submit(tx(n)));
        }

        SubmitResult full = sequencer.submit(tx(4));

        assertThat(refusalCode(full)).isEqualTo(RefusalCode.QUEUE_FULL);
        assertThat(((SubmitResult.Refused) full).refusal().retryAfterMs()).isPositive();
        assertThat(f.metrics.snapshot().rejected()).containsEntry(RefusalCode.QUEUE_FULL, 1L);
        assertThat(accepted(sequencer.submit(tx(2))).duplicate())
                .as("a duplicate of an accepted tx is still answered").isTrue();
        assertThat(sequencer.status().pool().pending()).isEqualTo(3);
        assertThat(sequencer.status().pool().capacity()).isEqualTo(3);

        sequencer.flush();
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        assertThat(f.batch(1).batch().txCount()).isEqualTo(3);

        assertThat(accepted(sequencer.submit(tx(4))).seq()).as("batched txs no longer count").isEqualTo(4);
    }

    @Test
    void submitAll_pastTheAdmissionCap_acceptsUpToTheCapAndRefusesTheRest() {
        Sequencer sequencer = f.start(EngineFixture.config().admissionCap(3).build());

        List<SubmitResult> results = sequencer.submitAll(txs(1, 6));

        assertThat(results.subList(0, 3)).allSatisfy(r -> assertThat(r).isInstanceOf(SubmitResult.Accepted.class));
        assertThat(results.subList(3, 5)).allSatisfy(
                r -> assertThat(refusalCode(r)).isEqualTo(RefusalCode.QUEUE_FULL));
    }

    @Test
    void submit_storageFails_isUnavailableAndNothingIsHalfWritten() {
        Sequencer sequencer = f.leader();
        accepted(sequencer.submit(tx(1)));
        f.memory.failNextWrites(1);

        SubmitResult failed = sequencer.submit(tx(2));

        assertThat(refusalCode(failed)).isEqualTo(RefusalCode.UNAVAILABLE);
        assertThat(((SubmitResult.Refused) failed).refusal().message()).contains("resubmit");
        assertThat(f.memory.findTx(tx(2).hash().toBytes())).isEmpty();
        assertThat(sequencer.readiness().reasons()).anySatisfy(r -> assertThat(r).startsWith("storage failing"));
        assertThat(f.errorsOf("admission")).hasSize(1);
        assertThat(f.metrics.snapshot().rejected()).containsEntry(RefusalCode.UNAVAILABLE, 1L);

        assertThat(accepted(sequencer.submit(tx(3))).seq()).isEqualTo(2);
        assertThat(accepted(sequencer.submit(tx(2))).seq()).isEqualTo(3);
        assertThat(sequencer.readiness().ready()).as(sequencer.readiness().reasons().toString()).isTrue();

        sequencer.flush();
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        StoredBatch batch = f.batch(1);
        assertThat(batch.batch().firstSeq()).isEqualTo(1);
        assertThat(batch.batch().txCount()).isEqualTo(3);
    }

    @Test
    void submit_writeAppliedButAcknowledgementLost_acceptedExactlyOnce() {
        Sequencer sequencer = f.leader();
        accepted(sequencer.submit(tx(1)));
        f.memory.injectWriteFaults(WriteFault.APPLY_THEN_FAIL, 1);

        assertThat(refusalCode(sequencer.submit(tx(2)))).isEqualTo(RefusalCode.UNAVAILABLE);
        assertThat(f.memory.findTx(tx(2).hash().toBytes())).as("it did land").isPresent();

        SubmitResult.Accepted resubmitted = accepted(sequencer.submit(tx(2)));
        assertThat(resubmitted.duplicate()).isTrue();
        assertThat(resubmitted.seq()).isEqualTo(2);
        assertThat(accepted(sequencer.submit(tx(3))).seq()).isEqualTo(3);
        assertThat(f.memory.readSequenceState().nextSeq()).isEqualTo(4);

        // the batcher's view missed seq 2 (the write "failed"): it rebuilds it from storage and cuts contiguously
        sequencer.flush();
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        StoredBatch first = f.batch(1);
        assertThat(first.batch().firstSeq()).isEqualTo(1);
        assertThat(first.batch().txCount()).isEqualTo(3);
        for (int n = 1; n <= 3; n++) {
            assertThat(sequencer.findTx(tx(n).hash()).orElseThrow().batch()).map(StoredBatch::batchNumber)
                    .contains(1L);
        }
        accepted(sequencer.submit(tx(4)));
        sequencer.flush();
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        assertThat(f.batch(2).batch().firstSeq()).isEqualTo(4);
        assertThat(f.batch(2).batch().prevBatchHash()).isEqualTo(first.batchHash());
    }

    @Test
    void recovery_racingWithAnAdmission_stillBatchesTheAdmittedTx() {
        // After a storage failure the batcher rebuilds its view from storage. A tx admitted while that rebuild
        // reads storage (here: from inside the read, standing for another thread) must not fall out of the view.
        Sequencer sequencer = f.leader();
        accepted(sequencer.submit(tx(1)));
        f.memory.failNextWrites(1);
        assertThat(refusalCode(sequencer.submit(tx(2)))).isEqualTo(RefusalCode.UNAVAILABLE);
        List<SubmitResult> racing = new ArrayList<>();
        f.storage.onNextReadTxs(() -> racing.add(sequencer.submit(tx(3))));

        Loops.named(sequencer, Batcher.NAME).doWork(f.now()); // rebuilds the view; tx 3 is admitted in the middle
        assertThat(accepted(racing.get(0)).seq()).isEqualTo(2);
        for (int i = 0; i < 5; i++) {
            f.advanceMs(100);
            Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        }

        assertThat(f.memory.readSequenceState().pendingCount()).as("every accepted tx is batched").isZero();
        assertThat(f.memory.findBatchContaining(2)).isPresent();
        assertThat(f.batchCount()).as("one batch, cut at once").isEqualTo(1);
        assertThat(f.batch(1).batch().txCount()).as("tx 1 and tx 3, each once").isEqualTo(2);
        assertThat(f.errorsOf(Batcher.NAME)).isEmpty();
    }

    @Test
    void submitAll_isOneStorageWrite() {
        Sequencer sequencer = f.leader();
        int appends = f.storage.count(Op.APPEND_TXS);

        List<SubmitResult> results = sequencer.submitAll(txs(1, 51));

        assertThat(f.storage.count(Op.APPEND_TXS) - appends).isEqualTo(1);
        for (int i = 0; i < 50; i++) {
            assertThat(accepted(results.get(i)).seq()).isEqualTo(i + 1);
        }
    }

    @Test
    void submitAll_largerThanTheGroupLimit_isSplitIntoGroups() {
        List<Integer> groupSizes = new ArrayList<>();
        CountingStorage recording = new CountingStorage(f.memory) {
            @Override
            public AppendOutcome appendTxs(long term, TxAppend txs) {
                groupSizes.add(txs.size());
                return super.appendTxs(term, txs);
            }
        };
        Sequencer sequencer = f.builder(EngineFixture.config().maxAdmissionGroup(20).build(), recording, f.l1).build();
        sequencer.start();

        List<SubmitResult> results = sequencer.submitAll(txs(1, 51));

        assertThat(groupSizes).containsExactly(20, 20, 10);
        assertThat(accepted(results.get(49)).seq()).isEqualTo(50);
    }

    @Test
    void admissionLatency_runsFromTheSubmissionToTheEndOfItsGroupsWrite() {
        CountingStorage slow = new CountingStorage(f.memory) {
            @Override
            public AppendOutcome appendTxs(long term, TxAppend txs) {
                f.advanceMs(7); // the write takes 7 ms
                return super.appendTxs(term, txs);
            }
        };
        Sequencer sequencer = f.builder(EngineFixture.config().build(), slow, f.l1).build();
        sequencer.start();

        accepted(sequencer.submit(tx(1)));

        CountingMetrics.Histogram latency = f.metrics.snapshot().admissionLatency();
        assertThat(latency.count()).isEqualTo(1);
        assertThat(latency.sumSeconds()).isCloseTo(0.007, within(1e-9));
    }

    @Test
    void submit_queuedBehindAnotherWriter_isWrittenByItsOwnThread() throws Exception {
        // A's write is held in storage while B submits. A must return once its own tx is written: it used to keep
        // writing whatever others had queued meanwhile, so under a steady stream one caller could wait for ever.
        CountDownLatch aWriting = new CountDownLatch(1);
        CountDownLatch releaseA = new CountDownLatch(1);
        List<String> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountingStorage gated = new CountingStorage(f.memory) {
            @Override
            public AppendOutcome appendTxs(long term, TxAppend txs) {
                String writer = Thread.currentThread().getName();
                writes.add(writer + ":" + txs.size());
                if (writer.equals("submitter-a")) {
                    aWriting.countDown();
                    try {
                        releaseA.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.appendTxs(term, txs);
            }
        };
        Sequencer sequencer = f.builder(EngineFixture.config().build(), gated, f.l1).build();
        sequencer.start();
        List<SubmitResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread a = new Thread(() -> results.add(sequencer.submit(tx(1))), "submitter-a");
        Thread b = new Thread(() -> results.add(sequencer.submit(tx(2))), "submitter-b");
        a.start();
        assertThat(aWriting.await(10, TimeUnit.SECONDS)).isTrue();
        b.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (b.getState() != Thread.State.WAITING && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait(); // B has queued its tx and waits (for the lock, or formerly for its future)
        }
        assertThat(b.getState()).isEqualTo(Thread.State.WAITING);
        releaseA.countDown();
        a.join(10_000);
        b.join(10_000);

        assertThat(writes).containsExactly("submitter-a:1", "submitter-b:1");
        assertThat(results).hasSize(2).allSatisfy(r -> assertThat(r).isInstanceOf(SubmitResult.Accepted.class));
        assertThat(f.memory.readSequenceState().nextSeq()).isEqualTo(3);
    }

    @Test
    void submitAsync_fromManyThreads_allAcceptedWithUniqueGaplessSeqsInFewerWrites() throws Exception {
        int threads = 8;
        int perThread = 200;
        // The first group write waits until every other thread has queued a tx behind it: then at least one write
        // carries several txs, whatever the scheduling.
        CountDownLatch othersQueued = new CountDownLatch(threads - 1);
        CountingStorage gated = new CountingStorage(f.memory) {
            private boolean first = true;

            @Override
            public AppendOutcome appendTxs(long term, TxAppend txs) {
                boolean wait;
                synchronized (this) {
                    wait = first;
                    first = false;
                }
                if (wait) {
                    try {
                        othersQueued.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.appendTxs(term, txs);
            }
        };
        Sequencer sequencer = f.builder(EngineFixture.config().admissionCap(10_000).build(), gated, f.l1).build();
        sequencer.start();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<CompletableFuture<SubmitResult>>>> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                submitters.add(pool.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    List<CompletableFuture<SubmitResult>> futures = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        futures.add(sequencer.submitAsync(tx((long) thread * perThread + i)));
                        if (i == 0) {
                            othersQueued.countDown();
                        }
                    }
                    return futures;
                }));
            }
            go.countDown();
            Set<Long> seqs = new HashSet<>();
            for (Future<List<CompletableFuture<SubmitResult>>> submitter : submitters) {
                for (CompletableFuture<SubmitResult> future : submitter.get(10, TimeUnit.SECONDS)) {
                    SubmitResult.Accepted result = accepted(future.get(10, TimeUnit.SECONDS));
                    assertThat(result.duplicate()).isFalse();
                    assertThat(seqs.add(result.seq())).as("seq %d given twice", result.seq()).isTrue();
                }
            }
            int total = threads * perThread;
            assertThat(seqs).hasSize(total);
            assertThat(seqs.stream().mapToLong(Long::longValue).min().orElseThrow()).isEqualTo(1);
            assertThat(seqs.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(total);
            assertThat(f.memory.readSequenceState().nextSeq()).isEqualTo(total + 1);
            assertThat(gated.count(Op.APPEND_TXS)).as("group commit").isLessThan(total);
            assertThat(f.metrics.snapshot().accepted()).isEqualTo(total);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void submit_whileOthersKeepQueueing_returnsOnceItsOwnTxIsWritten() throws Exception {
        // Sustained load: every group write made on the first submitter's thread starts one more blocking submitter
        // and waits until its tx is queued, so the queue is never empty when such a write ends. A combiner that
        // wrote until the queue was empty would make 1 + 20 writes before its own submit returned.
        int others = 20;
        Thread[] first = new Thread[1];
        List<Thread> started = new ArrayList<>();
        List<SubmitResult> otherResults = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger writesOnFirst = new java.util.concurrent.atomic.AtomicInteger();
        Sequencer[] sequencer = new Sequencer[1];
        CountingStorage feeding = new CountingStorage(f.memory) {
            @Override
            public AppendOutcome appendTxs(long term, TxAppend txs) {
                if (Thread.currentThread() == first[0]) {
                    writesOnFirst.incrementAndGet();
                    if (started.size() < others) {
                        long n = 100 + started.size();
                        Thread other = new Thread(() -> otherResults.add(sequencer[0].submit(tx(n))));
                        started.add(other);
                        other.start();
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                        while (sequencer[0].admission().queuedCount() < 2 && System.nanoTime() < deadline) { // ours + its
                            Thread.onSpinWait();
                        }
                    }
                }
                return super.appendTxs(term, txs);
            }
        };
        sequencer[0] = f.builder(EngineFixture.config().build(), feeding, f.l1).build();
        sequencer[0].start();
        SubmitResult[] firstResult = new SubmitResult[1];
        first[0] = new Thread(() -> firstResult[0] = sequencer[0].submit(tx(1)));
        first[0].start();
        first[0].join(TimeUnit.SECONDS.toMillis(10));
        assertThat(first[0].isAlive()).isFalse();
        assertThat(accepted(firstResult[0]).seq()).isEqualTo(1);
        assertThat(writesOnFirst.get()).as("writes made by the first submitter before it returned").isEqualTo(1);

        // the others are written by the threads the work is passed to; each acknowledged once, gapless
        for (Thread other : List.copyOf(started)) {
            other.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(other.isAlive()).isFalse();
        }
        assertThat(otherResults).hasSize(1).allSatisfy(r -> assertThat(accepted(r).seq()).isEqualTo(2));
    }

    @Test
    void submitAsync_queuedBehindABlockingSubmitter_isWrittenWithoutAnotherCall() throws Exception {
        // The async submission lands in the queue while a blocking submitter's write is in progress; the blocking
        // submitter is done after its own write, and must still see that the async one gets written.
        CountDownLatch inWrite = new CountDownLatch(1);
        CountDownLatch asyncQueued = new CountDownLatch(1);
        CountingStorage gated = new CountingStorage(f.memory) {
            private boolean first = true;

            @Override
            public AppendOutcome appendTxs(long term, TxAppend txs) {
                boolean wait;
                synchronized (this) {
                    wait = first;
                    first = false;
                }
                if (wait) {
                    inWrite.countDown();
                    try {
                        asyncQueued.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.appendTxs(term, txs);
            }
        };
        Sequencer sequencer = f.builder(EngineFixture.config().build(), gated, f.l1).build();
        sequencer.start();
        Thread blocking = new Thread(() -> accepted(sequencer.submit(tx(1))));
        blocking.start();
        assertThat(inWrite.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<SubmitResult> async = sequencer.submitAsync(tx(2)); // lock held: queued only
        asyncQueued.countDown();
        assertThat(accepted(async.get(10, TimeUnit.SECONDS)).seq()).isEqualTo(2);
        blocking.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(blocking.isAlive()).isFalse();
    }
}
