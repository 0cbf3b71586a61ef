package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ippan.l2.core.engine.EngineFixture.accepted;
import static org.ippan.l2.core.engine.EngineFixture.tx;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.engine.EngineFixture.CountingStorage;
import org.ippan.l2.core.engine.EngineFixture.Op;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.Appended;
import org.ippan.l2.storage.TxAppend;
import org.junit.jupiter.api.Test;

/**
 * Bulk submission into reusable {@link SubmitResults}: one queued submission per call, answered column by column,
 * and the group writer's bookkeeping (each tx answered exactly once, whatever fails).
 */
class BulkSubmissionTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void submitAll_answersEveryTxInOrder_refusedCachedInCallDuplicatesAndNew() {
        Sequencer sequencer = f.start(EngineFixture.config().maxTxSize(100).build());
        accepted(sequencer.submit(tx(1))); // seq 1, now in the duplicate cache
        Tx tooLarge = new Tx(EngineFixture.CHAIN_ID, 9, "alice", new byte[101]);
        List<Tx> txs = List.of(tx(2), tooLarge, tx(1), tx(3), tx(2), tx(4));
        int appends = f.storage.count(Op.APPEND_TXS);

        SubmitResults results = sequencer.submitAll(txs, new SubmitResults());

        assertThat(results.size()).isEqualTo(6);
        assertThat(results.seq(0)).isEqualTo(2);
        assertThat(results.isDuplicate(0)).isFalse();
        assertThat(results.isAccepted(1)).isFalse();
        assertThat(results.refusal(1).code()).isEqualTo(RefusalCode.TX_TOO_LARGE);
        assertThat(results.seq(2)).as("answered from the cache").isEqualTo(1);
        assertThat(results.isDuplicate(2)).isTrue();
        assertThat(results.seq(3)).isEqualTo(3);
        assertThat(results.seq(4)).as("a duplicate within the call gets its first copy's seq").isEqualTo(2);
        assertThat(results.isDuplicate(4)).isTrue();
        assertThat(results.seq(5)).isEqualTo(4);
        assertThat(results.acceptedCount()).isEqualTo(5);
        assertThat(results.tx(3)).isSameAs(txs.get(3));
        assertThat(f.storage.count(Op.APPEND_TXS) - appends).as("the queued txs share one write").isEqualTo(1);
        assertThat(results.toList()).containsExactly(
                new SubmitResult.Accepted(tx(2).hash(), 2, false),
                new SubmitResult.Refused(results.refusal(1)),
                new SubmitResult.Accepted(tx(1).hash(), 1, true),
                new SubmitResult.Accepted(tx(3).hash(), 3, false),
                new SubmitResult.Accepted(tx(2).hash(), 2, true),
                new SubmitResult.Accepted(tx(4).hash(), 4, false));
        assertThat(sequencer.submitAll(txs)).as("the list form gives the same answers, now all from the cache")
                .extracting(r -> r instanceof SubmitResult.Accepted a ? a.seq() : -1L)
                .containsExactly(2L, -1L, 1L, 3L, 2L, 4L);
    }

    @Test
    void submitAll_countsItsNewTxsDuplicatesAndRefusalsInTheMetrics() {
        Sequencer sequencer = f.start(EngineFixture.config().maxTxSize(100).build());
        accepted(sequencer.submit(tx(1))); // now in the duplicate cache
        Tx tooLarge = new Tx(EngineFixture.CHAIN_ID, 9, "alice", new byte[101]);
        Tx noSender = new Tx(EngineFixture.CHAIN_ID, 10, "", new byte[1]);
        List<Tx> txs = List.of(tx(2), tooLarge, tx(1), tx(3), tx(2), noSender, tooLarge);

        sequencer.submitAll(txs);

        CountingMetrics.Snapshot counted = f.metrics.snapshot();
        assertThat(counted.accepted()).as("tx 1, then tx 2 and tx 3").isEqualTo(3);
        assertThat(counted.duplicates()).as("tx 1 from the cache, tx 2's second copy from storage").isEqualTo(2);
        assertThat(counted.rejected()).containsEntry(RefusalCode.TX_TOO_LARGE, 2L)
                .containsEntry(RefusalCode.INVALID_FIELD, 1L);
        assertThat(counted.rejectedTotal()).isEqualTo(3);

        sequencer.submitAll(List.of(tx(1), tx(2), tx(3))); // all from the cache

        assertThat(f.metrics.snapshot().accepted()).isEqualTo(3);
        assertThat(f.metrics.snapshot().duplicates()).isEqualTo(5);
    }

    @Test
    void submitAll_ofNoTx_answersNothing_andWritesNothing() {
        Sequencer sequencer = f.leader();
        SubmitResults results = new SubmitResults(4);
        int appends = f.storage.count(Op.APPEND_TXS);

        assertThat(sequencer.submitAll(List.of())).isEmpty();
        assertThat(sequencer.submitAll(List.of(), results)).isSameAs(results);

        assertThat(results.size()).isZero();
        assertThat(f.storage.count(Op.APPEND_TXS)).isEqualTo(appends);
    }

    @Test
    void submitAll_reusedResults_holdOnlyTheLastCallsAnswers() {
        Sequencer sequencer = f.leader();
        SubmitResults results = new SubmitResults(2);

        sequencer.submitAll(txs(1, 6), results);
        assertThat(results.size()).isEqualTo(5);
        sequencer.submitAll(txs(6, 8), results);

        assertThat(results.size()).isEqualTo(2);
        assertThat(results.seq(0)).isEqualTo(6);
        assertThat(results.seq(1)).isEqualTo(7);
        assertThatThrownBy(() -> results.seq(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> results.tx(4)).isInstanceOf(IndexOutOfBoundsException.class);

        sequencer.submitAll(List.of(), results);
        assertThat(results.size()).isZero();
        assertThat(results.toList()).isEmpty();
    }

    @Test
    void submitAll_withANullTx_throwsNamingItAndSubmitsNothing() {
        Sequencer sequencer = f.leader();
        List<Tx> withNull = Arrays.asList(tx(1), tx(2), null);

        assertThatThrownBy(() -> sequencer.submitAll(withNull, new SubmitResults()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("txs[2]");
        assertThatThrownBy(() -> sequencer.submitAll(null, new SubmitResults()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("txs");
        assertThatThrownBy(() -> sequencer.submitAll(List.of(tx(1)), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("results");

        assertThat(f.memory.readSequenceState().nextSeq()).as("nothing was stored").isEqualTo(1);
        assertThat(sequencer.admission().queuedCount()).isZero();
        assertThat(accepted(sequencer.submit(tx(1))).seq()).isEqualTo(1);
    }

    @Test
    void submitAll_whenNotLeading_refusesEveryTx() {
        Sequencer sequencer = f.builder(EngineFixture.config().build()).build(); // not started
        Tx noSender = new Tx(EngineFixture.CHAIN_ID, 10, "", new byte[1]); // refused NOT_LEADER all the same

        SubmitResults results = sequencer.submitAll(List.of(tx(1), tx(2), noSender), new SubmitResults());

        for (int i = 0; i < 3; i++) {
            assertThat(results.refusal(i).code()).isEqualTo(RefusalCode.NOT_LEADER);
        }
        assertThat(f.metrics.snapshot().rejected()).containsEntry(RefusalCode.NOT_LEADER, 3L);
        assertThat(f.metrics.snapshot().rejectedTotal()).isEqualTo(3);
        assertThatThrownBy(() -> results.seq(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refused");
    }

    @Test
    void submitAll_acceptedTx_hasNoRefusal() {
        Sequencer sequencer = f.leader();

        SubmitResults results = sequencer.submitAll(txs(1, 2), new SubmitResults());

        assertThatThrownBy(() -> results.refusal(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("accepted");
    }

    @Test
    void submitAll_atTheCap_queuesTheFirstNewTxsInListOrder_andCachedDuplicatesDoNotCount() {
        Sequencer sequencer = f.start(EngineFixture.config().admissionCap(4).build());
        accepted(sequencer.submit(tx(1))); // pending: 1 of 4

        SubmitResults results = sequencer.submitAll(List.of(tx(2), tx(1), tx(3), tx(4), tx(5), tx(1)),
                new SubmitResults());

        assertThat(results.seq(0)).isEqualTo(2);
        assertThat(results.isDuplicate(1)).isTrue();
        assertThat(results.seq(2)).isEqualTo(3);
        assertThat(results.seq(3)).isEqualTo(4);
        assertThat(results.refusal(4).code()).isEqualTo(RefusalCode.QUEUE_FULL);
        assertThat(results.refusal(4).retryAfterMs()).isPositive();
        assertThat(results.isDuplicate(5)).as("a known tx is answered even at the cap").isTrue();
        assertThat(f.metrics.snapshot().rejected()).containsEntry(RefusalCode.QUEUE_FULL, 1L);
        assertThat(sequencer.admission().queuedCount()).isZero();
    }

    @Test
    void submitAll_largerThanTheGroupLimit_isWrittenInListOrderInFullGroups() {
        Sequencer sequencer = f.start(EngineFixture.config().maxAdmissionGroup(7).admissionCap(1_000).build());
        accepted(sequencer.submit(tx(5))); // answered from the cache inside the bulk call
        int appends = f.storage.count(Op.APPEND_TXS);

        SubmitResults results = sequencer.submitAll(txs(1, 51), new SubmitResults());

        assertThat(f.storage.count(Op.APPEND_TXS) - appends).as("49 queued txs in groups of 7").isEqualTo(7);
        long expected = 2;
        for (int i = 0; i < 50; i++) {
            if (i == 4) {
                assertThat(results.seq(i)).isEqualTo(1);
                assertThat(results.isDuplicate(i)).isTrue();
                continue;
            }
            assertThat(results.seq(i)).as("tx %d", i).isEqualTo(expected++);
        }
        assertThat(sequencer.admission().queuedCount()).isZero();
    }

    @Test
    void concurrentBulkSingleAndAsyncSubmitters_everyTxAcceptedOnce_gapless_eachCallInListOrder() throws Exception {
        Sequencer sequencer = f.start(EngineFixture.config().maxAdmissionGroup(16).admissionCap(100_000).build());
        int threads = 4;
        int callsPerThread = 60;
        long seed = 20261124L;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Map<Long, Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed + thread);
                    SubmitResults results = new SubmitResults();
                    Map<Long, Long> seqByTx = new HashMap<>();
                    long next = 1 + thread * 1_000_000L;
                    for (int call = 0; call < callsPerThread; call++) {
                        int kind = random.nextInt(4);
                        if (kind == 0) {
                            long n = next++;
                            seqByTx.put(n, accepted(sequencer.submit(tx(n))).seq());
                            continue;
                        }
                        if (kind == 1) { // a few async submissions, joined at the end of the call
                            List<Long> numbers = new ArrayList<>();
                            List<CompletableFuture<SubmitResult>> pending = new ArrayList<>();
                            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                                numbers.add(next);
                                pending.add(sequencer.submitAsync(tx(next++)));
                            }
                            for (int k = 0; k < pending.size(); k++) {
                                seqByTx.put(numbers.get(k), accepted(pending.get(k).get(30, TimeUnit.SECONDS)).seq());
                            }
                            continue;
                        }
                        int size = 1 + random.nextInt(40);
                        List<Tx> txs = new ArrayList<>();
                        for (int i = 0; i < size; i++) {
                            txs.add(tx(next++));
                        }
                        sequencer.submitAll(txs, results);
                        long previous = 0;
                        for (int i = 0; i < size; i++) {
                            assertThat(results.isDuplicate(i)).isFalse();
                            assertThat(results.seq(i)).as("a call's txs are sequenced in list order")
                                    .isGreaterThan(previous);
                            previous = results.seq(i);
                            seqByTx.put(txs.get(i).nonce(), previous);
                        }
                    }
                    return seqByTx;
                }));
            }
            Map<Long, Long> all = new HashMap<>();
            for (Future<Map<Long, Long>> future : futures) {
                all.putAll(future.get(60, TimeUnit.SECONDS));
            }
            assertThat(all.values()).doesNotHaveDuplicates();
            assertThat(all.values()).allSatisfy(seq -> assertThat(seq).isBetween(1L, (long) all.size()));
            assertThat(f.memory.readSequenceState().nextSeq()).isEqualTo(all.size() + 1);
            assertThat(sequencer.admission().queuedCount()).isZero();
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void storageAnsweringWithoutAResult_refusesTheGroupAndTheEngineRecovers() {
        CountingStorage forgetful = new CountingStorage(f.memory) {
            private boolean forget = true;

            /** The first time, stands in for an adapter that stores every tx but reports no result for the last. */
            @Override
            public AppendOutcome appendTxs(long term, TxAppend txs) {
                if (!forget) {
                    return super.appendTxs(term, txs);
                }
                forget = false;
                TxAppend copy = new TxAppend();
                for (int i = 0; i < txs.size(); i++) {
                    copy.add(txs.txHash(i), txs.canonicalTx(i), txs.admittedMs(i));
                }
                AppendOutcome outcome = super.appendTxs(term, copy);
                for (int i = 0; i < txs.size() - 1; i++) {
                    txs.stored(i, copy.seq(i));
                }
                return outcome;
            }
        };
        Sequencer sequencer = f.builder(EngineFixture.config().build(), forgetful, f.l1).build();
        sequencer.start();

        SubmitResults results = sequencer.submitAll(txs(1, 4), new SubmitResults());

        for (int i = 0; i < 3; i++) {
            assertThat(results.refusal(i).code()).as("tx %d", i).isEqualTo(RefusalCode.UNAVAILABLE);
            assertThat(results.refusal(i).message()).contains("no result for tx 2").contains("resubmit");
        }
        assertThat(f.errorsOf("admission")).hasSize(1);
        // the txs were stored after all: resubmitting finds them, and the batcher batches them once
        SubmitResults again = sequencer.submitAll(txs(1, 4), new SubmitResults());
        assertThat(again.seq(0)).isEqualTo(1);
        assertThat(again.isDuplicate(2)).isTrue();
        sequencer.flush();
        Loops.named(sequencer, Batcher.NAME).doWork(f.now());
        assertThat(f.batch(1).batch().txCount()).isEqualTo(3);
    }

    @Test
    void aFailureAfterTheTxsWereAnswered_doesNotAnswerThemTwice() {
        CountingMetrics refusals = new CountingMetrics();
        SequencerMetrics failing = new SequencerMetrics() {
            @Override
            public void recordAdmitted(int accepted, int duplicates, long latencyNs) {
                throw new IllegalStateException("metrics backend down");
            }

            @Override
            public void recordRejected(RefusalCode code, int count) {
                refusals.recordRejected(code, count);
            }
        };
        Sequencer sequencer = f.builder(EngineFixture.config().build()).metrics(failing).build();
        sequencer.start();

        SubmitResults results = sequencer.submitAll(txs(1, 4), new SubmitResults());
        SubmitResult single = sequencer.submit(tx(4));

        assertThat(results.acceptedCount()).as("durable and answered before the failure").isEqualTo(3);
        assertThat(accepted(single).seq()).isEqualTo(4);
        assertThat(f.errorsOf("admission")).hasSize(2);
        assertThat(refusals.snapshot().rejectedTotal()).as("an answered tx is not counted refused").isZero();
        assertThat(sequencer.admission().queuedCount()).isZero();
    }
}
