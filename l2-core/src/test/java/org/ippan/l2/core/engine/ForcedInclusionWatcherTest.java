package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.ForcedInboxPage;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.storage.ForwardingStorage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.WriteOutcome;
import org.junit.jupiter.api.Test;

/**
 * The forced-inclusion watcher with {@code InMemoryStorage}, a {@link SimulatedL1} with an inbox and a manual clock:
 * inbox txs are admitted (past the admission cap) and batched within the window, a new leader resumes from the
 * stored cursor, a crash between admission and the cursor write only re-admits (duplicates), and the watcher runs
 * only when configured and the L1 has an inbox.
 */
class ForcedInclusionWatcherTest {
    private static final int WINDOW_BLOCKS = 10;
    private static final long STEP_MS = 50;

    private final SimulatedL1 chain = SimulatedL1.builder().finalityDepth(EngineFixture.DEEP_FINALITY)
            .blockIntervalMs(1_000).genesisTimeMs(EngineFixture.START_MS)
            .forcedInbox(ForcedInboxRules.of(EngineFixture.config().build())).build();
    private final RecordingL1 l1 = new RecordingL1(chain);
    private final EngineFixture f = new EngineFixture(chain);

    private SequencerConfig.Builder config() {
        return EngineFixture.config().forcePollMs(200).forceInclusionBlocks(WINDOW_BLOCKS);
    }

    private Sequencer start(SequencerConfig config) {
        Sequencer sequencer = f.builder(config, f.storage, l1).build();
        sequencer.start();
        return sequencer;
    }

    private static Tx forcedTx(long n) {
        return new Tx(EngineFixture.CHAIN_ID, n, "censored-" + (n % 3), ("forced-" + n).getBytes(StandardCharsets.UTF_8));
    }

    private ForcedInboxEntry force(Tx tx) {
        return chain.submitForced(tx.encode()).join();
    }

    /** Steps the engine {@code steps} times, {@link #STEP_MS} apart, mining L1 blocks as time passes. */
    private void run(Sequencer sequencer, int steps) {
        for (int i = 0; i < steps; i++) {
            sequencer.doWork(f.now());
            f.advanceMs(STEP_MS);
            chain.advanceTo(f.nowMs());
        }
    }

    /** The L1 height of the block holding the batch with this number, if included. */
    private Optional<Long> inclusionHeight(long batchNumber) {
        return chain.includedSubmissions().stream().filter(s -> s.sequence() == batchNumber)
                .map(SimulatedL1.IncludedSubmission::height).findFirst();
    }

    private void assertIncludedWithinWindow(Sequencer sequencer, List<ForcedInboxEntry> entries) {
        for (ForcedInboxEntry entry : entries) {
            TxInfo info = sequencer.findTx(Hash.of(entry.txHash())).orElseThrow(
                    () -> new AssertionError("inbox entry " + entry + " was never admitted"));
            StoredBatch batch = info.batch().orElseThrow(() -> new AssertionError("tx of " + entry + " not batched"));
            long height = inclusionHeight(batch.batchNumber()).orElseThrow(
                    () -> new AssertionError("batch " + batch.batchNumber() + " of " + entry + " not on L1"));
            assertThat(height).as("inclusion of %s", entry).isLessThanOrEqualTo(entry.l1Height() + WINDOW_BLOCKS);
        }
    }

    /** Every admitted tx is in exactly one batch, batches contiguous from 1 with contiguous seq ranges. */
    private void assertEachTxOnce() {
        List<StoredBatch> batches = f.storage.listBatches(1, 10_000);
        long nextSeq = 1;
        for (int i = 0; i < batches.size(); i++) {
            assertThat(batches.get(i).batchNumber()).isEqualTo(i + 1);
            assertThat(batches.get(i).batch().firstSeq()).isEqualTo(nextSeq);
            nextSeq += batches.get(i).batch().txCount();
        }
        assertThat(f.storage.readSequenceState().nextUnbatchedSeq()).isEqualTo(nextSeq);
    }

