package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.engine.CrashingStorage.Op;
import org.ippan.l2.core.engine.CrashingStorage.When;
import org.ippan.l2.core.testing.RandomTxs;
import org.ippan.l2.core.testing.Seeds;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.l1.memory.SimulatedL1.Failure;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.memory.InMemoryStorage.WriteFault;
import org.junit.jupiter.api.Test;

/**
 * Model-style sweep (engineering guide §5): many seeded random schedules of submits (single and grouped, with
 * duplicates), steps, L1 blocks, crashes at every crash point of §4.7, restarts and failovers to a higher term
 * (sometimes leaving the old leader running as a zombie), storage faults and L1 faults. After each schedule the
 * faults stop, the last leader settles, and the invariants are checked: every acknowledged tx in exactly one batch
 * at its acknowledged seq, batches contiguous and hash-chained, every key on L1 exactly once, every batch
 * confirmed, no write accepted from a stale term (see {@link CrashWorld#check} and {@link CrashingStorage.Audit}).
 *
 * <p>Deterministic: the default seed is fixed and printed; {@code -Dl2.test.seed=N} explores others. Every
 * failure names the master seed and the schedule.
 */
class CrashSweepTest {
    private static final long DEFAULT_SEED = 0x5EED_C4A5_4L;
    private static final int SCHEDULES = 500;
    private static final int MIN_OPS = 100;
    private static final int MAX_OPS = 300;
    private static final HexFormat HEX = HexFormat.of();

    /** The figures of the whole sweep. */
    private static final class Figures {
        int schedules;
        long operations;
        int restarts;
        int killsBetweenSteps;
        int failovers;
        int zombies;
        int startFailures;
        long acknowledged;
        long duplicateAnswers;
        long batches;
        long txs;
        int lost;
        int duplicated;
        int settleRounds;
        final Map<String, Integer> crashPoints = new TreeMap<>();
        final Map<String, Integer> faults = new TreeMap<>();
        final Map<String, Integer> staleWritesRefused = new TreeMap<>();

        void fault(String kind) {
            faults.merge(kind, 1, Integer::sum);
        }
    }

    @Test
    void randomSchedulesOfSubmitsStepsCrashesFailoversAndFaults_loseNothingAndDuplicateNothing() {
        long seed = Seeds.seed(DEFAULT_SEED);
        System.out.println("CrashSweepTest: seed " + seed + " (override with -Dl2.test.seed=N)");
        SplittableRandom master = new SplittableRandom(seed);
        Figures figures = new Figures();
        long startNs = System.nanoTime();
        String only = System.getProperty("l2.sweep.schedule"); // replays one schedule seed, logging every step
        int schedules = only == null ? SCHEDULES : 1;
        for (int i = 0; i < schedules; i++) {
            long scheduleSeed = only == null ? master.nextLong() : Long.parseLong(only.trim());
            Schedule schedule = new Schedule(scheduleSeed, figures, only == null ? 40 : Integer.MAX_VALUE);
            try {
                schedule.run();
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("schedule " + i + " failed (master seed " + seed + ", schedule seed "
                        + scheduleSeed + "; replay it alone with -Dl2.sweep.schedule=" + scheduleSeed + "): "
                        + e.getMessage() + "\nlast operations:\n" + schedule.recent(), e);
            }
            figures.schedules++;
        }
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        System.out.println("CrashSweepTest: seed " + seed + ", " + figures.schedules + " schedules, "
                + figures.operations + " operations in " + elapsedMs + " ms");
        System.out.println("  crash points hit (engine dropped at that call, then restarted): " + figures.crashPoints
                + " total " + figures.crashPoints.values().stream().mapToInt(Integer::intValue).sum());
        System.out.println("  restarts " + figures.restarts + " (kills between steps " + figures.killsBetweenSteps
                + ", failovers to a higher term " + figures.failovers + ", old leaders left running as zombies "
                + figures.zombies + ", start attempts refused by storage faults " + figures.startFailures + ")");
        System.out.println("  faults injected: " + figures.faults);
        System.out.println("  stale-term writes refused by storage: " + figures.staleWritesRefused);
        System.out.println("  txs acknowledged " + figures.acknowledged + " (plus " + figures.duplicateAnswers
                + " duplicate answers), txs stored " + figures.txs + ", batches " + figures.batches
                + ", settle rounds " + figures.settleRounds);
        System.out.println("  lost = " + figures.lost + ", duplicated = " + figures.duplicated);

        assertThat(figures.lost).as("seed %d", seed).isZero();
        assertThat(figures.duplicated).as("seed %d", seed).isZero();
        if (only == null) {
            assertThat(figures.crashPoints.keySet()).as("every crash point was hit (seed %d)", seed)
                    .containsAll(CRASH_POINTS.stream().map(CrashPoint::label).toList());
        }
    }

