package org.ippan.l2.core.engine;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.WriteOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control room ({@link Sequencer#control()}): what an operator changes while the node runs. Every call names who
 * asked ({@code actor}, logged at INFO with the change) and returns once the change is in effect, which for each call
 * means exactly:
 * <ul>
 *   <li>{@link #pausePosting}: the poster sends no new post from the moment the call returns (it waits for a poster
 *       step in progress to end). Answers to posts already sent are still saved; the batcher keeps cutting and
 *       committing batches and admission keeps accepting txs, so nothing is lost, until the batcher holds back at
 *       {@code maxUnpostedBatches} unposted batches and the admission cap then refuses new txs. A pause lives in this
 *       node's memory: a restart, or another node taking over, posts again.</li>
 *   <li>{@link #resumePosting}: the next poster step posts the held batches, in order (the poster is woken).</li>
 *   <li>{@link #flush}: the future completes at the end of the batcher step that took the request, with the last
 *       batch it cut, or {@link FlushResult#NOTHING_PENDING}. The core waits for nothing itself (it has no threads);
 *       the caller bounds its wait on the future.</li>
 *   <li>{@link #setLimits}: the limits are stored (one term-conditional write) and swapped in as one value before the
 *       call returns; the batcher reads them once per cut decision, so the next cut applies them whole (a cut in
 *       progress finishes with the old ones), and the next admission reservation applies the new cap. On every start
 *       of leadership (after recovery) the stored limits, if any, replace the configured ones: a restarted node and
 *       a new leader use them.</li>
 *   <li>{@link #stepDown}: this node has stopped leading and (lease mode) released the lease when the call returns.
 *       With a named target (lease mode only) the node first stores a hand-over record naming it, valid for one
 *       lease time to live: every other node of this version then does not campaign until it expires, so the target
 *       takes the lease at its next attempt if it is a live candidate that reaches the lease store within that
 *       window. If it does not, any standby may take over after the window; once a new term is claimed (the target
 *       led) the record is spent, so a later plain hand-over is not held up. It is a preference, never a safety
 *       matter: the term in storage still decides whose writes count. The window is judged on each reader's wall
 *       clock against the writer's, so clock skew between nodes lengthens or shortens it.</li>
 * </ul>
 * Thread-safe.
 */
public final class SequencerControl {
    private static final Logger LOG = LoggerFactory.getLogger(SequencerControl.class);
    /** The setting the run-time limits are stored under. */
    static final String LIMITS_SETTING = "runtime-limits";
    /**
     * The setting a named hand-over is stored under: {@code <target id>;<until wall-clock ms>;<term handed over>}. It
     * holds the other standbys off only while storage still holds the term handed over: once a leader (the target, or
     * anyone after the window) claims a new term, it is spent.
     */
    static final String HANDOVER_SETTING = "handover-to";

    private final SequencerConfig config;
    private final Storage storage;
    private final LeaderGate leadership;
    private final Admission admission;
    private final Batcher batcher;
    private final Poster poster;
    private final Signals signals;
    private final LiveLimits limits;
    private final EpochClock wallClock;
    private final BooleanSupplier stepDown;
    private final Object writeLock = new Object();

    /** @param campaign the lease loop, null in single mode */
    SequencerControl(LoopContext ctx, SequencerConfig config, Admission admission, Batcher batcher, Poster poster,
            LiveLimits limits, LeaseCampaign campaign, BooleanSupplier stepDown) {
        this.config = config;
        this.storage = ctx.storage();
        this.leadership = ctx.leadership();
        this.admission = admission;
        this.batcher = batcher;
        this.poster = poster;
        this.signals = ctx.signals();
        this.limits = limits;
        this.wallClock = ctx.wallClock();
        this.stepDown = stepDown;
        if (campaign != null && config.leaderMode() == LeaderMode.LEASE) {
            campaign.holdOffWhile(this::handOverToOther);
        }
    }

    /**
     * Pauses posting (see the class comment for what keeps running).
     *
     * @param actor who asked, for the log
     * @return true if posting was running
     */
    public boolean pausePosting(String actor) {
        requireActor(actor);
        boolean changed = poster.pause();
        LOG.info("{} paused posting{}", actor, changed ? "" : " (it was paused already)");
        return changed;
    }

    /**
     * Resumes posting after {@link #pausePosting}. (A poster halted because L1 refused a batch for good is resumed
     * by {@link Sequencer#resumePosting()}.)
     *
     * @param actor who asked, for the log
     * @return true if posting was paused
     */
    public boolean resumePosting(String actor) {
        requireActor(actor);
        boolean changed = poster.unpause();
        signals.postingResumed();
        LOG.info("{} resumed posting{}", actor, changed ? "" : " (it was not paused)");
        return changed;
    }

    /** @return true while posting is paused on this node */
    public boolean postingPaused() {
        return poster.paused();
    }

    /**
     * Asks the batcher to cut whatever is pending at its next step, without waiting for the limits.
     *
     * @param actor who asked, for the log
     * @return completes at the end of the batcher step that took the request, with what it cut; completes
     *         exceptionally with {@link NotLeadingException} if this node does not lead (or stops leading first), or
     *         with the step's failure (storage failing); stays pending while the batcher holds back because L1 is
     *         {@code maxUnpostedBatches} behind
     */
    public CompletableFuture<FlushResult> flush(String actor) {
        requireActor(actor);
        if (!leadership.isLeader()) {
            return CompletableFuture.failedFuture(new NotLeadingException(leadership.notLeaderMessage()));
        }
        CompletableFuture<FlushResult> done = batcher.requestFlushAndWait();
        signals.cutRequested();
        LOG.info("{} asked for a flush", actor);
        return done;
    }

    /** @return the run-time limits in force on this node */
    public RuntimeLimits limits() {
        return limits.get();
    }

    /**
     * Changes the cut limits and the admission cap (see the class comment for when they apply).
     *
     * @param actor who asked, for the log
     * @param wanted the new limits, all four fields
     * @return the limits now in force ({@code wanted})
     * @throws ConfigException naming the field if the limits break a rule with this node's configuration
     * @throws NotLeadingException if this node does not lead, or storage holds a higher term (then it is fenced)
     * @throws StorageException if the write failed (nothing changed in memory; storage may hold them or not)
     */
    public RuntimeLimits setLimits(String actor, RuntimeLimits wanted) {
        requireActor(actor);
        Objects.requireNonNull(wanted, "limits").checkAgainst(config);
        synchronized (writeLock) { // one change at a time: storage and memory agree on the last one
            long term = write(LIMITS_SETTING, wanted.encode(), "limits write");
            RuntimeLimits before = limits.set(wanted);
            LOG.info("{} set the run-time limits in term {}: {} (were {})", actor, term, wanted, before);
        }
        signals.limitsChanged();
        return wanted;
    }

    /**
     * Steps down (a hand-over), optionally to a named node (see the class comment for what is guaranteed).
     *
     * @param actor who asked, for the log
     * @param toNodeId the {@code LEADER_ID} of the node that should take over, or empty for any standby
     * @return true if this node was leading
     * @throws ConfigException (field {@code to}) if a target is named outside lease mode, names this node, or is not
     *     a valid leader id
     * @throws NotLeadingException if a target is named and storage holds a higher term
     */
    public boolean stepDown(String actor, Optional<String> toNodeId) {
        requireActor(actor);
        Objects.requireNonNull(toNodeId, "toNodeId");
        if (toNodeId.isPresent()) {
            String target = checkTarget(toNodeId.get());
            synchronized (writeLock) {
                if (!leadership.isLeader()) {
                    LOG.info("{} asked to hand over to {}, but this node does not lead", actor, target);
                    return false;
                }
                long untilMs = wallClock.currentTimeMs() + config.leaseTtlMs();
                write(HANDOVER_SETTING, target + ";" + untilMs + ";" + leadership.term(), "hand-over write");
            }
        }
        boolean led = stepDown.getAsBoolean();
        LOG.info("{} asked this node to step down{}: {}", actor, toNodeId.map(t -> " in favour of " + t).orElse(""),
                led ? "stepped down" : "it was not leading");
        return led;
    }

    /** Recovery on every start of leadership: the pending pool, then the stored limits (under Leadership's lock). */
    void recover() {
        admission.recover();
        RuntimeLimits configured = RuntimeLimits.of(config);
        Optional<String> stored = storage.readSetting(LIMITS_SETTING);
        RuntimeLimits apply = configured;
        if (stored.isPresent()) {
            try {
                apply = RuntimeLimits.decode(stored.get()).checkAgainst(config);
            } catch (IllegalArgumentException e) {
                LOG.warn("the stored run-time limits do not suit this node ({}); using the configured ones: {}",
                        e.getMessage(), configured);
            }
        }
        RuntimeLimits before = limits.set(apply);
        if (!apply.equals(before)) {
            LOG.info("leading with run-time limits {} ({})", apply, stored.isPresent() && apply != configured
                    ? "stored by an operator" : "configured");
        }
    }

    /** @return the term written with */
    private long write(String name, String value, String where) {
        if (!leadership.isLeader()) {
            throw new NotLeadingException(leadership.notLeaderMessage());
        }
        long term = leadership.term();
        WriteOutcome outcome = storage.saveSetting(term, name, value);
        if (outcome instanceof Fenced fenced) {
            leadership.fenced(fenced.storedTerm(), where);
            throw new NotLeadingException("storage holds term " + fenced.storedTerm() + ", above this node's "
                    + term + ": fenced, nothing changed");
        }
        return term;
    }

    /** @return true while a stored hand-over names another node and has not expired (lease mode, standbys) */
    private boolean handOverToOther() {
        Optional<String> stored;
        try {
            stored = storage.readSetting(HANDOVER_SETTING);
        } catch (StorageException e) {
            return false; // a preference only: campaign as usual (the term still fences)
        }
        String[] parts = stored.map(v -> v.split(";", -1)).orElse(new String[0]);
        if (parts.length != 3 || parts[0].equals(config.leaderId())) {
            return false;
        }
        try {
            long untilMs = Long.parseLong(parts[1]);
            long handedOverTerm = Long.parseLong(parts[2]);
            return wallClock.currentTimeMs() < untilMs && storage.readLeader().term() == handedOverTerm;
        } catch (NumberFormatException | StorageException e) {
            return false;
        }
    }

    private String checkTarget(String target) {
        if (config.leaderMode() != LeaderMode.LEASE) {
            throw new ConfigException("to", "a named hand-over needs lease mode (this node runs in "
                    + config.leaderMode().wireName() + " mode)", target);
        }
        if (target.isBlank() || target.length() > SequencerConfig.MAX_LEADER_ID_LENGTH
                || target.codePoints().anyMatch(Character::isISOControl) || target.indexOf(';') >= 0) {
            throw new ConfigException("to", "must be a leader id: not blank, at most "
                    + SequencerConfig.MAX_LEADER_ID_LENGTH + " chars, no control characters or ';'", target);
        }
        if (target.equals(config.leaderId())) {
            throw new ConfigException("to", "names this node; name the node that should take over", target);
        }
        return target;
    }

    private static void requireActor(String actor) {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("actor (who asked) must not be blank");
        }
    }
}
