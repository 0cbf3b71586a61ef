package org.ippan.l2.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.Appended;
import org.ippan.l2.storage.AppendedTx;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.CommitOutcome;
import org.ippan.l2.storage.Committed;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.NewTx;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.TermClaim;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.TermRefused;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.WriteOutcome;
import org.ippan.l2.storage.Written;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fencing across processes: two {@link JdbcStorage} instances (two connections, as a leader and its successor
 * in two processes would have) on one database race term claims against each other's writes.
 */
class FencingRaceTest {

    private static final long TIMEOUT_SECONDS = 60;
    private static final long NOW_MS = 1_735_000_000_000L;
    /** Heartbeats of old leaders carry values from here on, so that one landing late would show. */
    private static final long OLD_HEARTBEAT_MS = NOW_MS + 1_000_000;
    private static final int RACE_ROUNDS = 50;
    private static final int OLD_WRITES_BEFORE_CLAIM = 10;
    private static final int OLD_WRITES_AFTER_CLAIM = 20;
    private static final int MAX_OLD_WRITES = 100_000;
    private static final int NEW_LEADER_APPENDS = 5;
    private static final int CLAIM_ROUNDS = 100;

    /** The races, run against each database below. */
    abstract static class Races {

        private Storage first;
        private Storage second;
        private ExecutorService executor;
        private long txNumber;

        /** Opens another instance on the database under test (the same database every time). */
        abstract Storage open();

        @BeforeEach
        void openTwoInstances() {
            first = open();
            second = open();
            executor = Executors.newFixedThreadPool(2);
        }

        @AfterEach
        void closeInstances() {
            if (executor != null) {
                executor.shutdownNow();
            }
            if (first != null) {
                first.close();
            }
            if (second != null) {
                second.close();
            }
        }

        @Test
        void oldLeaderWrites_startedAfterNewTermClaimedOnOtherInstance_areAllFencedAndNoneLands() throws Exception {
            for (int round = 1; round <= RACE_ROUNDS; round++) {
                boolean firstIsOld = round % 2 == 1;
                raceRound(round, firstIsOld ? first : second, firstIsOld ? second : first);
            }
        }

        @Test
        void simultaneousClaimsOfOneTerm_byTwoLeadersOnTwoInstances_grantExactlyOne() throws Exception {
            String previousLeader = null;
            for (long term = 1; term <= CLAIM_ROUNDS; term++) {
                long claimTerm = term;
                CountDownLatch start = new CountDownLatch(1);
                Future<TermClaim> claimA = executor.submit(() -> {
                    awaitOrFail(start);
                    return first.claimTerm(claimTerm, "leader-a", NOW_MS + claimTerm);
                });
                Future<TermClaim> claimB = executor.submit(() -> {
                    awaitOrFail(start);
                    return second.claimTerm(claimTerm, "leader-b", NOW_MS + claimTerm);
                });
                start.countDown();
                TermClaim a = claimA.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                TermClaim b = claimB.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

                assertThat(List.of(a, b)).as("term %d: %s, %s", term, a, b)
                        .filteredOn(TermGranted.class::isInstance).hasSize(1);
                String winner = a instanceof TermGranted ? "leader-a" : "leader-b";
                TermClaim loser = a instanceof TermGranted ? b : a;
                TermClaim won = a instanceof TermGranted ? a : b;
                assertThat(loser).as("term %d", term).isEqualTo(new TermRefused(term, winner));
                assertThat(won).as("term %d", term).isEqualTo(new TermGranted(term - 1, previousLeader));
                assertThat(first.readLeader()).isEqualTo(new LeaderRecord(term, winner, NOW_MS + term));
                assertThat(second.readLeader()).isEqualTo(new LeaderRecord(term, winner, NOW_MS + term));
                previousLeader = winner;
            }
        }

