package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.testing.Seeds;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.l1.memory.SimulatedL1.Failure;
import org.ippan.l2.lease.memory.InMemoryLeaseStore;
import org.ippan.l2.storage.AppendOutcome;
import org.ippan.l2.storage.Appended;
import org.ippan.l2.storage.BatchCounts;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.CommitOutcome;
import org.ippan.l2.storage.Committed;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.ForcedTicket;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.LeaderRecord;
import org.ippan.l2.storage.NewBatch;
import org.ippan.l2.storage.PruneOutcome;
import org.ippan.l2.storage.Pruned;
import org.ippan.l2.storage.SealedGroup;
import org.ippan.l2.storage.SequenceState;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TermClaim;
import org.ippan.l2.storage.TermGranted;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.WriteOutcome;
import org.ippan.l2.storage.Written;
import org.ippan.l2.storage.memory.InMemoryStorage.WriteFault;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, acceptance point 2: a seeded simulation of automatic failover. Three engines in lease mode share one
 * storage, one lease store (judging expiry on the true time) and one simulated L1; single-threaded and deterministic.
 * Each schedule runs a few tens of ticks: the true time advances, each engine's own clock follows it at its own
 * offset and rate (within ±1 %, what the safety margin assumes), random engines step, clients submit to random
 * engines, and faults are drawn: an engine killed and restarted later under the same id, an engine paused past the
 * lease's time to live (sometimes with its clock frozen too: a VM freeze), lease-store outages and lost answers,
 * storage write faults, L1 faults, graceful {@link Sequencer#stepDown()} hand-overs. Then everything heals, the
 * leader of the moment flushes and posts everything, and the invariants are checked:
 * <ul>
 *   <li>every acknowledged tx is in exactly one committed batch, at its acknowledged seq (lost = 0, duplicated = 0);
 *   <li>no write was accepted with a term lower than the stored term of that moment (observed by
 *       {@link RecordingStorage} around every write, not assumed), and every term has at most one writer;
 *   <li>batches are numbered from 1 without a gap, hash-chained, and their terms never decrease along the chain;
 *   <li>everything {@link CrashWorld#check} checks (envelopes, L1 holds each key once, the write audit).
 * </ul>
 *
 * <p>{@code -Dl2.test.seed=N} picks another master seed, {@code -Dl2.sim.schedules=N} runs more (or fewer)
 * schedules, {@code -Dl2.sim.schedule=S} replays one schedule seed with its whole log.
 */
class FailoverSimulationTest {
    private static final long DEFAULT_SEED = 0xFA11_0FE5L;
    private static final int DEFAULT_SCHEDULES = 10_000;
    private static final int NODES = 3;
    private static final long TTL_MS = 2_000;
    private static final long RENEW_MS = 400;
    private static final int MIN_TICKS = 20;
    private static final int MAX_TICKS = 40;
    private static final int SETTLE_ROUNDS = 200;
    /** How far an engine's clock rate may drift from the true time's, in parts per million (±1 %). */
    private static final int MAX_DRIFT_PPM = 10_000;

    /** The figures of a run. */
    static final class Figures {
        int schedules;
        long ticks;
        long steps;
        long acknowledged;
        long duplicateAnswers;
        long refused;
        int kills;
        int pauses;
        int freezes;
        int leaseOutages;
        int leaseLostAnswers;
        int storageFaults;
        int l1Faults;
        int handOvers;
        long leaderChanges;
        long maxTerm;
        long batches;
        long acceptedWrites;
        long staleWritesRefused;
        long staleWritesAccepted;
        long termsWithTwoWriters;
        long lost;
        long duplicated;
        long settleRounds;
    }

    @Test
    void randomFailoverSchedules_loseNothing_duplicateNothing_andAcceptNoStaleTermWrite() {
        long seed = Seeds.seed(DEFAULT_SEED);
        String only = System.getProperty("l2.sim.schedule");
        int schedules = only == null ? Integer.getInteger("l2.sim.schedules", DEFAULT_SCHEDULES) : 1;
        SplittableRandom master = new SplittableRandom(seed);
        Figures figures = new Figures();
        long startNs = System.nanoTime();
        for (int i = 0; i < schedules; i++) {
            long scheduleSeed = only == null ? master.nextLong() : Long.parseLong(only.trim());
            Schedule schedule = new Schedule(scheduleSeed, figures, only == null ? 60 : Integer.MAX_VALUE);
            try {
                schedule.run();
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("schedule " + i + " failed (master seed " + seed + ", schedule seed "
                        + scheduleSeed + "; replay it alone, with its whole log, with -Dl2.sim.schedule="
                        + scheduleSeed + "): " + e.getMessage() + "\nlast events:\n" + schedule.recent(), e);
            }
            if (only != null) {
                System.out.println(schedule.recent());
            }
            figures.schedules++;
        }
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        System.out.println("FailoverSimulationTest: seed " + seed + " (-Dl2.test.seed=N), " + figures.schedules
                + " schedules (-Dl2.sim.schedules=N), " + figures.ticks + " ticks, " + figures.steps
                + " engine steps, in " + elapsedMs + " ms");
        System.out.println("  txs acknowledged " + figures.acknowledged + " (plus " + figures.duplicateAnswers
                + " duplicate answers; " + figures.refused + " refusals), batches " + figures.batches);
        System.out.println("  kills " + figures.kills + ", pauses past the TTL " + figures.pauses + " (clock frozen "
                + figures.freezes + "), lease-store outages " + figures.leaseOutages + ", lost lease answers "
                + figures.leaseLostAnswers + ", storage faults " + figures.storageFaults + ", L1 faults "
                + figures.l1Faults + ", hand-overs " + figures.handOvers);
        System.out.println("  leader changes (terms claimed) " + figures.leaderChanges + ", max term "
                + figures.maxTerm + ", settle rounds " + figures.settleRounds);
        System.out.println("  writes accepted " + figures.acceptedWrites + ", stale-term writes refused by storage "
                + figures.staleWritesRefused + ", stale-term writes accepted " + figures.staleWritesAccepted
                + ", terms with two writers " + figures.termsWithTwoWriters);
        System.out.println("  lost = " + figures.lost + ", duplicated = " + figures.duplicated);

        assertThat(figures.lost).as("seed %d", seed).isZero();
        assertThat(figures.duplicated).as("seed %d", seed).isZero();
        assertThat(figures.staleWritesAccepted).as("seed %d", seed).isZero();
        assertThat(figures.termsWithTwoWriters).as("seed %d", seed).isZero();
        if (only == null && schedules >= 1_000) {
            assertThat(figures.staleWritesRefused).as("paused leaders were fenced by the term").isPositive();
            assertThat(figures.handOvers).isPositive();
            assertThat(figures.kills).isPositive();
        }
    }

    @Test
    void theRecorder_seesAStaleTermWrite_andTwoWritersInOneTerm() {
        CrashWorld world = new CrashWorld();
        WriteLog log = new WriteLog(world.storage);
        RecordingStorage a = new RecordingStorage(world.storage, world.storage, "a#1", log);
        RecordingStorage b = new RecordingStorage(world.storage, world.storage, "b#1", log);
        a.claimTerm(1, "a", 0);
        b.heartbeat(1, 0); // b writes in a's term: storage cannot tell, the recorder can
        b.claimTerm(2, "b", 0);
        a.heartbeat(1, 0); // refused: fenced
        assertThat(log.staleAccepted).isZero();
        assertThat(log.staleRefused).isEqualTo(1);
        assertThat(log.termsWithTwoWriters()).containsExactly(1L);
        log.landed("a#1", "HEARTBEAT", 1, 2); // as if storage had let a stale write through
        assertThat(log.staleAccepted).isEqualTo(1);
    }

    /** An engine's own clock: follows the true time at its own rate, from its own offset; can freeze. */
    static final class SkewedClock implements EpochClock, NanoClock {
        private final long wallOffsetMs;
        private final long driftPpm;
        private long monoNs;
        private final long monoAtStartNs;
        private long remainderNs;
        boolean frozen;

        SkewedClock(long trueWallMs, long wallOffsetMs, long driftPpm, long monoStartNs) {
            this.wallOffsetMs = trueWallMs + wallOffsetMs;
            this.driftPpm = driftPpm;
            this.monoNs = monoStartNs;
            this.monoAtStartNs = monoStartNs;
        }

        /** The true time moved by {@code trueNs}; this clock moves by that, scaled by its rate, unless frozen. */
        void advance(long trueNs) {
            if (frozen) {
                return;
            }
            long scaled = trueNs * driftPpm + remainderNs;
            monoNs += trueNs + scaled / 1_000_000;
            remainderNs = scaled % 1_000_000;
        }

        @Override
        public long currentTimeMs() {
            return wallOffsetMs + (monoNs - monoAtStartNs) / 1_000_000;
        }

        @Override
        public long nanoTime() {
            return monoNs;
        }
    }

    /**
     * Every write any engine object made to the shared store: which writer, with which term, whether storage
     * accepted it, and which term storage held just before. Single-threaded, so "just before" is "at that moment".
     */
    static final class WriteLog {
        private final Storage truth;
        final Map<Long, Set<String>> writersByTerm = new HashMap<>();
        final List<String> violations = new ArrayList<>();
        long accepted;
        long staleAccepted;
        long staleRefused;
        long claims;
        /** The next this many reads of any engine throw (the in-memory store fails only writes). */
        int failReads;

        WriteLog(Storage truth) {
            this.truth = truth;
        }

        long storedTerm() {
            return truth.readLeader().term();
        }

        void landed(String writer, String op, long term, long storedBefore) {
            accepted++;
            boolean claim = op.equals("CLAIM_TERM");
            if (claim) {
                claims++;
            }
            if (claim ? term < storedBefore : term != storedBefore) {
                if (term < storedBefore) {
                    staleAccepted++;
                }
                if (violations.size() < 20) {
                    violations.add(writer + " " + op + " in term " + term + " accepted while storage held term "
                            + storedBefore);
                }
            }
            writersByTerm.computeIfAbsent(term, t -> new HashSet<>()).add(writer);
        }

        void refused(long term, long storedBefore) {
            if (term < storedBefore) {
                staleRefused++;
            }
        }

        List<Long> termsWithTwoWriters() {
            List<Long> terms = new ArrayList<>();
            writersByTerm.forEach((term, writers) -> {
                if (writers.size() > 1) {
                    terms.add(term);
                }
            });
            return terms;
        }
    }

    /**
     * The storage one engine object writes through: forwards every call and records every write in a {@link WriteLog}
     * with its term and this writer's id (engine id and incarnation). A write counts as accepted when storage
     * answers so, or when it threw but changed the store anyway (a lost acknowledgement).
     */
    static final class RecordingStorage implements Storage {
        private final Storage delegate;
        private final Storage truth;
        private final String writer;
        private final WriteLog log;

        RecordingStorage(Storage delegate, Storage truth, String writer, WriteLog log) {
            this.delegate = delegate;
            this.truth = truth;
            this.writer = writer;
            this.log = log;
        }

        private <T> T write(String op, long term, Supplier<Object> state, Supplier<T> call) {
            long storedBefore = log.storedTerm();
            Object before = state.get();
            T outcome;
            try {
                outcome = call.get();
            } catch (RuntimeException e) {
                if (!before.equals(state.get())) {
                    log.landed(writer, op, term, storedBefore);
                }
                throw e;
            }
            if (outcome instanceof Written || outcome instanceof Appended || outcome instanceof Committed
                    || outcome instanceof Pruned || outcome instanceof TermGranted) {
                log.landed(writer, op, term, storedBefore);
            } else if (outcome instanceof Fenced) {
                log.refused(term, storedBefore);
            } else if (!before.equals(state.get())) {
                log.landed(writer, op, term, storedBefore); // a duplicate answer that changed the store
            }
            return outcome;
        }

        @Override
        public TermClaim claimTerm(long term, String leaderId, long nowMs) {
            return write("CLAIM_TERM", term, truth::readLeader, () -> delegate.claimTerm(term, leaderId, nowMs));
        }

        @Override
        public WriteOutcome heartbeat(long term, long nowMs) {
            return write("HEARTBEAT", term, truth::readLeader, () -> delegate.heartbeat(term, nowMs));
        }

        @Override
        public AppendOutcome appendTxs(long term, TxAppend txs) {
            return write("APPEND_TXS", term, () -> truth.readSequenceState().nextSeq(),
                    () -> delegate.appendTxs(term, txs));
        }

        @Override
        public CommitOutcome commitBatch(long term, NewBatch batch) {
            return write("COMMIT_BATCH", term, () -> truth.readSequenceState().nextBatchNumber(),
                    () -> delegate.commitBatch(term, batch));
        }

        @Override
        public WriteOutcome updateL1State(long term, long batchNumber, BatchL1State state) {
            return write("UPDATE_L1_STATE", term, () -> truth.findBatchByNumber(batchNumber)
                    .map(b -> (Object) b.l1State()).orElse("none"), () -> delegate.updateL1State(term, batchNumber,
                    state));
        }

        @Override
        public PruneOutcome pruneConfirmed(long term, long throughBatchNumber, int maxBatches) {
            return write("PRUNE_CONFIRMED", term, () -> truth.findBatchByNumber(throughBatchNumber)
                    .map(b -> (Object) b.pruned()).orElse("none"),
                    () -> delegate.pruneConfirmed(term, throughBatchNumber, maxBatches));
        }

        @Override
        public PruneOutcome forgetConfirmed(long term, long throughBatchNumber, int maxBatches) {
            return write("FORGET_CONFIRMED", term, () -> truth.readCursor(FORGOTTEN_THROUGH_CURSOR),
                    () -> delegate.forgetConfirmed(term, throughBatchNumber, maxBatches));
        }

        private void read() {
            if (log.failReads > 0) {
                log.failReads--;
                throw new StorageException("injected read failure");
            }
        }

        @Override
        public LeaderRecord readLeader() {
            read();
            return delegate.readLeader();
        }

        @Override
        public Optional<StoredTx> findTx(byte[] txHash) {
            read();
            return delegate.findTx(txHash);
        }

        @Override
        public Optional<SealedGroup> findSealedGroup(long seq) {
            read();
            return delegate.findSealedGroup(seq);
        }

        @Override
        public List<StoredTx> readTxs(long fromSeq, int maxCount) {
            read();
            return delegate.readTxs(fromSeq, maxCount);
        }

        @Override
        public SequenceState readSequenceState() {
            read();
            return delegate.readSequenceState();
        }

        @Override
        public Optional<StoredBatch> findBatch(byte[] batchHash) {
            read();
            return delegate.findBatch(batchHash);
        }

        @Override
        public Optional<StoredBatch> findBatchByNumber(long batchNumber) {
            read();
            return delegate.findBatchByNumber(batchNumber);
        }

        @Override
        public Optional<StoredBatch> findBatchContaining(long seq) {
            read();
            return delegate.findBatchContaining(seq);
        }

        @Override
        public List<StoredBatch> listBatches(long fromNumber, int maxCount) {
            read();
            return delegate.listBatches(fromNumber, maxCount);
        }

        @Override
        public List<StoredBatch> listBatchesInStatus(Set<L1Status> statuses, int maxCount) {
            read();
            return delegate.listBatchesInStatus(statuses, maxCount);
        }

        @Override
        public BatchCounts countBatches() {
            read();
            return delegate.countBatches();
        }

        @Override
        public WriteOutcome saveCursor(long term, String name, long value) {
            return write("SAVE_CURSOR", term, () -> truth.readCursor(name),
                    () -> delegate.saveCursor(term, name, value));
        }

        @Override
        public long readCursor(String name) {
            read();
            return delegate.readCursor(name);
        }

        @Override
        public WriteOutcome saveSetting(long term, String name, String value) {
            return write("SAVE_SETTING", term, () -> truth.readSetting(name),
                    () -> delegate.saveSetting(term, name, value));
        }

        @Override
        public Optional<String> readSetting(String name) {
            read();
            return delegate.readSetting(name);
        }

        @Override
        public WriteOutcome saveForcedTicket(long term, ForcedTicket ticket) {
            return write("SAVE_FORCED_TICKET", term, () -> truth.findForcedTicket(ticket.txHash()),
                    () -> delegate.saveForcedTicket(term, ticket));
        }

        @Override
        public Optional<ForcedTicket> findForcedTicket(byte[] txHash) {
            read();
            return delegate.findForcedTicket(txHash);
        }

        @Override
        public List<ForcedTicket> listForcedTickets(String account, int maxCount) {
            read();
            return delegate.listForcedTickets(account, maxCount);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** One node: an id that outlives its engine objects (a restart builds a new one), and its own clock. */
    private static final class Node {
        final String id;
        final long wallOffsetMs;
        final long driftPpm;
        int incarnation;
        SkewedClock clock;
        Sequencer engine;
        CrashingStorage storage;
        /** Killed: no engine object until the true time reaches {@link #backAtMs}. */
        boolean dead;
        /** Paused: not stepped, not reachable, until {@link #backAtMs}. */
        boolean paused;
        long backAtMs;

        Node(String id, long wallOffsetMs, long driftPpm) {
            this.id = id;
            this.wallOffsetMs = wallOffsetMs;
            this.driftPpm = driftPpm;
        }

        boolean running() {
            return !dead && !paused;
        }

        String name() {
            return id + "#" + incarnation;
        }
    }

    /** One random schedule on a fresh world. */
    private static final class Schedule {
        private final SplittableRandom random;
        private final Figures figures;
        private final CrashWorld world;
        private final InMemoryLeaseStore lease;
        private final WriteLog log;
        private final List<Node> nodes = new ArrayList<>();
        private final Map<Hash, Long> acked = new HashMap<>();
        private final List<Tx> submitted = new ArrayList<>();
        private final ArrayDeque<String> recent = new ArrayDeque<>();
        private final int logSize;
        private long leaseBackAtMs = Long.MAX_VALUE;

        Schedule(long seed, Figures figures, int logSize) {
            this.random = new SplittableRandom(seed);
            this.figures = figures;
            this.logSize = logSize;
            int maxTxs = 1 + random.nextInt(8);
            long maxWaitMs = new long[] {0, 50, 200, 1000}[random.nextInt(4)];
            this.world = new CrashWorld(new BatchLimits(maxTxs, 1 << 16, maxWaitMs), random.nextLong(),
                    CrashWorld.FINALITY, b -> b.leaderMode(LeaderMode.LEASE).leaseTtlMs(TTL_MS)
                            .leaseRenewMs(RENEW_MS).dedupCacheSize(256)); // small: an engine is built per restart
            world.postingUnsigned(); // signing and verifying would take most of the time; CrashSweepTest covers them
            this.lease = new InMemoryLeaseStore(world.clock::currentTimeMs); // the store judges on the true time
            this.log = new WriteLog(world.storage);
            for (int i = 0; i < NODES; i++) {
                long offsetMs = random.nextLong(-5_000, 5_001);
                long driftPpm = random.nextLong(-MAX_DRIFT_PPM, MAX_DRIFT_PPM + 1);
                Node node = new Node("n" + i, offsetMs, driftPpm);
                nodes.add(node);
                start(node);
            }
        }

        String recent() {
            return String.join("\n", recent);
        }

        private void log(String event) {
            if (recent.size() == logSize) {
                recent.removeFirst();
            }
            recent.addLast("t=" + (world.clock.currentTimeMs() - CrashWorld.START_MS) + " " + event);
        }

        /** Builds and starts a new engine object for {@code node}: a fresh process with a fresh monotonic clock. */
        private void start(Node node) {
            node.incarnation++;
            node.dead = false;
            node.paused = false;
            node.clock = new SkewedClock(world.clock.currentTimeMs(), node.wallOffsetMs, node.driftPpm,
                    random.nextLong(1_000_000_000L, 1_000_000_000_000L));
            SequencerConfig config = world.config(0, node.id).toBuilder()
                    .advertisedUrl("http://" + node.id + ":8080").build();
            node.storage = new CrashingStorage(world.storage, node.name(), world.audit);
            Storage recorded = new RecordingStorage(node.storage, world.storage, node.name(), log);
            node.engine = Sequencer.builder().config(config).storage(recorded).l1Poster(world.l1)
                    .leaseStore(lease).wallClock(node.clock).nanoClock(node.clock)
                    .randomSeed(random.nextLong()).errorHandler((loop, error) -> { }).build();
            node.engine.start();
            log("start " + node.name() + " (offset " + node.wallOffsetMs + " ms, drift " + node.driftPpm + " ppm)");
        }

        void run() {
            int ticks = MIN_TICKS + random.nextInt(MAX_TICKS - MIN_TICKS + 1);
            for (int i = 0; i < ticks; i++) {
                figures.ticks++;
                tick();
            }
            settle();
            check();
        }

        private void advance(long ms) {
            world.clock.advanceMs(ms);
            for (Node node : nodes) {
                if (!node.dead) {
                    node.clock.advance(ms * 1_000_000L);
                }
            }
            world.l1.advanceTo(world.clock.currentTimeMs());
            long now = world.clock.currentTimeMs();
            for (Node node : nodes) {
                if (node.dead && now >= node.backAtMs) {
                    start(node);
                } else if (node.paused && now >= node.backAtMs) {
                    node.paused = false;
                    node.clock.frozen = false;
                    log("resume " + node.name() + " (" + node.engine.state() + ")");
                }
            }
            if (now >= leaseBackAtMs) {
                lease.setUnavailable(false);
                leaseBackAtMs = Long.MAX_VALUE;
                log("lease store back");
            }
        }

        private void tick() {
            advance(random.nextInt(8) == 0 ? random.nextInt(1_000) : random.nextInt(250));
            int steps = 1 + random.nextInt(NODES);
            for (int i = 0; i < steps; i++) {
                step(nodes.get(random.nextInt(NODES)));
            }
            int submits = random.nextInt(3);
            for (int i = 0; i < submits; i++) {
                submit();
            }
            int dice = random.nextInt(100);
            if (dice < 4) {
                kill();
            } else if (dice < 8) {
                pause();
            } else if (dice < 11) {
                leaseOutage();
            } else if (dice < 14) {
                leaseLostAnswers();
            } else if (dice < 18) {
                storageFault();
            } else if (dice < 22) {
                l1Fault();
            } else if (dice < 26) {
                handOver();
            }
        }

        private void step(Node node) {
            if (!node.running()) {
                return;
            }
            SequencerState before = node.engine.state();
            node.engine.doWork(node.clock.nanoTime());
            figures.steps++;
            SequencerState after = node.engine.state();
            if (before != after) {
                log(node.name() + " " + before + " -> " + after + ": " + node.engine.stateReason());
            }
        }

        private Node anyRunning() {
            List<Node> running = nodes.stream().filter(Node::running).toList();
            return running.isEmpty() ? null : running.get(random.nextInt(running.size()));
        }

        private Node leader() {
            for (Node node : nodes) {
                if (node.running() && node.engine.state() == SequencerState.LEADER) {
                    return node;
                }
            }
            return null;
        }

        private void submit() {
            Node node = anyRunning();
            if (node == null) {
                return;
            }
            Tx tx;
            if (!submitted.isEmpty() && random.nextInt(4) == 0) {
                tx = submitted.get(random.nextInt(submitted.size())); // a client retries, maybe elsewhere
            } else {
                tx = world.tx(submitted.size());
                submitted.add(tx);
            }
            SubmitResult result = node.engine.submit(tx);
            if (result instanceof SubmitResult.Accepted accepted) {
                Long known = acked.putIfAbsent(accepted.txHash(), accepted.seq());
                if (known == null) {
                    figures.acknowledged++;
                } else {
                    assertThat(accepted.seq()).as("tx %s acknowledged twice with different seqs", tx.hash())
                            .isEqualTo(known);
                    figures.duplicateAnswers++;
                }
                log("submit " + tx.nonce() + " to " + node.name() + ": seq " + accepted.seq()
                        + (accepted.duplicate() ? " (duplicate)" : ""));
            } else {
                RefusalCode code = ((SubmitResult.Refused) result).refusal().code();
                assertThat(code).as("refusal").isIn(RefusalCode.NOT_LEADER, RefusalCode.UNAVAILABLE);
                figures.refused++;
                log("submit " + tx.nonce() + " to " + node.name() + ": " + code);
            }
        }

        private void kill() {
            Node node = anyRunning();
            if (node == null) {
                return;
            }
            node.dead = true;
            node.storage.kill(); // the dropped object may never touch storage again
            node.backAtMs = world.clock.currentTimeMs() + random.nextLong(3 * TTL_MS);
            figures.kills++;
            log("kill " + node.name() + " (" + node.engine.state() + ")");
        }

        private void pause() {
            Node node = random.nextBoolean() ? leader() : anyRunning();
            if (node == null) {
                return;
            }
            node.paused = true;
            node.clock.frozen = random.nextBoolean();
            node.backAtMs = world.clock.currentTimeMs() + TTL_MS + random.nextLong(TTL_MS);
            figures.pauses++;
            if (node.clock.frozen) {
                figures.freezes++;
            }
            log("pause " + node.name() + " (" + node.engine.state() + ")" + (node.clock.frozen ? ", clock frozen"
                    : "") + " until t=" + (node.backAtMs - CrashWorld.START_MS));
        }

        private void leaseOutage() {
            lease.setUnavailable(true);
            leaseBackAtMs = world.clock.currentTimeMs() + random.nextLong(3 * TTL_MS);
            figures.leaseOutages++;
            log("lease store unavailable until t=" + (leaseBackAtMs - CrashWorld.START_MS));
        }

        private void leaseLostAnswers() {
            InMemoryLeaseStore.Fault fault = random.nextBoolean() ? InMemoryLeaseStore.Fault.APPLY_THEN_FAIL
                    : InMemoryLeaseStore.Fault.FAIL;
            int count = 1 + random.nextInt(3);
            lease.injectFaults(fault, count);
            figures.leaseLostAnswers++;
            log("lease store " + fault + " x" + count);
        }

        private void storageFault() {
            if (random.nextInt(3) == 0) {
                log.failReads = 1 + random.nextInt(3);
                figures.storageFaults++;
                log("storage reads fail x" + log.failReads);
                return;
            }
            WriteFault fault = WriteFault.values()[random.nextInt(WriteFault.values().length)];
            int count = 1 + random.nextInt(2);
            world.storage.injectWriteFaults(fault, count);
            figures.storageFaults++;
            log("storage " + fault + " x" + count);
        }

        private void l1Fault() {
            int kind = random.nextInt(4);
            int count = 1 + random.nextInt(3);
            Call call = random.nextBoolean() ? Call.SUBMIT : Call.GET_INCLUSION;
            switch (kind) {
                case 0 -> world.l1.failNextCalls(call, count, Failure.TRANSIENT);
                case 1 -> world.l1.failNextCalls(call, count, Failure.UNKNOWN_RESULT);
                case 2 -> world.l1.timeOutNextSubmitsAfterApplying(count);
                default -> world.l1.throttleNextCalls(Call.SUBMIT, count, random.nextInt(1_500));
            }
            figures.l1Faults++;
            log("L1 fault " + kind + " x" + count + " " + call);
        }

        private void handOver() {
            Node node = leader();
            if (node == null) {
                return;
            }
            boolean led = node.engine.stepDown();
            if (led) {
                figures.handOvers++;
            }
            log("hand-over by " + node.name() + ": " + led);
        }

        /** Heals everything, then steps every node until a leader has flushed, posted and confirmed everything. */
        private void settle() {
            lease.setUnavailable(false);
            lease.injectFaults(InMemoryLeaseStore.Fault.FAIL, 0);
            leaseBackAtMs = Long.MAX_VALUE;
            world.storage.injectWriteFaults(WriteFault.FAIL, 0);
            log.failReads = 0;
            world.l1.clearFaults();
            for (Node node : nodes) {
                if (node.dead) {
                    start(node);
                }
                node.paused = false;
                node.clock.frozen = false;
            }
            log("healed");
            for (int round = 1; round <= SETTLE_ROUNDS; round++) {
                advance(500); // more than a renew period: a leader renews at each of its steps
                for (Node node : nodes) {
                    step(node);
                }
                Node leader = leader();
                if (leader != null) {
                    leader.engine.flush();
                    step(leader);
                    if (world.settled()) {
                        figures.settleRounds += round;
                        return;
                    }
                }
            }
            throw new AssertionError("did not settle in " + SETTLE_ROUNDS + " rounds: " + world.storage
                    .readSequenceState() + ", " + world.storage.countBatches() + ", states "
                    + nodes.stream().map(n -> n.name() + "=" + n.engine.state() + " (" + n.engine.stateReason()
                            + ")").toList() + ", lease " + lease.holder());
        }

        private void check() {
            CrashWorld.Check check = world.check(acked, Map.of());
            List<StoredBatch> batches = world.batches();
            long previousTerm = 0;
            List<String> violations = new ArrayList<>(check.violations());
            for (StoredBatch batch : batches) {
                if (batch.batch().term() < previousTerm) {
                    violations.add("batch " + batch.batchNumber() + " has term " + batch.batch().term()
                            + ", lower than the batch before it (" + previousTerm + ")");
                }
                previousTerm = batch.batch().term();
            }
            violations.addAll(log.violations);
            List<Long> shared = log.termsWithTwoWriters();
            for (Long term : shared) {
                violations.add("term " + term + " has writers " + new TreeMap<>(Map.of(term,
                        log.writersByTerm.get(term))));
            }
            figures.batches += check.batches();
            figures.lost += check.lost();
            figures.duplicated += check.duplicated();
            figures.acceptedWrites += log.accepted;
            figures.staleWritesAccepted += log.staleAccepted;
            figures.staleWritesRefused += log.staleRefused;
            figures.termsWithTwoWriters += shared.size();
            figures.leaderChanges += log.claims;
            figures.maxTerm = Math.max(figures.maxTerm, world.storage.readLeader().term());
            assertThat(violations).as("invariants").isEmpty();
        }
    }
}
