package org.ippan.l2.node;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.ippan.l2.core.crypto.KeyLoadException;
import org.ippan.l2.core.crypto.SequencerKeys;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.engine.LeaderMode;
import org.ippan.l2.core.engine.Role;
import org.ippan.l2.core.engine.SequencerConfig;
import org.ippan.l2.core.engine.ConfigException;
import org.ippan.l2.core.engine.CountingMetrics;
import org.ippan.l2.core.engine.ErrorHandler;
import org.ippan.l2.core.engine.LeaderMode;
import org.ippan.l2.core.engine.NanoClock;
import org.ippan.l2.core.engine.Sequencer;
import org.ippan.l2.core.engine.SequencerConfig;
import org.ippan.l2.core.engine.SequencerRunner;
import org.ippan.l2.core.engine.SequencerStartException;
import org.ippan.l2.core.engine.SequencerState;
import org.ippan.l2.l1.http.HttpL1Config;
import org.ippan.l2.l1.http.HttpL1Poster;
import org.ippan.l2.lease.LeaseStore;
import org.ippan.l2.node.devnet.DevnetL1Server;
import org.ippan.l2.node.http.HttpLimits;
import org.ippan.l2.node.http.JettyHttpServer;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.jdbc.IdentityLock;
import org.ippan.l2.storage.jdbc.JdbcStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runnable sequencer node: the library wired to real adapters (JDBC storage, the HTTP L1 client or an embedded
 * devnet L1) and served over HTTP ({@code docs}: {@code node-http-api.md}).
 *
 * <p>{@link #start(NodeConfig)} opens storage, starts the embedded devnet L1 when no {@code L1_BASE_URL} is
 * configured, builds and starts the {@link Sequencer} (a leader claims its term; a stored higher term refuses the
 * start), runs its loops with a {@link SequencerRunner} on an executor the node owns, and serves the API on the
 * {@link JettyHttpServer} within {@link HttpLimits#NODE}. {@link #close()} shuts everything down in reverse, gracefully.
 *
 * <p>In lease and rotating modes ({@code L2_LEADER_MODE=lease} or {@code rotating}) the node also opens the lease
 * store ({@link LeaseStores}, from {@code L2_LEASE_URL}) and closes it after the engine; {@link #close()} (the
 * SIGTERM shutdown hook) first hands leadership over with {@link Sequencer#stepDown()}, so that a standby takes over
 * within about one renew period.
 */
public final class L2Node implements AutoCloseable {
    /** Exit code for a malformed configuration. */
    public static final int EXIT_CONFIG = 2;
    /** Exit code for a start that failed (term refused, storage or network failure). */
    public static final int EXIT_START = 1;

    private static final Logger LOG = LoggerFactory.getLogger(L2Node.class);
    private static final int LOOP_THREADS = 4;
    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    private static final long RUNNER_MAX_IDLE_MS = 50;
    /** How often the SQLite write-ahead log is copied into the database, off the admission path. */
    private static final long STORAGE_CHECKPOINT_MS = 1_000;
    /** Longest a closing leader waits for its pending txs to be cut. */
    static final long SHUTDOWN_FLUSH_WAIT_MS = 2_000;

    private final NodeConfig config;
    private final Storage storage;
    private final LeaseStore leaseStore;
    private final DevnetL1Server devnet;
    private final HttpL1Poster l1;
    private final NodeMetrics metrics;
    private final Sequencer sequencer;
    private final ScheduledExecutorService loopExecutor;
    /** The batcher's seal threads ({@code L2_SEAL_THREADS}); null when it seals on its own thread. */
    private final ExecutorService sealExecutor;
    private final SequencerRunner runner;
    private final JettyHttpServer server;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** A single-mode leader's identity lock, held until the node is closed; null otherwise. */
    private final IdentityLock identity;

    private L2Node(NodeConfig config, Storage storage, LeaseStore leaseStore, DevnetL1Server devnet, HttpL1Poster l1,
            NodeMetrics metrics, Sequencer sequencer, ScheduledExecutorService loopExecutor,
            ExecutorService sealExecutor, SequencerRunner runner, JettyHttpServer server, IdentityLock identity) {
        this.sealExecutor = sealExecutor;
        this.identity = identity;
        this.config = config;
        this.storage = storage;
        this.leaseStore = leaseStore;
        this.devnet = devnet;
        this.l1 = l1;
        this.metrics = metrics;
        this.sequencer = sequencer;
        this.loopExecutor = loopExecutor;
        this.runner = runner;
        this.server = server;
    }

    /**
     * Starts a node; on failure everything opened so far is closed again.
     *
     * @param config the configuration
     * @return the running node
     * @throws SequencerStartException if the sequencer refuses to start (e.g. storage holds a higher term)
     * @throws KeyLoadException if the sequencer key cannot be used
     * @throws IOException if the HTTP server (or the devnet's) cannot listen
     * @throws org.ippan.l2.core.engine.ConfigException naming {@code L2_LEASE_URL} if the lease store of lease mode
     *     is not supported by this build
     */
    public static L2Node start(NodeConfig config) throws IOException {
        return start(config, "quick");
    }

    /**
     * Starts a node whose SQLite store gets the integrity check {@code storageCheck} at open. In this order: the
     * key file is loaded (a bad key opens no storage), a single-mode leader takes the identity lock (a second
     * process with the same {@code LEADER_ID} on the same store is refused), then storage is opened (a read-only
     * follower never creates it).
     */
    static L2Node start(NodeConfig config, String storageCheck) throws IOException {
        Objects.requireNonNull(config, "config");
        SequencerConfig engine = config.sequencer();
        EnvelopeSigner signer = engine.sequencerKeyPath().map(SequencerKeys::load).orElse(null);
        IdentityLock identity = engine.leaderMode() == LeaderMode.SINGLE && engine.role() == Role.LEADER
                ? IdentityLock.acquire(config.storageUrl(), engine.leaderId()) : null;
        Storage storage;
        try {
            Properties options = new Properties();
            options.setProperty(JdbcStorage.INTEGRITY_CHECK_PROPERTY, storageCheck);
            // a read-only follower reads a leader's store: on a wrong path it must fail, not create an empty one
            options.setProperty(JdbcStorage.CREATE_IF_MISSING_PROPERTY, Boolean.toString(engine.role() == Role.LEADER));
            storage = JdbcStorage.open(config.storageUrl(), options);
        } catch (RuntimeException e) {
            closeQuietly(identity);
            throw e;
        }
        return start(config, storage, signer, identity);
    }

    /** Lease and rotating modes: opens the lease store of {@code config}; null in single mode. */
    private static LeaseStore openLeaseStore(NodeConfig config) {
        if (!config.sequencer().leaderMode().usesLease()) {
            return null;
        }
        return LeaseStores.open(config.leaseUrl(), config.storageUrl(), config.sequencer().chainId());
    }

    /**
     * Starts a node on the given storage instead of opening {@link NodeConfig#storageUrl()}: the seam tests use to
     * run the node over a storage that fails on demand. The node owns {@code storage} from the call on: it closes
     * it on {@link #close()}, and at once if the start fails.
     *
     * @param config the configuration ({@code storageUrl} is only logged)
     * @param storage the opened storage the node runs on
     * @return the running node
     * @throws IOException as {@link #start(NodeConfig)}
     */
    static L2Node start(NodeConfig config, Storage storage) throws IOException {
        return start(config, storage, null, null);
    }

    private static L2Node start(NodeConfig config, Storage storage, EnvelopeSigner signer, IdentityLock identity)
            throws IOException {
        Objects.requireNonNull(storage, "storage");
        LeaseStore leaseStore;
        try {
            leaseStore = openLeaseStore(Objects.requireNonNull(config, "config"));
        } catch (RuntimeException e) {
            closeQuietly(storage);
            closeQuietly(identity);
            throw e;
        }
        return start(config, storage, leaseStore, signer, identity);
    }

    /**
     * Starts a node on the given storage and lease store: the seam tests use to run nodes in lease mode in one JVM
     * over a shared in-memory lease. The node owns both from the call on, as {@link #start(NodeConfig, Storage)}.
     *
     * @param config the configuration
     * @param storage the opened storage the node runs on
     * @param leaseStore the opened lease store, required in lease mode, null in single mode
     * @return the running node
     * @throws IOException as {@link #start(NodeConfig)}
     */
    static L2Node start(NodeConfig config, Storage storage, LeaseStore leaseStore) throws IOException {
        return start(config, storage, leaseStore, null, null);
    }

    private static L2Node start(NodeConfig config, Storage storage, LeaseStore leaseStore, EnvelopeSigner signer,
            IdentityLock identity) throws IOException {
        Objects.requireNonNull(storage, "storage");
        JettyHttpServer server = null;
        DevnetL1Server devnet = null;
        HttpL1Poster l1 = null;
        Sequencer sequencer = null;
        ScheduledExecutorService loopExecutor = null;
        ExecutorService sealExecutor = null;
        SequencerRunner runner = null;
        NodeMetrics nodeMetrics = null;
        try {
            Objects.requireNonNull(config, "config");
            ApiAccess access = ApiAccess.load(config.apiTokensFile(), config.allowedHosts(), config.listenAddress());
            HttpL1Config l1Config;
            if (config.l1().isPresent()) {
                l1Config = config.l1().get();
            } else {
                devnet = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), config.devnetBlockMs(),
                        config.sequencer().finalityConfirmations(), config.devnetChecks())
                        .forceInclusionBlocks(config.sequencer().forceInclusionBlocks())
                        .forcedMaxTxSize(config.sequencer().maxTxSize());
                l1Config = HttpL1Config.builder().baseUrl(devnet.baseUrl())
                        .chainStatusEndpoint(DevnetL1Server.PATH_STATUS)
                        .submitBatchEndpoint(DevnetL1Server.PATH_SUBMIT)
                        .getInclusionEndpoint(DevnetL1Server.PATH_INCLUSION)
                        .getFinalityEndpoint(DevnetL1Server.PATH_FINALITY)
                        .forcedSubmitEndpoint(DevnetL1Server.PATH_FORCED_SUBMIT)
                        .forcedInboxEndpoint(DevnetL1Server.PATH_FORCED_INBOX)
                        .forcedChainId(config.sequencer().chainId())
                        .build();
            }
            l1 = new HttpL1Poster(l1Config);
            server = JettyHttpServer.open(config.listenAddress(), HttpLimits.NODE, "l2-http", false);
            nodeMetrics = new NodeMetrics(new CountingMetrics());
            Sequencer.Builder builder = Sequencer.builder().config(engineConfig(config, server.address()))
                    .storage(storage).l1Poster(l1).metrics(nodeMetrics).signer(signer)
                    .errorHandler(engineErrors());
            if (leaseStore != null) {
                builder.leaseStore(leaseStore);
            }
            if (config.sequencer().sealThreads() > 0) { // the batcher seals batches on these while it cuts the next
                sealExecutor = Executors.newFixedThreadPool(config.sequencer().sealThreads(), threads("l2-seal"));
                builder.sealExecutor(sealExecutor);
            }
            sequencer = builder.build();
            nodeMetrics.bindStatus(sequencer);
            nodeMetrics.bindStorageDisk(config.storageUrl());
            sequencer.start();
            loopExecutor = Executors.newScheduledThreadPool(LOOP_THREADS, threads("l2-loop"));
            runner = new SequencerRunner(sequencer, loopExecutor, NanoClock.SYSTEM, RUNNER_MAX_IDLE_MS);
            if (storage instanceof JdbcStorage jdbc) {
                loopExecutor.scheduleWithFixedDelay(() -> checkpoint(jdbc), STORAGE_CHECKPOINT_MS,
                        STORAGE_CHECKPOINT_MS, TimeUnit.MILLISECONDS);
            }
            NodeApi api = new NodeApi(sequencer, nodeMetrics, config.forwardToLeader(), access);
            server.start(api::handle, nodeMetrics::recordHttpRequest);
            L2Node node = new L2Node(config, storage, leaseStore, devnet, l1, nodeMetrics, sequencer, loopExecutor,
                    sealExecutor, runner, server, identity);
            if (!access.tokensRequired() && !ApiAccess.isLoopback(config.listenAddress())) {
                LOG.warn("the API listens beyond loopback ({}) and {} is not set: anyone who reaches it can write txs",
                        node.baseUrl(), NodeConfig.API_TOKENS_FILE);
            }
            if (leaseStore != null) {
                LOG.info("L2 node listening on {} in {} mode as {} (advertised {}, lease {}, storage {}, L1 {})",
                        node.baseUrl(), config.sequencer().leaderMode().wireName(), config.sequencer().leaderId(),
                        sequencer.config().advertisedUrl(),
                        config.leaseUrl().isEmpty() ? "in the storage database" : config.leaseUrl(),
                        config.storageUrl(), l1Config.baseUrl());
            } else {
                LOG.info("L2 node listening on {} as {} (term {}, storage {}, L1 {})", node.baseUrl(),
                        config.sequencer().role(), config.sequencer().term(), config.storageUrl(),
                        l1Config.baseUrl());
            }
            return node;
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(server);
            closeQuietly(runner);
            closeQuietly(sequencer);
            shutdown(loopExecutor);
            shutdown(sealExecutor);
            closeQuietly(l1);
            closeQuietly(leaseStore);
            closeQuietly(storage);
            closeQuietly(identity);
            closeQuietly(devnet);
            closeQuietly(nodeMetrics);
            throw e;
        }
    }

    /**
     * The engine's configuration: the configured one, except that an advertised URL defaulted from a listen address
     * with port 0 names the port the server got.
     */
    private static SequencerConfig engineConfig(NodeConfig config, InetSocketAddress bound) {
        SequencerConfig engine = config.sequencer();
        if (config.listenAddress().getPort() == 0
                && engine.advertisedUrl().equals(NodeConfig.defaultAdvertisedUrl(config.listenAddress()))) {
            return engine.toBuilder().advertisedUrl(NodeConfig.defaultAdvertisedUrl(bound)).build();
        }
        return engine;
    }

    /**
     * Makes {@link CompletableFuture}'s default async executor the common {@link ForkJoinPool} on a machine with 2
     * CPUs or fewer, unless {@value #COMMON_POOL_PARALLELISM} is set on the command line. There the common pool's
     * parallelism is {@code CPUs - 1 <= 1}, and {@code CompletableFuture} then runs every async task on a new thread;
     * the JDK's {@code HttpClient.sendAsync} hands each answer over to that executor, so the HTTP L1 client started
     * a thread for every L1 answer (~170 per second under a {@code POST /txs} load, with the poster's completion
     * handlers running on them). Parallelism 2 makes it a pool of at most two reused daemon threads. The property is
     * read once, when {@code CompletableFuture} and {@code ForkJoinPool} initialise, so this runs first in
     * {@link #main}; a warning says so when something initialised them earlier.
     */
    static void useCommonPoolForAsyncCompletions() {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
        if (!(new CompletableFuture<Void>().defaultExecutor() instanceof ForkJoinPool)) {
            LOG.warn("CompletableFuture runs async tasks on a new thread each (common pool parallelism {}): every L1 "
                    + "answer starts a thread; set -D{}=2", ForkJoinPool.getCommonPoolParallelism(),
                    COMMON_POOL_PARALLELISM);
        }
    }

    /** @return {@code http://host:port} of the HTTP API (the actual port when configured with port 0) */
    public String baseUrl() {
        InetSocketAddress address = server.address();
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    /** @return the configuration the node runs with */
    public NodeConfig config() {
        return config;
    }

    /** @return the engine */
    public Sequencer sequencer() {
        return sequencer;
    }

    /** @return the node's metrics */
    public CountingMetrics metrics() {
        return metrics.counting();
    }

    /**
     * Shuts down gracefully: in lease mode first hands leadership over ({@link Sequencer#stepDown()}: admission
     * stops, the group commit in flight finishes, the lease is released), then stops accepting HTTP requests, asks the batcher to cut what is pending (a leader waits a
     * bounded time for it; a follower or a fenced leader, which cut nothing, do not wait), closes the engine, stops
     * the loops, then closes the L1 client, the lease store, storage and the devnet. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("L2 node shutting down");
        if (leaseStore != null) {
            try {
                if (sequencer.stepDown()) {
                    LOG.info("handed leadership over before shutting down");
                }
            } catch (RuntimeException e) {
                LOG.warn("step-down before shutdown failed (the lease expires by itself): {}", e.toString());
            }
        }
        server.close();
        try {
            sequencer.flush();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_FLUSH_WAIT_MS);
            // only a leader cuts: a follower or a fenced leader would wait for another node's pending txs
            while (sequencer.state() == SequencerState.LEADER && sequencer.status().pool().pending() > 0
                    && System.nanoTime() - deadline < 0) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("flush before shutdown failed: {}", e.toString());
        }
        closeQuietly(sequencer);
        closeQuietly(runner);
        shutdown(loopExecutor);
        shutdown(sealExecutor);
        closeQuietly(l1);
        closeQuietly(leaseStore);
        closeQuietly(storage);
        closeQuietly(identity);
        closeQuietly(devnet);
        closeQuietly(metrics);
        LOG.info("L2 node stopped");
    }

    /**
     * Runs the node from the process environment until the process is stopped. A malformed configuration exits
     * with {@value #EXIT_CONFIG}, a refused start with {@value #EXIT_START}, each after one line on stderr.
     */
    public static void main(String[] args) {
        useCommonPoolForAsyncCompletions();
        int exit = run(System.getenv(), System.err);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Starts the node and registers the shutdown hook; returns the exit code when it could not start, else 0. */
    static int run(Map<String, String> env, PrintStream err) {
        NodeConfig config;
        String storageCheck;
        try {
            config = NodeConfig.fromEnvironment(env);
            storageCheck = NodeConfig.storageCheck(env);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return EXIT_CONFIG;
        }
        L2Node node;
        try {
            node = start(config, storageCheck);
        } catch (KeyLoadException e) {
            err.println("L2_SEQUENCER_KEY_PATH: " + e.getMessage());
            return EXIT_CONFIG;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return EXIT_CONFIG;
        } catch (SequencerStartException e) {
            err.println(e.getMessage());
            return EXIT_START;
        } catch (StorageException e) {
            err.println("cannot start the node: storage: " + e.getMessage()); // typed: names the file and the problem
            return EXIT_START;
        } catch (IOException | RuntimeException e) {
            err.println("cannot start the node: " + e);
            return EXIT_START;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "l2-node-shutdown"));
        return 0;
    }

    /**
     * The engine's error handler: each loop's (and admission's) errors logged once per kind and 10 s with a count,
     * at ERROR, not a stack trace per failed step or request (a full disk failed the heartbeat every
     * {@code L2_HEARTBEAT_MS} and every write).
     */
    static ErrorHandler engineErrors() {
        RepeatedErrorLog log = new RepeatedErrorLog(LOG, 10_000_000_000L, System::nanoTime, true);
        return (loop, error) -> log.log("error in " + loop, error);
    }

    /** One checkpoint; a failure is logged, not thrown, which would cancel the periodic task for good. */
    private static void checkpoint(JdbcStorage storage) {
        try {
            storage.checkpoint();
        } catch (RuntimeException e) {
            LOG.warn("storage checkpoint failed (SQLite checkpoints inside commits meanwhile): {}", e.toString());
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(false);
            return thread;
        };
    }

    private static void shutdown(ExecutorService executor) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("error while closing {}: {}", closeable.getClass().getSimpleName(), e.toString());
        }
    }
}
