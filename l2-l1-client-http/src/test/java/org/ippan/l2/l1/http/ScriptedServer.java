package org.ippan.l2.l1.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP server on 127.0.0.1 that answers each request with the next scripted {@link Reply} (whatever the path)
 * and records the requests. Without a scripted reply it answers 599 with a body saying so (a transient status, so
 * a missing script shows up as a wrong failure class in the test). Delays wait on a latch that {@link #close()}
 * releases, so no test waits for a delay longer than it needs.
 */
final class ScriptedServer implements AutoCloseable {

    /**
     * A canned answer.
     *
     * @param status the HTTP status
     * @param headers extra response headers
     * @param body the body (may be empty)
     * @param delayMs how long to wait after reading the request before answering
     * @param chunked whether to send the body chunked (no Content-Length)
     * @param stallAfterHeaders whether to send the headers and the first half of the body, then stall until closed
     */
    record Reply(int status, Map<String, String> headers, byte[] body, long delayMs, boolean chunked,
            boolean stallAfterHeaders) {

        static Reply json(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "application/json"),
                    body.getBytes(StandardCharsets.UTF_8), 0, false, false);
        }

        static Reply bytes(int status, byte[] body) {
            return new Reply(status, Map.of(), body, 0, false, false);
        }

        Reply withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, more, body, delayMs, chunked, stallAfterHeaders);
        }

        Reply delayedMs(long delay) {
            return new Reply(status, headers, body, delay, chunked, stallAfterHeaders);
        }

        Reply chunkedBody() {
            return new Reply(status, headers, body, delayMs, true, stallAfterHeaders);
        }

        Reply stallingAfterHeaders() {
            return new Reply(status, headers, body, delayMs, true, true);
        }
    }

    /**
     * A request as the server received it.
     *
     * @param method the method
     * @param rawPath the path as sent, percent-encoding intact
     * @param rawQuery the query as sent, or null
     * @param headers the request headers
     * @param body the request body
     */
    record Recorded(String method, String rawPath, String rawQuery, Headers headers, byte[] body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final BlockingQueue<Reply> script = new LinkedBlockingQueue<>();
    private final BlockingQueue<Recorded> recorded = new LinkedBlockingQueue<>();
    private final List<Recorded> all = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    ScriptedServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The base URL, {@code http://127.0.0.1:PORT}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues replies, answered in order. */
    ScriptedServer enqueue(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** The next request received, waiting at most 5 s. */
    Recorded takeRequest() throws InterruptedException {
        Recorded request = recorded.poll(5, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request reached the server within 5 s");
        }
        return request;
    }

    /** How many requests the server has received so far. */
    synchronized int requestCount() {
        return all.size();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] requestBody;
            try (InputStream in = exchange.getRequestBody()) {
                requestBody = in.readAllBytes();
            }
            Recorded request = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), requestBody);
            synchronized (this) {
                all.add(request);
            }
            recorded.add(request);
            Reply reply = script.poll();
            if (reply == null) {
                reply = Reply.json(599, "{\"error\":\"no scripted reply\"}");
            }
            if (reply.delayMs() > 0 && closed.await(reply.delayMs(), TimeUnit.MILLISECONDS)) {
                return;
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            byte[] body = reply.body();
            if (reply.stallAfterHeaders()) {
                exchange.sendResponseHeaders(reply.status(), 0);
                OutputStream out = exchange.getResponseBody();
                out.write(body, 0, body.length / 2);
                out.flush();
                closed.await();
                return;
            }
            long length = reply.chunked() ? 0 : (body.length == 0 ? -1 : body.length);
            exchange.sendResponseHeaders(reply.status(), length);
            try (OutputStream out = exchange.getResponseBody()) {
                int chunk = 4096;
                for (int offset = 0; offset < body.length; offset += chunk) {
                    out.write(body, offset, Math.min(chunk, body.length - offset));
                    out.flush();
                }
            } catch (IOException clientWentAway) {
                // The client may stop reading a body it refuses (over the limit); that is the point of some tests.
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }
}