    @Test
    void invariantChecks_detectPlantedViolations() {
        CrashWorld world = new CrashWorld();
        CrashWorld.Node node = world.start(1, "leader-1");
        Map<Hash, Long> acked = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            SubmitResult.Accepted accepted = (SubmitResult.Accepted) node.engine.submit(world.tx(i));
            acked.put(accepted.txHash(), accepted.seq());
        }
        world.settle(node, 100);
        assertThat(world.check(acked, Map.of()).violations()).isEmpty();

        Map<Hash, Long> withLost = new HashMap<>(acked);
        withLost.put(world.tx(99).hash(), 11L);
        assertThat(world.check(withLost, Map.of()).lost()).as("an acknowledged tx in no batch").isEqualTo(1);
        Map<Hash, Long> withWrongSeq = new HashMap<>(acked);
        withWrongSeq.put(world.tx(0).hash(), 5L);
        assertThat(world.check(withWrongSeq, Map.of()).violations()).as("an acknowledged tx at another seq")
                .isNotEmpty();
        byte[] key = world.storage.findBatchByNumber(1).orElseThrow().batch().idempotencyKey();
        assertThat(world.check(acked, Map.of(HEX.formatHex(key), 1)).violations()).as("applied once, not twice")
                .isNotEmpty();

        node.storage.updateL1State(1, 1, new BatchL1State(L1Status.POSTED, null, 0, 1, null,
                world.clock.currentTimeMs())); // a confirmed batch pushed back
        assertThat(world.audit.violations()).anySatisfy(v -> assertThat(v).contains("confirmed batch 1 changed"));
        assertThat(world.check(acked, Map.of()).violations())
                .anySatisfy(v -> assertThat(v).contains("not CONFIRMED"));

