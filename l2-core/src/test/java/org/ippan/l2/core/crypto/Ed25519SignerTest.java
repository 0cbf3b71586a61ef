package org.ippan.l2.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ippan.l2.core.crypto.TestKeys.SEED_42;
import static org.ippan.l2.core.crypto.TestKeys.SEED_42_PUBLIC_KEY_HEX;
import static org.ippan.l2.core.crypto.TestKeys.filled;
import static org.ippan.l2.core.crypto.TestKeys.hex;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.testing.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ed25519SignerTest {
    private static final byte[] MESSAGE = "IPPAN-L2:BATCH_ENVELOPE:V1\nsome canonical payload bytes"
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void seed42_hasThePublicKeyOfTheWireFormatSpec() {
        Ed25519Signer signer = new Ed25519Signer(SEED_42);

        assertThat(hex(signer.publicKey())).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
        assertThat(signer.publicKeyHex()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
    }

    /** RFC 8032 §7.1, TEST 1, TEST 2 and TEST 3: seed, public key, message, signature. */
    @ParameterizedTest(name = "RFC 8032 7.1 {0}")
    @CsvSource({
        "TEST 1, 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
                + " d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '',"
                + " e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        "TEST 2, 4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
                + " 3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72,"
                + " 92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        "TEST 3, c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7,"
                + " fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025, af82,"
                + " 6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    })
    void rfc8032Vectors_seedGivesPublicKeyAndExactSignature(String name, String seedHex, String publicKeyHex,
            String messageHex, String signatureHex) {
        Ed25519Signer signer = new Ed25519Signer(hex(seedHex));
        byte[] message = hex(messageHex);

        byte[] signature = signer.sign(message, 0, message.length);

        assertThat(signer.publicKeyHex()).isEqualTo(publicKeyHex);
        assertThat(hex(signature)).isEqualTo(signatureHex);
        assertThat(Ed25519Signer.verify(hex(publicKeyHex), hex(signatureHex), message, 0, message.length)).isTrue();
    }

    @Test
    void sign_thenVerify_roundTripsForRandomKeysAndMessages() {
        long seed = Seeds.seed(0x5eed_ed25519L);
        SplittableRandom random = new SplittableRandom(seed);
        for (int run = 0; run < 50; run++) {
            byte[] privateKey = new byte[32];
            random.nextBytes(privateKey);
            byte[] message = new byte[random.nextInt(0, 600)];
            random.nextBytes(message);
            Ed25519Signer signer = new Ed25519Signer(privateKey);

            byte[] signature = signer.sign(message, 0, message.length);

            assertThat(signature).as("seed %d run %d", seed, run).hasSize(EnvelopeSigner.SIGNATURE_LENGTH);
            assertThat(Ed25519Signer.verify(signer.publicKey(), signature, message, 0, message.length))
                    .as("seed %d run %d", seed, run).isTrue();
        }
    }

    @Test
    void sign_isDeterministic() {
        Ed25519Signer signer = new Ed25519Signer(SEED_42);

        assertThat(signer.sign(MESSAGE, 0, MESSAGE.length)).isEqualTo(signer.sign(MESSAGE, 0, MESSAGE.length))
                .isEqualTo(new Ed25519Signer(SEED_42).sign(MESSAGE, 0, MESSAGE.length));
    }

    @Test
    void sign_signsOnlyTheGivenRange() {
        Ed25519Signer signer = new Ed25519Signer(SEED_42);
        byte[] padded = new byte[MESSAGE.length + 10];
        Arrays.fill(padded, (byte) 0x7f);
        System.arraycopy(MESSAGE, 0, padded, 3, MESSAGE.length);

        byte[] signature = signer.sign(padded, 3, MESSAGE.length);

        assertThat(signature).isEqualTo(signer.sign(MESSAGE, 0, MESSAGE.length));
        assertThat(Ed25519Signer.verify(signer.publicKey(), signature, padded, 3, MESSAGE.length)).isTrue();
        assertThat(Ed25519Signer.verify(signer.publicKey(), signature, padded, 2, MESSAGE.length)).isFalse();
    }

    @Test
    void sign_rangeOutsideMessage_throwsIndexOutOfBounds() {
        Ed25519Signer signer = new Ed25519Signer(SEED_42);

        assertThatThrownBy(() -> signer.sign(MESSAGE, -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> signer.sign(MESSAGE, 0, MESSAGE.length + 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> signer.sign(MESSAGE, 1, -1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> signer.sign(null, 0, 0)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void sign_fromManyThreadsAtOnce_givesTheSameSignature() {
        Ed25519Signer signer = new Ed25519Signer(SEED_42);
        byte[] expected = signer.sign(MESSAGE, 0, MESSAGE.length);

        List<byte[]> signatures = IntStream.range(0, 400).parallel()
                .mapToObj(i -> signer.sign(MESSAGE, 0, MESSAGE.length))
                .collect(Collectors.toList());

        assertThat(signatures).allSatisfy(signature -> assertThat(signature).isEqualTo(expected));
    }

    @Test
    void verify_anyTamperedSignatureByte_isFalse() {
        Ed25519Signer signer = new Ed25519Signer(SEED_42);
        byte[] signature = signer.sign(MESSAGE, 0, MESSAGE.length);
        for (int position = 0; position < signature.length; position++) {
            for (int flip : new int[] {0x01, 0x80}) {
                byte[] tampered = signature.clone();
                tampered[position] ^= (byte) flip;

                assertThat(Ed25519Signer.verify(signer.publicKey(), tampered, MESSAGE, 0, MESSAGE.length))
                        .as("signature byte %d xor 0x%02x", position, flip).isFalse();
            }
        }
    }

    @Test
    void verify_anyTamperedPublicKeyByte_isFalse() {
        Ed25519Signer signer = new Ed25519Signer(SEED_42);
        byte[] signature = signer.sign(MESSAGE, 0, MESSAGE.length);
        for (int position = 0; position < EnvelopeSigner.PUBLIC_KEY_LENGTH; position++) {
            for (int flip : new int[] {0x01, 0x80}) {
                byte[] tampered = signer.publicKey();
                tampered[position] ^= (byte) flip;

                assertThat(Ed25519Signer.verify(tampered, signature, MESSAGE, 0, MESSAGE.length))
                        .as("public key byte %d xor 0x%02x", position, flip).isFalse();
            }
        }
    }

    @Test
    void verify_tamperedMessage_isFalse() {
        Ed25519Signer signer = new Ed25519Signer(SEED_42);
        byte[] signature = signer.sign(MESSAGE, 0, MESSAGE.length);
        for (int position : new int[] {0, 1, 26, MESSAGE.length / 2, MESSAGE.length - 1}) {
            byte[] tampered = MESSAGE.clone();
            tampered[position] ^= 0x01;

            assertThat(Ed25519Signer.verify(signer.publicKey(), signature, tampered, 0, tampered.length))
                    .as("message byte %d flipped", position).isFalse();
        }
        byte[] longer = Arrays.copyOf(MESSAGE, MESSAGE.length + 1);
        assertThat(Ed25519Signer.verify(signer.publicKey(), signature, longer, 0, longer.length)).isFalse();
        assertThat(Ed25519Signer.verify(signer.publicKey(), signature, MESSAGE, 0, MESSAGE.length - 1)).isFalse();
    }

    @Test
    void verify_signatureOfAnotherKey_isFalse() {
        byte[] otherSignature = new Ed25519Signer(filled(32, 0x43)).sign(MESSAGE, 0, MESSAGE.length);

        assertThat(Ed25519Signer.verify(hex(SEED_42_PUBLIC_KEY_HEX), otherSignature, MESSAGE, 0, MESSAGE.length))
                .isFalse();
    }

    @Test
    void verify_wrongLengthsNullsAndGarbage_isFalseAndNeverThrows() {
        Ed25519Signer signer = new Ed25519Signer(SEED_42);
        byte[] key = signer.publicKey();
        byte[] signature = signer.sign(MESSAGE, 0, MESSAGE.length);
        int length = MESSAGE.length;

        assertThat(Ed25519Signer.verify(key, signature, MESSAGE, 0, length)).as("the untouched case").isTrue();
        assertThat(Ed25519Signer.verify(null, signature, MESSAGE, 0, length)).isFalse();
        assertThat(Ed25519Signer.verify(key, null, MESSAGE, 0, length)).isFalse();
        assertThat(Ed25519Signer.verify(key, signature, null, 0, length)).isFalse();
        assertThat(Ed25519Signer.verify(Arrays.copyOf(key, 31), signature, MESSAGE, 0, length)).isFalse();
        assertThat(Ed25519Signer.verify(Arrays.copyOf(key, 33), signature, MESSAGE, 0, length)).isFalse();
        assertThat(Ed25519Signer.verify(new byte[0], signature, MESSAGE, 0, length)).isFalse();
        assertThat(Ed25519Signer.verify(key, Arrays.copyOf(signature, 63), MESSAGE, 0, length)).isFalse();
        assertThat(Ed25519Signer.verify(key, Arrays.copyOf(signature, 65), MESSAGE, 0, length)).isFalse();
        assertThat(Ed25519Signer.verify(key, signature, MESSAGE, -1, length)).isFalse();
        assertThat(Ed25519Signer.verify(key, signature, MESSAGE, 0, -1)).isFalse();
        assertThat(Ed25519Signer.verify(key, signature, MESSAGE, 1, length)).isFalse();
        assertThat(Ed25519Signer.verify(key, signature, MESSAGE, Integer.MAX_VALUE, length)).isFalse();
        assertThat(Ed25519Signer.verify(key, signature, MESSAGE, 1, Integer.MAX_VALUE)).isFalse();
        assertThat(Ed25519Signer.verify(filled(32, 0), signature, MESSAGE, 0, length)).isFalse();
        assertThat(Ed25519Signer.verify(filled(32, 0xff), signature, MESSAGE, 0, length)).isFalse();
        assertThat(Ed25519Signer.verify(key, filled(64, 0), MESSAGE, 0, length)).isFalse();
        assertThat(Ed25519Signer.verify(key, filled(64, 0xff), MESSAGE, 0, length)).isFalse();

        long seed = Seeds.seed(0xbad_5167L);
        SplittableRandom random = new SplittableRandom(seed);
        for (int run = 0; run < 200; run++) {
            byte[] garbageKey = new byte[32];
            byte[] garbageSignature = new byte[64];
            random.nextBytes(garbageKey);
            random.nextBytes(garbageSignature);

            assertThat(Ed25519Signer.verify(garbageKey, garbageSignature, MESSAGE, 0, length))
                    .as("seed %d run %d", seed, run).isFalse();
            assertThat(Ed25519Signer.verify(key, garbageSignature, MESSAGE, 0, length))
                    .as("seed %d run %d", seed, run).isFalse();
        }
    }

    @Test
    void constructor_seedNot32Bytes_isRefused() {
        for (int length : new int[] {0, 31, 33, 64}) {
            assertThatThrownBy(() -> new Ed25519Signer(filled(length, 0x42)))
                    .as("seed of %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("32 bytes").hasMessageContaining("got " + length);
        }
        assertThatThrownBy(() -> new Ed25519Signer(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void constructor_copiesTheSeed_soChangingTheCallersArrayLaterHasNoEffect() {
        byte[] seed = SEED_42.clone();
        Ed25519Signer signer = new Ed25519Signer(seed);
        byte[] before = signer.sign(MESSAGE, 0, MESSAGE.length);

        Arrays.fill(seed, (byte) 0);

        assertThat(signer.sign(MESSAGE, 0, MESSAGE.length)).isEqualTo(before);
        assertThat(signer.publicKeyHex()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
    }

    @Test
    void publicKey_returnsACopyTheCallerMayChange() {
        Ed25519Signer signer = new Ed25519Signer(SEED_42);

        signer.publicKey()[0] ^= 0x01;

        assertThat(hex(signer.publicKey())).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
        assertThat(signer.publicKey()).isNotSameAs(signer.publicKey());
    }

    @Test
    void toString_showsThePublicKeyAndNoSeed() {
        byte[] seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        Ed25519Signer signer = new Ed25519Signer(seed);

        assertThat(signer.toString())
                .isEqualTo("Ed25519Signer[publicKey=d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a]")
                .doesNotContainIgnoringCase(hex(seed));
    }
}
