package org.ippan.l2.core.engine;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.contract.ContractException;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.l1.Backoff;

/**
 * The immutable settings of one sequencer instance: its role and term, the admission and batch limits, the L1
 * contract fields and the engine's tunables.
 *
 * <p>Built by {@link #builder()} (validated once, in {@link Builder#build()}, with a {@link ConfigException}
 * naming the field) or read from the process environment by {@link #fromEnvironment(Map)} (the same checks, with
 * the exception naming the variable). The defaults are those of the node's configuration table
 * ({@code node-http-api.md}):
 *
 * <table>
 *   <caption>Settings, their environment variables and defaults</caption>
 *   <tr><th>field</th><th>variable</th><th>default</th><th>range</th></tr>
 *   <tr><td>{@code leaderMode}</td><td>{@code L2_LEADER_MODE}</td><td>{@code single}</td>
 *       <td>{@code single}, {@code lease}, {@code rotating}</td></tr>
 *   <tr><td>{@code role}</td><td>{@code L2_LEADER}</td><td>{@code 1} (leader)</td>
 *       <td>{@code 1}/{@code true}: leader (in lease mode: a candidate), {@code 0}/{@code false}: follower</td></tr>
 *   <tr><td>{@code leaderId}</td><td>{@code LEADER_ID}</td><td>{@code sequencer-0}</td>
 *       <td>not blank, at most 128 chars, no control characters; unique per node in lease mode</td></tr>
 *   <tr><td>{@code term}</td><td>{@code LEADER_TERM}</td><td>0</td>
 *       <td>&gt;= 0; not used in lease and rotating modes</td></tr>
 *   <tr><td>{@code leaseTtlMs}</td><td>{@code L2_LEASE_TTL_MS}</td><td>5000</td>
 *       <td>100 .. 86400000, at least twice {@code leaseRenewMs}</td></tr>
 *   <tr><td>{@code leaseRenewMs}</td><td>{@code L2_LEASE_RENEW_MS}</td><td>1000</td><td>&gt;= 10</td></tr>
 *   <tr><td>{@code leaderSet}</td><td>{@code L2_LEADER_SET}</td><td>empty</td>
 *       <td>rotating mode: at least one Ed25519 public key, 64 hex chars each, comma-separated, distinct</td></tr>
 *   <tr><td>{@code epochMs}</td><td>{@code L2_EPOCH_MS}</td><td>10000</td>
 *       <td>&gt;= 1; in rotating mode at least twice {@code leaseTtlMs}</td></tr>
 *   <tr><td>{@code genesisMs}</td><td>{@code L2_GENESIS_MS}</td><td>0</td><td>&gt;= 0 (ms since 1970)</td></tr>
 *   <tr><td>{@code rotationGraceMs}</td><td>{@code L2_ROTATION_GRACE_MS}</td><td>0: max({@code leaseTtlMs},
 *       {@code epochMs} / 4)</td><td>0, or {@code leaseTtlMs} .. {@code epochMs - 1}</td></tr>
 *   <tr><td>{@code advertisedUrl}</td><td>{@code L2_ADVERTISED_URL}</td><td>empty (the host sets it)</td>
 *       <td>at most 2048 chars, no control characters</td></tr>
 *   <tr><td>{@code sequencerKeyPath}</td><td>{@code L2_SEQUENCER_KEY_PATH}</td><td>none</td><td>a path</td></tr>
 *   <tr><td>{@code chainId}</td><td>{@code L2_CHAIN_ID}</td><td>1</td><td>unsigned 64-bit</td></tr>
 *   <tr><td>{@code maxTxSize}</td><td>{@code L2_MAX_TX_SIZE}</td><td>65536</td>
 *       <td>1 .. 16 MiB, at most {@code batchLimits.maxBytes}</td></tr>
 *   <tr><td>{@code admissionCap}</td><td>{@code L2_ADMISSION_CAP}</td><td>100000</td><td>&gt;= 1</td></tr>
 *   <tr><td>{@code batchLimits}</td><td>{@code L2_MAX_BATCH_TXS}, {@code L2_MAX_BATCH_BYTES},
 *       {@code L2_MAX_WAIT_MS}</td><td>1000, 1048576, 1000</td><td>see {@link BatchLimits}</td></tr>
 *   <tr><td>{@code hub}</td><td>{@code L2_HUB_ID}</td><td>{@code Fin}</td><td>see {@link Hub}</td></tr>
 *   <tr><td>{@code batchFee}</td><td>{@code L2_BATCH_FEE}</td><td>0</td><td>&gt;= 0</td></tr>
 *   <tr><td>{@code finalityConfirmations}</td><td>{@code L2_FINALITY_CONFIRMATIONS}</td><td>6</td>
 *       <td>&gt;= 0</td></tr>
 *   <tr><td>{@code inclusionDeadlineMs}</td><td>{@code L2_INCLUSION_DEADLINE_MS}</td><td>60000</td>
 *       <td>0 .. 86400000; the deadline each signed admission receipt states; 0 issues no receipts</td></tr>
 *   <tr><td>{@code heartbeatIntervalMs}</td><td>{@code L2_HEARTBEAT_MS}</td><td>1000</td><td>&gt;= 1</td></tr>
 *   <tr><td>{@code reconcileIntervalMs}</td><td>{@code L2_RECONCILE_MS}</td><td>1000</td><td>&gt;= 1</td></tr>
 *   <tr><td>{@code maxPostsInFlight}</td><td>{@code L2_MAX_POSTS_IN_FLIGHT}</td><td>4</td>
 *       <td>1 .. 64: L1 submissions outstanding at once; batches are still sent and confirmed in batch order, but
 *       after a failed post a later batch may reach L1 before it (1 keeps L1 arrival strictly in order)</td></tr>
 *   <tr><td>{@code maxUnpostedBatches}</td><td>{@code L2_MAX_UNPOSTED_BATCHES}</td><td>64</td><td>&gt;= 1</td></tr>
 *   <tr><td>{@code sealThreads}</td><td>{@code L2_SEAL_THREADS}</td><td>0</td>
 *       <td>0 .. {@value #MAX_SEAL_THREADS_LIMIT}: threads the host gives the batcher to seal batches (envelope hash,
 *       signature, L1 request) while it cuts the next ones; 0 seals on the batcher's own thread. The core makes no
 *       thread: the host passes them as an executor ({@code Sequencer.Builder.sealExecutor})</td></tr>
 *   <tr><td>{@code postBackoff}</td><td>(none)</td><td>{@link Backoff#DEFAULT}</td><td>see {@link Backoff}</td></tr>
 *   <tr><td>{@code l1FailureThreshold}</td><td>{@code L2_L1_FAILURE_THRESHOLD}</td><td>5</td><td>&gt;= 1</td></tr>
 *   <tr><td>{@code repostAfterMs}</td><td>{@code L2_REPOST_AFTER_MS}</td><td>60000</td><td>&gt;= 1</td></tr>
 *   <tr><td>{@code retainConfirmed}</td><td>{@code L2_RETAIN_CONFIRMED}</td><td>0</td>
 *       <td>a {@link Horizon}: a count of the last confirmed batches, or an age such as {@code 7d}, that keep
 *       their bodies (L1 request bodies, tx encodings); older confirmed batches are pruned; 0 keeps every body</td></tr>
 *   <tr><td>{@code forgetConfirmed}</td><td>{@code L2_FORGET_CONFIRMED}</td><td>0</td>
 *       <td>a {@link Horizon}: confirmed batches past it are forgotten whole (batch row, tx hashes, receipt seals):
 *       the duplicate window; 0 forgets nothing</td></tr>
 *   <tr><td>{@code maxAdmissionGroup}</td><td>(none)</td><td>1000</td><td>1 .. 100000</td></tr>
 *   <tr><td>{@code dedupCacheSize}</td><td>(none)</td><td>100000</td><td>0 .. 67108864 (0 disables the cache)</td></tr>
 *   <tr><td>{@code forcedInclusion}</td><td>{@code L2_FORCE_INCLUSION}</td><td>{@code true}</td>
 *       <td>{@code 1}/{@code true}: run the forced-inclusion watcher when the L1 has an inbox; {@code 0}/{@code false}:
 *       never</td></tr>
 *   <tr><td>{@code forcePollMs}</td><td>{@code L2_FORCE_POLL_MS}</td><td>500</td><td>&gt;= 1</td></tr>
 *   <tr><td>{@code forceInclusionBlocks}</td><td>{@code L2_FORCE_INCLUSION_BLOCKS}</td><td>10</td>
 *       <td>1 .. 1000000: L1 blocks within which an inbox tx must be in a posted batch</td></tr>
 *   <tr><td>{@code forceMaxPerAccount}</td><td>{@code L2_FORCE_MAX_PER_ACCOUNT}</td><td>16</td>
 *       <td>1 .. 1000000: forced tickets an account may have queued at once ({@code POST /tx/force})</td></tr>
 * </table>
 */
