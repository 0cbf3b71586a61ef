package org.ippan.l2.l1.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.ForcedInboxPage;
import org.ippan.l2.l1.L1PermanentException;
import org.ippan.l2.l1.L1TransientException;
import org.ippan.l2.l1.http.ScriptedServer.Recorded;
import org.ippan.l2.l1.http.ScriptedServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The forced-inclusion inbox calls of {@link HttpL1Poster} and their endpoint configuration. */
class HttpL1PosterForcedInboxTest {
    private static final String SUBMIT = "/v1/l2/chains/{chain}/forced";
    private static final String INBOX = "/v1/l2/chains/{chain}/forced?from={from}&max={max}";
    private static final String HASH = "ab".repeat(32);

    private final ScriptedServer server = new ScriptedServer();
    private HttpL1Poster poster;

    @AfterEach
    void close() {
        if (poster != null) {
            poster.close();
        }
        server.close();
    }

    private static HttpL1Config.Builder config(String baseUrl) {
        return HttpL1Config.builder().baseUrl(baseUrl).chainStatusEndpoint("/s").submitBatchEndpoint("/b")
                .getInclusionEndpoint("/i/{id}").getFinalityEndpoint("/f/{l1_tx_id}").timeoutMs(5_000);
    }

    private HttpL1Poster poster(HttpL1Config config) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        poster = new HttpL1Poster(config, client, true, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        return poster;
    }

    private HttpL1Poster inboxPoster() {
        return poster(config(server.baseUrl()).forcedSubmitEndpoint(SUBMIT).forcedInboxEndpoint(INBOX)
                .forcedChainId(1337).build());
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        return assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .actual().getCause();
    }

    private static String entryJson(long index, long height, String txHex) {
        return "{\"index\":" + index + ",\"l1_height\":" + height + ",\"tx_hash\":\"" + HASH + "\",\"tx\":\""
                + txHex + "\"}";
    }

    @Test
    void submitForced_postsTheTxAsHexToTheChainsPath_andDecodesTheEntry() throws Exception {
        server.enqueue(Reply.json(200, entryJson(4, 17, "0a0b")));
        HttpL1Poster l1 = inboxPoster();

        ForcedInboxEntry entry = l1.submitForced(new byte[] {0x0a, 0x0b}).get(5, TimeUnit.SECONDS);

        assertThat(entry).isEqualTo(new ForcedInboxEntry(4, 17, HexFormat.of().parseHex(HASH),
                new byte[] {0x0a, 0x0b}));
        Recorded request = server.takeRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo("/v1/l2/chains/1337/forced");
        assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo("{\"tx\":\"0a0b\"}");
        assertThat(l1.supportsForcedInbox()).isTrue();
    }

