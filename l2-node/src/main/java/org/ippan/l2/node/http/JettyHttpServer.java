package org.ippan.l2.node.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The HTTP server of the node and of the devnet L1: Jetty 12's core server (no servlets) within {@link HttpLimits}.
 *
 * <ul>
 *   <li>The request head is parsed by Jetty's selector, without a thread per connection; a head over
 *       {@link HttpLimits#requestHeaderBytes()} is refused {@code 431}, a connection that sends no complete first
 *       head within {@link HttpLimits#headDeadlineMs()} is closed, and so is any connection idle for
 *       {@link HttpLimits#idleTimeoutMs()}.</li>
 *   <li>A handler runs on a bounded pool ({@link HttpLimits#handlerThreads()}; at most one task per connection
 *       waits for it); bodies are read as they arrive ({@link Exchange#readBody})
 *       within {@link HttpLimits#bodyDeadlineMs()}, answers written asynchronously.</li>
 *   <li>At most {@link HttpLimits#maxConnections()} connections are open; beyond that new ones wait in the accept
 *       queue.</li>
 *   <li>TCP_NODELAY is on (Jetty's default), so keep-alive answers do not wait for the client's delayed ACK.</li>
 * </ul>
 */
public final class JettyHttpServer implements AutoCloseable {

    /** What serves the requests: sends exactly one answer per exchange, now or after reading the body. */
    @FunctionalInterface
    public interface ExchangeHandler {
        void handle(Exchange exchange) throws Exception;
    }

    /** Told of every answered request, once its answer is written or has failed (for example to time it). */
    @FunctionalInterface
    public interface RequestListener {
        /**
         * Must be cheap and must not throw; runs on the thread that completes the answer.
         *
         * @param method the request's method
         * @param path the request's decoded path
         * @param status the answer's status (500 for an exchange that failed before its answer was committed)
         * @param durationNs from the request's head to the answer written
         */
        void completed(String method, String path, int status, long durationNs);
    }

    private final Server server;
    private final ServerConnector connector;
    private final String host;
    private final HttpLimits limits;

    private JettyHttpServer(Server server, ServerConnector connector, String host, HttpLimits limits) {
        this.server = server;
        this.connector = connector;
        this.host = host;
        this.limits = limits;
    }

    /**
     * Binds a server without serving yet: connections wait in the accept queue until {@link #start}.
     *
     * @param address where to listen (port 0: any free port)
     * @param limits the bounds on clients
     * @param threadName the handler threads' name prefix
     * @param daemon whether the handler threads are daemons
     * @return the bound server
     * @throws IOException if it cannot listen
     */
    public static JettyHttpServer open(InetSocketAddress address, HttpLimits limits, String threadName,
            boolean daemon) throws IOException {
        // the handler threads, plus Jetty's acceptor and selector and one reserved thread
        int maxThreads = limits.handlerThreads() + 3;
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, Math.min(4, maxThreads), 60_000, 0, null, null);
        threads.setName(threadName);
        threads.setDaemon(daemon);
        Server server = new Server(threads);
        server.setStopTimeout(0);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(limits.requestHeaderBytes());
        http.setIdleTimeout(limits.idleTimeoutMs());
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(limits.idleTimeoutMs());
        connector.setAcceptQueueSize(128);
        connector.addBean(new HeadDeadline(server.getScheduler(), limits.headDeadlineMs()));
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        try {
            connector.open();
        } catch (IOException e) {
            stopQuietly(server);
            throw e;
        }
        return new JettyHttpServer(server, connector, address.getHostString(), limits);
    }

    /**
     * Starts serving.
     *
     * @param handler what serves the requests
     * @throws IOException if the server cannot start
     */
    public void start(ExchangeHandler handler) throws IOException {
        start(handler, null);
    }

    /**
     * Starts serving, telling {@code listener} of every answered request.
     *
     * @param handler what serves the requests
     * @param listener told of each request once answered; null for none
     * @throws IOException if the server cannot start
     */
    public void start(ExchangeHandler handler, RequestListener listener) throws IOException {
        HttpLimits limits = this.limits;
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                HeadDeadline.headArrived(request.getConnectionMetaData().getConnection());
                Callback answered = listener == null ? callback
                        : new ListenedCallback(callback, request, response, listener, System.nanoTime());
                Exchange exchange = new Exchange(request, response, answered, server.getScheduler(),
                        limits.bodyDeadlineMs());
                try {
                    handler.handle(exchange);
                } catch (Throwable e) {
                    exchange.fail(e);
                }
                return true;
            }
        });
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly(server);
            throw e;
        } catch (Exception e) {
            stopQuietly(server);
            throw new IOException("cannot start the HTTP server on " + address() + ": " + e.getMessage(), e);
        }
    }

    /** @return the address it listens on (the actual port when started with port 0) */
    public InetSocketAddress address() {
        return InetSocketAddress.createUnresolved(host, connector.getLocalPort());
    }

    /** @return the port it listens on */
    public int port() {
        return connector.getLocalPort();
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping: nothing left to do
        }
    }

    /** Tells the listener when the answer is written or fails, then completes Jetty's callback as it would. */
    private static final class ListenedCallback implements Callback {
        private final Callback delegate;
        private final Request request;
        private final Response response;
        private final RequestListener listener;
        private final long startNs;

        ListenedCallback(Callback delegate, Request request, Response response, RequestListener listener,
                long startNs) {
            this.delegate = delegate;
            this.request = request;
            this.response = response;
            this.listener = listener;
            this.startNs = startNs;
        }

        @Override
        public void succeeded() {
            tell(response.getStatus());
            delegate.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
            tell(response.isCommitted() ? response.getStatus() : 500);
            delegate.failed(failure);
        }

        @Override
        public InvocationType getInvocationType() {
            return delegate.getInvocationType();
        }

        private void tell(int status) {
            try {
                String path = request.getHttpURI().getDecodedPath();
                listener.completed(request.getMethod(), path == null ? "/" : path, status,
                        System.nanoTime() - startNs);
            } catch (RuntimeException e) {
                // a listener must not throw; if it does, the answer still completes
            }
        }
    }

    /**
     * Closes a connection that has not delivered a complete first request head in time: a client that opens a
     * connection and sends a byte now and then would otherwise keep it until the idle timeout, and renew that for
     * as long as it likes.
     */
    static final class HeadDeadline implements Connection.Listener {
        private static final Set<Connection> SERVED = ConcurrentHashMap.newKeySet();
        private final Scheduler scheduler;
        private final long deadlineMs;

        HeadDeadline(Scheduler scheduler, long deadlineMs) {
            this.scheduler = scheduler;
            this.deadlineMs = deadlineMs;
        }

        static void headArrived(Connection connection) {
            if (connection != null) {
                SERVED.add(connection);
            }
        }

        @Override
        public void onOpened(Connection connection) {
            scheduler.schedule(() -> {
                if (!SERVED.contains(connection) && connection.getEndPoint().isOpen()) {
                    connection.getEndPoint().close();
                }
            }, deadlineMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public void onClosed(Connection connection) {
            SERVED.remove(connection);
        }
    }
}
