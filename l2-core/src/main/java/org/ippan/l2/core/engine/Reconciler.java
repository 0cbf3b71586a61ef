package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.WriteOutcome;

/**
 * The reconciler loop: every {@code reconcileIntervalMs} (or sooner when the poster has news) it asks L1 for its
 * height and for the inclusion of every posted batch, then moves batches from posted to included to confirmed
 * ({@code finalityConfirmations} blocks deep, or L1's finalized flag), strictly in batch order: a batch is confirmed
 * only after every batch before it. A batch L1 no longer knows (it was included and is gone, or it was posted and is
 * still unknown after {@code repostAfterMs}) goes back to committed, and the poster posts it again with the same key.
 */
final class Reconciler implements DutyLoop {
    static final String NAME = "reconciler";
    private static final int WINDOW = 256;
    static final EnumSet<L1Status> UNCONFIRMED =
            EnumSet.of(L1Status.COMMITTED, L1Status.POSTED, L1Status.INCLUDED, L1Status.FAILED);

    /** One round of questions to L1. */
    private record Round(CompletableFuture<L1ChainStatus> status, List<StoredBatch> batches,
            List<CompletableFuture<Optional<L1Inclusion>>> inclusions) {
        boolean isDone() {
            if (!status.isDone()) {
                return false;
            }
            for (CompletableFuture<?> f : inclusions) {
                if (!f.isDone()) {
                    return false;
                }
            }
            return true;
        }
    }

    private final LoopContext ctx;
    private final L1Poster l1;
    private final long intervalNs;
    private final long finalityConfirmations;
    private final long repostAfterMs;
    private long nextRoundNs = Long.MIN_VALUE;
    private Round round;
    /** The term this loop writes with, set at the first step of each term it leads in. */
    private long ledTerm = -1;
    private volatile long l1Height;
    private volatile long l1FinalizedHeight;

