package org.ippan.l2.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A loopback-or-remote HTTP client of one node: every answer is either a parsed JSON body of a 2xx, or a
 * {@link CliException} with the exit code of its class (unreachable and 5xx: 3, 4xx: 4).
 */
final class NodeClient {
    /** An HTTP answer: status, text body, and the body parsed when it is JSON (else null). */
    record Response(int status, String body, JsonNode json) {
    }

    private final String baseUrl;
    private final Optional<String> token;
    private final Duration timeout;
    private final HttpClient http;

    NodeClient(String baseUrl, Optional<String> token, Duration timeout) {
        String base = Objects.requireNonNull(baseUrl, "baseUrl").strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--url is not a URL: " + baseUrl);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw CliException.usage("--url must be an http:// or https:// URL with a host, was " + baseUrl);
        }
        this.baseUrl = base;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    String baseUrl() {
        return baseUrl;
    }

    /** {@code GET path}: the JSON of a 2xx answer. */
    JsonNode get(String path) {
        return ok("GET", path, send("GET", path, null));
    }

    /** {@code method path} with an optional JSON body: the JSON of a 2xx answer ({@code {}} for an empty one). */
    JsonNode call(String method, String path, String jsonBody) {
        return ok(method, path, send(method, path, jsonBody));
    }

    /** Sends one request and returns whatever the node answered; only a failure to get an answer throws. */
    Response send(String method, String path, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("Accept", "application/json");
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        if (jsonBody == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "node unreachable at " + baseUrl + " (" + method + " "
                    + path + "): " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.UNAVAILABLE, "interrupted while calling " + method + " " + path, e);
        }
        return new Response(response.statusCode(), response.body(), parse(response.body()));
    }

    /** The JSON of a 2xx {@code response}; otherwise the {@link CliException} of its class. */
    static JsonNode ok(String method, String path, Response response) {
        int status = response.status();
        if (status >= 200 && status < 300) {
            if (response.body().isBlank()) {
                return L2Ctl.JSON.createObjectNode();
            }
            if (response.json() == null) {
                throw CliException.unavailable(method + " " + path + " answered " + status + " with a body that is "
                        + "not JSON");
            }
            return response.json();
        }
        String what = method + " " + path + ": HTTP " + status + describe(response);
        if (status >= 400 && status < 500) {
            throw new CliException(ExitCode.REFUSED, "refused by the node: " + what);
        }
        throw CliException.unavailable("node error: " + what);
    }

    /** The node's {@code code} and {@code error} of an error answer, when it gave them. */
    private static String describe(Response response) {
        JsonNode json = response.json();
        if (json == null || !json.isObject()) {
            String text = response.body().strip();
            return text.isEmpty() ? "" : " " + (text.length() > 200 ? text.substring(0, 200) + "…" : text);
        }
        StringBuilder out = new StringBuilder();
        if (json.hasNonNull("code")) {
            out.append(" ").append(json.get("code").asText());
        }
        if (json.hasNonNull("error")) {
            out.append(" (").append(json.get("error").asText()).append(")");
        }
        return out.toString();
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return L2Ctl.JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
