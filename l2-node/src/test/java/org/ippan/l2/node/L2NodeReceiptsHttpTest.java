package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.proof.DelayEvidence;
import org.ippan.l2.core.proof.InclusionProof;
import org.ippan.l2.core.proof.ProofJson;
import org.ippan.l2.core.proof.ProofVerification;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.receipt.ReceiptJson;
import org.ippan.l2.core.receipt.ReceiptVerification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed admission receipts and inclusion proofs over real HTTP: {@code POST /tx} and {@code POST /txs} answer
 * with each new tx's receipt, {@code GET /tx/{hash}/receipt} serves it again, {@code GET /tx/{hash}/proof} proves
 * the tx's batch once it has one, and both verify offline against the node's public key alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class L2NodeReceiptsHttpTest {
    @TempDir
    static Path dir;

    private final NodeHttp http = new NodeHttp();
    private L2Node leader;
    private byte[] publicKey;

    @BeforeAll
    void startLeader() throws Exception {
        Path keyFile = ChildJvm.writeKey(dir.resolve("sequencer.key"));
        Map<String, String> env = NodeHttp.env(dir.resolve("l2.db"));
        env.put("L2_SEQUENCER_KEY_PATH", keyFile.toString());
        env.put("L2_INCLUSION_DEADLINE_MS", "45000");
        leader = L2Node.start(NodeConfig.fromEnvironment(env));
        publicKey = leader.sequencer().publicKey().orElseThrow();
    }

    @AfterAll
    void stopLeader() {
        if (leader != null) {
            leader.close();
        }
    }

    private AdmissionReceipt receiptOf(NodeHttp.Answer answer) {
        return ReceiptJson.fromJson(answer.body().get("receipt").toString());
    }

    @Test
    void postTx_answersWithAReceiptThatVerifies_andGetReceiptServesTheSame() throws Exception {
        NodeHttp.Answer answer = http.post(leader, "/tx", NodeHttp.tx("receipt-alice", "1", "0a0b"));
        assertThat(answer.status()).isEqualTo(200);
        AdmissionReceipt receipt = receiptOf(answer);
        String hash = answer.body().get("tx_hash").asText();

        assertThat(receipt.verify(publicKey)).isEqualTo(ReceiptVerification.VALID);
        assertThat(receipt.group().deadlineMs() - receipt.group().acceptedMs()).isEqualTo(45_000);
        NodeHttp.Answer again = http.get(leader, "/tx/" + hash + "/receipt");
        assertThat(again.status()).isEqualTo(200);
        assertThat(ReceiptJson.fromJson(again.raw().body())).isEqualTo(receipt);

        NodeHttp.Answer duplicate = http.post(leader, "/tx", NodeHttp.tx("receipt-alice", "1", "0a0b"));
        assertThat(duplicate.body().get("duplicate").asBoolean()).isTrue();
        assertThat(receiptOf(duplicate)).as("a duplicate gets its first acceptance's receipt").isEqualTo(receipt);
    }

    @Test
    void postTxs_givesEachNewTxItsReceipt_unlessAskedNotTo() throws Exception {
        String body = "[" + NodeHttp.tx("receipt-bob", "1", "01") + "," + NodeHttp.tx("receipt-bob", "2", "02") + ","
                + NodeHttp.tx("receipt-bob", "3", "03") + "]";
        NodeHttp.Answer answer = http.post(leader, "/txs", body);
        assertThat(answer.status()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            AdmissionReceipt receipt = ReceiptJson.fromJson(answer.body().get(i).get("receipt").toString());
            assertThat(receipt.verify(publicKey).isValid()).isTrue();
            assertThat(receipt.txHash()).asHexString().isEqualToIgnoringCase(answer.body().get(i).get("tx_hash")
                    .asText());
        }

        String more = "[" + NodeHttp.tx("receipt-bob", "4", "04") + "]";
        NodeHttp.Answer without = http.post(leader, "/txs?receipts=false", more);
        assertThat(without.body().get(0).get("accepted").asBoolean()).isTrue();
        assertThat(without.body().get(0).has("receipt")).isFalse();
        String hash = without.body().get(0).get("tx_hash").asText();
        assertThat(http.get(leader, "/tx/" + hash + "/receipt").status()).as("issued all the same").isEqualTo(200);
    }

    @Test
    void getProof_isNotInBatchWhilePending_thenProvesTheBatchOffline() throws Exception {
        NodeHttp.Answer answer = http.post(leader, "/tx", NodeHttp.tx("proof-carol", "7", "cafe"));
        String hash = answer.body().get("tx_hash").asText();

        NodeHttp.Answer proofAnswer = http.awaitGet(leader, "/tx/" + hash + "/proof", a -> a.status() == 200
                && a.body().path("l1").path("status").asText().equals("finalized"));
        InclusionProof proof = ProofJson.fromJson(proofAnswer.raw().body());

        assertThat(proof.verify(publicKey)).isEqualTo(ProofVerification.VALID);
        assertThat(proof.txHash()).asHexString().isEqualToIgnoringCase(hash);
        assertThat(DelayEvidence.assess(receiptOf(answer), Optional.of(proof), System.currentTimeMillis(), publicKey)
                .verdict()).isEqualTo(DelayEvidence.Verdict.INCLUDED);
    }

    @Test
    void unknownAndMalformedHashes_areTypedErrors() throws Exception {
        String unknown = "ab".repeat(32);
        NodeHttp.Answer receipt = http.get(leader, "/tx/" + unknown + "/receipt");
        assertThat(receipt.status()).isEqualTo(404);
        assertThat(receipt.body().get("code").asText()).isEqualTo("TX_NOT_FOUND");
        NodeHttp.Answer proof = http.get(leader, "/tx/" + unknown + "/proof");
        assertThat(proof.status()).isEqualTo(404);
        assertThat(proof.body().get("code").asText()).isEqualTo("TX_NOT_FOUND");
        assertThat(http.get(leader, "/tx/xyz/proof").status()).isEqualTo(400);
        assertThat(http.get(leader, "/tx//receipt").status()).isEqualTo(400);
    }
}
