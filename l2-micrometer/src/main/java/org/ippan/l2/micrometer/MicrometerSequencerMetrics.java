package org.ippan.l2.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.batch.CutReason;
import org.ippan.l2.core.engine.CountingMetrics;
import org.ippan.l2.core.engine.SequencerMetrics;
import org.ippan.l2.core.engine.SequencerState;

/**
 * The core's {@link SequencerMetrics} listener recording into a Micrometer {@link MeterRegistry}.
 *
 * <p>Names are Micrometer's dotted names; Micrometer's Prometheus registry renders them as the node's
 * {@code l2_*} names (dots to underscores, {@code _total} after a counter, {@code _seconds} after a timer), see
 * {@link MeterNames}. Every meter is registered when this object is built, every label value included (each refusal
 * code, cut reason and failure kind at 0), so a scrape shows the full set before the first event and a rate over
 * it never starts from a missing series. Loop error counters are registered per loop name at its first error, or
 * before with {@link #registerLoop}.
 *
 * <p>Both latencies are timers with fixed histogram buckets at {@link CountingMetrics#LATENCY_BUCKET_BOUNDS_SECONDS},
 * the buckets the node has always published. A negative latency is recorded as 0 (as {@link CountingMetrics} does).
 * Recording never throws: a {@code null} enum argument is ignored, a {@code null} loop name is counted as
 * {@link CountingMetrics#UNKNOWN_LOOP}.
 *
 * <p>Besides the engine's own events this listener counts leadership changes (became leader, stopped leading:
 * {@code l2_leader_changes_total}) from the state changes, and lease renew failures.
 */
public final class MicrometerSequencerMetrics implements SequencerMetrics {
    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter accepted;
    private final Counter duplicates;
    private final Map<RefusalCode, Counter> rejected = new EnumMap<>(RefusalCode.class);
    private final Map<CutReason, Counter> batchesCut = new EnumMap<>(CutReason.class);
    private final Counter batchTxs;
    private final Counter batchBytes;
    private final Counter postsSucceeded;
    private final Counter postFailures;
    private final Map<PostFailure, Counter> postFailuresByKind = new EnumMap<>(PostFailure.class);
    private final Counter confirmed;
    private final Counter reposted;
    private final Counter pruned;
    private final Counter forgotten;
    private final Counter stateChanges;
    private final Counter leaderChanges;
    private final Counter leaseRenewFailures;
    private final Counter forcedAdmitted;
    private final Counter forcedSkipped;
    private final ConcurrentHashMap<String, Counter> loopErrors = new ConcurrentHashMap<>();
    private final Timer admissionLatency;
    private final Timer postLatency;

    /**
     * Registers the meters without common tags.
     *
     * @param registry where the meters go
     */
    public MicrometerSequencerMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /**
     * Registers the meters.
     *
     * @param registry where the meters go
     * @param commonTags tags added to every meter (for example the chain or node id when one registry serves several
     *     sequencers); empty for none
     */
    public MicrometerSequencerMetrics(MeterRegistry registry, Iterable<Tag> commonTags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Tags.of(Objects.requireNonNull(commonTags, "commonTags"));
        accepted = counter(MeterNames.TX_ACCEPTED, "Txs newly accepted (durably stored); resubmissions are duplicates.",
                tags);
        duplicates = counter(MeterNames.TX_DUPLICATES,
                "Resubmitted txs answered as already accepted (200, duplicate).", tags);
        for (RefusalCode code : RefusalCode.values()) {
            rejected.put(code, counter(MeterNames.TX_REJECTED,
                    "Txs refused, by code; a request refused as a whole counts once.", tags.and("code", code.name())));
        }
        for (CutReason reason : CutReason.values()) {
            batchesCut.put(reason, counter(MeterNames.BATCHES_CUT, "Batches committed, by cut reason.",
                    tags.and("reason", reason.name().toLowerCase(Locale.ROOT))));
        }
        batchTxs = counter(MeterNames.BATCH_TXS, "Txs in committed batches.", tags);
        batchBytes = counter(MeterNames.BATCH_BYTES, "Encoded bytes of committed batches.", tags);
        postsSucceeded = counter(MeterNames.POSTS_SUCCEEDED, "L1 submissions answered with success.", tags);
        postFailures = counter(MeterNames.POST_FAILURES, "Failed L1 posting attempts.", tags);
        for (PostFailure kind : PostFailure.values()) {
            postFailuresByKind.put(kind, counter(MeterNames.POST_FAILURES_BY_KIND,
                    "Failed L1 posting attempts, by kind.", tags.and("kind", kind.name().toLowerCase(Locale.ROOT))));
        }
        confirmed = counter(MeterNames.BATCHES_CONFIRMATIONS, "Batches that reached the confirmed state.", tags);
        reposted = counter(MeterNames.BATCHES_REPOSTED, "Batches lost by L1 and queued again.", tags);
        pruned = counter(MeterNames.BATCHES_PRUNED,
                "Confirmed batches whose L1 request bodies and tx encodings retention pruned.", tags);
        forgotten = counter(MeterNames.BATCHES_FORGOTTEN,
                "Confirmed batches retention forgot whole (batch, tx hashes, receipt seals).", tags);
        stateChanges = counter(MeterNames.STATE_CHANGES, "Engine state changes.", tags);
        leaderChanges = counter(MeterNames.LEADER_CHANGES, "Times this node became leader or stopped leading.", tags);
        leaseRenewFailures = counter(MeterNames.LEASE_RENEW_FAILURES,
                "Lease renewals that could not reach the lease store.", tags);
        forcedAdmitted = counter(MeterNames.FORCED_TXS_ADMITTED,
                "Txs the forced-inclusion watcher admitted from the L1 inbox.", tags);
        forcedSkipped = counter(MeterNames.FORCED_TXS_SKIPPED,
                "L1 inbox txs the forced-inclusion watcher could not admit.", tags);
        admissionLatency = timer(MeterNames.ADMISSION_LATENCY,
                "Admission latency, one observation per group storage write (not per tx, not cache duplicates).");
        postLatency = timer(MeterNames.POST_LATENCY, "L1 posting latency per attempt.");
    }