        /**
         * One round: {@code oldStore}'s leader holds a term and keeps writing (appends, commits, heartbeats, L1
         * updates) while {@code newStore}'s leader claims the next term and then writes itself.
         */
        private void raceRound(int round, Storage oldStore, Storage newStore) throws Exception {
            long oldTerm = 2L * round - 1;
            long newTerm = oldTerm + 1;
            String oldLeader = "leader-" + oldTerm;
            String newLeader = "leader-" + newTerm;
            long claimMs = NOW_MS + round;
            assertThat(oldStore.claimTerm(oldTerm, oldLeader, NOW_MS)).isInstanceOf(TermGranted.class);
            long firstTxNumber = txNumber + 1;
            long newLeaderFirstTx = firstTxNumber + MAX_OLD_WRITES;
            txNumber = newLeaderFirstTx + NEW_LEADER_APPENDS;

            CountDownLatch oldLeaderRunning = new CountDownLatch(OLD_WRITES_BEFORE_CLAIM);
            AtomicBoolean newTermClaimed = new AtomicBoolean();
            Future<List<OldWrite>> oldLeaderWrites = executor.submit(() -> {
                List<OldWrite> writes = new ArrayList<>();
                long nextTx = firstTxNumber;
                long lastOwnBatch = 0;
                int afterClaim = 0;
                for (int i = 0; i < MAX_OLD_WRITES && afterClaim < OLD_WRITES_AFTER_CLAIM; i++) {
                    boolean startedAfterClaim = newTermClaimed.get();
                    OldWrite write;
                    switch (i % 5) {
                        case 0, 1 -> {
                            long n = nextTx++;
                            write = OldWrite.append(startedAfterClaim, n, appendOne(oldStore, oldTerm, n));
                        }
                        case 2 -> {
                            NewBatch batch = batchOf(oldStore.readSequenceState(), oldTerm);
                            CommitOutcome outcome = batch == null ? null : oldStore.commitBatch(oldTerm, batch);
                            write = OldWrite.commit(startedAfterClaim, batch, outcome);
                            if (outcome instanceof Committed) {
                                lastOwnBatch = batch.batchNumber();
                            }
                        }
                        case 3 -> write = OldWrite.heartbeat(startedAfterClaim,
                                oldStore.heartbeat(oldTerm, OLD_HEARTBEAT_MS + i));
                        default -> {
                            BatchL1State state = new BatchL1State(
                                    L1Status.POSTED, "old-" + oldTerm + "-" + i, 0, 1, null, NOW_MS + i);
                            write = lastOwnBatch == 0 ? null : OldWrite.l1Update(startedAfterClaim, lastOwnBatch,
                                    state, oldStore.updateL1State(oldTerm, lastOwnBatch, state));
                        }
                    }
                    if (write == null || write.outcome() == null) {
                        continue;
                    }
                    writes.add(write);
                    if (startedAfterClaim) {
                        afterClaim++;
                    }
                    oldLeaderRunning.countDown();
                }
                return writes;
            });
            Future<NewLeaderRun> newLeaderRun = executor.submit(() -> {
                awaitOrFail(oldLeaderRunning);
                TermClaim claim = newStore.claimTerm(newTerm, newLeader, claimMs);
                newTermClaimed.set(true);
                List<Object> appends = new ArrayList<>();
                for (int k = 0; k < NEW_LEADER_APPENDS; k++) {
                    appends.add(appendOne(newStore, newTerm, newLeaderFirstTx + k));
                }
                NewBatch batch = batchOf(newStore.readSequenceState(), newTerm);
                return new NewLeaderRun(claim, appends, batch, newStore.commitBatch(newTerm, batch));
            });

            NewLeaderRun newRun = newLeaderRun.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<OldWrite> oldWrites = oldLeaderWrites.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            String where = "round " + round + " (old term " + oldTerm + ")";

            assertThat(newRun.claim()).as(where).isEqualTo(new TermGranted(oldTerm, oldLeader));
            checkOldWrites(where, oldWrites, newTerm);
            checkNewLeader(where, newRun, newLeaderFirstTx);

            // Nothing the old leader did after the claim changed the leadership record or the L1 states.
            assertThat(oldStore.readLeader()).as(where).isEqualTo(new LeaderRecord(newTerm, newLeader, claimMs));
            Map<Long, BatchL1State> lastWrittenL1State = new TreeMap<>();
            for (OldWrite write : oldWrites) {
                if (write.outcome() instanceof Written && write.l1State() != null) {
                    lastWrittenL1State.put(write.batchNumber(), write.l1State());
                }
            }
            for (OldWrite write : oldWrites) {
                if (write.outcome() instanceof Committed) {
                    StoredBatch stored = oldStore.findBatchByNumber(write.batchNumber()).orElseThrow();
                    assertThat(stored.l1State()).as(where).isEqualTo(lastWrittenL1State.getOrDefault(
                            write.batchNumber(), BatchL1State.committed(stored.batch().createdMs())));
                }
            }
            SequenceState end = newStore.readSequenceState();
            assertThat(end.pendingCount()).as(where).isZero();
            assertThat(oldStore.readSequenceState()).as(where).isEqualTo(end);
        }