    @Test
    void inboxTxs_areAdmittedPastTheCapAndIncludedWithinTheWindow() {
        Sequencer leader = start(config().admissionCap(3).build());
        for (int n = 1; n <= 3; n++) {
            assertThat(leader.submit(EngineFixture.tx(n))).isInstanceOf(SubmitResult.Accepted.class);
        }
        assertThat(EngineFixture.refusalCode(leader.submit(EngineFixture.tx(4)))).isEqualTo(RefusalCode.QUEUE_FULL);
        List<ForcedInboxEntry> entries = new ArrayList<>();
        for (int n = 1; n <= 12; n++) {
            entries.add(force(forcedTx(n)));
        }

        leader.doWork(f.now());

        assertThat(f.storage.readSequenceState().nextSeq() - 1).as("3 submitted + 12 forced, cap 3").isEqualTo(15);
        assertThat(f.storage.readCursor(ForcedInclusionWatcher.CURSOR)).isEqualTo(12);
        assertThat(f.metrics.forcedTxsAdmitted()).isEqualTo(12);
        assertThat(f.metrics.forcedTxsSkipped()).isZero();
        run(leader, 60);
        assertIncludedWithinWindow(leader, entries);
        assertEachTxOnce();
        assertThat(f.errors).isEmpty();
    }

    @Test
    void inboxTxsArrivingOverTime_areEachIncludedWithinTheWindow_seeded() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        Sequencer leader = start(config().build());
        List<ForcedInboxEntry> entries = new ArrayList<>();
        long n = 0;
        for (int step = 0; step < 400; step++) {
            if (random.nextInt(5) == 0) {
                entries.add(force(forcedTx(++n)));
            }
            if (random.nextInt(3) == 0) {
                leader.submit(EngineFixture.tx(1_000 + step));
            }
            run(leader, 1);
        }
        run(leader, 60);

