package org.ippan.l2.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * Test helper: a loopback HTTP proxy in front of a live node that passes every GET through, except that the
 * {@code l1_request} bytes in the inclusion proof of one tx are replaced by what a tampering function makes of
 * them: a node that serves tampered batch bytes, for verify-batch to catch.
 */
final class TamperingProxy implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String target;
    private final String tamperedTxHash;
    private final UnaryOperator<byte[]> tamper;

    TamperingProxy(String target, String tamperedTxHash, UnaryOperator<byte[]> tamper) throws IOException {
        this.target = target;
        this.tamperedTxHash = tamperedTxHash;
        this.tamper = tamper;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String pathAndQuery = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(target + pathAndQuery))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            String body = answer.body();
            if (answer.statusCode() == 200 && exchange.getRequestURI().getPath()
                    .equals("/tx/" + tamperedTxHash + "/proof")) {
                ObjectNode proof = (ObjectNode) L2Ctl.JSON.readTree(body);
                byte[] request = Base64.getUrlDecoder().decode(proof.get("l1_request").asText());
                proof.put("l1_request", Base64.getUrlEncoder().withoutPadding().encodeToString(tamper.apply(request)));
                body = L2Ctl.JSON.writeValueAsString(proof);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type",
                    answer.headers().firstValue("Content-Type").orElse("application/json"));
            exchange.sendResponseHeaders(answer.statusCode(), bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(502, -1);
        } finally {
            exchange.close();
        }
    }

    /** The JSON node of a proof (for tests that read the untampered one). */
    static JsonNode json(String text) throws IOException {
        return L2Ctl.JSON.readTree(text);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