    @Test
    void readForcedInbox_substitutesFromAndMax_andDecodesThePage() throws Exception {
        server.enqueue(Reply.json(200, "{\"l1_height\":30,\"entries\":[" + entryJson(7, 20, "01") + ","
                + entryJson(8, 21, "02") + "]}"));
        HttpL1Poster l1 = inboxPoster();

        ForcedInboxPage page = l1.readForcedInbox(7, 50).get(5, TimeUnit.SECONDS);

        assertThat(page.l1Height()).isEqualTo(30);
        assertThat(page.entries()).extracting(ForcedInboxEntry::index).containsExactly(7L, 8L);
        Recorded request = server.takeRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.rawPath()).isEqualTo("/v1/l2/chains/1337/forced");
        assertThat(request.rawQuery()).isEqualTo("from=7&max=50");
    }

    @Test
    void answers_mapToTypedFailures() {
        HttpL1Poster l1 = inboxPoster();
        server.enqueue(Reply.json(400, "{\"error_code\":\"invalid_forced_tx\",\"message\":\"not a v1 tx\"}"));
        assertThat(failureOf(l1.submitForced(new byte[] {1}))).isInstanceOf(L1PermanentException.class)
                .hasMessageContaining("400").hasMessageContaining("not a v1 tx");
        server.enqueue(Reply.json(503, "{}").withHeader("Retry-After", "2"));
        assertThat(failureOf(l1.readForcedInbox(0, 1))).isInstanceOf(L1TransientException.class);
        server.enqueue(Reply.json(200, "{\"l1_height\":3,\"entries\":[" + entryJson(5, 2, "01") + "]}"));
        assertThat(failureOf(l1.readForcedInbox(4, 10))).isInstanceOf(L1PermanentException.class)
                .hasMessageContaining("starts at index 5");
        server.enqueue(Reply.json(200, "{\"l1_height\":3,\"entries\":[" + entryJson(4, 9, "01") + "]}"));
        assertThat(failureOf(l1.readForcedInbox(4, 10))).isInstanceOf(L1PermanentException.class)
                .hasMessageContaining("above the page");
        server.enqueue(Reply.json(200, "{\"index\":1,\"l1_height\":1,\"tx_hash\":\"zz\",\"tx\":\"01\"}"));
        assertThat(failureOf(l1.submitForced(new byte[] {1}))).isInstanceOf(L1PermanentException.class)
                .hasMessageContaining("tx_hash");
        server.enqueue(Reply.json(200, "{\"l1_height\":3,\"entries\":[" + entryJson(0, 1, "01") + ","
                + entryJson(1, 1, "02") + "]}"));
        assertThat(failureOf(l1.readForcedInbox(0, 1))).isInstanceOf(L1PermanentException.class)
                .hasMessageContaining("more than the 1");
    }

    @Test
    void withoutEndpoints_thereIsNoInbox_andCallsFailPermanentlyWithoutARequest() {
        HttpL1Poster l1 = poster(config(server.baseUrl()).build());

        assertThat(l1.supportsForcedInbox()).isFalse();
        assertThat(failureOf(l1.submitForced(new byte[] {1}))).isInstanceOf(L1PermanentException.class)
                .hasMessageContaining("L1_ENDPOINT_FORCED_SUBMIT");
        assertThat(failureOf(l1.readForcedInbox(0, 1))).isInstanceOf(L1PermanentException.class);
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void config_needsBothEndpoints_andTheReadPlaceholders_namingTheVariable() {
        Map<String, String> env = Map.of("L1_BASE_URL", "http://core:1", "L1_ENDPOINT_CHAIN_STATUS", "/s",
                "L1_ENDPOINT_SUBMIT_BATCH", "/b", "L1_ENDPOINT_GET_INCLUSION", "/i/{id}",
                "L1_ENDPOINT_GET_FINALITY", "/f/{l1_tx_id}");
        java.util.HashMap<String, String> onlySubmit = new java.util.HashMap<>(env);
        onlySubmit.put("L1_ENDPOINT_FORCED_SUBMIT", SUBMIT);
        assertThatThrownBy(() -> HttpL1Config.fromEnvironment(onlySubmit))
                .isInstanceOf(HttpL1ConfigException.class).hasMessageContaining("L1_ENDPOINT_FORCED_INBOX");
        java.util.HashMap<String, String> noMax = new java.util.HashMap<>(onlySubmit);
        noMax.put("L1_ENDPOINT_FORCED_INBOX", "/v1/forced?from={from}");
        assertThatThrownBy(() -> HttpL1Config.fromEnvironment(noMax))
                .isInstanceOf(HttpL1ConfigException.class).hasMessageContaining("L1_ENDPOINT_FORCED_INBOX")
                .hasMessageContaining("{max}");
        java.util.HashMap<String, String> noFrom = new java.util.HashMap<>(onlySubmit);
        noFrom.put("L1_ENDPOINT_FORCED_INBOX", "/v1/forced?max={max}");
        assertThatThrownBy(() -> HttpL1Config.fromEnvironment(noFrom))
                .isInstanceOf(HttpL1ConfigException.class).hasMessageContaining("{from}");
        java.util.HashMap<String, String> badChain = new java.util.HashMap<>(onlySubmit);
        badChain.put("L1_ENDPOINT_FORCED_INBOX", INBOX);
        badChain.put("L2_CHAIN_ID", "-3");
        assertThatThrownBy(() -> HttpL1Config.fromEnvironment(badChain))
                .isInstanceOf(HttpL1ConfigException.class).hasMessageContaining("L2_CHAIN_ID");
        badChain.put("L2_CHAIN_ID", "18446744073709551615");
        HttpL1Config config = HttpL1Config.fromEnvironment(badChain);
        assertThat(config.hasForcedInbox()).isTrue();
        assertThat(config.forcedInboxUri(3, 9).toString())
                .isEqualTo("http://core:1/v1/l2/chains/18446744073709551615/forced?from=3&max=9");
    }
}
