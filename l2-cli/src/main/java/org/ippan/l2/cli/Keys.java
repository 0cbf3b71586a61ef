package org.ippan.l2.cli;

import java.util.HexFormat;

/** Parsing of the {@code --key HEX} options: a 32-byte Ed25519 public key in hex. */
final class Keys {
    private Keys() {
    }

    /** @return the key's 32 bytes, or null if {@code hex} is null; a usage error if it is not 64 hex digits */
    static byte[] publicKeyOrNull(String hex) {
        if (hex == null) {
            return null;
        }
        String text = hex.strip();
        if (text.length() != 64) {
            throw CliException.usage("--key must be a 32-byte public key in hex (64 digits), got " + text.length()
                    + " characters");
        }
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--key is not hex: " + text);
        }
    }

    /** @return the 32 bytes of a 64-hex-digit hash, or a usage error naming {@code what} */
    static String hashHex(String hex, String what) {
        String text = hex.strip().toLowerCase(java.util.Locale.ROOT);
        if (!text.matches("[0-9a-f]{64}")) {
            throw CliException.usage(what + " must be 64 hex digits, was '" + hex + "'");
        }
        return text;
    }
}
