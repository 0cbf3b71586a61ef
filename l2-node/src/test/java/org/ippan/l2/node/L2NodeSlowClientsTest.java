package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance over real sockets: clients that stall can hold connections, never the service. With the
 * JDK server 16 such connections stopped every answer for as long as they were held.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class L2NodeSlowClientsTest {
    private static final int STALLED = 500;
    private static final int PROBES = 200;

    @TempDir
    Path dir;

    private final NodeHttp http = new NodeHttp();

    @Test
    void stalledHeadsAndBodies_doNotStopHealthOrWrites() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(NodeHttp.env(dir.resolve("l2.db"))))) {
            InetSocketAddress address = RawHttp.address(node);
            byte[] oneByte = "G".getBytes(StandardCharsets.US_ASCII);
            byte[] promise = ("POST /tx HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n{\"chain_id\":1,").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < STALLED; i++) {
                sockets.add(stall(address, oneByte));
                sockets.add(stall(address, promise));
            }
            long[] latenciesNs = new long[PROBES];
            for (int i = 0; i < PROBES; i++) {
                long start = System.nanoTime();
                if (i % 2 == 0) {
                    NodeHttp.Answer health = http.get(node, "/healthz");
                    assertThat(health.status()).as(health.text()).isEqualTo(200);
                } else {
                    NodeHttp.Answer tx = http.post(node, "/tx", NodeHttp.tx("slow-" + i, Integer.toString(i), "00"));
                    assertThat(tx.status()).as(tx.text()).isEqualTo(200);
                    assertThat(tx.body().get("accepted").asBoolean()).isTrue();
                }
                latenciesNs[i] = System.nanoTime() - start;
            }
            Arrays.sort(latenciesNs);
            long p99Ms = TimeUnit.NANOSECONDS.toMillis(latenciesNs[(int) Math.ceil(0.99 * PROBES) - 1]);
            System.out.printf("beside %d stalled connections: %d requests, p50 %d ms, p99 %d ms, max %d ms%n",
                    2 * STALLED, PROBES, TimeUnit.NANOSECONDS.toMillis(latenciesNs[PROBES / 2]), p99Ms,
                    TimeUnit.NANOSECONDS.toMillis(latenciesNs[PROBES - 1]));
            assertThat(p99Ms).as("p99 of /healthz and POST /tx beside %d stalled connections", 2 * STALLED)
                    .isLessThan(1_000);
            int open = 0;
            for (Socket socket : sockets) {
                open += socket.isClosed() ? 0 : 1;
            }
            assertThat(open).as("the stalled connections were held, not refused").isEqualTo(2 * STALLED);
        } finally {
            for (Socket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    @Test
    void aOneMegabyteHeader_andAHundredThousandHeaders_areRefused() throws Exception {
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(NodeHttp.env(dir.resolve("l2.db"))))) {
            InetSocketAddress address = RawHttp.address(node);
            String big = "X-Big: " + "a".repeat(1 << 20) + "\r\n";
            RawHttp.Answer oneHeader = RawHttp.exchange(address,
                    RawHttp.request("GET", "/healthz", "127.0.0.1", null, big, null));
            assertThat(oneHeader.status()).as(head(oneHeader)).isEqualTo(431);
            StringBuilder many = new StringBuilder(1_000_000);
            for (int i = 0; i < 100_000; i++) {
                many.append("X-H").append(i).append(": v\r\n");
            }
            RawHttp.Answer manyHeaders = RawHttp.exchange(address,
                    RawHttp.request("GET", "/healthz", "127.0.0.1", null, many.toString(), null));
            assertThat(manyHeaders.status()).as(head(manyHeaders)).isEqualTo(431);
            // and the node still answers
            assertThat(http.get(node, "/healthz").status()).isEqualTo(200);
        }
    }

    private static String head(RawHttp.Answer answer) {
        return answer.text().length() > 200 ? answer.text().substring(0, 200) : answer.text();
    }

    private static Socket stall(InetSocketAddress address, byte[] first) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, 5_000);
            OutputStream out = socket.getOutputStream();
            out.write(first);
            out.flush();
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }
}
