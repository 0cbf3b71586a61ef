package org.ippan.l2.core.engine;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.ippan.l2.core.batch.PlannedBatch;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.contract.StagedBatchRequest;
import org.ippan.l2.core.envelope.EnvelopeBuffer;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.storage.NewBatch;

/**
 * The batcher's second stage, when the host gives it an executor: the batches it has cut and not committed yet, each
 * <i>sealed</i> (its signed message built, {@code envelope_hash}, the signature, the L1 request body and key) in two
 * halves (see {@link Job}) by whichever threads get to them first — the host's threads or the batcher's own, which
 * helps when it has nothing to cut or commit — while the batcher cuts the next batch and commits the sealed ones.
 *
 * <p>Why the bytes and the order do not change: sealing is a pure function of what the cut fixed (the batch, the
 * previous batch's hash, the term) and of the signer's key, the same code as the one-thread path
 * ({@link EnvelopeBuffer#build}, {@link L2BatchEnvelopeV1#requestForBatch}); a batch is cut ahead with the
 * previous cut's {@code batch_hash} as its {@code prev_batch_hash}, which is what the chain holds once both are
 * committed; and only the batcher commits, in batch order (the oldest first: {@link #head}), each with its
 * term-checked storage write. Nothing here writes storage. When a commit is refused (fenced, conflict), the term
 * changes, leadership is lost or a step fails, every batch in flight is dropped ({@link #discardAll}) and its txs
 * stay pending, to be cut again.
 *
 * <p>Thread-safety: the queue is the batcher's own (one thread at a time); a {@link Job}'s result is handed over by
 * its state, an atomic integer: fields written before {@code NEW} is set are seen by whoever claims it
 * ({@code NEW → RUNNING}), and its result by whoever reads {@code DONE}. A job is reused (with its envelope buffer)
 * only once it is done or was never started; one dropped while it runs is left to its thread and to the garbage
 * collector. A stale executor task of a reused job is harmless: it opens or signs whatever batch the job holds,
 * once.
 */
final class SealPipeline {
    private final Executor executor;
    private final int depth;
    private final EnvelopeSigner signer;
    private final Hub hub;
    private final long batchFee;
    private final Runnable onSealed;
    private final ArrayDeque<Job> inFlight = new ArrayDeque<>();
    private final ArrayDeque<Job> free = new ArrayDeque<>();
    private int txsInFlight;

    /**
     * @param executor the host's executor; tasks it rejects are sealed by the batcher
     * @param depth the most batches cut and not committed (the engine: sealThreads + 2), at least 2
     * @param onSealed told (on the sealing thread) when a job sealed on the host's thread is done
     */
    SealPipeline(Executor executor, int depth, EnvelopeSigner signer, Hub hub, long batchFee, Runnable onSealed) {
        if (depth < 2) {
            throw new IllegalArgumentException("depth must be >= 2, got " + depth);
        }
        this.executor = executor;
        this.depth = depth;
        this.signer = signer;
        this.hub = hub;
        this.batchFee = batchFee;
        this.onSealed = onSealed;
    }

    /** @return true if another batch may be cut ahead */
    boolean hasRoom() {
        return inFlight.size() < depth;
    }

    boolean isEmpty() {
        return inFlight.isEmpty();
    }

    /** @return how many pending txs the batches in flight hold (the oldest ones, in order) */
    int txsInFlight() {
        return txsInFlight;
    }

    /** @return the last batch cut, or null when none is in flight */
    PlannedBatch lastCut() {
        Job last = inFlight.peekLast();
        return last == null ? null : last.planned;
    }

    /** Hands a batch just cut (with the term it is written with) to be sealed. */
    void start(PlannedBatch planned, long term) {
        planned.batch().hash(); // here, on the batcher's thread: the next cut chains to it
        Job job = free.poll();
        if (job == null) {
            job = new Job(this);
        }
        job.planned = planned;
        job.term = term;
        job.record = null;
        job.failure = null;
        job.hashFailure = null;
        job.signFailure = null;
        job.signHalf.set(Job.NO_HALF); // a stale sign task of the job's last batch now finds nothing to claim
        job.state.set(Job.NEW);
        inFlight.addLast(job);
        txsInFlight += planned.batch().txCount();
        try {
            executor.execute(job);
        } catch (RejectedExecutionException e) {
            // the host's threads are going away: the batcher seals it itself ({@link #helpOne})
        }
    }