        CrashWorld.Node stale = world.node(1, "leader-1");
        world.start(2, "leader-2");
        stale.storage.fencedWhen(() -> true);
        stale.storage.heartbeat(1, world.clock.currentTimeMs());
        assertThat(world.audit.violations())
                .anySatisfy(v -> assertThat(v).contains("after it reported itself fenced"));
    }

    /** A place to die: a storage write or an L1 submit, before or after it reaches the shared store or chain. */
    private record CrashPoint(String label, Op op, L1Status status, When when) {}

    private static final List<CrashPoint> CRASH_POINTS = List.of(
            new CrashPoint("1-accept/before-durable", Op.APPEND_TXS, null, When.BEFORE),
            new CrashPoint("2-durable/before-ack", Op.APPEND_TXS, null, When.AFTER),
            new CrashPoint("3-during-batch-commit", Op.COMMIT_BATCH, null, When.BEFORE),
            new CrashPoint("4-batch-commit/before-post", Op.COMMIT_BATCH, null, When.AFTER),
            new CrashPoint("5a-before-post-sent", null, null, When.BEFORE),
            new CrashPoint("5b-post-sent/before-response", null, null, When.AFTER),
            new CrashPoint("6-L1-accepted/before-state-saved", Op.UPDATE_L1_STATE, L1Status.POSTED, When.BEFORE),
            new CrashPoint("6b-state-saved/before-next", Op.UPDATE_L1_STATE, L1Status.POSTED, When.AFTER),
            new CrashPoint("7-during-reconcile/before-update", Op.UPDATE_L1_STATE, L1Status.CONFIRMED, When.BEFORE),
            new CrashPoint("7b-during-reconcile/after-update", Op.UPDATE_L1_STATE, L1Status.CONFIRMED, When.AFTER),
            new CrashPoint("7c-reconcile-include-or-requeue", Op.UPDATE_L1_STATE, L1Status.INCLUDED, When.BEFORE),
            new CrashPoint("8-term-change/before-claim", Op.CLAIM_TERM, null, When.BEFORE),
            new CrashPoint("8b-term-change/after-claim", Op.CLAIM_TERM, null, When.AFTER),
            new CrashPoint("9-heartbeat", Op.HEARTBEAT, null, When.AFTER));

    /** One random schedule on a fresh world. */
    private static final class Schedule {
        private final SplittableRandom random;
        private final Figures figures;
        private final CrashWorld world;
        private final Map<Hash, Long> acked = new HashMap<>();
        private final Map<String, Integer> losses = new HashMap<>();
        private final List<Tx> submitted = new ArrayList<>();
        private final List<Tx> unanswered = new ArrayList<>();
        private final List<CrashWorld.Node> zombies = new ArrayList<>();
        private final ArrayDeque<String> recent = new ArrayDeque<>();
        private CrashWorld.Node leader;
        private long term = 1;
        private CrashPoint claimCrash;
        private final int logSize;

        Schedule(long seed, Figures figures, int logSize) {
            this.logSize = logSize;
            this.random = new SplittableRandom(seed);
            this.figures = figures;
            int maxTxs = 1 + random.nextInt(10);
            long maxBytes = random.nextInt(4) == 0 ? 600 + random.nextInt(600) : 1 << 16;
            long maxWaitMs = new long[] {0, 50, 200, 1000}[random.nextInt(4)];
            int finalityDepth = random.nextInt(4);
            int confirmations = finalityDepth + random.nextInt(2); // never confirm what L1 can still lose
            int postsInFlight = 1 + random.nextInt(4);
            int dedupCache = random.nextInt(4) == 0 ? 0 : 100_000;
            long reconcileMs = 200 + random.nextInt(1000);
            long heartbeatMs = 300 + random.nextInt(1500);
            this.world = new CrashWorld(new BatchLimits(maxTxs, maxBytes, maxWaitMs), random.nextLong(),
                    finalityDepth, b -> b.finalityConfirmations(confirmations).maxPostsInFlight(postsInFlight)
                            .dedupCacheSize(dedupCache).reconcileIntervalMs(reconcileMs)
                            .heartbeatIntervalMs(heartbeatMs));
        }

        String recent() {
            return String.join("\n", recent);
        }

        private void log(String op) {
            if (recent.size() == logSize) {
                recent.removeFirst();
            }
            recent.addLast(op);
        }

        void run() {
            restart(false);
            int ops = MIN_OPS + random.nextInt(MAX_OPS - MIN_OPS + 1);
            for (int i = 0; i < ops; i++) {
                figures.operations++;
                try {
                    operation(random.nextInt(100));
                } catch (SimulatedCrash crash) {
                    log("  crashed: " + crash.getMessage());
                    restart(random.nextInt(5) == 0);
                }
                assertThat(leader.engine.state()).as("the newest leader is never fenced: %s",
                        leader.engine.stateReason()).isEqualTo(SequencerState.LEADER);
                assertThat(world.audit.violations()).as("audit after operation %d", i).isEmpty();
            }
            finish();
        }

        private void operation(int dice) {
            if (dice < 22) {
                Tx tx = newTx();
                log("submit " + tx.hash());
                answer(tx, leader.engine.submit(tx), false);
            } else if (dice < 32) {
                submitGroup();
            } else if (dice < 38) {
                resubmit();
            } else if (dice < 63) {
                long ms = random.nextInt(4) == 0 ? random.nextInt(2000) : random.nextInt(300);
                log("step +" + ms + "ms");
                world.step(leader, ms);
            } else if (dice < 71) {
                int blocks = 1 + random.nextInt(3);
                log("mine " + blocks);
                world.l1.mineBlocks(blocks);
            } else if (dice < 75) {
                boolean failover = random.nextInt(4) == 0;
                log((failover ? "fail over from " : "kill and restart ") + leader.name);
                figures.killsBetweenSteps++;
                restart(failover); // a failover may leave the old leader running, as a zombie
            } else if (dice < 81) {
                armCrash();
            } else if (dice < 88) {
                storageFault();
            } else if (dice < 95) {
                l1Fault();
            } else if (dice < 97) {
                lose();
            } else if (dice < 99) {
                zombie();
            } else {
                log("resume posting");
                leader.engine.resumePosting();
            }
        }

        private Tx newTx() {
            Tx tx = random.nextInt(3) == 0
                    ? RandomTxs.txForChain(random, CrashWorld.CHAIN_ID, 64)
                    : world.tx(1_000_000 + submitted.size());
            submitted.add(tx);
            return tx;
        }

        private Tx anySubmitted() {
            return submitted.get(random.nextInt(submitted.size()));
        }

        private void submitGroup() {
            int size = 1 + random.nextInt(8);
            List<Tx> group = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                int kind = random.nextInt(10);
                if (kind == 0 && !group.isEmpty()) {
                    group.add(group.get(random.nextInt(group.size()))); // duplicate inside the group
                } else if (kind == 1 && !submitted.isEmpty()) {
                    group.add(anySubmitted()); // duplicate of an earlier tx
                } else {
                    group.add(newTx());
                }
            }
            log("submitAll " + group.size());
            List<SubmitResult> results;
            try {
                results = leader.engine.submitAll(group);
            } catch (SimulatedCrash crash) {
                unanswered.addAll(group);
                throw crash;
            }
            assertThat(results).hasSize(group.size());
            for (int i = 0; i < group.size(); i++) {
                answer(group.get(i), results.get(i), false);
            }
        }

        private void resubmit() {
            if (submitted.isEmpty()) {
                return;
            }
            Tx tx = !unanswered.isEmpty() && random.nextBoolean()
                    ? unanswered.remove(random.nextInt(unanswered.size()))
                    : anySubmitted();
            log("resubmit " + tx.hash());
            try {
                answer(tx, leader.engine.submit(tx), false);
            } catch (SimulatedCrash crash) {
                unanswered.add(tx);
                throw crash;
            }
        }

        /** Records an answer; a crash during a submit leaves the tx unanswered (the caller catches it). */
        private void answer(Tx tx, SubmitResult result, boolean fromZombie) {
            if (result instanceof SubmitResult.Accepted accepted) {
                assertThat(accepted.txHash()).isEqualTo(tx.hash());
                Long known = acked.putIfAbsent(accepted.txHash(), accepted.seq());
                if (known != null) {
                    assertThat(accepted.seq()).as("tx %s acknowledged twice with different seqs", tx.hash())
                            .isEqualTo(known);
                    assertThat(accepted.duplicate()).as("tx %s acknowledged as new twice", tx.hash()).isTrue();
                }
                if (known == null) {
                    figures.acknowledged++;
                }
                if (accepted.duplicate()) {
                    figures.duplicateAnswers++;
                }
                if (fromZombie) {
                    assertThat(accepted.duplicate()).as("a fenced leader admitted a new tx").isTrue();
                }
                unanswered.remove(tx);
                return;
            }
            RefusalCode code = ((SubmitResult.Refused) result).refusal().code();
            assertThat(code).as("refusal of %s", tx.hash()).isIn(RefusalCode.UNAVAILABLE, RefusalCode.NOT_LEADER);
            if (!fromZombie) {
                assertThat(code).isEqualTo(RefusalCode.UNAVAILABLE);
            }
            unanswered.add(tx);
        }

        private void armCrash() {
            CrashPoint point = CRASH_POINTS.get(random.nextInt(CRASH_POINTS.size()));
            log("arm crash " + point.label());
            if (point.op() == Op.CLAIM_TERM) {
                claimCrash = point;
            } else if (point.op() == null) {
                leader.l1.crashAtSubmit(point.when(), point.label());
            } else {
                leader.storage.crashAt(point.when(), point.label(), call -> call.op() == point.op()
                        && (point.status() == null || call.status() == point.status()
                                || (point.status() == L1Status.INCLUDED && call.status() == L1Status.COMMITTED)));
            }
        }

        private void storageFault() {
            WriteFault fault = WriteFault.values()[random.nextInt(WriteFault.values().length)];
            int count = 1 + random.nextInt(2);
            log("storage fault " + fault + " x" + count);
            world.storage.injectWriteFaults(fault, count);
            figures.fault("storage " + fault);
        }

        private void l1Fault() {
            int kind = random.nextInt(20);
            int count = 1 + random.nextInt(3);
            if (kind < 5) {
                Call call = Call.values()[random.nextInt(Call.values().length)];
                log("L1 transient x" + count + " " + call);
                world.l1.failNextCalls(call, count, Failure.TRANSIENT);
                figures.fault("L1 transient");
            } else if (kind < 9) {
                Call call = random.nextBoolean() ? Call.SUBMIT : Call.GET_INCLUSION;
                log("L1 unknown result x" + count + " " + call);
                world.l1.failNextCalls(call, count, Failure.UNKNOWN_RESULT);
                figures.fault("L1 unknown result (not applied)");
            } else if (kind < 13) {
                log("L1 time out after applying x" + count);
                world.l1.timeOutNextSubmitsAfterApplying(count);
                figures.fault("L1 timeout after applying");
            } else if (kind < 17) {
                long retryAfterMs = random.nextInt(1500);
                log("L1 throttle x" + count + " retry after " + retryAfterMs);
                world.l1.throttleNextCalls(Call.SUBMIT, count, retryAfterMs);
                figures.fault("L1 throttle");
            } else if (kind < 19) {
                log("L1 rejects the next submit");
                world.l1.rejectNextSubmits(1, "E_TEST", "refused by the sweep");
                figures.fault("L1 permanent refusal");
            } else {
                Call call = random.nextBoolean() ? Call.SUBMIT : Call.GET_INCLUSION;
                log("L1 permanent failure " + call);
                world.l1.failNextCalls(call, 1, Failure.PERMANENT);
                figures.fault("L1 permanent failure");
            }
        }

        /** L1 forgets a posted batch that is not final yet (dropped from the mempool, or a reorganisation). */
        private void lose() {
            List<StoredBatch> candidates = world.storage.listBatchesInStatus(
                    EnumSet.of(L1Status.COMMITTED, L1Status.POSTED, L1Status.INCLUDED), 64);
            if (candidates.isEmpty()) {
                return;
            }
            StoredBatch batch = candidates.get(random.nextInt(candidates.size()));
            byte[] key = batch.batch().idempotencyKey();
            try {
                if (world.l1.lose(key)) {
                    log("L1 loses batch " + batch.batchNumber());
                    losses.merge(HEX.formatHex(key), 1, Integer::sum);
                    figures.fault("L1 lose");
                }
            } catch (IllegalStateException finalAlready) {
                log("L1 cannot lose final batch " + batch.batchNumber());
            }
        }

        /** The old leader left running after a failover: it may answer only known duplicates, and writes nothing. */
        private void zombie() {
            if (zombies.isEmpty()) {
                return;
            }
            CrashWorld.Node zombie = zombies.get(random.nextInt(zombies.size()));
            Tx tx = random.nextBoolean() || submitted.isEmpty() ? newTx() : anySubmitted();
            log("zombie " + zombie.name + " submit and step");
            answer(tx, zombie.engine.submit(tx), true);
            zombie.step(world.clock);
            assertThat(zombie.engine.state()).isIn(SequencerState.LEADER, SequencerState.FENCED);
        }

        /** Starts a new engine object (same identity, or a higher term under a new id), retrying failed starts. */
        private void restart(boolean failover) {
            CrashWorld.Node old = leader;
            if (old != null && failover && !old.dead() && random.nextBoolean()) {
                log("  " + old.name + " keeps running as a zombie");
                old.storage.disarm();
                old.l1.disarm();
                zombies.add(old);
                figures.zombies++;
                if (zombies.size() > 2) {
                    zombies.remove(0).kill();
                }
            } else if (old != null) {
                old.kill();
            }
            if (old != null) {
                figures.restarts++;
            }
            if (failover && old != null) {
                term++;
                figures.failovers++;
            }
            String leaderId = "leader-" + term;
            for (int attempt = 1; attempt <= 8; attempt++) {
                CrashWorld.Node node = world.node(term, leaderId);
                CrashPoint point = claimCrash;
                if (point != null) {
                    claimCrash = null;
                    node.storage.crashAt(point.when(), point.label(), call -> call.op() == Op.CLAIM_TERM);
                }
                log("start " + node.name);
                try {
                    node.engine.start();
                    leader = node;
                    return;
                } catch (SimulatedCrash crash) {
                    log("  crashed while starting: " + crash.getMessage());
                    figures.restarts++;
                } catch (SequencerStartException refused) {
                    log("  start refused: " + refused.getMessage());
                    assertThat(refused.getMessage()).as("only storage faults may refuse the newest term")
                            .contains("storage failed");
                    figures.startFailures++;
                }
            }
            throw new AssertionError("could not start term " + term);
        }

        private void finish() {
            world.storage.injectWriteFaults(WriteFault.FAIL, 0);
            world.l1.clearFaults();
            claimCrash = null;
            leader.storage.disarm();
            leader.l1.disarm();
            log("faults stopped");
            for (Tx tx : new ArrayList<>(unanswered)) {
                answer(tx, leader.engine.submit(tx), false); // every unanswered tx is accepted once now
            }
            assertThat(unanswered).as("accepted on resubmission without faults").isEmpty();
            for (CrashWorld.Node zombie : zombies) {
                world.l1.mineBlock();
                zombie.step(world.clock);
                world.step(zombie, 1500);
                assertThat(zombie.engine.state()).as("%s after a failover", zombie.name)
                        .isEqualTo(SequencerState.FENCED);
            }
            figures.settleRounds += world.settle(leader, 3000);
            CrashWorld.Check check = world.check(acked, losses);
            assertThat(check.violations()).as("invariants").isEmpty();
            world.step(leader, leader.engine.config().heartbeatIntervalMs()); // a failed beat clears at the next
            assertThat(leader.engine.readiness().ready()).as("ready after settling: %s", leader.engine.readiness())
                    .isTrue();
            for (CrashWorld.Node zombie : zombies) {
                assertThat(zombie.l1.submitsAfterFence()).isZero();
                assertThat(zombie.storage.writeAttemptsAfterFence()).isZero();
            }
            figures.batches += check.batches();
            figures.txs += check.txs();
            figures.lost += check.lost();
            figures.duplicated += check.duplicated();
            world.audit.crashes.forEach((k, v) -> figures.crashPoints.merge(k, v, Integer::sum));
            world.audit.refusedAsFenced.forEach((k, v) -> figures.staleWritesRefused.merge(k.name(), v,
                    Integer::sum));
        }
    }
}
