package org.ippan.l2.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** Known keys, PEM building and the "no key material in this message" check shared by the crypto tests. */
final class TestKeys {
    /** The DER of an openssl Ed25519 PKCS#8 key before its 32-byte seed (wire-format-v1.md §4). */
    static final String OPENSSL_ED25519_DER_PREFIX_HEX = "302e020100300506032b657004220420";

    /** The seed of 32 bytes {@code 0x42} from wire-format-v1.md §4 and its public key. */
    static final byte[] SEED_42 = filled(32, 0x42);
    static final String SEED_42_PUBLIC_KEY_HEX = "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12";

    /** The public key openssl printed for the test resource {@code keys/ed25519.pem} when it was generated. */
    static final String FIXTURE_ED25519_PUBLIC_KEY_HEX =
            "726b9a6fedc252940f7c28f9ec321f5debeb717e9d7a814783343c3a7cffd69e";

    private static final HexFormat HEX = HexFormat.of();

    private TestKeys() {
    }

    static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** @return the DER openssl writes for an Ed25519 key with this seed */
    static byte[] opensslPkcs8Der(byte[] seed) {
        return concat(hex(OPENSSL_ED25519_DER_PREFIX_HEX), seed);
    }

    /** @return {@code der} as a PEM block with 64-character base64 lines, each line ended by {@code lineEnd} */
    static String pem(String label, byte[] der, String lineEnd) {
        StringBuilder pem = new StringBuilder("-----BEGIN " + label + "-----" + lineEnd);
        for (String line : base64Lines(der)) {
            pem.append(line).append(lineEnd);
        }
        return pem.append("-----END ").append(label).append("-----").append(lineEnd).toString();
    }

    static List<String> base64Lines(byte[] der) {
        String base64 = Base64.getEncoder().encodeToString(der);
        List<String> lines = new ArrayList<>();
        for (int start = 0; start < base64.length(); start += 64) {
            lines.add(base64.substring(start, Math.min(base64.length(), start + 64)));
        }
        return lines;
    }

    /** @return a test resource under {@code keys/} as a file path */
    static Path resource(String name) {
        URL url = TestKeys.class.getResource("/keys/" + name);
        assertThat(url).as("test resource keys/%s", name).isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks that neither the exception's message nor any cause's text holds key material: no base64 line of any
     * PEM body in {@code keyText}, no hex of the {@code secrets} (either case), no base64 of them.
     */
    static void assertNoKeyMaterial(Throwable thrown, String keyText, byte[]... secrets) {
        StringBuilder allText = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            allText.append(t).append('\n');
        }
        String text = allText.toString();
        for (String line : pemBodyLines(keyText)) {
            assertThat(text).as("exception text must not quote the PEM body").doesNotContain(line);
        }
        for (byte[] secret : secrets) {
            if (secret.length < 4) {
                continue; // too short to be recognisable (the zero-length seed case)
            }
            String secretHex = hex(secret);
            assertThat(text.toLowerCase(Locale.ROOT)).as("exception text must not hold the seed in hex")
                    .doesNotContain(secretHex);
            assertThat(text).as("exception text must not hold the seed in base64")
                    .doesNotContain(Base64.getEncoder().encodeToString(secret).substring(0, 4));
        }
    }

    /** @return the lines between BEGIN and END markers that are long enough to be key material */
    static List<String> pemBodyLines(String keyText) {
        List<String> lines = new ArrayList<>();
        boolean inBody = false;
        for (String raw : keyText.split("\r\n|\r|\n")) {
            String line = raw.strip();
            if (line.startsWith("-----BEGIN ")) {
                inBody = true;
            } else if (line.startsWith("-----END ")) {
                inBody = false;
            } else if (inBody && line.length() >= 8) {
                lines.add(line);
            }
        }
        return lines;
    }
}