        assertThat(entries).as("seed %d", seed).isNotEmpty();
        assertIncludedWithinWindow(leader, entries);
        assertEachTxOnce();
        assertThat(f.errors).as("seed %d", seed).isEmpty();
    }

    @Test
    void newLeader_resumesFromTheStoredCursor_inTheMiddleOfTheWindow() {
        List<ForcedInboxEntry> entries = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            entries.add(force(forcedTx(n)));
        }
        Sequencer first = start(config().leaderId("a").term(1).build());
        first.doWork(f.now()); // admits the three (durable, pending), not yet cut
        assertThat(f.storage.readCursor(ForcedInclusionWatcher.CURSOR)).isEqualTo(3);
        assertThat(f.storage.readSequenceState().nextUnbatchedSeq()).isEqualTo(1);
        first.close();
        for (int n = 4; n <= 6; n++) {
            entries.add(force(forcedTx(n)));
        }
        l1.inboxReads.clear();

        Sequencer second = start(config().leaderId("b").term(2).build());
        run(second, 60);

        assertThat(l1.inboxReads).as("the new leader reads from the stored cursor on").isNotEmpty()
                .allMatch(from -> from >= 3);
        assertThat(l1.inboxReads.get(0)).isEqualTo(3);
        assertThat(f.storage.readCursor(ForcedInclusionWatcher.CURSOR)).isEqualTo(6);
        assertThat(f.storage.readSequenceState().nextSeq() - 1).as("each inbox tx admitted once").isEqualTo(6);
        assertIncludedWithinWindow(second, entries);
        assertEachTxOnce();
    }

    @Test
    void crashBetweenAdmissionAndCursorWrite_readmitsTheSameTxsAsDuplicates() {
        AtomicInteger failCursorWrites = new AtomicInteger(1);
        ForwardingStorage failing = new ForwardingStorage(f.storage) {
            @Override
            public WriteOutcome saveCursor(long term, String name, long value) {
                if (failCursorWrites.getAndUpdate(k -> Math.max(0, k - 1)) > 0) {
                    throw new StorageException("injected: the cursor write failed");
                }
                return super.saveCursor(term, name, value);
            }
        };
        List<ForcedInboxEntry> entries = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            entries.add(force(forcedTx(n)));
        }
        Sequencer leader = f.builder(config().build(), failing, l1).build();
        leader.start();

        leader.doWork(f.now());
        assertThat(f.errors).extracting(Map.Entry::getKey).contains(ForcedInclusionWatcher.NAME);
        assertThat(f.storage.readCursor(ForcedInclusionWatcher.CURSOR)).isZero();
        assertThat(f.storage.readSequenceState().nextSeq() - 1).isEqualTo(4);
        run(leader, 60);

        assertThat(l1.inboxReads.stream().filter(from -> from == 0).count()).as("page 0 read again").isEqualTo(2);
        assertThat(f.storage.readCursor(ForcedInclusionWatcher.CURSOR)).isEqualTo(4);
        assertThat(f.storage.readSequenceState().nextSeq() - 1).as("no tx stored twice").isEqualTo(4);
        assertIncludedWithinWindow(leader, entries);
        assertEachTxOnce();
    }

    @Test
    void watcher_pollsEveryForcePollMs_andNeverBlocksOnAPendingRead() {
        Sequencer leader = start(config().forcePollMs(1_000).build());
        l1.holdReads = true;
        leader.doWork(f.now());
        leader.doWork(f.now());
        f.advanceMs(2_000);
        leader.doWork(f.now());
        assertThat(l1.inboxReads).as("one read in flight at a time").hasSize(1);

        l1.release(new ForcedInboxPage(List.of(), chain.height()));
        leader.doWork(f.now()); // takes the answer; the next poll is due 1 s after the read started
        f.advanceMs(999);
        leader.doWork(f.now());
        assertThat(l1.inboxReads).hasSize(2);
        l1.holdReads = false;
        l1.release(new ForcedInboxPage(List.of(), chain.height()));
        leader.doWork(f.now());
        f.advanceMs(500);
        leader.doWork(f.now());
        assertThat(l1.inboxReads).hasSize(2);
        f.advanceMs(500);
        leader.doWork(f.now());
        assertThat(l1.inboxReads).hasSize(3);
    }

    @Test
    void watcher_isOff_whenConfiguredOff_orWithoutAnInbox_orOnAFollower() {
        force(forcedTx(1));
        Sequencer off = start(config().forcedInclusion(false).build());
        run(off, 10);
        off.close();
        Sequencer follower = start(config().role(Role.FOLLOWER).build());
        run(follower, 10);
        follower.close();
        assertThat(chain.callCount(Call.READ_FORCED_INBOX)).isZero();

        EngineFixture plain = new EngineFixture();
        Sequencer withoutInbox = plain.leader();
        for (int i = 0; i < 10; i++) {
            withoutInbox.doWork(plain.now());
            plain.advanceMs(STEP_MS);
        }
        assertThat(plain.l1.callCount(Call.READ_FORCED_INBOX)).isZero();
        assertThat(plain.errors).isEmpty();
    }

    /** Forwards to the chain; records every inbox read's start index; can hold reads back. */
    private static final class RecordingL1 implements L1Poster {
        final SimulatedL1 chain;
        final List<Long> inboxReads = new CopyOnWriteArrayList<>();
        final Map<Integer, CompletableFuture<ForcedInboxPage>> held = new HashMap<>();
        volatile boolean holdReads;

        RecordingL1(SimulatedL1 chain) {
            this.chain = chain;
        }

        void release(ForcedInboxPage page) {
            held.values().forEach(future -> future.complete(page));
            held.clear();
        }

        @Override
        public CompletableFuture<org.ippan.l2.l1.SubmitResult> submit(L1Submission submission) {
            return chain.submit(submission);
        }

        @Override
        public CompletableFuture<Optional<L1Inclusion>> getInclusion(byte[] idempotencyKey) {
            return chain.getInclusion(idempotencyKey);
        }

        @Override
        public CompletableFuture<Optional<L1Inclusion>> getFinality(String l1TxId) {
            return chain.getFinality(l1TxId);
        }

        @Override
        public CompletableFuture<L1ChainStatus> chainStatus() {
            return chain.chainStatus();
        }

        @Override
        public boolean supportsForcedInbox() {
            return chain.supportsForcedInbox();
        }

        @Override
        public CompletableFuture<ForcedInboxEntry> submitForced(byte[] canonicalTx) {
            return chain.submitForced(canonicalTx);
        }

        @Override
        public CompletableFuture<ForcedInboxPage> readForcedInbox(long fromIndex, int maxCount) {
            inboxReads.add(fromIndex);
            if (holdReads) {
                CompletableFuture<ForcedInboxPage> future = new CompletableFuture<>();
                held.put(held.size(), future);
                return future;
            }
            return chain.readForcedInbox(fromIndex, maxCount);
        }

        @Override
        public void close() {}
    }
}
