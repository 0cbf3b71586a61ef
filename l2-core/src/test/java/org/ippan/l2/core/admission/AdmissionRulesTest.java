package org.ippan.l2.core.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Tx;
import org.junit.jupiter.api.Test;

class AdmissionRulesTest {
    private final AdmissionRules rules = new AdmissionRules(7, 100, new BatchLimits(10, 4096, 1000));

    private static RefusalCode codeOf(Optional<Refusal> refusal) {
        return refusal.map(Refusal::code).orElse(null);
    }

    @Test
    void check_validTx_isAdmitted() {
        assertThat(rules.check(new Tx(7, 0, "alice", new byte[100]))).isEmpty();
        assertThat(rules.check(new Tx(7, -1L, "a".repeat(256), new byte[0]))).isEmpty();
    }

    @Test
    void check_otherChain_isChainIdMismatch() {
        Optional<Refusal> refusal = rules.check(new Tx(8, 0, "alice", new byte[1]));
        assertThat(codeOf(refusal)).isEqualTo(RefusalCode.CHAIN_ID_MISMATCH);
        assertThat(refusal.get().message()).contains("chain_id 8", "7");
        assertThat(codeOf(rules.check(new Tx(-7L, 0, "alice", new byte[1])))).isEqualTo(RefusalCode.CHAIN_ID_MISMATCH);
    }

    @Test
    void check_payloadOverMaxTxSize_isTxTooLarge() {
        Optional<Refusal> refusal = rules.check(new Tx(7, 0, "alice", new byte[101]));
        assertThat(codeOf(refusal)).isEqualTo(RefusalCode.TX_TOO_LARGE);
        assertThat(refusal.get().message()).contains("101", "100");
    }

    @Test
    void check_emptyFrom_isInvalidField() {
        Optional<Refusal> refusal = rules.check(new Tx(7, 0, "", new byte[1]));
        assertThat(codeOf(refusal)).isEqualTo(RefusalCode.INVALID_FIELD);
        assertThat(refusal.get().message()).contains("from");
    }

    @Test
    void check_fromOver256Utf8Bytes_isInvalidField_countedInBytesNotChars() {
        assertThat(codeOf(rules.check(new Tx(7, 0, "a".repeat(257), new byte[0])))).isEqualTo(RefusalCode.INVALID_FIELD);
        // 86 chars of 3 UTF-8 bytes each = 258 bytes
        Optional<Refusal> refusal = rules.check(new Tx(7, 0, "€".repeat(86), new byte[0]));
        assertThat(codeOf(refusal)).isEqualTo(RefusalCode.INVALID_FIELD);
        assertThat(refusal.get().message()).contains("258");
    }

    @Test
    void check_txThatAloneExceedsTheBatchByteLimit_isTxTooLarge() {
        long maxBytes = 200;
        AdmissionRules tight = new AdmissionRules(7, 1000, new BatchLimits(10, maxBytes, 1000));
        int fits = (int) (maxBytes - Batch.OVERHEAD_BYTES - Tx.FIXED_BODY_BYTES - 1); // from = "a"
        assertThat(tight.check(new Tx(7, 0, "a", new byte[fits]))).isEmpty();
        Optional<Refusal> refusal = tight.check(new Tx(7, 0, "a", new byte[fits + 1]));
        assertThat(codeOf(refusal)).isEqualTo(RefusalCode.TX_TOO_LARGE);
        assertThat(refusal.get().message()).contains("could never be batched", "201", "200");
    }

    @Test
    void check_rulesApplyInDocumentedOrder() {
        // wrong chain and too large and empty from: the chain id is reported first
        assertThat(codeOf(rules.check(new Tx(8, 0, "", new byte[500])))).isEqualTo(RefusalCode.CHAIN_ID_MISMATCH);
        assertThat(codeOf(rules.check(new Tx(7, 0, "", new byte[500])))).isEqualTo(RefusalCode.TX_TOO_LARGE);
    }

    @Test
    void constructor_negativeMaxTxSize_isRefusedNamingTheField() {
        assertThatThrownBy(() -> new AdmissionRules(1, -1, BatchLimits.DEFAULTS)).hasMessageContaining("maxTxSize");
    }

    @Test
    void refusal_codesAreStableAndClassified() {
        assertThat(RefusalCode.valueOf("QUEUE_FULL").retriable()).isTrue();
        assertThat(RefusalCode.CHAIN_ID_MISMATCH.retriable()).isFalse();
        assertThat(RefusalCode.INVALID_FRAME.retriable()).isFalse();
        assertThat(RefusalCode.INVALID_ENCODING.retriable()).isFalse();
        assertThat(RefusalCode.values()).extracting(Enum::name).containsExactly("INVALID_JSON", "BODY_TOO_LARGE",
                "INVALID_FRAME", "INVALID_ENCODING", "CHAIN_ID_MISMATCH", "INVALID_PAYLOAD", "TX_TOO_LARGE", "INVALID_FIELD", "NOT_LEADER", "QUEUE_FULL",
                "UNAVAILABLE");
        assertThatThrownBy(() -> new Refusal(RefusalCode.QUEUE_FULL, "full", -1)).hasMessageContaining("retryAfterMs");
    }
}
