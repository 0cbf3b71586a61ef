package org.ippan.l2.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Relays a write a follower received to the leader, once (lease mode, {@code L2_FORWARD_TO_LEADER=1}). The relayed
 * request carries {@value #HEADER}{@code : 1}; a node that receives a request with that header never relays it
 * again (a hop limit of one), so two nodes that each think the other leads cannot bounce a request between them:
 * the second answers {@code NOT_LEADER} with its hint and the client decides.
 */
final class LeaderForwarder {
    /** The header that marks a relayed request. */
    static final String HEADER = "X-L2-Forwarded";
    /** Longest wait for a connection to the leader. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Longest wait for the leader's whole answer. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** The leader's answer, relayed as it is. */
    record Answer(int status, String contentType, Optional<String> retryAfter, Optional<String> wwwAuthenticate,
            byte[] body) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();

    /**
     * Sends the body to the leader and waits for its answer.
     *
     * @param leaderUrl the leader's advertised URL, {@code http://host:port}
     * @param path the request path ({@code /tx} or {@code /txs}) with the client's query, if any
     * @param body the request body, relayed byte for byte
     * @param length how many bytes of {@code body} to send
     * @param contentType the client's {@code Content-Type} header, relayed as it is (JSON, or bulk binary v1 on
     *     {@code /txs}); null for {@code application/json}
     * @param authorization the client's {@code Authorization} header, relayed as it is; null for none
     * @return the leader's answer
     * @throws IOException if the leader could not be reached or did not answer in time (the result is unknown: the
     *     leader may have accepted the txs, so a client resubmits them, which is idempotent)
     */
    Answer relay(String leaderUrl, String path, byte[] body, int length, String contentType, String authorization)
            throws IOException {
        Objects.requireNonNull(leaderUrl, "leaderUrl");
        HttpRequest request;
        try {
            String base = leaderUrl.endsWith("/") ? leaderUrl.substring(0, leaderUrl.length() - 1) : leaderUrl;
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", contentType == null ? "application/json" : contentType).header(HEADER, "1")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, length));
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            request = builder.build();
        } catch (IllegalArgumentException e) {
            throw new IOException("the leader's URL is not usable: " + leaderUrl, e);
        }
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse("application/json"),
                    response.headers().firstValue("Retry-After"), response.headers().firstValue("WWW-Authenticate"),
                    response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while relaying to the leader", e);
        }
    }
}
