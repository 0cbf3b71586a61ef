package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.storage.BatchL1State;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.L1Status;
import org.ippan.l2.storage.StorageException;
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
    private static final EnumSet<L1Status> UNCONFIRMED =
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

    private final Sequencer engine;
    private final long intervalNs;
    private final AtomicBoolean roundRequested = new AtomicBoolean();
    private long nextRoundNs = Long.MIN_VALUE;
    private Round round;
    private volatile long l1Height;
    private volatile long l1FinalizedHeight;

    Reconciler(Sequencer engine) {
        this.engine = engine;
        this.intervalNs = engine.config.reconcileIntervalMs() * 1_000_000L;
    }

    @Override
    public String name() {
        return NAME;
    }

    void requestRound() {
        roundRequested.set(true);
    }

    long l1Height() {
        return l1Height;
    }

    long l1FinalizedHeight() {
        return l1FinalizedHeight;
    }

    @Override
    public synchronized int doWork(long nowNs) {
        if (!engine.isLeader()) {
            return 0;
        }
        try {
            if (round != null) {
                if (!round.isDone()) {
                    return 0;
                }
                Round finished = round;
                round = null;
                int work = apply(finished);
                engine.health.loopOk(NAME);
                return work;
            }
            boolean requested = roundRequested.getAndSet(false);
            if (requested || nextRoundNs == Long.MIN_VALUE || nowNs - nextRoundNs >= 0) {
                nextRoundNs = nowNs + intervalNs;
                return startRound();
            }
            return 0;
        } catch (StorageException e) {
            engine.health.storageFailed(e);
            engine.loopFailed(NAME, e);
            return 0;
        } catch (RuntimeException e) {
            engine.loopFailed(NAME, e);
            return 0;
        }
    }

    private int startRound() {
        List<StoredBatch> posted = new ArrayList<>();
        for (StoredBatch batch : engine.storage.listBatchesInStatus(UNCONFIRMED, WINDOW)) {
            if (batch.status() == L1Status.POSTED || batch.status() == L1Status.INCLUDED) {
                posted.add(batch);
            }
        }
        engine.health.storageOk();
        List<CompletableFuture<Optional<L1Inclusion>>> inclusions = new ArrayList<>(posted.size());
        for (StoredBatch batch : posted) {
            inclusions.add(call(() -> engine.l1.getInclusion(batch.batch().idempotencyKey())));
        }
        round = new Round(call(engine.l1::chainStatus), posted, inclusions);
        CompletableFuture.allOf(round.inclusions().toArray(new CompletableFuture<?>[0]))
                .thenCombine(round.status(), (a, b) -> b)
                .whenComplete((r, e) -> engine.signalWork(this));
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
            engine.health.l1Failed(NAME, "chain status: " + rootMessage(e));
            return 0; // without the height nothing can be confirmed; the next round asks again
        }
        l1Height = status.height();
        l1FinalizedHeight = status.finalizedHeight().orElse(0);
        long nowMs = engine.wallClock.currentTimeMs();
        int work = 0;
        boolean inOrder = firstUnconfirmedIsPosted(finished);
        boolean inclusionFailed = false;
        long previousNumber = -1;
        for (int i = 0; i < finished.batches().size() && engine.isLeader(); i++) {
            StoredBatch batch = finished.batches().get(i);
            if (previousNumber != -1 && batch.batchNumber() != previousNumber + 1) {
                inOrder = false; // a batch in between is not posted: nothing after it is confirmed before it
            }
            previousNumber = batch.batchNumber();
            Optional<L1Inclusion> inclusion;
            try {
                inclusion = finished.inclusions().get(i).join();
            } catch (RuntimeException e) {
                engine.health.l1Failed(NAME, "inclusion of batch " + batch.batchNumber() + ": " + rootMessage(e));
                inclusionFailed = true;
                inOrder = false;
                continue;
            }
            if (inclusion.isEmpty()) {
                inOrder = false;
                if (batch.status() == L1Status.INCLUDED
                        || nowMs - batch.l1State().updatedMs() >= engine.config.repostAfterMs()) {
                    work += requeue(batch, nowMs);
                }
                continue;
            }
            L1Inclusion included = inclusion.get();
            boolean deepEnough = included.finalized()
                    || status.height() - included.height() >= engine.config.finalityConfirmations();
            if (deepEnough && inOrder) {
                work += save(batch, L1Status.CONFIRMED, included, nowMs);
                engine.metrics.recordBatchConfirmed();
            } else {
                inOrder = false;
                if (batch.status() != L1Status.INCLUDED || batch.l1State().inclusionHeight() != included.height()) {
                    work += save(batch, L1Status.INCLUDED, included, nowMs);
                }
            }
        }
        if (!inclusionFailed) {
            engine.health.l1Ok(NAME); // only a round L1 answered in full ends a streak of failures
        }
        if (finished.batches().size() == WINDOW) {
            roundRequested.set(true); // more posted batches than one round covers
        }
        return work;
    }

    /** Confirming in order needs the lowest unconfirmed batch to be one this round asked about. */
    private boolean firstUnconfirmedIsPosted(Round finished) {
        List<StoredBatch> lowest = engine.storage.listBatchesInStatus(UNCONFIRMED, 1);
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
        engine.metrics.recordBatchReposted();
        engine.poster.requestRefresh();
        engine.signalWork(engine.poster);
        return 1;
    }

    private boolean write(StoredBatch batch, BatchL1State state) {
        WriteOutcome outcome = engine.storage.updateL1State(engine.term(), batch.batchNumber(), state);
        engine.health.storageOk();
        if (outcome instanceof Fenced fenced) {
            engine.fence(fenced.storedTerm(), "reconciler");
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
        if (!engine.isLeader()) {
            return nowNs + Sequencer.NOT_LEADING_IDLE_NS;
        }
        if (round != null) {
            // L1's answers complete the round and wake the loop (signalWork); until then there is nothing to do. A
            // deadline of "now" here made a runner step this loop in a busy loop for as long as a round was out
            // (measured: ~100,000 empty steps a second, most of a core, under load).
            return round.isDone() ? nowNs : nowNs + intervalNs;
        }
        if (roundRequested.get() || nextRoundNs == Long.MIN_VALUE) {
            return nowNs;
        }
        return nextRoundNs;
    }
}
