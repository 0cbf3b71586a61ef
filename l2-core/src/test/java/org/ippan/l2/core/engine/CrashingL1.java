package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.ForcedInboxPage;
import org.ippan.l2.l1.L1ChainStatus;
import org.ippan.l2.l1.L1Inclusion;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.SubmitResult;

/**
 * The L1 one engine object sees: delegates to the shared chain, counts this engine's submits (and those made after
 * it reported itself fenced), can hold submits back and answer them by hand later (an answer that arrives late),
 * and can simulate the process dying just before or just after a submit reaches the chain.
 */
final class CrashingL1 implements L1Poster {
    /** A submit held back: the chain has not seen it yet; {@link #releaseHeld()} sends it and answers. */
    private record Held(L1Submission submission, CompletableFuture<SubmitResult> answer) {}

    private final L1Poster delegate;
    private final String owner;
    private final CrashingStorage.Audit audit;
    private BooleanSupplier fenced = () -> false;
    private CrashingStorage.When crashWhen;
    private String crashLabel;
    private boolean dead;
    private boolean holding;
    private final List<Held> held = new ArrayList<>();
    private final List<L1Submission> submitted = new ArrayList<>();
    private int submitsAfterFence;
    private int inclusionQueries;

    CrashingL1(L1Poster delegate, String owner, CrashingStorage.Audit audit) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.owner = owner;
        this.audit = audit;
    }

    void fencedWhen(BooleanSupplier isFenced) {
        this.fenced = isFenced;
    }

    /** Arms a one-shot crash {@code when} relative to the next submit. */
    void crashAtSubmit(CrashingStorage.When when, String label) {
        this.crashWhen = when;
        this.crashLabel = label;
    }

    void disarm() {
        crashWhen = null;
    }

    boolean armed() {
        return crashWhen != null;
    }

    boolean dead() {
        return dead;
    }

    void kill() {
        dead = true;
    }

    /** From now on submits are held back until {@link #releaseHeld()}. */
    void holdSubmits() {
        holding = true;
    }

    /** Sends the held submits to the chain and completes their futures with the chain's answers. */
    int releaseHeld() {
        holding = false;
        List<Held> toRelease = new ArrayList<>(held);
        held.clear();
        for (Held h : toRelease) {
            delegate.submit(h.submission()).whenComplete((result, error) -> {
                if (error != null) {
                    h.answer().completeExceptionally(error);
                } else {
                    h.answer().complete(result);
                }
            });
        }
        return toRelease.size();
    }

    int heldCount() {
        return held.size();
    }

    /** @return every submit this engine object made, in order (held ones included) */
    List<L1Submission> submitted() {
        return List.copyOf(submitted);
    }

    int submits() {
        return submitted.size();
    }

    int submitsAfterFence() {
        return submitsAfterFence;
    }

    int inclusionQueries() {
        return inclusionQueries;
    }

    @Override
    public CompletableFuture<SubmitResult> submit(L1Submission submission) {
        checkAlive();
        submitted.add(submission);
        if (fenced.getAsBoolean()) {
            submitsAfterFence++;
            audit.violation(owner + " submitted batch " + submission.sequence() + " to L1 after it reported itself"
                    + " fenced");
        }
        CrashingStorage.When when = crashWhen;
        if (when == CrashingStorage.When.BEFORE) {
            die();
        }
        if (holding) {
            CompletableFuture<SubmitResult> answer = new CompletableFuture<>();
            held.add(new Held(submission, answer));
            return answer;
        }
        CompletableFuture<SubmitResult> answer = delegate.submit(submission);
        if (when == CrashingStorage.When.AFTER) {
            die();
        }
        return answer;
    }

    @Override
    public CompletableFuture<Optional<L1Inclusion>> getInclusion(byte[] idempotencyKey) {
        checkAlive();
        inclusionQueries++;
        return delegate.getInclusion(idempotencyKey);
    }

    @Override
    public CompletableFuture<Optional<L1Inclusion>> getFinality(String l1TxId) {
        checkAlive();
        return delegate.getFinality(l1TxId);
    }

    @Override
    public CompletableFuture<L1ChainStatus> chainStatus() {
        checkAlive();
        return delegate.chainStatus();
    }

    @Override
    public boolean supportsForcedInbox() {
        return delegate.supportsForcedInbox();
    }

    @Override
    public CompletableFuture<ForcedInboxEntry> submitForced(byte[] canonicalTx) {
        checkAlive();
        return delegate.submitForced(canonicalTx);
    }

    @Override
    public CompletableFuture<ForcedInboxPage> readForcedInbox(long fromIndex, int maxCount) {
        checkAlive();
        return delegate.readForcedInbox(fromIndex, maxCount);
    }

    /** The chain belongs to the test: closing an engine's view closes nothing. */
    @Override
    public void close() {
        dead = true;
    }

    private void die() {
        dead = true;
        crashWhen = null;
        audit.crashes.merge(crashLabel, 1, Integer::sum);
        throw new SimulatedCrash(owner + " " + crashLabel);
    }

    private void checkAlive() {
        if (dead) {
            throw new SimulatedCrash(owner + " is dead and may not call L1");
        }
    }
}
