package org.ippan.l2.l1.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HttpL1Config}: every variable, the checks and their messages, URL building, and the secret API key. */
class HttpL1ConfigTest {

    private static final String SECRET = "Bearer top-secret-4711";

    private static Map<String, String> minimalEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("L1_BASE_URL", "https://core.example:8443/api");
        env.put("L1_ENDPOINT_CHAIN_STATUS", "/v1/status");
        env.put("L1_ENDPOINT_SUBMIT_BATCH", "/v1/l2/batches");
        env.put("L1_ENDPOINT_GET_INCLUSION", "/v1/l2/batches/{id}");
        env.put("L1_ENDPOINT_GET_FINALITY", "/v1/tx/{l1_tx_id}/finality");
        return env;
    }

    private static HttpL1Config.Builder minimalBuilder() {
        return HttpL1Config.builder()
                .baseUrl("http://127.0.0.1:8080")
                .chainStatusEndpoint("/status")
                .submitBatchEndpoint("/batches")
                .getInclusionEndpoint("/batches/{id}")
                .getFinalityEndpoint("/tx/{l1_tx_id}");
    }

    private static HttpL1ConfigException envError(Map<String, String> env) {
        try {
            HttpL1Config config = HttpL1Config.fromEnvironment(env);
            throw new AssertionError("expected a configuration error, got " + config);
        } catch (HttpL1ConfigException e) {
            return e;
        }
    }

    // ---- environment -----------------------------------------------------------------------------------------

    @Test
    void fromEnvironment_readsEveryVariable() {
        Map<String, String> env = minimalEnv();
        env.put("L1_API_KEY", SECRET);
        env.put("L1_TIMEOUT_MS", " 2500 ");
        env.put("L1_MAX_RESPONSE_BYTES", "4096");
        env.put("UNRELATED", "ignored");

        HttpL1Config config = HttpL1Config.fromEnvironment(env);

        assertThat(config.baseUrl()).isEqualTo(URI.create("https://core.example:8443/api"));
        assertThat(config.chainStatusEndpoint()).isEqualTo("/v1/status");
        assertThat(config.submitBatchEndpoint()).isEqualTo("/v1/l2/batches");
        assertThat(config.getInclusionEndpoint()).isEqualTo("/v1/l2/batches/{id}");
        assertThat(config.getFinalityEndpoint()).isEqualTo("/v1/tx/{l1_tx_id}/finality");
        assertThat(config.hasApiKey()).isTrue();
        assertThat(config.apiKey()).isEqualTo(SECRET);
        assertThat(config.timeoutMs()).isEqualTo(2500);
        assertThat(config.maxResponseBytes()).isEqualTo(4096);
        assertThat(config.chainStatusUri()).isEqualTo(URI.create("https://core.example:8443/api/v1/status"));
        assertThat(config.submitBatchUri()).isEqualTo(URI.create("https://core.example:8443/api/v1/l2/batches"));
        assertThat(config.inclusionUri("AbC-_9")).isEqualTo(URI.create("https://core.example:8443/api/v1/l2/batches/AbC-_9"));
        assertThat(config.finalityUri("tx-1")).isEqualTo(URI.create("https://core.example:8443/api/v1/tx/tx-1/finality"));
    }

    @Test
    void fromEnvironment_withoutOptionalVariables_usesDefaults_andNoApiKey() {
        Map<String, String> env = minimalEnv();
        env.put("L1_API_KEY", "   ");

        HttpL1Config config = HttpL1Config.fromEnvironment(env);

        assertThat(config.timeoutMs()).isEqualTo(10_000);
        assertThat(config.maxResponseBytes()).isEqualTo(1 << 20);
        assertThat(config.hasApiKey()).isFalse();
        assertThat(config.apiKey()).isNull();
    }

    @Test
    void fromEnvironment_withoutBaseUrl_failsNamingIt() {
        Map<String, String> env = minimalEnv();
        env.remove("L1_BASE_URL");

        HttpL1ConfigException error = envError(env);

        assertThat(error.setting()).isEqualTo("L1_BASE_URL");
        assertThat(error).hasMessageStartingWith("L1_BASE_URL: required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"L1_ENDPOINT_CHAIN_STATUS", "L1_ENDPOINT_SUBMIT_BATCH", "L1_ENDPOINT_GET_INCLUSION",
        "L1_ENDPOINT_GET_FINALITY"})
    void fromEnvironment_withoutAnEndpointPath_failsNamingTheVariable_noDefaultIsAssumed(String variable) {
        Map<String, String> env = minimalEnv();
        env.put(variable, "");

        HttpL1ConfigException error = envError(env);

        assertThat(error.setting()).isEqualTo(variable);
        assertThat(error).hasMessageStartingWith(variable + ": required").hasMessageContaining("no default");
    }

    @Test
    void fromEnvironment_inclusionPathWithoutIdPlaceholder_failsNamingVariableAndPlaceholder() {
        Map<String, String> env = minimalEnv();
        env.put("L1_ENDPOINT_GET_INCLUSION", "/v1/l2/batches/{key}");

        HttpL1ConfigException error = envError(env);

        assertThat(error.setting()).isEqualTo("L1_ENDPOINT_GET_INCLUSION");
        assertThat(error).hasMessageContaining("{id}");
    }

    @Test
    void fromEnvironment_finalityPathWithoutTxIdPlaceholder_failsNamingVariableAndPlaceholder() {
        Map<String, String> env = minimalEnv();
        env.put("L1_ENDPOINT_GET_FINALITY", "/v1/tx/{id}/finality");

        HttpL1ConfigException error = envError(env);

        assertThat(error.setting()).isEqualTo("L1_ENDPOINT_GET_FINALITY");
        assertThat(error).hasMessageContaining("{l1_tx_id}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://core.example", "core.example:8080", "http://", "http://core example",
        "https://core.example/api?x=1", "https://core.example/#frag", "file:///etc/passwd"})
    void fromEnvironment_baseUrlNotAnHttpUrlWithHost_failsNamingIt(String baseUrl) {
        Map<String, String> env = minimalEnv();
        env.put("L1_BASE_URL", baseUrl);

        assertThat(envError(env).setting()).isEqualTo("L1_BASE_URL");
    }

    @Test
    void baseUrlWithUserInfo_isRefused_withoutEchoingTheCredentials() {
        Map<String, String> env = minimalEnv();
        env.put("L1_BASE_URL", "https://admin:hunter2@core.example");

        HttpL1ConfigException error = envError(env);

        assertThat(error.setting()).isEqualTo("L1_BASE_URL");
        assertThat(error).hasMessageContaining("L1_API_KEY").hasMessageNotContaining("hunter2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ten", "-1", "1.5", "0", "86400001", "99999999999999999999"})
    void fromEnvironment_badTimeout_failsNamingIt(String value) {
        Map<String, String> env = minimalEnv();
        env.put("L1_TIMEOUT_MS", value);

        assertThat(envError(env).setting()).isEqualTo("L1_TIMEOUT_MS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1MiB", "0", "268435457", "99999999999"})
    void fromEnvironment_badMaxResponseBytes_failsNamingIt(String value) {
        Map<String, String> env = minimalEnv();
        env.put("L1_MAX_RESPONSE_BYTES", value);

        assertThat(envError(env).setting()).isEqualTo("L1_MAX_RESPONSE_BYTES");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/{id}/batches/{oops}", "/v1/l2 batches/{id}", "https://other.example/{id}",
        "/v1/{id}#frag"})
    void fromEnvironment_malformedEndpointPath_failsNamingIt(String path) {
        Map<String, String> env = minimalEnv();
        env.put("L1_ENDPOINT_GET_INCLUSION", path);

        assertThat(envError(env).setting()).isEqualTo("L1_ENDPOINT_GET_INCLUSION");
    }

    @Test
    void fromEnvironment_nullEnvironment_throwsNullPointerException() {
        assertThatThrownBy(() -> HttpL1Config.fromEnvironment(null)).isInstanceOf(NullPointerException.class);
    }

    // ---- the API key is a secret -----------------------------------------------------------------------------

    @Test
    void toString_showsThatAnApiKeyIsSet_neverTheKey() {
        Map<String, String> env = minimalEnv();
        env.put("L1_API_KEY", SECRET);

        String text = HttpL1Config.fromEnvironment(env).toString();

        assertThat(text).doesNotContain("top-secret").contains("apiKey=<set>").contains("core.example");
        assertThat(minimalBuilder().build().toString()).contains("apiKey=<none>");
    }

    @Test
    void apiKeyWithControlCharacters_isRefused_withoutEchoingIt() {
        Map<String, String> env = minimalEnv();
        env.put("L1_API_KEY", "top-secret\r\nX-Injected: 1");

        HttpL1ConfigException error = envError(env);

        assertThat(error.setting()).isEqualTo("L1_API_KEY");
        assertThat(error).hasMessageNotContaining("top-secret").hasMessageNotContaining("Injected");
    }

    // ---- builder ---------------------------------------------------------------------------------------------

    @Test
    void builder_errorsNameTheField() {
        assertThat(catchConfig(minimalBuilder().baseUrl(null)).setting()).isEqualTo("baseUrl");
        assertThat(catchConfig(minimalBuilder().chainStatusEndpoint(null)).setting())
                .isEqualTo("chainStatusEndpoint");
        assertThat(catchConfig(minimalBuilder().submitBatchEndpoint(" ")).setting()).isEqualTo("submitBatchEndpoint");
        assertThat(catchConfig(minimalBuilder().getInclusionEndpoint("/b")).setting())
                .isEqualTo("getInclusionEndpoint");
        assertThat(catchConfig(minimalBuilder().getFinalityEndpoint("/t")).setting()).isEqualTo("getFinalityEndpoint");
        assertThat(catchConfig(minimalBuilder().timeoutMs(0)).setting()).isEqualTo("timeoutMs");
        assertThat(catchConfig(minimalBuilder().maxResponseBytes(0)).setting()).isEqualTo("maxResponseBytes");
        assertThat(catchConfig(minimalBuilder().apiKey("")).setting()).isEqualTo("apiKey");
    }

    private static HttpL1ConfigException catchConfig(HttpL1Config.Builder builder) {
        try {
            HttpL1Config config = builder.build();
            throw new AssertionError("expected a configuration error, got " + config);
        } catch (HttpL1ConfigException e) {
            return e;
        }
    }

    @Test
    void endpoints_joinTheBaseUrlsPath_withExactlyOneSlash() {
        HttpL1Config trailingSlash = minimalBuilder().baseUrl("http://127.0.0.1:8080/core/")
                .chainStatusEndpoint("v1/status").submitBatchEndpoint("//v1/batches?mode=sync").build();
        HttpL1Config noPath = minimalBuilder().baseUrl("http://127.0.0.1:8080").chainStatusEndpoint("/v1/status")
                .build();

        assertThat(trailingSlash.chainStatusUri()).isEqualTo(URI.create("http://127.0.0.1:8080/core/v1/status"));
        assertThat(trailingSlash.submitBatchUri())
                .isEqualTo(URI.create("http://127.0.0.1:8080/core/v1/batches?mode=sync"));
        assertThat(noPath.chainStatusUri()).isEqualTo(URI.create("http://127.0.0.1:8080/v1/status"));
    }

    @Test
    void placeholders_arePercentEncoded_inPathAndQuery() {
        HttpL1Config config = minimalBuilder().getInclusionEndpoint("/inclusion?key={id}")
                .getFinalityEndpoint("/tx/{l1_tx_id}/finality").build();

        assertThat(config.finalityUri("../a b/?#&=%+é"))
                .isEqualTo(URI.create("http://127.0.0.1:8080/tx/..%2Fa%20b%2F%3F%23%26%3D%25%2B%C3%A9/finality"));
        assertThat(config.inclusionUri("a&b=c")).isEqualTo(URI.create("http://127.0.0.1:8080/inclusion?key=a%26b%3Dc"));
    }

    @Test
    void percentEncode_keepsOnlyUnreservedCharacters() {
        assertThat(HttpL1Config.percentEncode("AZaz09-._~")).isEqualTo("AZaz09-._~");
        assertThat(HttpL1Config.percentEncode(" /")).isEqualTo("%20%2F");
        assertThat(HttpL1Config.percentEncode("..")).isEqualTo("%2E%2E");
        assertThat(HttpL1Config.percentEncode("a..b")).isEqualTo("a..b");
    }
}
