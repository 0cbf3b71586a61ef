package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upstream-compatible forced-inclusion API over real HTTP, on the embedded devnet L1's inbox:
 * {@code POST /tx/force} answers 202 with a ticket, 409 for a second ticket of a tx, 429 over the account's limit;
 * {@code GET /tx/force/{hash}} follows the ticket from {@code queued} to {@code included} with its batch.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class L2NodeForceHttpTest {
    @TempDir
    Path dir;

    private final NodeHttp http = new NodeHttp();

    @Test
    void forcedTx_isIncludedByTheWatcher_andItsTicketSaysSo() throws Exception {
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(NodeHttp.env(dir.resolve("l2.db"))))) {
            NodeHttp.Answer taken = http.post(node, "/tx/force", NodeHttp.tx("forced-ivy", "1", "f0"));
            assertThat(taken.status()).isEqualTo(202);
            String hash = taken.body().get("tx_hash").asText();
            assertThat(taken.body().get("account").asText()).isEqualTo("forced-ivy");
            assertThat(taken.body().get("due_by_l1_height").asLong())
                    .isEqualTo(taken.body().get("inbox_l1_height").asLong() + 10);

            NodeHttp.Answer included = http.awaitGet(node, "/tx/force/" + hash,
                    a -> a.body().path("status").asText().equals("included"));
            assertThat(included.body().get("batch_number").asLong()).isPositive();
            assertThat(http.get(node, "/tx/" + hash).body().get("batch_number").asLong())
                    .isEqualTo(included.body().get("batch_number").asLong());
        }
    }

    @Test
    void duplicatesLimitsAndBadInput_areTypedErrors() throws Exception {
        Map<String, String> env = NodeHttp.env(dir.resolve("l2.db"));
        env.put("L2_FORCE_INCLUSION", "0"); // no watcher: the tickets stay queued
        env.put("L2_FORCE_MAX_PER_ACCOUNT", "1");
        try (L2Node node = L2Node.start(NodeConfig.fromEnvironment(env))) {
            NodeHttp.Answer first = http.post(node, "/tx/force", NodeHttp.tx("forced-jo", "1", "01"));
            assertThat(first.status()).isEqualTo(202);
            assertThat(first.body().get("status").asText()).isEqualTo("queued");

            NodeHttp.Answer again = http.post(node, "/tx/force", NodeHttp.tx("forced-jo", "1", "01"));
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.body().get("code").asText()).isEqualTo("DUPLICATE_TICKET");

            NodeHttp.Answer over = http.post(node, "/tx/force", NodeHttp.tx("forced-jo", "2", "02"));
            assertThat(over.status()).isEqualTo(429);
            assertThat(over.body().get("code").asText()).isEqualTo("ACCOUNT_LIMIT");
            assertThat(over.raw().headers().firstValue("Retry-After")).isPresent();
            assertThat(http.post(node, "/tx/force", NodeHttp.tx("forced-kim", "1", "01")).status())
                    .as("another account").isEqualTo(202);

            String wrongChain = "{\"chain_id\":2,\"from\":\"forced-lu\",\"nonce\":1,\"payload\":\"00\"}";
            NodeHttp.Answer invalid = http.post(node, "/tx/force", wrongChain);
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(invalid.body().get("code").asText()).isEqualTo("CHAIN_ID_MISMATCH");

            String hash = first.body().get("tx_hash").asText();
            assertThat(http.get(node, "/tx/force/" + hash).body().get("status").asText()).isEqualTo("queued");
            NodeHttp.Answer unknown = http.get(node, "/tx/force/" + "cd".repeat(32));
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.body().get("code").asText()).isEqualTo("TICKET_NOT_FOUND");
            assertThat(http.get(node, "/tx/force/nothex").status()).isEqualTo(400);
            assertThat(http.get(node, "/tx/force").status()).isEqualTo(405);
        }
    }
}
