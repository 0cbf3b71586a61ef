package org.ippan.l2.node.http;

/**
 * How {@link JettyHttpServer} bounds its clients. Every limit holds whatever the clients do: a slow or stalled
 * client holds a connection (counted against {@code maxConnections}) until a deadline closes it, never a handler
 * thread.
 *
 * @param handlerThreads most threads that run handlers (Jetty's pool; its acceptor and selector threads come on
 *     top). Handlers never wait on a client: bodies are read as they arrive and answers are written asynchronously
 * @param maxConnections most open connections; at the cap the server stops accepting until one closes. This also
 *     bounds the work queued for the handler threads: HTTP/1.1 serves one request per connection at a time, so at
 *     most one handler task per connection waits (Jetty warns against a bounded queue, which would fail its own
 *     internal tasks when full)
 * @param idleTimeoutMs a connection on which nothing arrives (or nothing can be written) for this long is closed
 * @param headDeadlineMs a new connection that has not sent a complete request head within this time is closed
 * @param bodyDeadlineMs a request whose body has not fully arrived this long after its head is answered
 *     {@code 408} and its connection closed
 * @param requestHeaderBytes most bytes of a request line and its headers; a larger head is refused ({@code 431})
 */
public record HttpLimits(int handlerThreads, int maxConnections, long idleTimeoutMs,
        long headDeadlineMs, long bodyDeadlineMs, int requestHeaderBytes) {

    /** The node's limits: 32 handler threads, 4,096 connections, 30 s idle, 10 s head, 30 s body, 8 KiB head. */
    public static final HttpLimits NODE = new HttpLimits(32, 4096, 30_000, 10_000, 30_000, 8192);

    /** The devnet L1's limits: as the node's with 8 handler threads. */
    public static final HttpLimits DEVNET = new HttpLimits(8, 1024, 30_000, 10_000, 30_000, 8192);

    public HttpLimits {
        if (handlerThreads < 1 || maxConnections < 1 || idleTimeoutMs < 1 || headDeadlineMs < 1
                || bodyDeadlineMs < 1 || requestHeaderBytes < 256) {
            throw new IllegalArgumentException("every HTTP limit must be positive (head size >= 256)");
        }
    }
}
