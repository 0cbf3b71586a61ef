package org.ippan.l2.core.engine;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * How the engine's parts tell each other that something happened, without naming each other: the one object through
 * which a tx admitted wakes the batcher, a batch committed makes the poster look at storage again, a batch accepted
 * by L1 lets a held-back batcher go on and asks the reconciler for a round, and a batch L1 lost goes back to the
 * poster. Each event sets the flag of the loop that must act on it (the loop takes it at its next step) and tells the
 * host's work listener which loop has work, so a runner steps it at once instead of at its next deadline.
 *
 * <p>The loops are bound once, when the engine is built; a loop knows only the events it raises and the flags it
 * takes. Thread-safe: events come from admitting threads, loop threads and L1 clients' threads.
 */
final class Signals {
    private final ErrorHandler errorHandler;
    private volatile Consumer<DutyLoop> workListener = loop -> {};
    private DutyLoop batcher;
    private DutyLoop poster;
    private DutyLoop reconciler;
    private DutyLoop[] all = new DutyLoop[0];

    /** Storage holds committed batches the poster has not loaded yet (or batches L1 lost). */
    private final AtomicBoolean postingRefresh = new AtomicBoolean(true);
    /** Batches were posted or saved: the reconciler should ask L1 about them now. */
    private final AtomicBoolean reconcileRound = new AtomicBoolean();
    /** Every batch numbered up to this is accepted by L1, as the poster last knew; -1 before it read storage. */
    private volatile long postedThrough = -1;
    /** Txs with a seq below this were forgotten by retention: a cached duplicate below it is new again. */
    private volatile long forgottenBelowSeq = 1;

    Signals(ErrorHandler errorHandler) {
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
    }

    /** Binds the loops the events wake; called once by the engine that builds them. */
    void bind(DutyLoop batcher, DutyLoop poster, DutyLoop reconciler, DutyLoop... others) {
        this.batcher = batcher;
        this.poster = poster;
        this.reconciler = reconciler;
        DutyLoop[] loops = new DutyLoop[3 + others.length];
        loops[0] = batcher;
        loops[1] = poster;
        loops[2] = reconciler;
        System.arraycopy(others, 0, loops, 3, others.length);
        this.all = loops;
    }

    /** Sets the host's listener, told which loop has work (see {@code Sequencer.onWorkAvailable}). */
    void onWorkAvailable(Consumer<DutyLoop> listener) {
        this.workListener = Objects.requireNonNull(listener, "listener");
    }

    // ---- events -----------------------------------------------------------------------------------------------

    /** New txs are pending: the batcher may cut. */
    void txsAdmitted() {
        wake(batcher);
    }

    /** A batch cut ahead was sealed on a host's thread: the batcher may commit it. */
    void batchSealed() {
        wake(batcher);
    }

    /** The host asked for a cut now ({@code Sequencer.flush}): the batcher takes the request at its next step. */
    void cutRequested() {
        wake(batcher);
    }

    /** An operator changed the run-time limits: the batcher recomputes its deadline with them at its next step. */
    void limitsChanged() {
        wake(batcher);
    }

    /** The host asked to resume a halted poster ({@code Sequencer.resumePosting}). */
    void postingResumed() {
        wake(poster);
    }

    /** Batches were committed, or the pending view was rebuilt from storage: the poster reloads what to post. */
    void batchesCommitted() {
        postingRefresh.set(true);
        wake(poster);
    }

    /** L1 lost batches that are committed again: the poster posts them again, with the same key. */
    void batchesRequeued() {
        batchesCommitted();
    }

    /** A posted batch's state was saved: the reconciler asks L1 about it at its next step. */
    void batchPosted() {
        reconcileRound.set(true);
    }

    /**
     * The poster's view of what L1 accepted moved: {@code through} is the batch number up to which every batch is
     * accepted. When it moved forward, a batcher holding back at {@code maxUnpostedBatches} may go on and the
     * reconciler has batches to ask about.
     */
    void postedThrough(long through) {
        long previous = postedThrough;
        postedThrough = through;
        if (through > previous && previous >= 0) {
            wake(batcher);
            wake(reconciler);
        }
    }

    /**
     * Retention forgot every tx below {@code seq} ({@code L2_FORGET_CONFIRMED}): admission's duplicate cache must
     * not answer for them any more. Only ever raised.
     */
    void forgottenBelow(long seq) {
        if (seq > forgottenBelowSeq) {
            forgottenBelowSeq = seq;
        }
    }

    /** @return the lowest seq not forgotten, as retention last said (1 until it forgets anything) */
    long forgottenBelowSeq() {
        return forgottenBelowSeq;
    }

    /** An answer the loop asked for arrived (from an L1 client's thread). */
    void answerArrived(DutyLoop loop) {
        wake(loop);
    }

    /** The engine started leading (again, in lease mode): the poster reads storage afresh, every loop has work. */
    void leadershipGained() {
        postedThrough = -1;
        postingRefresh.set(true);
        for (DutyLoop loop : all) {
            wake(loop);
        }
    }

    // ---- what the loops take ----------------------------------------------------------------------------------

    /** @return true, once, if the poster should reload what to post from storage */
    boolean takePostingRefresh() {
        return postingRefresh.getAndSet(false);
    }

    /** Asks the poster to reload at its next step (without waking it: it is the one asking). */
    void requestPostingRefresh() {
        postingRefresh.set(true);
    }

    /** Asks the reconciler for a round at its next step (it covered fewer batches than are posted). */
    void requestReconcileRound() {
        reconcileRound.set(true);
    }

    /** @return true, once, if the reconciler should start a round now */
    boolean takeReconcileRound() {
        return reconcileRound.getAndSet(false);
    }

    /** @return true if a reconcile round is requested and not taken yet */
    boolean reconcileRoundRequested() {
        return reconcileRound.get();
    }

    /** @return the batch number up to which every batch is accepted by L1; -1 until the poster read storage */
    long postedThrough() {
        return postedThrough;
    }

    private void wake(DutyLoop loop) {
        if (loop == null) {
            return;
        }
        try {
            workListener.accept(loop);
        } catch (RuntimeException e) {
            errorHandler.onError("work-listener", e);
        }
    }
}
