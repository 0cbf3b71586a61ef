package org.ippan.l2.lease.etcd;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for etcd's gateway on 127.0.0.1: canned answers per path, a record of the paths asked, and helpers
 * for endpoints that refuse connections or never answer.
 */
final class FakeEtcd implements AutoCloseable {

    /** A canned answer; {@code stallMs} &gt; 0 holds it back that long first. */
    record Canned(int status, String body, long stallMs) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Canned> answers = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    FakeEtcd() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    FakeEtcd answer(String path, int status, String body) {
        answers.put(path, new Canned(status, body, 0));
        return this;
    }

    FakeEtcd stall(String path, long stallMs) {
        answers.put(path, new Canned(200, "{}", stallMs));
        return this;
    }

    /** @return {@code host:port} of this fake */
    String endpoint() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** @return the paths asked, in order */
    List<String> asked() {
        return asked;
    }

    /** @return the request bodies, in order */
    List<String> bodies() {
        return bodies;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] request = exchange.getRequestBody().readAllBytes();
            asked.add(path);
            bodies.add(new String(request, StandardCharsets.UTF_8));
            Canned canned = answers.getOrDefault(path, new Canned(501, "{\"error\":\"not canned\"}", 0));
            if (canned.stallMs() > 0) {
                try {
                    closing.await(canned.stallMs(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = canned.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(canned.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            // the client gave up (timeout): nothing to answer
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /** @return {@code 127.0.0.1:port} of a port nothing listens on (bound, then closed) */
    static String closedEndpoint() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    /**
     * An endpoint that accepts connections, reads, and answers with {@code prefix} (maybe nothing) and then
     * nothing more until closed: a hung server.
     */
    static final class Silent implements AutoCloseable {

        private final ServerSocket socket;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        Silent(String prefix) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket connection = socket.accept();
                        accepted.add(connection);
                        InputStream in = connection.getInputStream();
                        in.read(new byte[8192]); // the request (headers at least)
                        connection.getOutputStream().write(prefix.getBytes(StandardCharsets.ISO_8859_1));
                        connection.getOutputStream().flush();
                    } catch (IOException e) {
                        // closed
                    }
                }
            }, "silent-etcd");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String endpoint() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
