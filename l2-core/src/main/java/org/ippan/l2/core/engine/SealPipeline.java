package org.ippan.l2.core.engine;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.ippan.l2.core.batch.PlannedBatch;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.envelope.EnvelopeBuffer;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.storage.NewBatch;

/**
 * The batcher's second stage, when the host gives it an executor: the batches it has cut and not committed yet, each
 * <i>sealed</i> (its signed message built, {@code envelope_hash}, the signature, the L1 request body and key) by
 * whichever thread gets to it first — one of the host's threads or the batcher's own, which helps with the oldest
 * batch nobody has started — while the batcher cuts the next batch and commits the sealed ones.
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
 * collector. A stale executor task of a reused job is harmless: it seals whatever batch the job holds, once.
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
     * Seals, on the caller's thread (the batcher's), the oldest batch nobody has started — unless it is the only one
     * waiting while another is being sealed: that one is left to the host's thread that will be free first, since
     * the batcher has its own work (cutting, committing) and taking every batch it cuts would leave the host's
     * threads idle and itself the bottleneck. It helps when two or more wait (the host's threads are behind), or
     * when nothing is being sealed at all (no host thread has got to it: progress never depends on one).
     *
     * @return true if it sealed one
     */
    boolean helpOne() {
        Job oldest = null;
        int unstarted = 0;
        boolean sealing = false;
        for (Job job : inFlight) {
            int state = job.state.get();
            if (state == Job.NEW) {
                unstarted++;
                if (oldest == null) {
                    oldest = job;
                }
            } else if (state == Job.RUNNING) {
                sealing = true;
            }
        }
        if (oldest == null || (sealing && unstarted < 2)) {
            return false;
        }
        return oldest.seal();
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

    /** One batch to seal, and then its storage record. */
    static final class Job implements Runnable {
        static final int NEW = 0;
        static final int RUNNING = 1;
        static final int DONE = 2;
        static final int CANCELLED = 3;

        private final SealPipeline owner;
        private final AtomicInteger state = new AtomicInteger(CANCELLED);
        /** This job's own workspace, reused for its next batch (see {@link EnvelopeBuffer}). */
        private final EnvelopeBuffer envelope = new EnvelopeBuffer();
        private PlannedBatch planned;
        private long term;
        private NewBatch record;
        private RuntimeException failure;

        Job(SealPipeline owner) {
            this.owner = owner;
        }

        /** The host's executor runs it: seals unless someone already did. */
        @Override
        public void run() {
            if (seal() && owner.onSealed != null) {
                owner.onSealed.run();
            }
        }

        /** @return true if this call sealed it (claimed it first) */
        boolean seal() {
            if (!state.compareAndSet(NEW, RUNNING)) {
                return false;
            }
            try {
                record = SealPipeline.record(planned, term, envelope, owner.signer, owner.hub, owner.batchFee);
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                state.set(DONE);
            }
            return true;
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
        Hash prev = planned.prevBatchHash();
        envelope.build(batch, prev, signer);
        L2BatchEnvelopeV1.Request request = L2BatchEnvelopeV1.requestForBatch(batch, envelope, hub, batchFee);
        return new NewBatch(batch.batchNumber(), batch.hash().toBytes(), prev.toBytes(), planned.firstSeq(),
                batch.txCount(), batch.createdMs(), term, batch.txRoot().toBytes(), batch.txBytes(),
                envelope.envelopeHash(), envelope.sequencerPubkey(), envelope.sequencerSig(),
                request.idempotencyKey(), request.body());
    }
}