    /** @return the oldest batch in flight, if it is sealed (the next to commit); else null */
    Job sealedHead() {
        Job head = inFlight.peekFirst();
        return head != null && head.state.get() == Job.DONE ? head : null;
    }

    /**
     * Does, on the caller's thread (the batcher's), the oldest piece of sealing nobody has started: the signature of
     * a batch another thread has opened (it gets the oldest batch sealed soonest), else the opening of the oldest
     * batch nobody has started (its message, then its hash half, then its signature if nobody has taken that). So
     * progress never depends on the host's threads, and the batcher seals only when it has nothing else to do (it
     * is called when there is nothing to cut or commit).
     *
     * @return true if it did a piece
     */
    boolean helpOne() {
        for (Job job : inFlight) {
            if (job.signLater()) {
                return true;
            }
        }
        for (Job job : inFlight) {
            if (job.open()) {
                return true;
            }
        }
        return false;
    }

    /** Takes the committed head out of flight; its job is reused. */
    void committed(Job head) {
        if (inFlight.pollFirst() != head) {
            throw new IllegalStateException("committed a batch that is not the oldest in flight");
        }
        txsInFlight -= head.planned.batch().txCount();
        recycle(head);
    }

    /** Drops every batch in flight: their txs stay pending, to be cut again. */
    void discardAll() {
        for (Job job; (job = inFlight.pollFirst()) != null; ) {
            if (job.state.compareAndSet(Job.NEW, Job.CANCELLED) || job.state.get() == Job.DONE) {
                recycle(job);
            } // else it is being sealed on another thread: it is left to it and then to the garbage collector
        }
        txsInFlight = 0;
    }

    private void recycle(Job job) {
        job.planned = null;
        job.record = null;
        job.failure = null;
        free.addLast(job);
    }

    /**
     * One batch to seal, and then its storage record, in two halves that two threads can do at once. Whoever claims
     * the job ({@link #open}: {@code NEW → RUNNING}) writes its signed message, offers the <i>sign half</i>
     * (Ed25519 over the message: two SHA-512 passes) to the other threads, and does the <i>hash half</i>
     * ({@code envelope_hash}, and the L1 request up to the envelope's tail: its base64url and the hub payload's hash
     * over it); then the sign half too if nobody took it. Whichever thread ends the second half joins them: the
     * envelope's tail, the rest of the request and its key, the record ({@code DONE}). Unsigned envelopes have no
     * sign half. The halves are of about the same size (some 3 ms each for a 1,000-tx batch of 256-byte payloads).
     *
     * <p>Hand-over: the message is written before {@link #signHalf} is made {@code AVAILABLE}, and each half's
     * results before it counts itself down in {@link #halvesLeft}: the thread that counts to zero sees both halves'
     * results, and its join is seen by whoever reads {@code DONE}.
     */
    static final class Job implements Runnable {
        static final int NEW = 0;
        static final int RUNNING = 1;
        static final int DONE = 2;
        static final int CANCELLED = 3;
        private static final int NO_HALF = 0;
        private static final int AVAILABLE = 1;
        private static final int CLAIMED = 2;

        private final SealPipeline owner;
        private final AtomicInteger state = new AtomicInteger(CANCELLED);
        private final AtomicInteger signHalf = new AtomicInteger(NO_HALF);
        private final AtomicInteger halvesLeft = new AtomicInteger();
        /** This job's own workspaces, reused for its next batch (see {@link EnvelopeBuffer}). */
        private final EnvelopeBuffer envelope = new EnvelopeBuffer();
        private final StagedBatchRequest request = new StagedBatchRequest();
        /** The executor's task for the sign half of this job's batch. */
        private final Runnable signTask = this::runSignHalf;
        private PlannedBatch planned;
        private long term;
        private NewBatch record;
        private RuntimeException failure;
        private RuntimeException hashFailure;
        private RuntimeException signFailure;

        Job(SealPipeline owner) {
            this.owner = owner;
        }

