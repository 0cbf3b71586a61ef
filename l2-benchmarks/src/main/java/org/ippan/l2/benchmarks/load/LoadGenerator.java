package org.ippan.l2.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * An HTTP load generator for a running L2 node: {@code POST /tx} or {@code POST /txs} over keep-alive loopback
 * connections, open-loop at a fixed offered rate or closed-loop at saturation; it reports accepted tx/s, latency
 * percentiles, refusals by code and errors ({@link LoadReport}). Run it from the benchmarks jar:
 *
 * <pre>{@code
 * java -cp l2-benchmarks/target/benchmarks.jar org.ippan.l2.benchmarks.load.LoadGenerator --help
 * }</pre>
 *
 * <h2>Design</h2>
 * <ul>
 *   <li>One thread per connection, each with its own {@link HttpConnection}, {@link TxBodies},
 *       {@link Tally} and {@link LatencyHistogram}, merged at the end: nothing shared on the send path but a
 *       ticket counter and progress adders.</li>
 *   <li><b>Open loop</b> ({@code --rate}): request {@code i} is due at {@code start + i * batch / rate}. A free
 *       thread takes the next ticket, waits for its due time and sends; its latency is counted from the due time,
 *       not from when it was sent, so time spent waiting for a free connection behind a slow answer is part of
 *       the latency (no coordinated omission). Enough connections are needed for the rate times the latency.</li>
 *   <li><b>Closed loop</b> (no {@code --rate}): every thread sends its next request when the previous one is
 *       answered; latency is from send to answer. The accepted tx/s is the node's saturation throughput for that
 *       many concurrent clients.</li>
 *   <li>Bounded: the run ends at warm-up plus duration or after {@code --max-txs}; an open-loop run that fell
 *       behind sends what was already due for at most {@value #DRAIN_MS} ms more and reports the rest as
 *       missed. Memory is fixed: histograms are arrays of counts, bodies are written into reused buffers.</li>
 * </ul>
 */
public final class LoadGenerator {
    /** Exit status after a run. */
    public static final int EXIT_OK = 0;
    /** Exit status when the node cannot be reached. */
    public static final int EXIT_UNREACHABLE = 1;
    /** Exit status for a bad command line. */
    public static final int EXIT_USAGE = 2;

    static final long DRAIN_MS = 5_000;

    private final LoadOptions options;
    private final PrintStream progressOut;
    private final AtomicLong tickets = new AtomicLong();
    private final LongAdder progressAccepted = new LongAdder();
    private final LongAdder progressRefused = new LongAdder();
    private final LongAdder progressErrors = new LongAdder();
    private final LongAdder progressRequests = new LongAdder();
    private long startNs;
    private long measureStartNs;
    private long endNs;
    private long hardStopNs;
    private long maxRequests;
    private double intervalNs;

    private LoadGenerator(LoadOptions options, PrintStream progressOut) {
        this.options = options;
        this.progressOut = progressOut;
    }

    /**
     * Runs the generator with a command line and exits with {@link #EXIT_OK}, {@link #EXIT_UNREACHABLE} or
     * {@link #EXIT_USAGE}.
     *
     * @param args the options; {@code --help} lists them
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the generator with a command line, printing the report to {@code out}.
     *
     * @param args the options
     * @param out where the report goes
     * @param err where problems and progress go
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                out.println(LoadOptions.USAGE);
                return EXIT_OK;
            }
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (LoadOptions.UsageException e) {
            err.println("LoadGenerator: " + e.getMessage() + " (see --help)");
            return EXIT_USAGE;
        }
        LoadReport report;
        try {
            report = run(options, err);
        } catch (IOException e) {
            err.println("LoadGenerator: cannot reach the node at " + options.target() + ": " + e);
            return EXIT_UNREACHABLE;
        }
        out.println(options.json() ? report.toJson() : report.toText());
        return EXIT_OK;
    }

    /**
     * Runs one load run with parsed options.
     *
     * @param options the options
     * @param progressOut where progress lines go when {@code options.progress()}
     * @return the report
     * @throws IOException if the node does not answer {@code GET /healthz} before the run
     */
    static LoadReport run(LoadOptions options, PrintStream progressOut) throws IOException {
        Objects.requireNonNull(options, "options");
        return new LoadGenerator(options, progressOut).execute();
    }

    private LoadReport execute() throws IOException {
        try (HttpConnection probe = new HttpConnection(options.target(), (int) options.timeout().toMillis())) {
            int status = probe.exchange("GET", "/healthz", null, 0);
            if (status != 200) {
                throw new IOException("GET /healthz answered " + status + ": " + probe.bodyText());
            }
        }
        int perRequest = options.txsPerRequest();
        maxRequests = Math.max(1, options.maxTxs() / perRequest);
        intervalNs = options.rate().isPresent() ? perRequest * 1e9 / options.rate().getAsDouble() : 0;
        List<Worker> workers = new ArrayList<>(options.connections());
        for (int i = 0; i < options.connections(); i++) {
            workers.add(new Worker(i));
        }
        startNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        measureStartNs = startNs + options.warmup().toNanos();
        endNs = measureStartNs + options.duration().toNanos();
        hardStopNs = endNs + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
        List<Thread> threads = new ArrayList<>(workers.size());
        for (Worker worker : workers) {
            Thread thread = new Thread(worker, "load-" + worker.index);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        Thread progress = options.progress() ? startProgress() : null;
        for (Thread thread : threads) {
            joinUninterruptibly(thread);
        }
        long finishedNs = System.nanoTime();
        if (progress != null) {
            progress.interrupt();
            joinUninterruptibly(progress);
        }
        Tally total = new Tally();
        Tally measured = new Tally();
        LatencyHistogram latency = new LatencyHistogram();
        long lastCompletionNs = measureStartNs;
        for (Worker worker : workers) {
            total.add(worker.total);
            measured.add(worker.measured);
            latency.add(worker.latency);
            lastCompletionNs = Math.max(lastCompletionNs, worker.lastCompletionNs);
        }
        long missed = 0;
        if (!options.closedLoop()) {
            long due = Math.min(maxRequests, (long) Math.ceil((endNs - startNs) / intervalNs));
            missed = Math.max(0, due - total.requests) * perRequest;
        }
        double measuredSeconds = Math.max(1e-9, (Math.max(lastCompletionNs, Math.min(endNs, finishedNs))
                - measureStartNs) / 1e9);
        return new LoadReport(options, measured, total, latency, measuredSeconds,
                (finishedNs - startNs) / 1e9, missed);
    }

    private Thread startProgress() {
        Thread thread = new Thread(() -> {
            long previousAccepted = 0;
            long previousRefused = 0;
            long previousRequests = 0;
            long next = startNs + TimeUnit.SECONDS.toNanos(1);
            while (!Thread.currentThread().isInterrupted()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                long accepted = progressAccepted.sum();
                long refused = progressRefused.sum();
                long requests = progressRequests.sum();
                progressOut.printf("t=%5.1fs  accepted %,9d tx/s  refused %,9d tx/s  requests %,7d/s  errors %d%n",
                        (next - startNs) / 1e9, accepted - previousAccepted, refused - previousRefused,
                        requests - previousRequests, progressErrors.sum());
                previousAccepted = accepted;
                previousRefused = refused;
                previousRequests = requests;
                next += TimeUnit.SECONDS.toNanos(1);
            }
        }, "load-progress");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One connection and its thread. */
    private final class Worker implements Runnable {
        final int index;
        final Tally total = new Tally();
        final Tally measured = new Tally();
        final LatencyHistogram latency = new LatencyHistogram();
        final HttpConnection connection;
        final TxBodies bodies;
        long lastCompletionNs;

        Worker(int index) {
            this.index = index;
            this.connection = new HttpConnection(options.target(), (int) options.timeout().toMillis());
            this.bodies = new TxBodies(options.chainId(), options.fromPrefix() + "-" + index,
                    options.payloadBytes(), ((long) options.fromPrefix().hashCode() << 32) ^ index);
        }

        @Override
        public void run() {
            try (connection) {
                if (options.closedLoop()) {
                    closedLoop();
                } else {
                    openLoop();
                }
            }
        }

        private void closedLoop() {
            waitUntil(startNs);
            while (true) {
                long now = System.nanoTime();
                if (now - endNs >= 0 || tickets.getAndIncrement() >= maxRequests) {
                    return;
                }
                if (!send(now)) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // no answer: do not spin on errors
                }
            }
        }

        private void openLoop() {
            while (true) {
                long ticket = tickets.getAndIncrement();
                if (ticket >= maxRequests) {
                    return;
                }
                long dueNs = startNs + (long) (ticket * intervalNs);
                if (dueNs - endNs >= 0) {
                    return;
                }
                waitUntil(dueNs);
                if (System.nanoTime() - hardStopNs >= 0) {
                    return; // fell too far behind: the rest is reported as missed
                }
                send(dueNs);
            }
        }

        /**
         * Sends the next request; its latency counts from {@code fromNs} (the due time, or the send time).
         *
         * @return false if it got no answer
         */
        private boolean send(long fromNs) {
            int txs = options.txsPerRequest();
            boolean batch = options.endpoint() == LoadOptions.Endpoint.TXS;
            boolean binary = options.body() == LoadOptions.Body.BINARY;
            if (binary) {
                bodies.nextBinary(txs);
            } else {
                bodies.next(txs, batch);
            }
            boolean inWindow = fromNs - measureStartNs >= 0;
            int status;
            try {
                status = connection.exchange("POST", options.endpoint().path, bodies.buffer(), bodies.length(),
                        binary ? HttpConnection.OCTET_STREAM : HttpConnection.JSON);
            } catch (SocketTimeoutException e) {
                failed(txs, "timeout", inWindow);
                return false;
            } catch (IOException e) {
                failed(txs, "io", inWindow);
                return false;
            }
            long doneNs = System.nanoTime();
            Tally.Outcome outcome = total.answered(batch, txs, status, connection.body(), connection.bodyLength());
            progressRequests.increment();
            progressAccepted.add(outcome.accepted());
            progressRefused.add(outcome.refused());
            if (outcome.accepted() + outcome.duplicates() + outcome.refused() == 0) {
                progressErrors.increment();
            }
            if (inWindow) {
                measured.answered(batch, txs, status, connection.body(), connection.bodyLength());
                latency.record(doneNs - fromNs);
                lastCompletionNs = doneNs;
            }
            return true;
        }

        private void failed(int txs, String kind, boolean inWindow) {
            total.failed(txs, kind);
            progressRequests.increment();
            progressErrors.increment();
            if (inWindow) {
                measured.failed(txs, kind);
                lastCompletionNs = System.nanoTime();
            }
        }

        private void waitUntil(long dueNs) {
            long wait;
            while ((wait = dueNs - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }
}
