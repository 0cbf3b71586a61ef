package org.ippan.l2.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.util.Arrays;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The value records, results and exceptions of the port. */
class L1ValuesTest {

    private static final String BATCH_ID = "1f796b97c85e643d8f017aa862ddefe5a0e9dc9012655fd0a14506db4ecfb02d";

    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    @Test
    void submission_refusesMalformedFields_namingThem() {
        byte[] body = {'{', '}'};
        assertThatThrownBy(() -> new L1Submission(null, 1, BATCH_ID, body)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("idempotencyKey");
        assertThatThrownBy(() -> new L1Submission(new byte[31], 1, BATCH_ID, body))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idempotencyKey");
        assertThatThrownBy(() -> new L1Submission(key(1), 0, BATCH_ID, body))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sequence");
        assertThatThrownBy(() -> new L1Submission(key(1), 1, null, body)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("batchId");
        assertThatThrownBy(() -> new L1Submission(key(1), 1, BATCH_ID.toUpperCase(), body))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchId");
        assertThatThrownBy(() -> new L1Submission(key(1), 1, BATCH_ID.substring(2), body))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchId");
        assertThatThrownBy(() -> new L1Submission(key(1), 1, BATCH_ID.replace('f', 'g'), body))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchId");
        assertThatThrownBy(() -> new L1Submission(key(1), 1, BATCH_ID, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("body");
        assertThatThrownBy(() -> new L1Submission(key(1), 1, BATCH_ID, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("body");
    }

    @Test
    void submission_equalsByContent_andDoesNotCopyArrays() {
        byte[] key = key(7);
        byte[] body = "{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        L1Submission submission = new L1Submission(key, 3, BATCH_ID, body);
        L1Submission same = new L1Submission(key(7), 3, BATCH_ID, body.clone());

        assertThat(submission).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(submission).isNotEqualTo(new L1Submission(key(8), 3, BATCH_ID, body));
        assertThat(submission).isNotEqualTo(new L1Submission(key, 4, BATCH_ID, body));
        assertThat(submission).isNotEqualTo(new L1Submission(key, 3, BATCH_ID, new byte[] {1}));
        assertThat(submission.idempotencyKey()).isSameAs(key);
        assertThat(submission.body()).isSameAs(body);
    }

    @Test
    void submission_toString_showsBodyLengthNotBody_andKeyAsBase64Url() {
        byte[] body = new byte[100_000];
        Arrays.fill(body, (byte) 'x');

        String text = new L1Submission(key(0xff), 9, BATCH_ID, body).toString();

        assertThat(text).contains("body=<100000 bytes>").contains("sequence=9").contains(BATCH_ID)
                .contains("__________").doesNotContain("xxxx").hasSizeLessThan(300);
    }

    @Test
    void inclusion_validatesAndEqualsByContent_withProofShownByLength() {
        L1Inclusion inclusion = new L1Inclusion("tx-1", 5, true, new byte[] {1, 2, 3});

        assertThat(inclusion).isEqualTo(new L1Inclusion("tx-1", 5, true, new byte[] {1, 2, 3}))
                .hasSameHashCodeAs(new L1Inclusion("tx-1", 5, true, new byte[] {1, 2, 3}))
                .isNotEqualTo(new L1Inclusion("tx-1", 5, true, new byte[] {1, 2, 4}))
                .isNotEqualTo(new L1Inclusion("tx-1", 5, false, new byte[] {1, 2, 3}));
        assertThat(inclusion.toString()).contains("proof=<3 bytes>").contains("height=5");
        assertThatThrownBy(() -> new L1Inclusion(null, 1, false, new byte[0])).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("l1TxId");
        assertThatThrownBy(() -> new L1Inclusion("", 1, false, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("l1TxId");
        assertThatThrownBy(() -> new L1Inclusion("tx", -1, false, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("height");
        assertThatThrownBy(() -> new L1Inclusion("tx", 1, false, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("proof");
    }

    @Test
    void chainStatus_refusesFinalizedHeightAboveHeight_andNegativeValues() {
        assertThat(new L1ChainStatus("net", 10, OptionalLong.of(10), 0).finalizedHeight()).hasValue(10);
        assertThatThrownBy(() -> new L1ChainStatus("net", 10, OptionalLong.of(11), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finalizedHeight");
        assertThatThrownBy(() -> new L1ChainStatus("net", 10, OptionalLong.of(-1), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finalizedHeight");
        assertThatThrownBy(() -> new L1ChainStatus("net", -1, OptionalLong.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("height");
        assertThatThrownBy(() -> new L1ChainStatus("net", 1, OptionalLong.empty(), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeMicros");
        assertThatThrownBy(() -> new L1ChainStatus(null, 1, OptionalLong.empty(), 0))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("networkId");
        assertThatThrownBy(() -> new L1ChainStatus("net", 1, null, 0))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("finalizedHeight");
    }

    @Test
    void submitResults_validateTheirFields() {
        assertThat(new SubmitResult.Accepted(null, true).l1TxId()).isNull();
        assertThatThrownBy(() -> new SubmitResult.Accepted("", false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("l1TxId");
        assertThatThrownBy(() -> new SubmitResult.Rejected(" ", "m")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("errorCode");
        assertThatThrownBy(() -> new SubmitResult.Rejected("code", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("message");
    }

    @Test
    void alreadyKnownCode_matchesAlreadyOrDuplicateInAnyCase() {
        assertThat(SubmitResult.isAlreadyKnownCode("already_known")).isTrue();
        assertThat(SubmitResult.isAlreadyKnownCode("ALREADY_EXISTS")).isTrue();
        assertThat(SubmitResult.isAlreadyKnownCode("duplicate_idempotency_key")).isTrue();
        assertThat(SubmitResult.isAlreadyKnownCode("Duplicate")).isTrue();
        assertThat(SubmitResult.isAlreadyKnownCode("invalid_signature")).isFalse();
        assertThat(SubmitResult.isAlreadyKnownCode("")).isFalse();
        assertThat(SubmitResult.isAlreadyKnownCode(null)).isFalse();
    }

    @Test
    void exceptions_areUncheckedSerializableAndToldApartByType() {
        L1Exception transientFailure = new L1TransientException("503");
        L1Exception unknown = new L1UnknownResultException("timeout", new RuntimeException("io"));
        L1Exception permanent = new L1PermanentException("400");

        assertThat(transientFailure).isInstanceOf(RuntimeException.class).isInstanceOf(Serializable.class)
                .isNotInstanceOfAny(L1UnknownResultException.class, L1PermanentException.class);
        assertThat(unknown).hasMessage("timeout").hasCauseInstanceOf(RuntimeException.class);
        assertThat(permanent).isNotInstanceOfAny(L1TransientException.class, L1UnknownResultException.class);
        assertThat(((L1TransientException) transientFailure).retryAfterMs()).isEmpty();
        assertThat(new L1TransientException("429", OptionalLong.of(0), null).retryAfterMs()).hasValue(0);
        assertThatThrownBy(() -> new L1TransientException("429", OptionalLong.of(-5), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryAfterMs");
    }
}