        /** The host's executor runs it: opens and seals unless someone already did. */
        @Override
        public void run() {
            if (open() && state.get() == DONE && owner.onSealed != null) {
                owner.onSealed.run(); // an over-eager wake-up when the batcher ended it is harmless
            }
        }

        private void runSignHalf() {
            if (signLater() && state.get() == DONE && owner.onSealed != null) {
                owner.onSealed.run();
            }
        }

        /** @return true if this call opened the job (claimed it first); it then did at least the hash half */
        boolean open() {
            if (!state.compareAndSet(NEW, RUNNING)) {
                return false;
            }
            boolean signed = owner.signer != null;
            try {
                envelope.writeMessage(planned.batch(), planned.prevBatchHash(), signed);
            } catch (RuntimeException e) {
                failure = e;
                state.set(DONE);
                return true;
            }
            halvesLeft.set(signed ? 2 : 1);
            if (signed) {
                signHalf.set(AVAILABLE);
                try {
                    owner.executor.execute(signTask);
                } catch (RejectedExecutionException e) {
                    // the host's threads are going away: this thread signs it below, or the batcher does
                }
            }
            try {
                envelope.hashMessage();
                request.begin(planned.batch(), envelope, owner.hub, owner.batchFee);
            } catch (RuntimeException e) {
                hashFailure = e;
            }
            halfDone();
            signLater();
            return true;
        }

        /** @return true if this call claimed the sign half (offered by the thread that opened the job) and did it */
        boolean signLater() {
            if (signHalf.get() != AVAILABLE || !signHalf.compareAndSet(AVAILABLE, CLAIMED)) {
                return false;
            }
            try {
                envelope.signMessage(owner.signer);
            } catch (RuntimeException e) {
                signFailure = e;
            }
            halfDone();
            return true;
        }

        /** Counts a half down; the second joins them. */
        private void halfDone() {
            if (halvesLeft.decrementAndGet() != 0) {
                return;
            }
            try {
                if (signFailure != null) {
                    throw signFailure; // the one-thread path hashes first and fails at the signature
                }
                if (hashFailure != null) {
                    throw hashFailure;
                }
                envelope.finishEnvelope();
                record = SealPipeline.record(planned, term, envelope, request.finish());
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                state.set(DONE);
            }
        }

        PlannedBatch planned() {
            return planned;
        }

        /**
         * @return the record to commit
         * @throws RuntimeException what sealing threw (a signer's failure), as the one-thread path would
         */
        NewBatch record() {
            if (failure != null) {
                throw failure;
            }
            return record;
        }
    }

    /**
     * Everything storage keeps of a batch, all derived from the batch and fixed from now on; the one-thread path
     * and the sealing jobs both call this, so their bytes are the same.
     *
     * <p>The signed message — about 2.3 bytes per byte of the batch, garbage as soon as the batch is stored — is
     * built in {@code envelope}, a buffer its owner reuses for every batch, and signed, hashed and base64-encoded
     * into the L1 body from there. Nothing that borrows the buffer leaves this method: the record gets only arrays
     * of its own (the hashes, key, signature and body are fresh), so the next batch may overwrite the buffer.
     */
    static NewBatch record(PlannedBatch planned, long term, EnvelopeBuffer envelope, EnvelopeSigner signer, Hub hub,
            long batchFee) {
        Batch batch = planned.batch();
        envelope.build(batch, planned.prevBatchHash(), signer);
        return record(planned, term, envelope, L2BatchEnvelopeV1.requestForBatch(batch, envelope, hub, batchFee));
    }

    /** The record of a batch whose envelope is built in {@code envelope} and whose request is {@code request}. */
    private static NewBatch record(PlannedBatch planned, long term, EnvelopeBuffer envelope,
            L2BatchEnvelopeV1.Request request) {
        Batch batch = planned.batch();
        Hash prev = planned.prevBatchHash();
        return new NewBatch(batch.batchNumber(), batch.hash().toBytes(), prev.toBytes(), planned.firstSeq(),
                batch.txCount(), batch.createdMs(), term, batch.txRoot().toBytes(), batch.txBytes(),
                envelope.envelopeHash(), envelope.sequencerPubkey(), envelope.sequencerSig(),
                request.idempotencyKey(), request.body());
    }
}