    Reconciler(LoopContext ctx, L1Poster l1, SequencerConfig config) {
        this.ctx = ctx;
        this.l1 = l1;
        this.intervalNs = config.reconcileIntervalMs() * 1_000_000L;
        this.finalityConfirmations = config.finalityConfirmations();
        this.repostAfterMs = config.repostAfterMs();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Asks for a round at the next step, as the poster's news does (tests step this loop alone). */
    void requestRound() {
        ctx.signals().requestReconcileRound();
    }

    long l1Height() {
        return l1Height;
    }

    long l1FinalizedHeight() {
        return l1FinalizedHeight;
    }

    @Override
    public synchronized int doWork(long nowNs) {
        if (!ctx.leadership().isLeader()) {
            return 0;
        }
        long term = ctx.leadership().term();
        if (term != ledTerm) { // leading in a new term (lease mode): answers asked for in an earlier term are dropped
            ledTerm = term;
            round = null;
            nextRoundNs = Long.MIN_VALUE;
        }
        try {
            if (round != null) {
                if (!round.isDone()) {
                    return 0;
                }
                Round finished = round;
                round = null;
                int work = apply(finished);
                ctx.errors().ok(NAME);
                return work;
            }
            boolean requested = ctx.signals().takeReconcileRound();
            if (requested || nextRoundNs == Long.MIN_VALUE || nowNs - nextRoundNs >= 0) {
                nextRoundNs = nowNs + intervalNs;
                return startRound(nowNs);
            }
            return 0;
        } catch (RuntimeException e) {
            ctx.errors().failed(NAME, e);
            return 0;
        }
    }

    private int startRound(long nowNs) {
        List<StoredBatch> posted = new ArrayList<>();
        List<StoredBatch> unconfirmed = ctx.storage().listBatchesInStatus(UNCONFIRMED, WINDOW);
        for (StoredBatch batch : unconfirmed) {
            if (batch.status() == L1Status.POSTED || batch.status() == L1Status.INCLUDED) {
                posted.add(batch);
            }
        }
        List<CompletableFuture<Optional<L1Inclusion>>> inclusions = new ArrayList<>(posted.size());
        for (StoredBatch batch : posted) {
            inclusions.add(call(() -> l1.getInclusion(batch.batch().idempotencyKey())));
        }
        round = new Round(call(l1::chainStatus), posted, inclusions);
        CompletableFuture.allOf(round.inclusions().toArray(new CompletableFuture<?>[0]))
                .thenCombine(round.status(), (a, b) -> b)
                .whenComplete((r, e) -> ctx.signals().answerArrived(this));
        return 1;
    }

    private static <T> CompletableFuture<T> call(java.util.function.Supplier<CompletableFuture<T>> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Applies a finished round, in batch order. */
    private int apply(Round finished) {
        L1ChainStatus status;
        try {
            status = finished.status().join();
        } catch (RuntimeException e) {
            ctx.health().l1Failed(NAME, "chain status: " + rootMessage(e));
            return 0; // without the height nothing can be confirmed; the next round asks again
        }
        l1Height = status.height();
        l1FinalizedHeight = status.finalizedHeight().orElse(0);
        long nowMs = ctx.wallClock().currentTimeMs();
        int work = 0;
        boolean inOrder = firstUnconfirmedIsPosted(finished);
        boolean inclusionFailed = false;
        long previousNumber = -1;
        for (int i = 0; i < finished.batches().size() && ctx.leadership().isLeader(); i++) {
            StoredBatch batch = finished.batches().get(i);
            if (previousNumber != -1 && batch.batchNumber() != previousNumber + 1) {
                inOrder = false; // a batch in between is not posted: nothing after it is confirmed before it
            }
            previousNumber = batch.batchNumber();
            Optional<L1Inclusion> inclusion;
            try {
                inclusion = finished.inclusions().get(i).join();
            } catch (RuntimeException e) {
                ctx.health().l1Failed(NAME, "inclusion of batch " + batch.batchNumber() + ": " + rootMessage(e));
                inclusionFailed = true;
                inOrder = false;
                continue;
            }
            if (inclusion.isEmpty()) {
                inOrder = false;
                if (batch.status() == L1Status.INCLUDED
                        || nowMs - batch.l1State().updatedMs() >= repostAfterMs) {
                    work += requeue(batch, nowMs);
                }
                continue;
            }
            L1Inclusion included = inclusion.get();
            boolean deepEnough = included.finalized()
                    || status.height() - included.height() >= finalityConfirmations;
            if (deepEnough && inOrder) {
                work += save(batch, L1Status.CONFIRMED, included, nowMs);
                ctx.metrics().recordBatchConfirmed();
            } else {
                inOrder = false;
                if (batch.status() != L1Status.INCLUDED || batch.l1State().inclusionHeight() != included.height()) {
                    work += save(batch, L1Status.INCLUDED, included, nowMs);
                }
            }
        }
        if (!inclusionFailed) {
            ctx.health().l1Ok(NAME); // only a round L1 answered in full ends a streak of failures
        }
        if (finished.batches().size() == WINDOW) {
            ctx.signals().requestReconcileRound(); // more posted batches than one round covers
        }
        return work;
    }

    /** Confirming in order needs the lowest unconfirmed batch to be one this round asked about. */
    private boolean firstUnconfirmedIsPosted(Round finished) {
        List<StoredBatch> lowest = ctx.storage().listBatchesInStatus(UNCONFIRMED, 1);
        return !lowest.isEmpty() && !finished.batches().isEmpty()
                && lowest.get(0).batchNumber() == finished.batches().get(0).batchNumber();
    }

    private int save(StoredBatch batch, L1Status status, L1Inclusion inclusion, long nowMs) {
        BatchL1State next = new BatchL1State(status, inclusion.l1TxId(), inclusion.height(),
                batch.l1State().postAttempts(), null, nowMs);
        return write(batch, next) ? 1 : 0;
    }

    private int requeue(StoredBatch batch, long nowMs) {
        BatchL1State again = new BatchL1State(L1Status.COMMITTED, null, 0, batch.l1State().postAttempts(),
                "L1 does not know the batch (was " + batch.status() + "); posting it again with the same key",
                nowMs);
        if (!write(batch, again)) {
            return 0;
        }
        ctx.metrics().recordBatchReposted();
        ctx.signals().batchesRequeued();
        return 1;
    }

    private boolean write(StoredBatch batch, BatchL1State state) {
        WriteOutcome outcome = ctx.storage().updateL1State(ledTerm, batch.batchNumber(), state);
        if (outcome instanceof Fenced fenced) {
            ctx.leadership().fenced(fenced.storedTerm(), "reconciler");
            return false;
        }
        return true;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    @Override
    public synchronized long nextDeadlineNs(long nowNs) {
        if (!ctx.leadership().isLeader()) {
            return nowNs + LoopContext.NOT_LEADING_IDLE_NS;
        }
        if (round != null) {
            // L1's answers complete the round and wake the loop (signalWork); until then there is nothing to do. A
            // deadline of "now" here made a runner step this loop in a busy loop for as long as a round was out
            // (measured: ~100,000 empty steps a second, most of a core, under load).
            return round.isDone() ? nowNs : nowNs + intervalNs;
        }
        if (ctx.signals().reconcileRoundRequested() || nextRoundNs == Long.MIN_VALUE) {
            return nowNs;
        }
        return nextRoundNs;
    }
}