public final class SequencerConfig {
    /** The largest accepted {@code maxTxSize}: 16 MiB. */
    public static final int MAX_TX_SIZE_LIMIT = 16 << 20;

    /** The longest accepted {@code leaderId}, in chars. */
    public static final int MAX_LEADER_ID_LENGTH = 128;

    /** The largest accepted {@code sealThreads}. */
    public static final int MAX_SEAL_THREADS_LIMIT = 16;

    /**
     * The default {@code maxPostsInFlight}. One post at a time bounded the node at about 8,000 tx/s against an L1 in
     * its own process (each post waits for L1 to parse and check a ~0.8 MB body); four took it to the ~19,000 tx/s
     * its CPU allows (docs/PERFORMANCE.md, "Sustained, with the devnet L1 in its own process").
     */
    public static final int DEFAULT_MAX_POSTS_IN_FLIGHT = 4;

    /** The largest accepted {@code maxPostsInFlight}. */
    public static final int MAX_POSTS_IN_FLIGHT_LIMIT = 64;

    /** The shortest accepted {@code leaseTtlMs}. */
    public static final long MIN_LEASE_TTL_MS = 100;

    /** The longest accepted {@code leaseTtlMs} (one day). */
    public static final long MAX_LEASE_TTL_MS = 86_400_000L;

    /** The shortest accepted {@code leaseRenewMs}. */
    public static final long MIN_LEASE_RENEW_MS = 10;

    /** The longest accepted {@code advertisedUrl}, in chars. */
    public static final int MAX_ADVERTISED_URL_LENGTH = 2048;

    /** The largest accepted {@code maxAdmissionGroup}. */
    public static final int MAX_ADMISSION_GROUP_LIMIT = 100_000;

    private final LeaderMode leaderMode;
    private final Role role;
    private final String leaderId;
    private final long term;
    private final long leaseTtlMs;
    private final long leaseRenewMs;
    private final String advertisedUrl;
    private final List<String> leaderSet;
    private final long epochMs;
    private final long genesisMs;
    private final long rotationGraceMs;
    private final Optional<LeaderSchedule> leaderSchedule;
    private final Optional<Path> sequencerKeyPath;
    private final long chainId;
    private final int maxTxSize;
    private final int admissionCap;
    private final BatchLimits batchLimits;
    private final Hub hub;
    private final long batchFee;
    private final int finalityConfirmations;
    private final long heartbeatIntervalMs;
    private final long inclusionDeadlineMs;
    private final long reconcileIntervalMs;
    private final int maxPostsInFlight;
    private final int maxUnpostedBatches;
    private final int sealThreads;
    private final Backoff postBackoff;
    private final int l1FailureThreshold;
    private final long repostAfterMs;
    private final Horizon retainConfirmed;
    private final Horizon forgetConfirmed;
    private final int maxAdmissionGroup;
    private final int dedupCacheSize;
    private final boolean forcedInclusion;
    private final long forcePollMs;
    private final int forceInclusionBlocks;
    private final int forceMaxPerAccount;

    private SequencerConfig(Builder builder) {
        this.leaderMode = builder.leaderMode;
        this.role = builder.role;
        this.leaderId = builder.leaderId;
        this.term = builder.term;
        this.leaseTtlMs = builder.leaseTtlMs;
        this.leaseRenewMs = builder.leaseRenewMs;
        this.advertisedUrl = builder.advertisedUrl;
        this.leaderSet = List.copyOf(builder.leaderSet);
        this.epochMs = builder.epochMs;
        this.genesisMs = builder.genesisMs;
        this.rotationGraceMs = builder.rotationGraceMs;
        this.leaderSchedule = leaderMode == LeaderMode.ROTATING ? Optional.of(new LeaderSchedule(leaderSet, genesisMs,
                epochMs, rotationGraceMs())) : Optional.empty();
        this.sequencerKeyPath = builder.sequencerKeyPath;
        this.chainId = builder.chainId;
        this.maxTxSize = builder.maxTxSize;
        this.admissionCap = builder.admissionCap;
        this.batchLimits = builder.batchLimits;
        this.hub = builder.hub;
        this.batchFee = builder.batchFee;
        this.finalityConfirmations = builder.finalityConfirmations;
        this.heartbeatIntervalMs = builder.heartbeatIntervalMs;
        this.inclusionDeadlineMs = builder.inclusionDeadlineMs;
        this.reconcileIntervalMs = builder.reconcileIntervalMs;
        this.maxPostsInFlight = builder.maxPostsInFlight;
        this.maxUnpostedBatches = builder.maxUnpostedBatches;
        this.sealThreads = builder.sealThreads;
        this.postBackoff = builder.postBackoff;
        this.l1FailureThreshold = builder.l1FailureThreshold;
        this.repostAfterMs = builder.repostAfterMs;
        this.retainConfirmed = builder.retainConfirmed;
        this.forgetConfirmed = builder.forgetConfirmed;
        this.maxAdmissionGroup = builder.maxAdmissionGroup;
        this.dedupCacheSize = builder.dedupCacheSize;
        this.forcedInclusion = builder.forcedInclusion;
        this.forcePollMs = builder.forcePollMs;
        this.forceInclusionBlocks = builder.forceInclusionBlocks;
        this.forceMaxPerAccount = builder.forceMaxPerAccount;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this configuration's settings */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.leaderMode = leaderMode;
        builder.role = role;
        builder.leaderId = leaderId;
        builder.term = term;
        builder.leaseTtlMs = leaseTtlMs;
        builder.leaseRenewMs = leaseRenewMs;
        builder.advertisedUrl = advertisedUrl;
        builder.leaderSet = leaderSet;
        builder.epochMs = epochMs;
        builder.genesisMs = genesisMs;
        builder.rotationGraceMs = rotationGraceMs;
        builder.sequencerKeyPath = sequencerKeyPath;
        builder.chainId = chainId;
        builder.maxTxSize = maxTxSize;
        builder.admissionCap = admissionCap;
        builder.batchLimits = batchLimits;
        builder.hub = hub;
        builder.batchFee = batchFee;
        builder.finalityConfirmations = finalityConfirmations;
        builder.heartbeatIntervalMs = heartbeatIntervalMs;
        builder.inclusionDeadlineMs = inclusionDeadlineMs;
        builder.reconcileIntervalMs = reconcileIntervalMs;
        builder.maxPostsInFlight = maxPostsInFlight;
        builder.maxUnpostedBatches = maxUnpostedBatches;
        builder.sealThreads = sealThreads;
        builder.postBackoff = postBackoff;
        builder.l1FailureThreshold = l1FailureThreshold;
        builder.repostAfterMs = repostAfterMs;
        builder.retainConfirmed = retainConfirmed;
        builder.forgetConfirmed = forgetConfirmed;
        builder.maxAdmissionGroup = maxAdmissionGroup;
        builder.dedupCacheSize = dedupCacheSize;
        builder.forcedInclusion = forcedInclusion;
        builder.forcePollMs = forcePollMs;
        builder.forceInclusionBlocks = forceInclusionBlocks;
        builder.forceMaxPerAccount = forceMaxPerAccount;
        return builder;
    }

