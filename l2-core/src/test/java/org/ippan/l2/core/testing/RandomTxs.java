package org.ippan.l2.core.testing;

import java.util.SplittableRandom;
import org.ippan.l2.core.wire.Tx;

/** Random but valid txs for property-style tests. */
public final class RandomTxs {
    private static final String[] ALPHABET = {"a", "b", "z", "0", "-", "ü", "€", "𝄞", "日"};

    private RandomTxs() {}

    /** @return a random string of up to {@code maxChars} code points, mixing 1- to 4-byte UTF-8 */
    public static String from(SplittableRandom random, int maxChars) {
        int length = random.nextInt(maxChars + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    /** @return random bytes of a length in {@code [0, maxLength]} */
    public static byte[] bytes(SplittableRandom random, int maxLength) {
        byte[] out = new byte[random.nextInt(maxLength + 1)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) random.nextInt(256);
        }
        return out;
    }

    /** @return a tx with random unsigned fields, a random {@code from} and payload */
    public static Tx tx(SplittableRandom random, int maxFromChars, int maxPayload) {
        return new Tx(random.nextLong(), random.nextLong(), from(random, maxFromChars), bytes(random, maxPayload));
    }

    /** @return a tx of {@code chainId} with a non-empty {@code from} */
    public static Tx txForChain(SplittableRandom random, long chainId, int maxPayload) {
        return new Tx(chainId, random.nextLong() >>> 1, "u" + random.nextInt(1000), bytes(random, maxPayload));
    }
}