    private Counter counter(String name, String description, Tags meterTags) {
        return Counter.builder(name).description(description).tags(meterTags).register(registry);
    }

    private Timer timer(String name, String description) {
        List<Double> bounds = CountingMetrics.LATENCY_BUCKET_BOUNDS_SECONDS;
        Duration[] slos = new Duration[bounds.size()];
        for (int i = 0; i < slos.length; i++) {
            slos[i] = Duration.ofNanos(Math.round(bounds.get(i) * 1e9));
        }
        return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(slos)
                .register(registry);
    }

    @Override
    public void recordAdmitted(int accepted, int duplicates, long latencyNs) {
        this.accepted.increment(accepted);
        this.duplicates.increment(duplicates);
        admissionLatency.record(Math.max(0L, latencyNs), TimeUnit.NANOSECONDS);
    }

    @Override
    public void recordDuplicatesFromCache(int count) {
        duplicates.increment(count);
    }

    @Override
    public void recordRejected(RefusalCode code, int count) {
        if (code != null) {
            rejected.get(code).increment(count);
        }
    }

    @Override
    public void recordBatchCut(CutReason reason, int txCount, long encodedBytes) {
        if (reason == null) {
            return;
        }
        batchesCut.get(reason).increment();
        batchTxs.increment(txCount);
        batchBytes.increment(encodedBytes);
    }

    @Override
    public void recordPostSucceeded(long latencyNs) {
        postsSucceeded.increment();
        postLatency.record(Math.max(0L, latencyNs), TimeUnit.NANOSECONDS);
    }

    @Override
    public void recordPostFailed(PostFailure kind, long latencyNs) {
        if (kind == null) {
            return;
        }
        postFailures.increment();
        postFailuresByKind.get(kind).increment();
        postLatency.record(Math.max(0L, latencyNs), TimeUnit.NANOSECONDS);
    }

    @Override
    public void recordBatchConfirmed() {
        confirmed.increment();
    }

    @Override
    public void recordBatchReposted() {
        reposted.increment();
    }

    @Override
    public void recordBatchesPruned(int count) {
        pruned.increment(count);
    }

    @Override
    public void recordBatchesForgotten(int count) {
        forgotten.increment(count);
    }

    @Override
    public void recordStateChange(SequencerState from, SequencerState to) {
        stateChanges.increment();
        if ((from == SequencerState.LEADER) != (to == SequencerState.LEADER)) {
            leaderChanges.increment();
        }
    }

    @Override
    public void recordLeaseRenewFailed() {
        leaseRenewFailures.increment();
    }

    /**
     * Registers a loop's error counter at 0 before its first error (for example each of {@code Sequencer.loops()}),
     * so that {@code l2_loop_errors_total} shows every loop from the first scrape on. Registering one twice does
     * nothing.
     *
     * @param loop the loop's name
     */
    public void registerLoop(String loop) {
        loopErrorCounter(Objects.requireNonNull(loop, "loop"));
    }

    @Override
    public void recordLoopError(String loop) {
        loopErrorCounter(loop == null ? CountingMetrics.UNKNOWN_LOOP : loop).increment();
    }

    private Counter loopErrorCounter(String name) {
        Counter counter = loopErrors.get(name);
        if (counter == null) {
            counter = loopErrors.computeIfAbsent(name,
                    k -> counter(MeterNames.LOOP_ERRORS, "Failed loop steps, by loop.", tags.and("loop", k)));
        }
        return counter;
    }

    @Override
    public void recordForcedTxs(int admitted, int skipped) {
        forcedAdmitted.increment(admitted);
        forcedSkipped.increment(skipped);
    }
}
