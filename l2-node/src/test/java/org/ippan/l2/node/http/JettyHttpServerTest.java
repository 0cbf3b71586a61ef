package org.ippan.l2.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's own deadlines, with short limits: a stalled head is closed, a stalled body answered 408. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JettyHttpServerTest {
    private static final HttpLimits SHORT = new HttpLimits(4, 64, 10_000, 300, 300, 8192);

    private JettyHttpServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        server = JettyHttpServer.open(new InetSocketAddress("127.0.0.1", 0), SHORT, "test-http", true);
        server.start(exchange -> {
            if (exchange.method().equals("POST")) {
                exchange.readBody(1024, 1 << 20, (bytes, length) -> exchange.send(200, "text/plain",
                        (bytes == null ? "too large" : "got " + length).getBytes(StandardCharsets.US_ASCII)),
                        e -> exchange.send(500, "text/plain", new byte[0]));
            } else {
                exchange.send(200, "text/plain", "ok".getBytes(StandardCharsets.US_ASCII));
            }
        });
        address = new InetSocketAddress("127.0.0.1", server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aHeadThatDoesNotArriveInTime_isClosed() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            assertThat(readAll(socket.getInputStream())).isEmpty();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4_000);
        }
    }

    @Test
    void aBodyThatDoesNotArriveInTime_isAnswered408_andClosed() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 408").containsIgnoringCase("Connection: close");
        }
    }

    @Test
    void keepAliveRequests_andBodies_areServed() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\nConnection: close\r\n\r\n" + "a".repeat(2000))
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(socket.getInputStream());
            assertThat(answer).contains("got 5").contains("too large");
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
