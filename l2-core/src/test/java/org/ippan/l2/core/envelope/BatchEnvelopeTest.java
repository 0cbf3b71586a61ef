package org.ippan.l2.core.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.envelope.VerificationResult.Status;
import org.ippan.l2.core.testing.RandomTxs;
import org.ippan.l2.core.testing.Seeds;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Hex;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.core.wire.WireFormatException;
import org.junit.jupiter.api.Test;

class BatchEnvelopeTest {
    /** The §4 key vector: seed of 32 bytes 0x42. */
    static final Ed25519Signer SIGNER_42 = signer(0x42);
    static final String PUBKEY_42 = "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12";

    static Ed25519Signer signer(int seedByte) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) seedByte);
        return new Ed25519Signer(seed);
    }

    static Batch batch() {
        return new Batch(1, 4, List.of(new Tx(1, 1, "alice", new byte[] {1, 2, 3}), new Tx(1, 2, "bob", new byte[0])),
                1_735_000_000_000L);
    }

    static BatchPayload payload() {
        return BatchPayload.of(batch(), Hash.blake3(new byte[] {7}));
    }

    /** Assembles {@code canonical(BatchEnvelope)} from parts, whatever they hold, to build hostile envelopes. */
    static byte[] assemble(byte[] payloadCanonical, byte[] pubkey, byte[] sig, byte[] envelopeHash) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(0);
        writeString(out, "v1".getBytes(StandardCharsets.US_ASCII));
        out.write(payloadCanonical, 2, payloadCanonical.length - 2);
        writeString(out, Hex.encode(pubkey).getBytes(StandardCharsets.US_ASCII));
        writeString(out, Hex.encode(sig).getBytes(StandardCharsets.US_ASCII));
        writeString(out, Hex.encode(envelopeHash).getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, byte[] bytes) {
        for (int i = 0; i < 8; i++) {
            out.write((int) ((long) bytes.length >>> (8 * i)));
        }
        out.write(bytes, 0, bytes.length);
    }

    private static Status verify(byte[] canonical) {
        return EnvelopeVerifier.standard().verify(canonical).status();
    }

    @Test
    void signer_specKeyVector_hasThePublishedPublicKey() {
        assertThat(Hex.encode(SIGNER_42.publicKey())).isEqualTo(PUBKEY_42);
    }

    @Test
    void sign_thenVerify_isValid_andTheEnvelopeStatesKeySignatureAndHash() {
        BatchEnvelope envelope = BatchEnvelope.sign(payload(), SIGNER_42);
        assertThat(envelope.isSigned()).isTrue();
        assertThat(envelope.sequencerPubkeyHex()).isEqualTo(PUBKEY_42);
        assertThat(envelope.sequencerSig()).hasSize(64);
        assertThat(envelope.envelopeHash()).isEqualTo(payload().envelopeHash());
        assertThat(envelope.version()).isEqualTo("v1");
        VerificationResult result = EnvelopeVerifier.standard().verify(envelope);
        assertThat(result.status()).isEqualTo(Status.VALID);
        assertThat(result.isValid()).isTrue();
        assertThat(EnvelopeVerifier.standard().verify(envelope.encode()).status()).isEqualTo(Status.VALID);
        assertThat(Ed25519Signer.verify(envelope.sequencerPubkey(), envelope.sequencerSig(),
                payload().signingBytes(), 0, payload().signingBytes().length)).isTrue();
    }

    @Test
    void encode_isPrefixVersionPayloadBodyThenThreeHexStrings() {
        BatchEnvelope envelope = BatchEnvelope.sign(payload(), SIGNER_42);
        byte[] expected = assemble(payload().encode(), envelope.sequencerPubkey(), envelope.sequencerSig(),
                payload().envelopeHash().toBytes());
        assertThat(envelope.encode()).isEqualTo(expected);
        assertThat(envelope.encodedSize()).isEqualTo(expected.length);
    }

    @Test
    void sign_isDeterministic_sameBytesTwice() {
        assertThat(BatchEnvelope.sign(payload(), SIGNER_42).encode())
                .isEqualTo(BatchEnvelope.sign(payload(), SIGNER_42).encode());
    }

    @Test
    void decode_roundTripsSignedAndUnsigned() {
        for (BatchEnvelope envelope : List.of(BatchEnvelope.sign(payload(), SIGNER_42),
                BatchEnvelope.unsigned(payload()))) {
            BatchEnvelope back = BatchEnvelope.decode(envelope.encode());
            assertThat(back).isEqualTo(envelope);
            assertThat(back.payload()).isEqualTo(envelope.payload());
            assertThat(back.sequencerPubkey()).isEqualTo(envelope.sequencerPubkey());
            assertThat(back.sequencerSig()).isEqualTo(envelope.sequencerSig());
            assertThat(back.envelopeHash()).isEqualTo(envelope.envelopeHash());
        }
    }

    @Test
    void unsigned_hasEmptyKeyAndSignature_andVerifiesAsUnsigned() {
        BatchEnvelope envelope = BatchEnvelope.unsigned(payload());
        assertThat(envelope.isSigned()).isFalse();
        assertThat(envelope.sequencerPubkeyHex()).isEmpty();
        assertThat(envelope.encode()).isEqualTo(assemble(payload().encode(), new byte[0], new byte[0],
                payload().envelopeHash().toBytes()));
        assertThat(EnvelopeVerifier.standard().verify(envelope).status()).isEqualTo(Status.UNSIGNED);
        assertThat(envelope.toString()).contains("unsigned");
    }

    @Test
    void tamperedSignature_anySingleByte_isBadSignature() {
        BatchEnvelope envelope = BatchEnvelope.sign(payload(), SIGNER_42);
        for (int i = 0; i < 64; i++) {
            byte[] sig = envelope.sequencerSig();
            sig[i] ^= 0x01;
            byte[] tampered = assemble(payload().encode(), envelope.sequencerPubkey(), sig,
                    envelope.envelopeHash().toBytes());
            assertThat(verify(tampered)).as("signature byte %d", i).isEqualTo(Status.BAD_SIGNATURE);
        }
    }

    @Test
    void tamperedPublicKey_anySingleByte_isBadSignature() {
        BatchEnvelope envelope = BatchEnvelope.sign(payload(), SIGNER_42);
        for (int i = 0; i < 32; i++) {
            byte[] key = envelope.sequencerPubkey();
            key[i] ^= 0x01;
            byte[] tampered = assemble(payload().encode(), key, envelope.sequencerSig(),
                    envelope.envelopeHash().toBytes());
            assertThat(verify(tampered)).as("public key byte %d", i).isEqualTo(Status.BAD_SIGNATURE);
        }
    }

    @Test
    void tamperedPayload_anySingleByte_isHashMismatch_orBadSignatureWhenTheHashIsUpdatedToo() {
        BatchEnvelope envelope = BatchEnvelope.sign(payload(), SIGNER_42);
        byte[] canonical = payload().encode();
        int decodable = 0;
        for (int i = 2; i < canonical.length; i++) {
            byte[] bytes = canonical.clone();
            bytes[i] ^= 0x01;
            BatchPayload tamperedPayload;
            try {
                tamperedPayload = BatchPayload.decode(bytes);
            } catch (WireFormatException notAPayload) {
                byte[] tampered = assemble(bytes, envelope.sequencerPubkey(), envelope.sequencerSig(),
                        envelope.envelopeHash().toBytes());
                assertThat(verify(tampered)).as("payload byte %d", i).isEqualTo(Status.MALFORMED);
                continue;
            }
            decodable++;
            byte[] staleHash = assemble(bytes, envelope.sequencerPubkey(), envelope.sequencerSig(),
                    envelope.envelopeHash().toBytes());
            assertThat(verify(staleHash)).as("payload byte %d", i).isEqualTo(Status.HASH_MISMATCH);
            byte[] freshHash = assemble(bytes, envelope.sequencerPubkey(), envelope.sequencerSig(),
                    tamperedPayload.envelopeHash().toBytes());
            assertThat(verify(freshHash)).as("payload byte %d, hash updated", i).isEqualTo(Status.BAD_SIGNATURE);
        }
        assertThat(decodable).as("most single-byte changes still decode").isGreaterThan(canonical.length / 2);
    }

    @Test
    void tamperedEnvelopeHash_isHashMismatch() {
        BatchEnvelope envelope = BatchEnvelope.sign(payload(), SIGNER_42);
        for (int i = 0; i < 32; i++) {
            byte[] hash = envelope.envelopeHash().toBytes();
            hash[i] ^= (byte) 0x80;
            assertThat(verify(assemble(payload().encode(), envelope.sequencerPubkey(), envelope.sequencerSig(), hash)))
                    .as("hash byte %d", i).isEqualTo(Status.HASH_MISMATCH);
        }
    }

    @Test
    void wrongKeyOrSignatureLengths_areMalformed() {
        BatchEnvelope envelope = BatchEnvelope.sign(payload(), SIGNER_42);
        byte[] hash = envelope.envelopeHash().toBytes();
        byte[] key = envelope.sequencerPubkey();
        byte[] sig = envelope.sequencerSig();
        assertThat(EnvelopeVerifier.standard().verify(assemble(payload().encode(), Arrays.copyOf(key, 31), sig, hash)))
                .satisfies(r -> assertThat(r.status()).isEqualTo(Status.MALFORMED))
                .satisfies(r -> assertThat(r.detail()).contains("31 bytes"));
        assertThat(verify(assemble(payload().encode(), key, Arrays.copyOf(sig, 65), hash))).isEqualTo(Status.MALFORMED);
        assertThat(verify(assemble(payload().encode(), key, new byte[0], hash))).isEqualTo(Status.MALFORMED);
        assertThat(verify(assemble(payload().encode(), new byte[0], sig, hash))).isEqualTo(Status.MALFORMED);
    }

    @Test
    void hostileBytes_neverThrow_alwaysAnswerATypedResult() {
        SplittableRandom random = new SplittableRandom(Seeds.seed(0x5EED_0004L));
        byte[] valid = BatchEnvelope.sign(payload(), SIGNER_42).encode();
        assertThat(EnvelopeVerifier.standard().verify((byte[]) null).status()).isEqualTo(Status.MALFORMED);
        assertThat(EnvelopeVerifier.standard().verify((BatchEnvelope) null).status()).isEqualTo(Status.MALFORMED);
        int[] seen = new int[Status.values().length];
        for (int i = 0; i < 5_000; i++) {
            byte[] input;
            if (i % 3 == 0) {
                input = RandomTxs.bytes(random, 400);
            } else {
                input = valid.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
                }
                if (random.nextInt(10) == 0) {
                    input = Arrays.copyOf(input, random.nextInt(input.length));
                }
            }
            VerificationResult result = EnvelopeVerifier.standard().verify(input);
            seen[result.status().ordinal()]++;
            assertThat(result.status()).isNotEqualTo(Status.VALID);
        }
        assertThat(seen[Status.MALFORMED.ordinal()]).isPositive();
        assertThat(seen[Status.HASH_MISMATCH.ordinal()]).isPositive();
        assertThat(seen[Status.BAD_SIGNATURE.ordinal()]).isPositive();
    }

    @Test
    void decode_otherVersionString_isRefused() {
        byte[] bytes = BatchEnvelope.unsigned(payload()).encode();
        bytes[2 + 8 + 1] = '2';
        assertThatThrownBy(() -> BatchEnvelope.decode(bytes))
                .isInstanceOfSatisfying(WireFormatException.class,
                        e -> assertThat(e.problem()).isEqualTo(WireFormatException.Problem.BAD_VERSION))
                .hasMessageContaining("v2");
        assertThat(verify(bytes)).isEqualTo(Status.MALFORMED);
    }

    @Test
    void decode_envelopeHashOfWrongLength_isRefused() {
        byte[] bytes = assemble(payload().encode(), new byte[0], new byte[0], new byte[31]);
        assertThatThrownBy(() -> BatchEnvelope.decode(bytes)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("envelope_hash");
    }

    @Test
    void decode_truncatedOrExtended_isRefused() {
        byte[] full = BatchEnvelope.sign(payload(), SIGNER_42).encode();
        for (int length = 0; length < full.length; length += 7) {
            byte[] cut = Arrays.copyOf(full, length);
            assertThatThrownBy(() -> BatchEnvelope.decode(cut)).isInstanceOf(WireFormatException.class);
        }
        assertThatThrownBy(() -> BatchEnvelope.decode(Arrays.copyOf(full, full.length + 1)))
                .isInstanceOf(WireFormatException.class);
    }

    @Test
    void expectingPublicKey_otherSigner_isBadSignature() {
        BatchEnvelope byOther = BatchEnvelope.sign(payload(), signer(0x07));
        VerificationResult result = EnvelopeVerifier.standard().expectingPublicKey(SIGNER_42.publicKey())
                .verify(byOther);
        assertThat(result.status()).isEqualTo(Status.BAD_SIGNATURE);
        assertThat(result.detail()).contains("expected " + PUBKEY_42);
        assertThat(EnvelopeVerifier.standard().verify(byOther).status()).isEqualTo(Status.VALID);
        assertThat(EnvelopeVerifier.standard().expectingPublicKey(SIGNER_42.publicKey())
                .verify(BatchEnvelope.sign(payload(), SIGNER_42)).status()).isEqualTo(Status.VALID);
        assertThatThrownBy(() -> EnvelopeVerifier.standard().expectingPublicKey(new byte[3]))
                .hasMessageContaining("32 bytes");
    }

    @Test
    void checkingBatchContents_realBatch_isValid_inconsistentHeader_isCaught() {
        EnvelopeVerifier deep = EnvelopeVerifier.standard().checkingBatchContents();
        assertThat(deep.verify(BatchEnvelope.sign(payload(), SIGNER_42)).status()).isEqualTo(Status.VALID);
        // the §4 vector payload (de ad be ef) is not a batch
        assertThat(deep.verify(BatchEnvelope.sign(BatchPayloadTest.vectorPayload(), SIGNER_42)).status())
                .isEqualTo(Status.MALFORMED);
        Batch batch = batch();
        BatchPayload wrongBatchHash = new BatchPayload(1, Hash.blake3(new byte[] {1}), Hash.ZERO, batch.createdMs(),
                batch.txCount(), batch.txBytes(), batch.txRoot(), batch.encode());
        assertThat(deep.verify(BatchEnvelope.sign(wrongBatchHash, SIGNER_42)).status())
                .isEqualTo(Status.HASH_MISMATCH);
        BatchPayload wrongRoot = new BatchPayload(1, batch.hash(), Hash.ZERO, batch.createdMs(), batch.txCount(),
                batch.txBytes(), Hash.ZERO, batch.encode());
        assertThat(deep.verify(BatchEnvelope.sign(wrongRoot, SIGNER_42)).detail()).contains("tx_root");
        BatchPayload wrongCount = new BatchPayload(1, batch.hash(), Hash.ZERO, batch.createdMs(), 9,
                batch.txBytes(), batch.txRoot(), batch.encode());
        assertThat(deep.verify(BatchEnvelope.sign(wrongCount, SIGNER_42)).detail()).contains("tx_count");
        BatchPayload wrongChain = new BatchPayload(2, batch.hash(), Hash.ZERO, batch.createdMs(), batch.txCount(),
                batch.txBytes(), batch.txRoot(), batch.encode());
        assertThat(deep.verify(BatchEnvelope.sign(wrongChain, SIGNER_42)).detail()).contains("l2_chain_id");
    }

    @Test
    void sign_signerAnsweringWrongLengths_isRefused() {
        EnvelopeSigner broken = signerWithA10ByteSignature();
        assertThatThrownBy(() -> BatchEnvelope.sign(payload(), broken)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("10-byte signature");
    }

    /** A signer that answers a 32-byte public key and a 10-byte signature (an Ed25519 signature has 64). */
    static EnvelopeSigner signerWithA10ByteSignature() {
        return new EnvelopeSigner() {
            @Override
            public byte[] publicKey() {
                return new byte[32];
            }

            @Override
            public byte[] sign(byte[] message, int offset, int length) {
                return new byte[10];
            }
        };
    }
}
