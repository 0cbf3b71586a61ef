package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.crypto.SequencerKeys;
import org.ippan.l2.core.testing.Seeds;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.lease.memory.InMemoryLeaseStore;
import org.ippan.l2.storage.StoredBatch;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, acceptance of rotating leaders: three engines in rotating mode share one storage, one lease store and one
 * simulated L1, on one manual clock, over twelve epochs, while clients submit txs continuously to random nodes
 * (retrying a refused tx later, maybe elsewhere). Then the chain is settled and checked:
 * <ul>
 *   <li>one contiguous, hash-chained batch chain, every batch committed under the term storage held, every envelope
 *       verifying, every batch confirmed on L1 ({@link CrashWorld#check});
 *   <li>every acknowledged tx in exactly one batch at its acknowledged seq (lost = 0, duplicated = 0), and every tx a
 *       client made acknowledged in the end;
 *   <li>exactly one term led in each epoch, higher than the epoch before (a new term at each boundary, even when the
 *       same key is elected twice in a row), led by the key the schedule names;
 *   <li>with one node down, its epochs are led by the next key in configured order, which takes over one grace period
 *       after the boundary, and the chain keeps moving.
 * </ul>
 * The seed is printed, and named in every failure ({@code -Dl2.test.seed=N} picks another).
 */
class RotatingLeadersSimulationTest {
    private static final long SEED = 0x207A7E5L;
    private static final long TTL_MS = 1_000;
    private static final long RENEW_MS = 200;
    private static final long EPOCH_MS = 5_000;
    /** The default: max(TTL, epoch / 4). */
    private static final long GRACE_MS = 1_250;
    private static final long TICK_MS = 100;
    private static final int EPOCHS = 12;
    private static final long GENESIS_MS = CrashWorld.START_MS;
    private static final String[] SEEDS = {"11".repeat(32), "22".repeat(32), "33".repeat(32)};

    @Test
    void threeNodes_overSeveralEpochs_oneChain_aNewTermAtEachBoundary_noTxLost() {
        Run run = new Run(Seeds.seed(SEED), -1);
        run.run();

        run.assertOneTermPerEpoch_increasing_ledByTheScheduledKey();
        for (long epoch = 1; epoch < EPOCHS; epoch++) {
            assertThat(run.firstLeadMsInEpoch.get(epoch) - run.epochStart(epoch)).as("%s: hand-over into epoch %d",
                    run.seedText(), epoch).isLessThanOrEqualTo(RENEW_MS + TICK_MS);
        }
    }

    @Test
    void aDownScheduledLeader_isSkippedAfterTheGrace_andTheChainKeepsMoving() {
        int down = LeaderSchedule.electedIndex(1, 3); // the key elected for epoch 1: index 0 (golden vector)
        Run run = new Run(Seeds.seed(SEED + 1), down);
        run.run();

        run.assertOneTermPerEpoch_increasing_ledByTheScheduledKey();
        int skipped = 0;
        for (long epoch = 0; epoch < EPOCHS; epoch++) {
            long tookOverAfterMs = run.firstLeadMsInEpoch.get(epoch) - run.epochStart(epoch);
            if (LeaderSchedule.electedIndex(epoch, 3) == down) {
                skipped++;
                assertThat(run.leaderByEpoch.get(epoch)).as("%s: epoch %d", run.seedText(), epoch)
                        .isEqualTo((down + 1) % 3);
                assertThat(tookOverAfterMs).as("%s: epoch %d", run.seedText(), epoch)
                        .isBetween(GRACE_MS, GRACE_MS + RENEW_MS + TICK_MS);
                assertThat(run.batchesCutInEpoch.getOrDefault(epoch, 0)).as("the chain kept moving in epoch %d",
                        epoch).isPositive();
            } else if (epoch > 0) {
                assertThat(tookOverAfterMs).as("%s: epoch %d", run.seedText(), epoch)
                        .isLessThanOrEqualTo(RENEW_MS + TICK_MS);
            }
        }
        assertThat(skipped).as("epochs 1, 3 and 4 (and maybe later ones) elect the down key").isGreaterThanOrEqualTo(3);
    }

    /** One simulated run on a fresh world. */
    private static final class Run {
        final long seed;
        final int down;
        final SplittableRandom random;
        final CrashWorld world;
        final InMemoryLeaseStore lease;
        final LeaderSchedule schedule;
        final List<Sequencer> nodes = new ArrayList<>();
        final List<String> keys = new ArrayList<>();
        final Map<Hash, Long> acked = new HashMap<>();
        final Deque<Tx> unacknowledged = new ArrayDeque<>();
        /** Epoch to the terms seen leading in it (observed after every tick). */
        final Map<Long, TreeSet<Long>> termsByEpoch = new TreeMap<>();
        final Map<Long, Integer> leaderByEpoch = new TreeMap<>();
        final Map<Long, Long> firstLeadMsInEpoch = new TreeMap<>();
        final Map<Long, Integer> batchesCutInEpoch = new TreeMap<>();
        final List<String> log = new ArrayList<>();
        int made;
        int ackedNearBoundary;

        Run(long seed, int down) {
            this.seed = seed;
            this.down = down;
            this.random = new SplittableRandom(seed);
            List<Ed25519Signer> signers = new ArrayList<>();
            for (String s : SEEDS) {
                Ed25519Signer signer = SequencerKeys.fromHexSeed(s);
                signers.add(signer);
                keys.add(Hex.encode(signer.publicKey()));
            }
            this.world = new CrashWorld(new BatchLimits(4, 1 << 16, 200), seed, CrashWorld.FINALITY,
                    b -> b.leaderMode(LeaderMode.ROTATING).leaseTtlMs(TTL_MS).leaseRenewMs(RENEW_MS)
                            .epochMs(EPOCH_MS).genesisMs(GENESIS_MS).leaderSet(keys));
            this.lease = new InMemoryLeaseStore(world.clock::currentTimeMs);
            for (int i = 0; i < 3; i++) {
                SequencerConfig config = world.config(0, "n" + i).toBuilder().advertisedUrl("http://n" + i).build();
                Sequencer engine = Sequencer.builder().config(config)
                        .storage(new CrashingStorage(world.storage, "n" + i, world.audit)).l1Poster(world.l1)
                        .leaseStore(lease).signer(signers.get(i)).wallClock(world.clock).nanoClock(world.clock)
                        .randomSeed(random.nextLong()).errorHandler((loop, error) -> log("error in " + loop + ": "
                                + error)).build();
                engine.start();
                nodes.add(engine);
            }
            this.schedule = nodes.get(0).config().leaderSchedule().orElseThrow();
            assertThat(schedule.graceMs()).isEqualTo(GRACE_MS);
        }

        String seedText() {
            return "seed " + seed + " (-Dl2.test.seed=" + seed + ")";
        }

        long epochStart(long epoch) {
            return GENESIS_MS + epoch * EPOCH_MS;
        }

        private void log(String event) {
            if (log.size() < 400) {
                log.add("t=" + (world.clock.currentTimeMs() - GENESIS_MS) + " " + event);
            }
        }

        void run() {
            try {
                long ticks = EPOCHS * EPOCH_MS / TICK_MS;
                for (long t = 0; t < ticks; t++) {
                    tick(true);
                }
                settle();
                CrashWorld.Check check = world.check(acked, Map.of());
                System.out.println("RotatingLeadersSimulationTest: " + seedText() + ", down node " + down + ", txs "
                        + made + ", acknowledged " + acked.size() + " (" + ackedNearBoundary
                        + " within 500 ms before a boundary), batches " + check.batches() + ", terms "
                        + world.storage.readLeader().term() + ", lost = " + check.lost() + ", duplicated = "
                        + check.duplicated());
                assertThat(check.violations()).as("invariants").isEmpty();
                assertThat(check.lost()).isZero();
                assertThat(check.duplicated()).isZero();
                assertThat(unacknowledged).as("txs never acknowledged").isEmpty();
                assertThat(acked).hasSize(made);
                assertThat(ackedNearBoundary).as("txs acknowledged just before a hand-over").isPositive();
                assertThat(world.loopErrors()).isEmpty();
                List<StoredBatch> batches = world.batches();
                long previousTerm = 0;
                for (StoredBatch batch : batches) {
                    assertThat(batch.batch().term()).as("batch %d", batch.batchNumber()).isGreaterThanOrEqualTo(
                            previousTerm);
                    previousTerm = batch.batch().term();
                    long epoch = (batch.batch().createdMs() - GENESIS_MS) / EPOCH_MS;
                    batchesCutInEpoch.merge(epoch, 1, Integer::sum);
                    if (epoch < EPOCHS) {
                        assertThat(termsByEpoch.get(epoch)).as("batch %d cut in epoch %d", batch.batchNumber(), epoch)
                                .contains(batch.batch().term());
                    }
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(seedText() + ": " + e.getMessage() + "\nlog:\n" + String.join("\n", log), e);
            }
        }

        private boolean up(int i) {
            return i != down;
        }

        private void tick(boolean observe) {
            world.clock.advanceMs(TICK_MS);
            world.l1.advanceTo(world.clock.currentTimeMs());
            List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
            for (int i = order.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                order.set(i, order.set(j, order.get(i)));
            }
            for (int i : order) {
                if (up(i)) {
                    step(i);
                }
            }
            int fresh = observe ? random.nextInt(3) : 0; // settling: clients only retry
            for (int i = 0; i < fresh; i++) {
                unacknowledged.addLast(world.tx(++made));
            }
            int tries = unacknowledged.size();
            for (int i = 0; i < tries; i++) {
                submit(unacknowledged.removeFirst());
            }
            if (observe) {
                observe();
            }
        }

        private void step(int i) {
            Sequencer node = nodes.get(i);
            SequencerState before = node.state();
            node.doWork(world.clock.nanoTime());
            if (node.state() != before) {
                log("n" + i + " " + before + " -> " + node.state() + ": " + node.stateReason());
            }
        }

        private void submit(Tx tx) {
            List<Integer> upNodes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                if (up(i)) {
                    upNodes.add(i);
                }
            }
            int target = upNodes.get(random.nextInt(upNodes.size()));
            SubmitResult result = nodes.get(target).submit(tx);
            if (result instanceof SubmitResult.Accepted accepted) {
                Long known = acked.putIfAbsent(accepted.txHash(), accepted.seq());
                assertThat(known == null || known == accepted.seq()).as("tx acknowledged with two seqs").isTrue();
                long intoEpochMs = (world.clock.currentTimeMs() - GENESIS_MS) % EPOCH_MS;
                if (intoEpochMs >= EPOCH_MS - 500) {
                    ackedNearBoundary++;
                }
            } else {
                RefusalCode code = ((SubmitResult.Refused) result).refusal().code();
                assertThat(code).isIn(RefusalCode.NOT_LEADER, RefusalCode.UNAVAILABLE);
                unacknowledged.addLast(tx); // the client retries next tick
            }
        }

        private void observe() {
            long nowMs = world.clock.currentTimeMs();
            long epoch = schedule.slotAt(nowMs).orElseThrow().epoch();
            for (int i = 0; i < 3; i++) {
                Sequencer node = nodes.get(i);
                if (up(i) && node.state() == SequencerState.LEADER) {
                    long term = node.status().leader().termId();
                    termsByEpoch.computeIfAbsent(epoch, e -> new TreeSet<>()).add(term);
                    Integer was = leaderByEpoch.putIfAbsent(epoch, i);
                    assertThat(was == null || was == i).as("epoch %d led by n%d and n%d", epoch, was, i).isTrue();
                    firstLeadMsInEpoch.putIfAbsent(epoch, nowMs);
                    assertThat(node.status().leader().rotation().epoch()).isEqualTo(epoch);
                }
            }
        }

        /** Keeps the rotation going (the leader flushing) until every tx is acknowledged, batched and confirmed. */
        private void settle() {
            long startMs = world.clock.currentTimeMs();
            for (int round = 0; round < 2_000; round++) {
                for (Sequencer node : nodes) {
                    if (node.state() == SequencerState.LEADER) {
                        node.flush();
                    }
                }
                tick(false);
                if (unacknowledged.isEmpty() && world.settled()) {
                    return;
                }
            }
            throw new AssertionError("did not settle in " + (world.clock.currentTimeMs() - startMs) + " ms: "
                    + world.storage.readSequenceState() + ", " + unacknowledged.size() + " unacknowledged");
        }

        void assertOneTermPerEpoch_increasing_ledByTheScheduledKey() {
            long previous = 0;
            for (long epoch = 0; epoch < EPOCHS; epoch++) {
                TreeSet<Long> terms = termsByEpoch.get(epoch);
                assertThat(terms).as("%s: terms led in epoch %d", seedText(), epoch).hasSize(1);
                assertThat(terms.first()).as("%s: term of epoch %d", seedText(), epoch).isGreaterThan(previous)
                        .isEqualTo(epoch + 1); // a fresh store: one claim per epoch
                previous = terms.first();
                int elected = LeaderSchedule.electedIndex(epoch, 3);
                int expected = up(elected) ? elected : (elected + 1) % 3;
                assertThat(leaderByEpoch.get(epoch)).as("%s: leader of epoch %d", seedText(), epoch)
                        .isEqualTo(expected);
            }
        }
    }
}
