package org.ippan.l2.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.ippan.l2.core.batch.OrderingPolicy;
import org.ippan.l2.core.crypto.SequencerKeys;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.lease.LeaseStore;
import org.ippan.l2.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings of a {@link Sequencer.Builder} ({@link Sequencer#builder()}), validated once, with messages that name
 * the field. A class of its own so that the facade stays short; it does not know the engine it configures.
 *
 * @param <B> the builder type its setters return
 */
public abstract class SequencerSettings<B extends SequencerSettings<B>> {
    private static final Logger LOG = LoggerFactory.getLogger(SequencerSettings.class);

    SequencerConfig config;
    Storage storage;
    L1Poster l1;
    EnvelopeSigner signer;
    Executor sealExecutor;
    LeaseStore leaseStore;
    EpochClock wallClock = EpochClock.SYSTEM;
    NanoClock nanoClock = NanoClock.SYSTEM;
    SequencerMetrics metrics = SequencerMetrics.NONE;
    ErrorHandler errorHandler = (loop, error) -> LOG.error("error in {}", loop, error);
    OrderingPolicy ordering = OrderingPolicy.ADMISSION_ORDER;
    final List<LeaderTask> leaderTasks = new ArrayList<>();
    long randomSeed = 0x5EED_5EEDL;

    SequencerSettings() {}

    /** @return this builder, as its own type */
    abstract B self();

    /** Required: identity, role, limits and tunables. */
    public B config(SequencerConfig value) {
        this.config = value;
        return self();
    }

    /** Required: the storage port. */
    public B storage(Storage value) {
        this.storage = value;
        return self();
    }

    /** Required: the L1 port. */
    public B l1Poster(L1Poster value) {
        this.l1 = value;
        return self();
    }

    /**
     * Required in lease and rotating modes ({@link LeaderMode#usesLease()}), refused otherwise: where the lease
     * lives. The host owns it and closes it after the engine.
     */
    public B leaseStore(LeaseStore value) {
        this.leaseStore = value;
        return self();
    }

    /** Optional: the signer (a KMS/HSM seam); else the key at {@code sequencerKeyPath()}, else unsigned. */
    public B signer(EnvelopeSigner value) {
        this.signer = value;
        return self();
    }

    /**
     * Optional: the host's threads on which the batcher seals batches (builds the signed envelope, hashes and signs
     * it, builds the L1 request) while it cuts and commits others on its own thread; default none: it does it all
     * on its own thread, one batch at a time. The engine makes no thread: size it with
     * {@link SequencerConfig#sealThreads()} (the node makes that many). The bytes, the batch order and the fencing
     * are the same either way (only the batcher writes storage, oldest batch first). With it, the signer is called
     * from these threads, several batches at once: it must be thread-safe ({@code Ed25519Signer} is). Tasks the
     * executor rejects are sealed on the batcher's thread; the host shuts it down after closing the engine.
     */
    public B sealExecutor(Executor value) {
        this.sealExecutor = value;
        return self();
    }

    /** Optional: the wall clock (default: the system's). */
    public B wallClock(EpochClock value) {
        this.wallClock = value;
        return self();
    }

    /** Optional: the monotonic clock (default: the JVM's). */
    public B nanoClock(NanoClock value) {
        this.nanoClock = value;
        return self();
    }

    /** Optional: the metrics listener (default: none). */
    public B metrics(SequencerMetrics value) {
        this.metrics = value;
        return self();
    }

    /** Optional: where loop and admission errors go (default: logged). */
    public B errorHandler(ErrorHandler value) {
        this.errorHandler = value;
        return self();
    }

    /** Optional: the ordering policy (default: admission order). */
    public B ordering(OrderingPolicy value) {
        this.ordering = value;
        return self();
    }

    /** Optional: a task that runs only while this node leads; may be called several times. */
    public B leaderTask(LeaderTask task) {
        this.leaderTasks.add(Objects.requireNonNull(task, "leaderTask"));
        return self();
    }

    /** Optional: the seed of the backoff jitter, for repeatable tests. */
    public B randomSeed(long value) {
        this.randomSeed = value;
        return self();
    }

    /**
     * Validates every setting and loads the configured key when no signer is set.
     *
     * @throws IllegalArgumentException naming the first missing or invalid field
     * @throws org.ippan.l2.core.crypto.KeyLoadException if the configured key file cannot be used
     */
    final void validate() {
        require(config, "config");
        require(storage, "storage");
        require(l1, "l1Poster");
        require(wallClock, "wallClock");
        require(nanoClock, "nanoClock");
        require(metrics, "metrics");
        require(errorHandler, "errorHandler");
        require(ordering, "ordering");
        if (config.leaderMode().usesLease()) {
            require(leaseStore, "leaseStore (" + config.leaderMode().wireName() + " mode)");
        } else if (leaseStore != null) {
            throw new IllegalArgumentException("leaseStore is set but leaderMode is " + config.leaderMode().wireName()
                    + ": a lease store is used only in lease and rotating modes");
        }
        if (signer == null && config.sequencerKeyPath().isPresent()) {
            signer = SequencerKeys.load(config.sequencerKeyPath().get()); // KeyLoadException names the problem
        }
        if (signer != null && signer.publicKey().length != EnvelopeSigner.PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("signer: public key must be 32 bytes, got "
                    + signer.publicKey().length);
        }
        if (config.leaderMode() == LeaderMode.ROTATING && config.role() == Role.LEADER) {
            checkInLeaderSet();
        }
        if (signer == null && config.role() == Role.LEADER) {
            LOG.warn("no sequencer key configured (L2_SEQUENCER_KEY_PATH): batch envelopes are posted unsigned");
        }
    }

    /** Rotating mode: a candidate's identity in the leader set is its signing key's public key. */
    private void checkInLeaderSet() {
        if (signer == null) {
            throw new ConfigException("L2_SEQUENCER_KEY_PATH", "a candidate (L2_LEADER=1) in rotating mode needs a"
                    + " sequencer key: its public key is this node's identity in L2_LEADER_SET", null);
        }
        String own = Hex.encode(signer.publicKey());
        if (config.leaderSchedule().orElseThrow().indexOf(own) < 0) {
            throw new ConfigException("L2_LEADER_SET", "does not hold this node's public key " + own + " (from its"
                    + " sequencer key): a candidate (L2_LEADER=1) must be in the set; set L2_LEADER=0 for a reader",
                    null);
        }
    }

    private static void require(Object value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
    }
}