    /**
     * Reads the configuration from environment variables (see the table above). Missing and empty variables take
     * the defaults; values are trimmed; variables this class does not know are ignored, so the whole process
     * environment can be passed. The engine tunables {@code L2_HEARTBEAT_MS}, {@code L2_RECONCILE_MS},
     * {@code L2_MAX_POSTS_IN_FLIGHT}, {@code L2_MAX_UNPOSTED_BATCHES}, {@code L2_SEAL_THREADS},
     * {@code L2_L1_FAILURE_THRESHOLD}, {@code L2_REPOST_AFTER_MS}, {@code L2_RETAIN_CONFIRMED} and
     * {@code L2_FORGET_CONFIRMED} are optional.
     * Numbers are decimal digits only; {@code L2_CHAIN_ID} is unsigned 64-bit, and values above
     * {@link Long#MAX_VALUE} are carried as their two's complement {@code long}.
     *
     * @param env the environment, e.g. {@link System#getenv()}
     * @return the validated configuration
     * @throws ConfigException naming the first variable that is malformed or out of range
     */
    public static SequencerConfig fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        Builder builder = builder();
        text(env, Setting.LEADER_MODE).ifPresent(value -> builder.leaderMode(parseLeaderMode(value)));
        text(env, Setting.ROLE).ifPresent(value -> builder.role(parseRole(value)));
        text(env, Setting.LEADER_ID).ifPresent(builder::leaderId);
        number(env, Setting.TERM).ifPresent(builder::term);
        number(env, Setting.LEASE_TTL_MS).ifPresent(builder::leaseTtlMs);
        number(env, Setting.LEASE_RENEW_MS).ifPresent(builder::leaseRenewMs);
        text(env, Setting.ADVERTISED_URL).ifPresent(builder::advertisedUrl);
        text(env, Setting.LEADER_SET).ifPresent(value -> builder.leaderSet(List.of(value.split(",", -1))));
        number(env, Setting.EPOCH_MS).ifPresent(builder::epochMs);
        number(env, Setting.GENESIS_MS).ifPresent(builder::genesisMs);
        number(env, Setting.ROTATION_GRACE_MS).ifPresent(builder::rotationGraceMs);
        text(env, Setting.SEQUENCER_KEY_PATH)
                .ifPresent(value -> builder.sequencerKeyPath(Optional.of(parsePath(value))));
        text(env, Setting.CHAIN_ID).ifPresent(value -> builder.chainId(parseChainId(value)));
        number(env, Setting.MAX_TX_SIZE).ifPresent(value -> builder.maxTxSize((int) value));
        number(env, Setting.ADMISSION_CAP).ifPresent(value -> builder.admissionCap((int) value));
        OptionalLong maxBatchTxs = number(env, Setting.BATCH_MAX_TXS);
        OptionalLong maxBatchBytes = number(env, Setting.BATCH_MAX_BYTES);
        OptionalLong maxWaitMs = number(env, Setting.BATCH_MAX_WAIT_MS);
        if (maxBatchTxs.isPresent() || maxBatchBytes.isPresent() || maxWaitMs.isPresent()) {
            BatchLimits defaults = BatchLimits.DEFAULTS;
            builder.batchLimits(batchLimits((int) maxBatchTxs.orElse(defaults.maxTxs()),
                    maxBatchBytes.orElse(defaults.maxBytes()), maxWaitMs.orElse(defaults.maxWaitMs())));
        }
        text(env, Setting.HUB).ifPresent(value -> builder.hub(parseHub(value)));
        number(env, Setting.BATCH_FEE).ifPresent(builder::batchFee);
        number(env, Setting.FINALITY_CONFIRMATIONS).ifPresent(value -> builder.finalityConfirmations((int) value));
        number(env, Setting.HEARTBEAT_INTERVAL_MS).ifPresent(builder::heartbeatIntervalMs);
        number(env, Setting.INCLUSION_DEADLINE_MS).ifPresent(builder::inclusionDeadlineMs);
        number(env, Setting.RECONCILE_INTERVAL_MS).ifPresent(builder::reconcileIntervalMs);
        number(env, Setting.MAX_POSTS_IN_FLIGHT).ifPresent(value -> builder.maxPostsInFlight((int) value));
        number(env, Setting.MAX_UNPOSTED_BATCHES).ifPresent(value -> builder.maxUnpostedBatches((int) value));
        number(env, Setting.SEAL_THREADS).ifPresent(value -> builder.sealThreads((int) value));
        number(env, Setting.L1_FAILURE_THRESHOLD).ifPresent(value -> builder.l1FailureThreshold((int) value));
        number(env, Setting.REPOST_AFTER_MS).ifPresent(builder::repostAfterMs);
        horizon(env, Setting.RETAIN_CONFIRMED).ifPresent(builder::retainConfirmed);
        horizon(env, Setting.FORGET_CONFIRMED).ifPresent(builder::forgetConfirmed);
        text(env, Setting.FORCED_INCLUSION).ifPresent(value -> builder.forcedInclusion(parseForcedInclusion(value)));
        number(env, Setting.FORCE_POLL_MS).ifPresent(builder::forcePollMs);
        number(env, Setting.FORCE_INCLUSION_BLOCKS).ifPresent(value -> builder.forceInclusionBlocks((int) value));
        number(env, Setting.FORCE_MAX_PER_ACCOUNT).ifPresent(value -> builder.forceMaxPerAccount((int) value));
        return builder.build(true);
    }

    /** @return how the leader is chosen; default {@link LeaderMode#SINGLE} */
    public LeaderMode leaderMode() {
        return leaderMode;
    }

    /**
     * @return in lease mode, how long the lease lives without a renewal, ms; default 5000. A leader stops writing
     *         {@link #leaseSafetyMarginMs()} before the lease it last renewed can expire.
     */
    public long leaseTtlMs() {
        return leaseTtlMs;
    }

    /** @return in lease mode, how often the leader renews its lease and a standby tries to take it, ms; default 1000 */
    public long leaseRenewMs() {
        return leaseRenewMs;
    }

    /**
     * @return how long before its lease can expire a leader that could not renew stops writing, ms: half of what the
     *         time to live leaves beyond one renew period, {@code (leaseTtlMs - leaseRenewMs) / 2}. It covers clock
     *         drift and the leader's own pauses between a check and a write; a pause longer than that is caught by
     *         the storage term.
     */
    public long leaseSafetyMarginMs() {
        return (leaseTtlMs - leaseRenewMs) / 2;
    }

    /**
     * @return in rotating mode, the Ed25519 public keys of the leader set in hex (lower case), in configured order;
     *     default empty
     */
    public List<String> leaderSet() {
        return leaderSet;
    }

    /** @return in rotating mode, the length of an epoch, ms; default 10000 */
    public long epochMs() {
        return epochMs;
    }

    /** @return in rotating mode, the wall-clock ms at which epoch 0 starts; default 0 */
    public long genesisMs() {
        return genesisMs;
    }

    /**
     * @return in rotating mode, how long the scheduled leader has to take the lease before the next key of the set
     *     may, ms: as configured, or by default {@code max(leaseTtlMs, epochMs / 4)}
     */
    public long rotationGraceMs() {
        return rotationGraceMs > 0 ? rotationGraceMs : Math.max(leaseTtlMs, epochMs / 4);
    }

    /** @return in rotating mode, the schedule of these settings; empty in the other modes */
    public Optional<LeaderSchedule> leaderSchedule() {
        return leaderSchedule;
    }

    /** @return where clients reach this node when it leads, shown to followers' clients; default empty */
    public String advertisedUrl() {
        return advertisedUrl;
    }

    /** @return whether this instance leads or follows; default {@link Role#LEADER} */
    public Role role() {
        return role;
    }

    /** @return this instance's identifier; default {@code sequencer-0} */
    public String leaderId() {
        return leaderId;
    }

    /** @return the term (epoch) this instance leads in; default 0 */
    public long term() {
        return term;
    }

    /**
     * @return the Ed25519 PKCS#8 PEM key file that signs batch envelopes, or empty to post them unsigned (the
     *     default); the file is not read here
     */
    public Optional<Path> sequencerKeyPath() {
        return sequencerKeyPath;
    }

    /** @return the L2 chain id, an unsigned 64-bit value ({@link Long#toUnsignedString(long)}); default 1 */
    public long chainId() {
        return chainId;
    }

    /** @return the largest tx payload in bytes; default 65536 */
    public int maxTxSize() {
        return maxTxSize;
    }

    /** @return the most pending (accepted, not yet batched) txs; default 100000 */
    public int admissionCap() {
        return admissionCap;
    }

    /** @return when a batch is cut; default {@link BatchLimits#DEFAULTS} */
    public BatchLimits batchLimits() {
        return batchLimits;
    }

    /** @return the hub of the L1 contract envelope; default {@link Hub#Fin} */
    public Hub hub() {
        return hub;
    }

    /** @return the fee of the L1 contract envelope; default 0 */
    public long batchFee() {
        return batchFee;
    }

    /** @return the L1 blocks on top of inclusion before a batch counts as confirmed; default 6 */
    public int finalityConfirmations() {
        return finalityConfirmations;
    }

    /** @return the time between heartbeats of the leader's term; default 1000 ms */
    public long heartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    /**
     * @return how long after its admission a tx is due to be in a batch, ms: the deadline each signed admission
     *         receipt states (receipts v1); 0 when the node issues no receipts. Receipts are issued only when the
     *         node has a signing key.
     */
    public long inclusionDeadlineMs() {
        return inclusionDeadlineMs;
    }

    /** @return the time between reconciliations of posted batches with the L1; default 1000 ms */
    public long reconcileIntervalMs() {
        return reconcileIntervalMs;
    }

    /**
     * @return the most batches being posted to the L1 at once; default 1, so L1 receives batches strictly in order
     *     even when a post fails; more pipelines posting, but after a failed post a later batch may reach L1 first
     *     (it carries its {@code sequence}, and confirmation stays in order)
     */
    public int maxPostsInFlight() {
        return maxPostsInFlight;
    }

    /**
     * @return the most batches committed and not yet accepted by L1 before the batcher stops cutting; default 64.
     *     While it holds back, accepted txs stay pending, so the admission cap refuses what L1 cannot take
     *     ({@code QUEUE_FULL}) instead of batches piling up in storage and in the poster's memory
     */
    public int maxUnpostedBatches() {
        return maxUnpostedBatches;
    }

    /**
     * @return how many threads the host gives the batcher to seal batches (build, hash and sign the envelope and the
     *     L1 request) while it cuts and commits others; default 0: the batcher seals on its own thread. Read by the
     *     host (the node makes that many threads and passes them as {@code Sequencer.Builder.sealExecutor}); the
     *     engine lets {@code sealThreads + 2} batches be cut ahead of their commit when it has one
     */
    public int sealThreads() {
        return sealThreads;
    }

    /** @return the backoff between retries of a failed post; default {@link Backoff#DEFAULT} */
    public Backoff postBackoff() {
        return postBackoff;
    }

    /** @return the consecutive L1 failures after which readiness turns red; default 5 */
    public int l1FailureThreshold() {
        return l1FailureThreshold;
    }

    /**
     * @return how long a posted batch the L1 still does not know waits before it is posted again with the same
     *     idempotency key; default 60000 ms
     */
    public long repostAfterMs() {
        return repostAfterMs;
    }

    /**
     * @return the horizon of the confirmed batches that keep their L1 request bodies and tx encodings: a count of
     *     the last ones or an age; the leader prunes older confirmed batches (their tx hashes and seqs stay); default
     *     {@link Horizon#KEEP}, which prunes nothing
     */
    public Horizon retainConfirmed() {
        return retainConfirmed;
    }

    /**
     * @return the horizon past which the leader forgets confirmed batches whole (batch row, tx hashes and seqs,
     *     receipt seals): the duplicate window, past which a re-sent tx is admitted again; default
     *     {@link Horizon#KEEP}, which forgets nothing
     */
    public Horizon forgetConfirmed() {
        return forgetConfirmed;
    }

    /** @return the most txs admitted in one storage write; default 1000 */
    public int maxAdmissionGroup() {
        return maxAdmissionGroup;
    }

    /** @return the entries of the recent-tx-hash duplicate cache, 0 for none; default 100000 */
    public int dedupCacheSize() {
        return dedupCacheSize;
    }

    /**
     * @return whether the leader runs the forced-inclusion watcher (when the L1 has an inbox,
     *         {@code L1Poster.supportsForcedInbox()}); default true
     */
    public boolean forcedInclusion() {
        return forcedInclusion;
    }

    /** @return how often the forced-inclusion watcher reads the L1 inbox, ms; default 500 */
    public long forcePollMs() {
        return forcePollMs;
    }

    /** @return the L1 blocks after its inbox height within which a forced tx must be in a posted batch; default 10 */
    public int forceInclusionBlocks() {
        return forceInclusionBlocks;
    }

    /** @return how many forced tickets one account may have queued at once; default 16 */
    public int forceMaxPerAccount() {
        return forceMaxPerAccount;
    }

    /** @return whether {@code other} is a configuration with equal settings */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof SequencerConfig)) {
            return false;
        }
        SequencerConfig that = (SequencerConfig) other;
        return leaderMode == that.leaderMode
                && role == that.role
                && leaderId.equals(that.leaderId)
                && term == that.term
                && leaseTtlMs == that.leaseTtlMs
                && leaseRenewMs == that.leaseRenewMs
                && advertisedUrl.equals(that.advertisedUrl)
                && leaderSet.equals(that.leaderSet)
                && epochMs == that.epochMs
                && genesisMs == that.genesisMs
                && rotationGraceMs == that.rotationGraceMs
                && sequencerKeyPath.equals(that.sequencerKeyPath)
                && chainId == that.chainId
                && maxTxSize == that.maxTxSize
                && admissionCap == that.admissionCap
                && batchLimits.equals(that.batchLimits)
                && hub == that.hub
                && batchFee == that.batchFee
                && finalityConfirmations == that.finalityConfirmations
                && heartbeatIntervalMs == that.heartbeatIntervalMs
                && inclusionDeadlineMs == that.inclusionDeadlineMs
                && reconcileIntervalMs == that.reconcileIntervalMs
                && maxPostsInFlight == that.maxPostsInFlight
                && maxUnpostedBatches == that.maxUnpostedBatches
                && sealThreads == that.sealThreads
                && postBackoff.equals(that.postBackoff)
                && l1FailureThreshold == that.l1FailureThreshold
                && repostAfterMs == that.repostAfterMs
                && retainConfirmed.equals(that.retainConfirmed)
                && forgetConfirmed.equals(that.forgetConfirmed)
                && maxAdmissionGroup == that.maxAdmissionGroup
                && dedupCacheSize == that.dedupCacheSize
                && forcedInclusion == that.forcedInclusion
                && forcePollMs == that.forcePollMs
                && forceInclusionBlocks == that.forceInclusionBlocks
                && forceMaxPerAccount == that.forceMaxPerAccount;
    }

    /** @return a hash of all settings */
    @Override
    public int hashCode() {
        return Objects.hash(leaderMode, role, leaderId, term, leaseTtlMs, leaseRenewMs, advertisedUrl, sequencerKeyPath, chainId, maxTxSize, admissionCap,
                batchLimits, hub, batchFee, finalityConfirmations, heartbeatIntervalMs, inclusionDeadlineMs, reconcileIntervalMs,
                maxPostsInFlight, maxUnpostedBatches, sealThreads, postBackoff, l1FailureThreshold, repostAfterMs,
                retainConfirmed, forgetConfirmed, maxAdmissionGroup, dedupCacheSize, forcedInclusion, forcePollMs,
                forceInclusionBlocks,
                forceMaxPerAccount, leaderSet, epochMs, genesisMs, rotationGraceMs);
    }

    /** @return every setting, one {@code name=value} each (the key path is shown: it is not secret) */
    @Override
    public String toString() {
        return "SequencerConfig{leaderMode=" + leaderMode.wireName()
                + ", role=" + role
                + ", leaderId=" + leaderId
                + ", term=" + term
                + ", leaseTtlMs=" + leaseTtlMs
                + ", leaseRenewMs=" + leaseRenewMs
                + ", advertisedUrl=" + advertisedUrl
                + ", leaderSet=" + leaderSet
                + ", epochMs=" + epochMs
                + ", genesisMs=" + genesisMs
                + ", rotationGraceMs=" + rotationGraceMs
                + ", sequencerKeyPath=" + sequencerKeyPath.map(Path::toString).orElse("<none>")
                + ", chainId=" + Long.toUnsignedString(chainId)
                + ", maxTxSize=" + maxTxSize
                + ", admissionCap=" + admissionCap
                + ", batchLimits=" + batchLimits
                + ", hub=" + hub
                + ", batchFee=" + batchFee
                + ", finalityConfirmations=" + finalityConfirmations
                + ", heartbeatIntervalMs=" + heartbeatIntervalMs
                + ", inclusionDeadlineMs=" + inclusionDeadlineMs
                + ", reconcileIntervalMs=" + reconcileIntervalMs
                + ", maxPostsInFlight=" + maxPostsInFlight
                + ", maxUnpostedBatches=" + maxUnpostedBatches
                + ", sealThreads=" + sealThreads
                + ", postBackoff=" + postBackoff
                + ", l1FailureThreshold=" + l1FailureThreshold
                + ", repostAfterMs=" + repostAfterMs
                + ", retainConfirmed=" + retainConfirmed
                + ", forgetConfirmed=" + forgetConfirmed
                + ", maxAdmissionGroup=" + maxAdmissionGroup
                + ", dedupCacheSize=" + dedupCacheSize
                + ", forcedInclusion=" + forcedInclusion
                + ", forcePollMs=" + forcePollMs
                + ", forceInclusionBlocks=" + forceInclusionBlocks
                + ", forceMaxPerAccount=" + forceMaxPerAccount
                + "}";
    }

    // ---- environment parsing ---------------------------------------------------------------------------------

    /** The trimmed value of the setting's variable, or empty if it is missing or blank. */
    private static Optional<String> text(Map<String, String> env, Setting setting) {
        String value = env.get(setting.variable);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.strip());
    }

    /** The setting's variable as a non-negative decimal integer within the setting's range, or empty if unset. */
    private static OptionalLong number(Map<String, String> env, Setting setting) {
        Optional<String> text = text(env, setting);
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        String value = text.get();
        if (!isDecimalDigits(value)) {
            throw new ConfigException(setting.variable, "not a non-negative integer", value);
        }
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException tooLarge) {
            throw new ConfigException(setting.variable, setting.rangeProblem(), value, tooLarge);
        }
        setting.checkRange(parsed, value, true);
        return OptionalLong.of(parsed);
    }

    /** The setting's variable as a {@link Horizon} (a count of batches or a duration), or empty if unset. */
    private static Optional<Horizon> horizon(Map<String, String> env, Setting setting) {
        Optional<String> text = text(env, setting);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Horizon.parse(text.get()));
        } catch (IllegalArgumentException malformed) {
            throw new ConfigException(setting.variable, malformed.getMessage(), text.get(), malformed);
        }
    }

    private static boolean isDecimalDigits(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return !value.isEmpty();
    }

    private static LeaderMode parseLeaderMode(String value) {
        for (LeaderMode mode : LeaderMode.values()) {
            if (mode.wireName().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new ConfigException(Setting.LEADER_MODE.variable,
                "must be '" + LeaderMode.SINGLE.wireName() + "', '" + LeaderMode.LEASE.wireName() + "' or '"
                        + LeaderMode.ROTATING.wireName() + "'", value);
    }

    private static boolean parseForcedInclusion(String value) {
        if (value.equals("1") || value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equals("0") || value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ConfigException(Setting.FORCED_INCLUSION.variable, "must be 1 or true, 0 or false", value);
    }

    private static Role parseRole(String value) {
        if (value.equals("1") || value.equalsIgnoreCase("true")) {
            return Role.LEADER;
        }
        if (value.equals("0") || value.equalsIgnoreCase("false")) {
            return Role.FOLLOWER;
        }
        throw new ConfigException(Setting.ROLE.variable,
                "must be 1 or true (leader), 0 or false (follower)", value);
    }

    private static Path parsePath(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigException(Setting.SEQUENCER_KEY_PATH.variable, "not a valid path", value, e);
        }
    }

    private static long parseChainId(String value) {
        if (!isDecimalDigits(value)) {
            throw new ConfigException(Setting.CHAIN_ID.variable, "not an unsigned 64-bit integer", value);
        }
        try {
            return Long.parseUnsignedLong(value);
        } catch (NumberFormatException tooLarge) {
            throw new ConfigException(Setting.CHAIN_ID.variable,
                    "must be at most " + Long.toUnsignedString(-1L) + " (unsigned 64-bit)", value, tooLarge);
        }
    }

    private static Hub parseHub(String value) {
        try {
            return Hub.parse(value);
        } catch (ContractException e) {
            StringBuilder names = new StringBuilder();
            for (Hub hub : Hub.values()) {
                names.append(names.length() == 0 ? "" : ", ").append(hub.name());
            }
            throw new ConfigException(Setting.HUB.variable, "must be one of " + names, value, e);
        }
    }

    /**
     * Builds the batch limits, naming the variable whose component {@link BatchLimits} refuses: each component is
     * tried alone, with the defaults for the other two.
     */
    private static BatchLimits batchLimits(int maxTxs, long maxBytes, long maxWaitMs) {
        BatchLimits defaults = BatchLimits.DEFAULTS;
        tryBatchLimits(Setting.BATCH_MAX_TXS.variable,
                () -> new BatchLimits(maxTxs, defaults.maxBytes(), defaults.maxWaitMs()));
        tryBatchLimits(Setting.BATCH_MAX_BYTES.variable,
                () -> new BatchLimits(defaults.maxTxs(), maxBytes, defaults.maxWaitMs()));
        tryBatchLimits(Setting.BATCH_MAX_WAIT_MS.variable,
                () -> new BatchLimits(defaults.maxTxs(), defaults.maxBytes(), maxWaitMs));
        // Each component is valid alone; only a rule across components can still refuse, so all three are named.
        return tryBatchLimits(Setting.BATCH_MAX_TXS.variable + ", " + Setting.BATCH_MAX_BYTES.variable + ", "
                + Setting.BATCH_MAX_WAIT_MS.variable, () -> new BatchLimits(maxTxs, maxBytes, maxWaitMs));
    }

    private static BatchLimits tryBatchLimits(String variable, Supplier<BatchLimits> limits) {
        try {
            return limits.get();
        } catch (IllegalArgumentException e) {
            // BatchLimits' message already holds the value ("maxBytes must be >= 69 ..., got 5"): echo no more.
            throw new ConfigException(variable, e.getMessage(), null, e);
        }
    }

    /** A setting: its builder field, its environment variable (if any) and, for numbers, its range. */
    private enum Setting {
        LEADER_MODE("leaderMode", "L2_LEADER_MODE"),
        ROLE("role", "L2_LEADER"),
        LEADER_ID("leaderId", "LEADER_ID"),
        TERM("term", "LEADER_TERM", 0, Long.MAX_VALUE),
        LEASE_TTL_MS("leaseTtlMs", "L2_LEASE_TTL_MS", MIN_LEASE_TTL_MS, MAX_LEASE_TTL_MS),
        LEASE_RENEW_MS("leaseRenewMs", "L2_LEASE_RENEW_MS", MIN_LEASE_RENEW_MS, MAX_LEASE_TTL_MS),
        ADVERTISED_URL("advertisedUrl", "L2_ADVERTISED_URL"),
        LEADER_SET("leaderSet", "L2_LEADER_SET"),
        EPOCH_MS("epochMs", "L2_EPOCH_MS", 1, Long.MAX_VALUE),
        GENESIS_MS("genesisMs", "L2_GENESIS_MS", 0, Long.MAX_VALUE),
        ROTATION_GRACE_MS("rotationGraceMs", "L2_ROTATION_GRACE_MS", 0, Long.MAX_VALUE),
        SEQUENCER_KEY_PATH("sequencerKeyPath", "L2_SEQUENCER_KEY_PATH"),
        CHAIN_ID("chainId", "L2_CHAIN_ID"),
        MAX_TX_SIZE("maxTxSize", "L2_MAX_TX_SIZE", 1, MAX_TX_SIZE_LIMIT),
        ADMISSION_CAP("admissionCap", "L2_ADMISSION_CAP", 1, Integer.MAX_VALUE),
        BATCH_LIMITS("batchLimits", null),
        BATCH_MAX_TXS("batchLimits.maxTxs", "L2_MAX_BATCH_TXS", 1, Integer.MAX_VALUE),
        BATCH_MAX_BYTES("batchLimits.maxBytes", "L2_MAX_BATCH_BYTES", 0, Long.MAX_VALUE),
        BATCH_MAX_WAIT_MS("batchLimits.maxWaitMs", "L2_MAX_WAIT_MS", 0, Long.MAX_VALUE),
        HUB("hub", "L2_HUB_ID"),
        BATCH_FEE("batchFee", "L2_BATCH_FEE", 0, Long.MAX_VALUE),
        FINALITY_CONFIRMATIONS("finalityConfirmations", "L2_FINALITY_CONFIRMATIONS", 0, Integer.MAX_VALUE),
        HEARTBEAT_INTERVAL_MS("heartbeatIntervalMs", "L2_HEARTBEAT_MS", 1, Long.MAX_VALUE),
        INCLUSION_DEADLINE_MS("inclusionDeadlineMs", "L2_INCLUSION_DEADLINE_MS", 0, 86_400_000L),
        RECONCILE_INTERVAL_MS("reconcileIntervalMs", "L2_RECONCILE_MS", 1, Long.MAX_VALUE),
        MAX_POSTS_IN_FLIGHT("maxPostsInFlight", "L2_MAX_POSTS_IN_FLIGHT", 1, MAX_POSTS_IN_FLIGHT_LIMIT),
        MAX_UNPOSTED_BATCHES("maxUnpostedBatches", "L2_MAX_UNPOSTED_BATCHES", 1, Integer.MAX_VALUE),
        SEAL_THREADS("sealThreads", "L2_SEAL_THREADS", 0, MAX_SEAL_THREADS_LIMIT),
        POST_BACKOFF("postBackoff", null),
        L1_FAILURE_THRESHOLD("l1FailureThreshold", "L2_L1_FAILURE_THRESHOLD", 1, Integer.MAX_VALUE),
        REPOST_AFTER_MS("repostAfterMs", "L2_REPOST_AFTER_MS", 1, Long.MAX_VALUE),
        RETAIN_CONFIRMED("retainConfirmed", "L2_RETAIN_CONFIRMED"),
        FORGET_CONFIRMED("forgetConfirmed", "L2_FORGET_CONFIRMED"),
        MAX_ADMISSION_GROUP("maxAdmissionGroup", null, 1, MAX_ADMISSION_GROUP_LIMIT),
        DEDUP_CACHE_SIZE("dedupCacheSize", null, 0, RecentTxs.MAX_CAPACITY),
        FORCED_INCLUSION("forcedInclusion", "L2_FORCE_INCLUSION"),
        FORCE_POLL_MS("forcePollMs", "L2_FORCE_POLL_MS", 1, Long.MAX_VALUE),
        FORCE_INCLUSION_BLOCKS("forceInclusionBlocks", "L2_FORCE_INCLUSION_BLOCKS", 1, 1_000_000),
        FORCE_MAX_PER_ACCOUNT("forceMaxPerAccount", "L2_FORCE_MAX_PER_ACCOUNT", 1, 1_000_000);

        private final String field;
        private final String variable;
        private final long min;
        private final long max;

        Setting(String field, String variable) {
            this(field, variable, 0, 0);
        }

        Setting(String field, String variable, long min, long max) {
            this.field = field;
            this.variable = variable;
            this.min = min;
            this.max = max;
        }

        /** The variable when the value came from the environment and the setting has one, else the field. */
        String name(boolean fromEnvironment) {
            return fromEnvironment && variable != null ? variable : field;
        }

        String rangeProblem() {
            return "must be within " + min + ".." + max;
        }

        void checkRange(long value, String shown, boolean fromEnvironment) {
            if (value < min || value > max) {
                throw new ConfigException(name(fromEnvironment), rangeProblem(), shown);
            }
        }

        void checkRange(long value, boolean fromEnvironment) {
            checkRange(value, Long.toString(value), fromEnvironment);
        }

        <T> T requireNonNull(T value, boolean fromEnvironment) {
            if (value == null) {
                throw new ConfigException(name(fromEnvironment), "must not be null", null);
            }
            return value;
        }
    }

    /** Builds a {@link SequencerConfig}; holds the defaults until set, and validates once, in {@link #build()}. */
    public static final class Builder {
        private LeaderMode leaderMode = LeaderMode.SINGLE;
        private Role role = Role.LEADER;
        private String leaderId = "sequencer-0";
        private long term;
        private long leaseTtlMs = 5000;
        private long leaseRenewMs = 1000;
        private String advertisedUrl = "";
        private List<String> leaderSet = List.of();
        private long epochMs = 10_000;
        private long genesisMs;
        private long rotationGraceMs;
        private Optional<Path> sequencerKeyPath = Optional.empty();
        private long chainId = 1;
        private int maxTxSize = 65_536;
        private int admissionCap = 100_000;
        private BatchLimits batchLimits = BatchLimits.DEFAULTS;
        private Hub hub = Hub.Fin;
        private long batchFee;
        private int finalityConfirmations = 6;
        private long heartbeatIntervalMs = 1000;
        private long inclusionDeadlineMs = 60_000;
        private long reconcileIntervalMs = 1000;
        private int maxPostsInFlight = DEFAULT_MAX_POSTS_IN_FLIGHT;
        private int maxUnpostedBatches = 64;
        private int sealThreads;
        private Backoff postBackoff = Backoff.DEFAULT;
        private int l1FailureThreshold = 5;
        private long repostAfterMs = 60_000;
        private Horizon retainConfirmed = Horizon.KEEP;
        private Horizon forgetConfirmed = Horizon.KEEP;
        private int maxAdmissionGroup = 1000;
        private int dedupCacheSize = 100_000;
        private boolean forcedInclusion = true;
        private long forcePollMs = 500;
        private int forceInclusionBlocks = 10;
        private int forceMaxPerAccount = 16;

        private Builder() {
        }

        /**
         * @param leaderMode how the leader is chosen; not null
         * @return this builder
         */
        public Builder leaderMode(LeaderMode leaderMode) {
            this.leaderMode = leaderMode;
            return this;
        }

        /**
         * @param role whether this instance leads or follows; not null
         * @return this builder
         */
        public Builder role(Role role) {
            this.role = role;
            return this;
        }

        /**
         * @param leaderId this instance's identifier: not blank, at most {@value SequencerConfig#MAX_LEADER_ID_LENGTH}
         *     chars, no control characters
         * @return this builder
         */
        public Builder leaderId(String leaderId) {
            this.leaderId = leaderId;
            return this;
        }

        /**
         * @param term the term (epoch) this instance leads in, at least 0
         * @return this builder
         */
        public Builder term(long term) {
            this.term = term;
            return this;
        }

        /**
         * @param leaseTtlMs in lease mode, the lease's time to live, ms
         * @return this builder
         */
        public Builder leaseTtlMs(long leaseTtlMs) {
            this.leaseTtlMs = leaseTtlMs;
            return this;
        }

        /**
         * @param leaseRenewMs in lease mode, the renew (and campaign) period, ms
         * @return this builder
         */
        public Builder leaseRenewMs(long leaseRenewMs) {
            this.leaseRenewMs = leaseRenewMs;
            return this;
        }

        /**
         * @param advertisedUrl where clients reach this node when it leads; may be empty, not null
         * @return this builder
         */
        public Builder advertisedUrl(String advertisedUrl) {
            this.advertisedUrl = advertisedUrl;
            return this;
        }

        /**
         * @param leaderSet in rotating mode, the Ed25519 public keys of the leader set in hex, in the order every node
         *     of the fleet configures (the election indexes into it); not null
         * @return this builder
         */
        public Builder leaderSet(List<String> leaderSet) {
            this.leaderSet = leaderSet;
            return this;
        }

        /**
         * @param epochMs in rotating mode, the length of an epoch, ms; at least twice {@code leaseTtlMs}
         * @return this builder
         */
        public Builder epochMs(long epochMs) {
            this.epochMs = epochMs;
            return this;
        }

        /**
         * @param genesisMs in rotating mode, the wall-clock ms at which epoch 0 starts, at least 0
         * @return this builder
         */
        public Builder genesisMs(long genesisMs) {
            this.genesisMs = genesisMs;
            return this;
        }

        /**
         * @param rotationGraceMs in rotating mode, the grace period, ms: 0 for the default, else at least
         *     {@code leaseTtlMs} and less than {@code epochMs}
         * @return this builder
         */
        public Builder rotationGraceMs(long rotationGraceMs) {
            this.rotationGraceMs = rotationGraceMs;
            return this;
        }

        /**
         * @param sequencerKeyPath the Ed25519 PKCS#8 PEM key file, or empty to post envelopes unsigned; not null
         * @return this builder
         */
        public Builder sequencerKeyPath(Optional<Path> sequencerKeyPath) {
            this.sequencerKeyPath = sequencerKeyPath;
            return this;
        }

        /**
         * @param chainId the L2 chain id, unsigned 64-bit (any {@code long})
         * @return this builder
         */
        public Builder chainId(long chainId) {
            this.chainId = chainId;
            return this;
        }

        /**
         * @param maxTxSize the largest tx payload in bytes, within 1 .. {@value SequencerConfig#MAX_TX_SIZE_LIMIT}
         *     and at most {@code batchLimits.maxBytes}
         * @return this builder
         */
        public Builder maxTxSize(int maxTxSize) {
            this.maxTxSize = maxTxSize;
            return this;
        }

        /**
         * @param admissionCap the most pending txs, at least 1
         * @return this builder
         */
        public Builder admissionCap(int admissionCap) {
            this.admissionCap = admissionCap;
            return this;
        }

        /**
         * @param batchLimits when a batch is cut; not null
         * @return this builder
         */
        public Builder batchLimits(BatchLimits batchLimits) {
            this.batchLimits = batchLimits;
            return this;
        }

        /**
         * @param hub the hub of the L1 contract envelope; not null
         * @return this builder
         */
        public Builder hub(Hub hub) {
            this.hub = hub;
            return this;
        }

        /**
         * @param batchFee the fee of the L1 contract envelope, at least 0
         * @return this builder
         */
        public Builder batchFee(long batchFee) {
            this.batchFee = batchFee;
            return this;
        }

        /**
         * @param finalityConfirmations L1 blocks on top of inclusion before a batch is confirmed, at least 0
         * @return this builder
         */
        public Builder finalityConfirmations(int finalityConfirmations) {
            this.finalityConfirmations = finalityConfirmations;
            return this;
        }

        /**
         * @param inclusionDeadlineMs how long after its admission a tx is due to be in a batch, the deadline its
         *                            signed receipt states, 0 .. 86400000 ms; 0 issues no receipts
         * @return this builder
         */
        public Builder inclusionDeadlineMs(long inclusionDeadlineMs) {
            this.inclusionDeadlineMs = inclusionDeadlineMs;
            return this;
        }

        /**
         * @param heartbeatIntervalMs the time between heartbeats of the leader's term, at least 1
         * @return this builder
         */
        public Builder heartbeatIntervalMs(long heartbeatIntervalMs) {
            this.heartbeatIntervalMs = heartbeatIntervalMs;
            return this;
        }

        /**
         * @param reconcileIntervalMs the time between reconciliations with the L1, at least 1
         * @return this builder
         */
        public Builder reconcileIntervalMs(long reconcileIntervalMs) {
            this.reconcileIntervalMs = reconcileIntervalMs;
            return this;
        }

        /**
         * @param maxPostsInFlight the most batches being posted at once, within 1 ..
         *     {@value SequencerConfig#MAX_POSTS_IN_FLIGHT_LIMIT}
         * @return this builder
         */
        public Builder maxPostsInFlight(int maxPostsInFlight) {
            this.maxPostsInFlight = maxPostsInFlight;
            return this;
        }

        /**
         * @param maxUnpostedBatches the most batches committed and not yet accepted by L1 before cutting holds
         *     back, at least 1
         * @return this builder
         */
        public Builder maxUnpostedBatches(int maxUnpostedBatches) {
            this.maxUnpostedBatches = maxUnpostedBatches;
            return this;
        }

        /**
         * @param sealThreads threads the host gives the batcher to seal batches, within 0 ..
         *     {@value SequencerConfig#MAX_SEAL_THREADS_LIMIT}; 0 seals on the batcher's thread
         * @return this builder
         */
        public Builder sealThreads(int sealThreads) {
            this.sealThreads = sealThreads;
            return this;
        }

        /**
         * @param postBackoff the backoff between retries of a failed post; not null
         * @return this builder
         */
        public Builder postBackoff(Backoff postBackoff) {
            this.postBackoff = postBackoff;
            return this;
        }

        /**
         * @param l1FailureThreshold the consecutive L1 failures after which readiness turns red, at least 1
         * @return this builder
         */
        public Builder l1FailureThreshold(int l1FailureThreshold) {
            this.l1FailureThreshold = l1FailureThreshold;
            return this;
        }

        /**
         * @param repostAfterMs how long a posted batch unknown to the L1 waits before it is posted again, at least 1
         * @return this builder
         */
        public Builder repostAfterMs(long repostAfterMs) {
            this.repostAfterMs = repostAfterMs;
            return this;
        }

        /**
         * @param retainConfirmed the horizon of the confirmed batches that keep their bodies: the last N
         *     ({@link Horizon#batches}) or those cut within an age ({@link Horizon#age}); {@link Horizon#KEEP} (the
         *     default) keeps every body
         * @return this builder
         */
        public Builder retainConfirmed(Horizon retainConfirmed) {
            this.retainConfirmed = retainConfirmed;
            return this;
        }

        /**
         * @param forgetConfirmed the horizon past which confirmed batches are forgotten whole (the duplicate
         *     window); {@link Horizon#KEEP} (the default) forgets nothing
         * @return this builder
         */
        public Builder forgetConfirmed(Horizon forgetConfirmed) {
            this.forgetConfirmed = forgetConfirmed;
            return this;
        }

        /**
         * @param maxAdmissionGroup the most txs in one storage write, within 1 ..
         *     {@value SequencerConfig#MAX_ADMISSION_GROUP_LIMIT}
         * @return this builder
         */
        public Builder maxAdmissionGroup(int maxAdmissionGroup) {
            this.maxAdmissionGroup = maxAdmissionGroup;
            return this;
        }

        /**
         * @param dedupCacheSize the entries of the duplicate cache (the most recently admitted txs), 0 to
         *     67,108,864 (0 disables it)
         * @return this builder
         */
        public Builder dedupCacheSize(int dedupCacheSize) {
            this.dedupCacheSize = dedupCacheSize;
            return this;
        }

        /**
         * @param forcedInclusion whether the leader runs the forced-inclusion watcher when the L1 has an inbox
         * @return this builder
         */
        public Builder forcedInclusion(boolean forcedInclusion) {
            this.forcedInclusion = forcedInclusion;
            return this;
        }

        /**
         * @param forcePollMs how often the forced-inclusion watcher reads the L1 inbox, ms, at least 1
         * @return this builder
         */
        public Builder forcePollMs(long forcePollMs) {
            this.forcePollMs = forcePollMs;
            return this;
        }

        /**
         * @param forceInclusionBlocks the L1 blocks after its inbox height within which a forced tx must be in a
         *     posted batch, 1 to 1,000,000
         * @return this builder
         */
        public Builder forceInclusionBlocks(int forceInclusionBlocks) {
            this.forceInclusionBlocks = forceInclusionBlocks;
            return this;
        }

        /**
         * @param forceMaxPerAccount forced tickets one account may have queued at once, 1 to 1,000,000
         * @return this builder
         */
        public Builder forceMaxPerAccount(int forceMaxPerAccount) {
            this.forceMaxPerAccount = forceMaxPerAccount;
            return this;
        }

        /**
         * Validates the settings and builds the configuration. The builder stays usable.
         *
         * @return the configuration
         * @throws ConfigException naming the first invalid field
         */
        public SequencerConfig build() {
            return build(false);
        }

        private SequencerConfig build(boolean fromEnvironment) {
            Setting.LEADER_MODE.requireNonNull(leaderMode, fromEnvironment);
            Setting.ROLE.requireNonNull(role, fromEnvironment);
            checkLeaderId(fromEnvironment);
            Setting.TERM.checkRange(term, fromEnvironment);
            Setting.LEASE_TTL_MS.checkRange(leaseTtlMs, fromEnvironment);
            Setting.LEASE_RENEW_MS.checkRange(leaseRenewMs, fromEnvironment);
            if (leaseRenewMs * 2 > leaseTtlMs) {
                throw new ConfigException(Setting.LEASE_RENEW_MS.name(fromEnvironment), "must be at most half of "
                        + Setting.LEASE_TTL_MS.name(fromEnvironment) + " (" + leaseTtlMs + "), so a leader renews"
                        + " at least once before it must stop writing", Long.toString(leaseRenewMs));
            }
            Setting.ADVERTISED_URL.requireNonNull(advertisedUrl, fromEnvironment);
            if (advertisedUrl.length() > MAX_ADVERTISED_URL_LENGTH
                    || advertisedUrl.codePoints().anyMatch(Character::isISOControl)) {
                throw new ConfigException(Setting.ADVERTISED_URL.name(fromEnvironment), "must be at most "
                        + MAX_ADVERTISED_URL_LENGTH + " chars without control characters", null);
            }
            checkRotation(fromEnvironment);
            Setting.SEQUENCER_KEY_PATH.requireNonNull(sequencerKeyPath, fromEnvironment);
            Setting.MAX_TX_SIZE.checkRange(maxTxSize, fromEnvironment);
            Setting.ADMISSION_CAP.checkRange(admissionCap, fromEnvironment);
            Setting.BATCH_LIMITS.requireNonNull(batchLimits, fromEnvironment);
            if (maxTxSize > batchLimits.maxBytes()) {
                String batchBytes = fromEnvironment ? Setting.BATCH_MAX_BYTES.variable : Setting.BATCH_MAX_BYTES.field;
                throw new ConfigException(Setting.MAX_TX_SIZE.name(fromEnvironment), "must not exceed " + batchBytes
                        + " (" + batchLimits.maxBytes() + "): such a tx could never be batched",
                        Integer.toString(maxTxSize));
            }
            Setting.HUB.requireNonNull(hub, fromEnvironment);
            Setting.BATCH_FEE.checkRange(batchFee, fromEnvironment);
            Setting.FINALITY_CONFIRMATIONS.checkRange(finalityConfirmations, fromEnvironment);
            Setting.HEARTBEAT_INTERVAL_MS.checkRange(heartbeatIntervalMs, fromEnvironment);
            Setting.INCLUSION_DEADLINE_MS.checkRange(inclusionDeadlineMs, fromEnvironment);
            Setting.RECONCILE_INTERVAL_MS.checkRange(reconcileIntervalMs, fromEnvironment);
            Setting.MAX_POSTS_IN_FLIGHT.checkRange(maxPostsInFlight, fromEnvironment);
            Setting.MAX_UNPOSTED_BATCHES.checkRange(maxUnpostedBatches, fromEnvironment);
            Setting.SEAL_THREADS.checkRange(sealThreads, fromEnvironment);
            Setting.POST_BACKOFF.requireNonNull(postBackoff, fromEnvironment);
            Setting.L1_FAILURE_THRESHOLD.checkRange(l1FailureThreshold, fromEnvironment);
            Setting.REPOST_AFTER_MS.checkRange(repostAfterMs, fromEnvironment);
            Setting.RETAIN_CONFIRMED.requireNonNull(retainConfirmed, fromEnvironment);
            Setting.FORGET_CONFIRMED.requireNonNull(forgetConfirmed, fromEnvironment);
            Setting.MAX_ADMISSION_GROUP.checkRange(maxAdmissionGroup, fromEnvironment);
            Setting.DEDUP_CACHE_SIZE.checkRange(dedupCacheSize, fromEnvironment);
            Setting.FORCE_POLL_MS.checkRange(forcePollMs, fromEnvironment);
            Setting.FORCE_INCLUSION_BLOCKS.checkRange(forceInclusionBlocks, fromEnvironment);
            Setting.FORCE_MAX_PER_ACCOUNT.checkRange(forceMaxPerAccount, fromEnvironment);
            return new SequencerConfig(this);
        }

        /** The rotation settings, each alone and, in rotating mode, as a whole; normalizes the keys to lower case. */
        private void checkRotation(boolean fromEnvironment) {
            Setting.LEADER_SET.requireNonNull(leaderSet, fromEnvironment);
            Setting.EPOCH_MS.checkRange(epochMs, fromEnvironment);
            Setting.GENESIS_MS.checkRange(genesisMs, fromEnvironment);
            Setting.ROTATION_GRACE_MS.checkRange(rotationGraceMs, fromEnvironment);
            if (leaderMode != LeaderMode.ROTATING) {
                return;
            }
            String set = Setting.LEADER_SET.name(fromEnvironment);
            String ttl = Setting.LEASE_TTL_MS.name(fromEnvironment);
            if (leaderSet.isEmpty()) {
                throw new ConfigException(set, "must list at least one Ed25519 public key ("
                        + LeaderSchedule.KEY_HEX_LENGTH + " hex chars each, comma-separated) in rotating mode", null);
            }
            List<String> keys = new ArrayList<>(leaderSet.size());
            for (int i = 0; i < leaderSet.size(); i++) {
                String key = leaderSet.get(i) == null ? "" : leaderSet.get(i).strip();
                if (!LeaderSchedule.isKeyHex(key)) {
                    throw new ConfigException(set, "entry " + (i + 1) + " is not a 32-byte Ed25519 public key in hex ("
                            + LeaderSchedule.KEY_HEX_LENGTH + " hex chars)", key);
                }
                String lower = key.toLowerCase(Locale.ROOT);
                int earlier = keys.indexOf(lower);
                if (earlier >= 0) {
                    throw new ConfigException(set, "entry " + (i + 1) + " repeats entry " + (earlier + 1)
                            + ": each key may lead only once per round", key);
                }
                keys.add(lower);
            }
            leaderSet = List.copyOf(keys);
            if (epochMs < 2 * leaseTtlMs) {
                throw new ConfigException(Setting.EPOCH_MS.name(fromEnvironment), "must be at least twice " + ttl
                        + " (" + leaseTtlMs + ") in rotating mode, so that a grace period of at least one lease fits"
                        + " in an epoch", Long.toString(epochMs));
            }
            String grace = Setting.ROTATION_GRACE_MS.name(fromEnvironment);
            if (rotationGraceMs > 0 && rotationGraceMs < leaseTtlMs) {
                throw new ConfigException(grace, "must be at least " + ttl + " (" + leaseTtlMs + "), so that a"
                        + " scheduled leader that died holding the lease has lost it before the next one tries (0: the"
                        + " default)", Long.toString(rotationGraceMs));
            }
            if (rotationGraceMs >= epochMs) {
                throw new ConfigException(grace, "must be less than " + Setting.EPOCH_MS.name(fromEnvironment) + " ("
                        + epochMs + "), so that another key may take over within the epoch",
                        Long.toString(rotationGraceMs));
            }
        }

        private void checkLeaderId(boolean fromEnvironment) {
            String name = Setting.LEADER_ID.name(fromEnvironment);
            Setting.LEADER_ID.requireNonNull(leaderId, fromEnvironment);
            if (leaderId.isBlank()) {
                throw new ConfigException(name, "must not be blank", leaderId);
            }
            if (leaderId.length() > MAX_LEADER_ID_LENGTH) {
                throw new ConfigException(name, "must be at most " + MAX_LEADER_ID_LENGTH + " chars, is "
                        + leaderId.length(), leaderId);
            }
            if (leaderId.codePoints().anyMatch(Character::isISOControl)) {
                throw new ConfigException(name, "must not contain control characters", leaderId);
            }
        }
    }
}
