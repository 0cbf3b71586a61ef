package org.ippan.l2.blake3.vector;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.envelope.EnvelopeBuffer;
import org.ippan.l2.core.internal.Blake3Hasher;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;

/**
 * Every place the core hashes large inputs, on one fixed batch of 1,000 txs with 300-byte payloads (about 330 KB
 * encoded): {@code batch_hash} streamed from the txs' bodies and from a decoded batch's bytes, {@code tx_root}, the
 * envelope hash of {@code BatchPayload} and of the batcher's {@code EnvelopeBuffer}, and the L1 request's body and
 * idempotency key (the hub payload's hash inside). The summary is pinned in the tests of both JVMs, with and without
 * the accelerator, so the bytes cannot depend on which hashed them.
 */
final class LargeHashingSites {
    /** The summary of {@link #summary()}, as the scalar hasher alone computes it (a plain JVM). */
    static final String PINNED = """
            batch_hash=abbcd2b3ecbbeeef46770555a330341320cafcb5c62a10c2c5c425863e3e0dbb
            batch_hash_decoded=abbcd2b3ecbbeeef46770555a330341320cafcb5c62a10c2c5c425863e3e0dbb
            tx_root=ed09451ab66538b08a82fcd7079866a81f703bcc055be01271de76d825b00625
            envelope_hash=63aff40e89207cd3f6e2c21bbacdea02be153529ad0667beb543338a0d82795c
            envelope_hash_buffer=63aff40e89207cd3f6e2c21bbacdea02be153529ad0667beb543338a0d82795c
            request_key=541b7503f74993fac31151d6e160888f5a7918e587739e6cccb4ae8a7204b433
            request_body=0dd3f25400065cc9aa4e6e13a72f76137e408ee7f8c83c61e7131ad3bca2f952 (912115 bytes)
            request_key_envelope=541b7503f74993fac31151d6e160888f5a7918e587739e6cccb4ae8a7204b433
            """;

    private LargeHashingSites() {}

    static Batch batch() {
        SplittableRandom random = new SplittableRandom(17);
        List<Tx> txs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            byte[] payload = new byte[300];
            random.nextBytes(payload);
            txs.add(new Tx(1, i, "account-" + (i % 37), payload));
        }
        return new Batch(1, 42, txs, 1_700_000_000_000L);
    }

    /** @return the hashes of every large-input site, one {@code name=hex} per line */
    static String summary() {
        Batch batch = batch();
        Hash prev = Hash.blake3(new byte[] {1});
        StringBuilder s = new StringBuilder();
        s.append("batch_hash=").append(batch.hash().toHex()).append('\n');
        s.append("batch_hash_decoded=").append(Batch.decode(batch.encode()).hash().toHex()).append('\n');
        s.append("tx_root=").append(batch.txRoot().toHex()).append('\n');
        BatchPayload payload = BatchPayload.of(batch, prev);
        s.append("envelope_hash=").append(payload.envelopeHash().toHex()).append('\n');
        EnvelopeBuffer buffer = new EnvelopeBuffer();
        buffer.build(batch, prev, null);
        s.append("envelope_hash_buffer=").append(HexFormat.of().formatHex(buffer.envelopeHash())).append('\n');
        L2BatchEnvelopeV1.Request request = L2BatchEnvelopeV1.requestForBatch(batch, buffer, Hub.Fin, 0);
        s.append("request_key=").append(HexFormat.of().formatHex(request.idempotencyKey())).append('\n');
        s.append("request_body=").append(scalarHex(request.body())).append(" (").append(request.body().length)
                .append(" bytes)\n");
        L2BatchEnvelopeV1.Request again = L2BatchEnvelopeV1.requestForBatch(batch, BatchEnvelope.unsigned(payload),
                Hub.Fin, 0);
        s.append("request_key_envelope=").append(HexFormat.of().formatHex(again.idempotencyKey())).append('\n');
        return s.toString();
    }

    /** @return the core's scalar BLAKE3 of {@code data}, hex */
    static String scalarHex(byte[] data) {
        Blake3Hasher hasher = new Blake3Hasher();
        hasher.update(data, 0, data.length);
        byte[] out = new byte[32];
        hasher.doFinal(out, 0);
        return HexFormat.of().formatHex(out);
    }
}
