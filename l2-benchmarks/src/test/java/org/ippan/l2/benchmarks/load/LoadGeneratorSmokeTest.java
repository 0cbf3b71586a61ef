package org.ippan.l2.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.node.L2Node;
import org.ippan.l2.node.NodeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator against a real node in this JVM (loopback, a temporary SQLite file, the embedded devnet L1):
 * short bounded runs that must be accepted without errors and whose counts agree with the node's own metrics. No
 * performance threshold: these machines are shared, the figures mean nothing here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadGeneratorSmokeTest {
    @TempDir
    static Path dir;

    private L2Node node;
    private String url;

    @BeforeAll
    void startNode() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("L2_LISTEN_ADDR", "127.0.0.1:0");
        env.put("L2_STORAGE_URL", "sqlite:" + dir.resolve("l2.db"));
        env.put("L2_DEVNET_BLOCK_MS", "50");
        env.put("L2_FINALITY_CONFIRMATIONS", "1");
        env.put("L2_MAX_WAIT_MS", "100");
        node = L2Node.start(NodeConfig.fromEnvironment(env));
        url = node.baseUrl();
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private LoadReport run(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--url";
        all[1] = url;
        System.arraycopy(args, 0, all, 2, args.length);
        return LoadGenerator.run(LoadOptions.parse(all), System.err);
    }

    private long acceptedTotalMetric() throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body().lines().filter(line -> line.startsWith("l2_tx_accepted_total "))
                // the node writes values as doubles ("6.0", "1.2345678E7")
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim()))
                .findFirst().orElseThrow();
    }

    @Test
    void closedLoopTxsThenOpenLoopTx_acceptEverythingWithoutErrors_andAgreeWithTheNodesCount() throws Exception {
        long before = acceptedTotalMetric();

        LoadReport batches = run("--endpoint", "txs", "--batch", "50", "--connections", "4", "--duration", "1500ms",
                "--warmup", "200ms");
        LoadReport singles = run("--endpoint", "tx", "--rate", "300", "--connections", "8", "--duration", "1s");
        LoadReport binary = run("--endpoint", "txs", "--body", "binary", "--batch", "50", "--connections", "2",
                "--duration", "1s", "--from-prefix", "lg-binary");

        for (LoadReport report : new LoadReport[] {batches, singles, binary}) {
            assertThat(report.total().txsAccepted).isPositive();
            assertThat(report.total().errors()).isZero();
            assertThat(report.total().txsDuplicate).isZero();
            assertThat(report.total().txsRefused()).isZero();
            assertThat(report.total().txsAccepted).isEqualTo(report.total().txsOffered);
            assertThat(report.measured().txsAccepted).isPositive().isLessThanOrEqualTo(report.total().txsAccepted);
            assertThat(report.latency().count()).isEqualTo(report.measured().requests);
            assertThat(report.latency().percentile(50)).isPositive()
                    .isLessThanOrEqualTo(report.latency().percentile(99));
            assertThat(report.toJson()).contains("\"errors\":0");
        }
        assertThat(singles.missedTxs()).isZero();
        assertThat(binary.toJson()).contains("\"body\":\"binary\"");
        assertThat(acceptedTotalMetric() - before)
                .isEqualTo(batches.total().txsAccepted + singles.total().txsAccepted + binary.total().txsAccepted);
    }

    @Test
    void maxTxs_boundsTheRun() throws Exception {
        LoadReport report = run("--endpoint", "txs", "--batch", "10", "--connections", "2", "--duration", "30s",
                "--max-txs", "100");

        assertThat(report.total().txsOffered).isEqualTo(100);
        assertThat(report.totalSeconds()).isLessThan(30);
    }

    @Test
    void badOptions_exitTwoWithOneLine() {
        for (String[] args : new String[][] {
                {"--rate", "fast"},
                {"--url", "http://192.0.2.1:3000"},
                {"--endpoint", "tx", "--batch", "10"},
                {"--endpoint", "tx", "--body", "binary"},
                {"--body", "cbor"},
                {"--connections", "0"},
                {"--duration"},
                {"--no-such-option", "1"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            int exit = LoadGenerator.run(args, out, new PrintStream(err, true, StandardCharsets.UTF_8));

            String message = err.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(String.join(" ", args)).isEqualTo(LoadGenerator.EXIT_USAGE);
            assertThat(message.lines().count()).as(message).isEqualTo(1);
            assertThat(message).startsWith("LoadGenerator: ");
        }
    }

    @Test
    void help_printsTheOptionsAndExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = LoadGenerator.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);

        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--rate", "--endpoint", "--max-txs", "loopback");
    }
}