        /** Writes of the old term: successes, then (from the claim on) only fences; nothing fenced was stored. */
        private void checkOldWrites(String where, List<OldWrite> writes, long newTerm) {
            assertThat(writes.stream().filter(OldWrite::startedAfterClaim).count())
                    .as(where + ": old-term writes started after the claim").isGreaterThanOrEqualTo(
                            OLD_WRITES_AFTER_CLAIM);
            boolean fencedSeen = false;
            for (OldWrite write : writes) {
                Object outcome = write.outcome();
                String what = where + ": " + write;
                if (write.startedAfterClaim()) {
                    assertThat(outcome).as(what).isEqualTo(new Fenced(newTerm));
                }
                if (outcome instanceof Fenced) {
                    assertThat(outcome).as(what).isEqualTo(new Fenced(newTerm));
                    fencedSeen = true;
                } else {
                    assertThat(fencedSeen).as(what + " succeeded after an earlier one was fenced").isFalse();
                    assertThat(outcome).as(what).isInstanceOfAny(AppendedTx.class, Committed.class, Written.class);
                }
                if (write.txNumber() > 0) {
                    if (outcome instanceof AppendedTx appended) {
                        assertThat(first.findTx(txHash(write.txNumber())).orElseThrow().seq()).as(what)
                                .isEqualTo(appended.seq());
                    } else {
                        assertThat(second.findTx(txHash(write.txNumber()))).as(what).isEmpty();
                    }
                }
                if (write.batch() != null) {
                    Optional<StoredBatch> stored = first.findBatchByNumber(write.batchNumber());
                    if (outcome instanceof Committed) {
                        assertThat(stored.orElseThrow().batch()).as(what).isEqualTo(write.batch());
                    } else {
                        assertThat(stored.map(b -> b.batch().term())).as(what + ": only the new leader's batch")
                                .isIn(Optional.empty(), Optional.of(newTerm));
                    }
                }
            }
            assertThat(fencedSeen).as(where + ": some old-term write was fenced").isTrue();
        }

        /** The new leader's writes all land, numbered after everything the old leader stored. */
        private void checkNewLeader(String where, NewLeaderRun run, long firstTxNumber) {
            long previousSeq = 0;
            for (int k = 0; k < run.appends().size(); k++) {
                Object outcome = run.appends().get(k);
                assertThat(outcome).as(where).isInstanceOf(AppendedTx.class);
                AppendedTx appended = (AppendedTx) outcome;
                assertThat(appended.duplicate()).as(where).isFalse();
                if (previousSeq > 0) {
                    assertThat(appended.seq()).as(where).isEqualTo(previousSeq + 1);
                }
                previousSeq = appended.seq();
                assertThat(second.findTx(txHash(firstTxNumber + k)).orElseThrow().seq()).isEqualTo(appended.seq());
            }
            assertThat(run.commit()).as(where).isInstanceOf(Committed.class);
            assertThat(first.findBatchByNumber(run.batch().batchNumber()).orElseThrow().batch())
                    .as(where).isEqualTo(run.batch());
        }
    }

