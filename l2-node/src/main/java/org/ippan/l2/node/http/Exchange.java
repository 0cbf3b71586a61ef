package org.ippan.l2.node.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request and its answer, as the node's and the devnet's handlers see it: the request's method, path and
 * headers, its body read without blocking a thread ({@link #readBody}), and exactly one answer ({@link #send}).
 *
 * <p>The answer is written asynchronously: the handler's thread never waits for a slow reader either.
 */
public final class Exchange {
    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
    private static final byte[] TIMEOUT_BODY =
            "{\"error\":\"the request body did not arrive in time\"}".getBytes(StandardCharsets.US_ASCII);

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Scheduler scheduler;
    private final long bodyDeadlineMs;
    private final AtomicBoolean answered = new AtomicBoolean();

    Exchange(Request request, Response response, Callback callback, Scheduler scheduler, long bodyDeadlineMs) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.scheduler = scheduler;
        this.bodyDeadlineMs = bodyDeadlineMs;
    }

    /** @return the request method, e.g. {@code GET} */
    public String method() {
        return request.getMethod();
    }

    /** @return the decoded path, e.g. {@code /tx/ab…} */
    public String path() {
        String path = request.getHttpURI().getDecodedPath();
        return path == null ? "/" : path;
    }

    /** @return the path as sent, not decoded */
    public String rawPath() {
        String path = request.getHttpURI().getPath();
        return path == null ? "/" : path;
    }

    /** @return the raw query string, or null */
    public String rawQuery() {
        return request.getHttpURI().getQuery();
    }

    /** @return the first value of a request header, or null */
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    /** @return whether the request carries the header */
    public boolean hasHeader(String name) {
        return request.getHeaders().contains(name);
    }

    /** Sets a response header (before {@link #send}). */
    public void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    /** @return whether an answer was sent (or the exchange failed) */
    public boolean answered() {
        return answered.get();
    }

    /** What {@link #readBody} delivers. */
    @FunctionalInterface
    public interface BodyHandler {
        /**
         * @param bytes the body's first {@code length} bytes; null when the body was over the limit
         * @param length the body's length, or -1 when it was over the limit
         */
        void onBody(byte[] bytes, int length) throws Exception;
    }

    /**
     * Reads the body as it arrives, without holding a thread while the client is slow, then calls {@code handler}
     * on one of the server's threads. A body over {@code limit} bytes is skipped (up to {@code drainLimit} bytes,
     * so the client reads the answer rather than a reset; the connection is closed after the answer beyond that)
     * and reported with {@code bytes == null}. A body that has not fully arrived within the server's body deadline
     * is answered {@code 408} and the connection closed; one the client stops sending ends with the idle timeout.
     * Failures of {@code handler} are passed to {@code onError}.
     */
    public void readBody(int limit, long drainLimit, BodyHandler handler, java.util.function.Consumer<Throwable> onError) {
        BodyRead read = new BodyRead(limit, drainLimit, handler, onError);
        read.timeout = scheduler.schedule(read::deadline, bodyDeadlineMs, TimeUnit.MILLISECONDS);
        read.run();
    }

    private final class BodyRead implements Runnable {
        private final int limit;
        private final long drainLimit;
        private final BodyHandler handler;
        private final java.util.function.Consumer<Throwable> onError;
        private final AtomicBoolean done = new AtomicBoolean();
        private byte[] bytes;
        private int length;
        private long total;
        private boolean tooLarge;
        volatile Scheduler.Task timeout;

        BodyRead(int limit, long drainLimit, BodyHandler handler, java.util.function.Consumer<Throwable> onError) {
            this.limit = limit;
            this.drainLimit = drainLimit;
            this.handler = handler;
            this.onError = onError;
            long declared = request.getLength();
            this.bytes = new byte[(int) Math.max(0, Math.min(declared, Math.min(limit, 4L << 20)))];
        }

        @Override
        public void run() {
            while (!done.get()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    fail(chunk.getFailure());
                    return;
                }
                ByteBuffer buffer = chunk.getByteBuffer();
                int n = buffer.remaining();
                total += n;
                if (!tooLarge) {
                    if ((long) length + n > limit) {
                        tooLarge = true;
                        bytes = null;
                    } else {
                        if (length + n > bytes.length) {
                            byte[] grown = new byte[(int) Math.min(limit, Math.max(length + n, 2L * bytes.length))];
                            System.arraycopy(bytes, 0, grown, 0, length);
                            bytes = grown;
                        }
                        buffer.get(bytes, length, n);
                        length += n;
                    }
                }
                boolean last = chunk.isLast();
                chunk.release();
                if (tooLarge && !last && total >= drainLimit) {
                    setHeader(HttpHeader.CONNECTION.asString(), "close");
                    last = true;
                }
                if (last) {
                    if (done.compareAndSet(false, true)) {
                        cancelTimeout();
                        try {
                            handler.onBody(tooLarge ? null : bytes, tooLarge ? -1 : length);
                        } catch (Throwable e) {
                            onError.accept(e);
                        }
                    }
                    return;
                }
            }
        }

        void deadline() {
            if (done.compareAndSet(false, true)) {
                setHeader(HttpHeader.CONNECTION.asString(), "close");
                send(408, "application/json", TIMEOUT_BODY);
            }
        }

        private void fail(Throwable failure) {
            if (done.compareAndSet(false, true)) {
                cancelTimeout();
                LOG.debug("request body failed: {}", failure.toString());
                if (answered.compareAndSet(false, true)) {
                    callback.failed(failure);
                }
            }
        }

        private void cancelTimeout() {
            Scheduler.Task task = timeout;
            if (task != null) {
                task.cancel();
            }
        }
    }

    /**
     * Sends the answer; only the first call counts. A {@code HEAD} request gets the status and headers only.
     *
     * @param status the HTTP status
     * @param contentType the {@code Content-Type}
     * @param body the body (empty: none)
     */
    public void send(int status, String contentType, byte[] body) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        boolean head = "HEAD".equals(request.getMethod());
        if (head || body.length == 0) {
            response.write(true, null, callback);
        } else {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(body.length));
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }

    /** Fails the exchange without an answer (the server answers 500 if it still can). */
    void fail(Throwable failure) {
        if (answered.compareAndSet(false, true)) {
            callback.failed(failure);
        }
    }
}