    @Nested
    class OnSqlite extends Races {

        @TempDir
        Path directory;

        @Override
        Storage open() {
            return JdbcStorage.openSqlite(directory.resolve("l2.db"));
        }
    }

    @Nested
    class OnPostgres extends Races {

        private String schema;

        @Override
        Storage open() {
            if (schema == null) {
                PostgresTestDatabase.assumeReachable();
                schema = PostgresTestDatabase.createSchema();
            }
            return JdbcStorage.open(PostgresTestDatabase.urlFor(schema));
        }

        @AfterEach
        void dropSchema() {
            if (schema != null) {
                // After the instances are closed: a subclass's @AfterEach runs before its superclass's.
                closeInstances();
                PostgresTestDatabase.dropSchema(schema);
            }
        }
    }

    // ---- values -----------------------------------------------------------------------------------------------

    /** One write of the old leader: what it wrote, whether it started after the claim, and its outcome. */
    private record OldWrite(boolean startedAfterClaim, long txNumber, NewBatch batch, long batchNumber,
            BatchL1State l1State, Object outcome) {

        static OldWrite append(boolean afterClaim, long txNumber, Object outcome) {
            return new OldWrite(afterClaim, txNumber, null, 0, null, outcome);
        }

        static OldWrite commit(boolean afterClaim, NewBatch batch, CommitOutcome outcome) {
            return new OldWrite(afterClaim, 0, batch, batch == null ? 0 : batch.batchNumber(), null, outcome);
        }

        static OldWrite heartbeat(boolean afterClaim, WriteOutcome outcome) {
            return new OldWrite(afterClaim, 0, null, 0, null, outcome);
        }

        static OldWrite l1Update(boolean afterClaim, long batchNumber, BatchL1State state, WriteOutcome outcome) {
            return new OldWrite(afterClaim, 0, null, batchNumber, state, outcome);
        }
    }

    /** What the new leader did: its claim, its appends, and the batch it committed. */
    private record NewLeaderRun(TermClaim claim, List<Object> appends, NewBatch batch, CommitOutcome commit) {
    }

    private static void awaitOrFail(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("latch released in time").isTrue();
    }

    /** The batch of all pending txs on top of {@code state}, or null if none is pending. */
    private static NewBatch batchOf(SequenceState state, long term) {
        if (state.pendingCount() == 0) {
            return null;
        }
        long number = state.nextBatchNumber();
        int txCount = (int) state.pendingCount();
        return new NewBatch(number, hash(2, number), state.headBatchHash(), state.nextUnbatchedSeq(), txCount,
                NOW_MS + number, term, hash(3, number), 10L * txCount, hash(4, number), new byte[0], new byte[0],
                hash(5, number), ("{\"batch\":" + number + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** Appends tx {@code n} alone: its result if it was appended, else the outcome ({@link Fenced}). */
    private static Object appendOne(Storage storage, long term, long n) {
        TxAppend append = TxAppend.of(List.of(tx(n)));
        AppendOutcome outcome = storage.appendTxs(term, append);
        return outcome instanceof Appended ? append.results().get(0) : outcome;
    }

    private static NewTx tx(long n) {
        return new NewTx(txHash(n), ("tx " + n).getBytes(StandardCharsets.UTF_8), NOW_MS + n);
    }

    private static byte[] txHash(long n) {
        return hash(1, n);
    }

    private static byte[] hash(int kind, long n) {
        return ByteBuffer.allocate(32).putInt(kind).putLong(n).array();
    }
}
