package org.ippan.l2.core.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The schedule of rotating mode ({@link LeaderMode#ROTATING}): which key of the leader set is scheduled to lead at a
 * given wall-clock time, and who may take over when the scheduled leader is down. Pure and clock-free: every node
 * with the same set, genesis, epoch and grace computes the same answer for the same time.
 *
 * <p><b>Epochs.</b> Time from {@code genesisMs} on is cut into epochs of {@code epochMs}: the epoch of {@code nowMs}
 * is {@code floor((nowMs - genesisMs) / epochMs)}; before genesis there is no epoch and no leader.
 *
 * <p><b>Election</b> (the upstream IPPAN L2 function, {@code leader_for_epoch}, so a mixed fleet agrees): the SHA-256
 * of the 22 ASCII bytes {@code "L2_LEADER_ELECTION_V1:"} followed by the epoch index as 8 bytes, unsigned
 * little-endian; the first 8 bytes of the digest read as an unsigned little-endian 64-bit integer; that value modulo
 * the set size is the index of the elected key, in the set's <em>configured</em> order (the set is not sorted).
 *
 * <p><b>Fallback.</b> An epoch is also cut into grace periods of {@code graceMs} from its start. In the k-th grace
 * period (k from 0) the candidate is the key at {@code (elected + k) mod n}: the elected key first, and if it has not
 * taken the lead within one grace period, the next key in configured order, and so on. Only the candidate of the
 * moment may acquire the lease; a leader keeps it until the end of the epoch whatever the grace period.
 *
 * <p>Thread-safe (immutable).
 */
public final class LeaderSchedule {
    /** The domain-separation prefix hashed before the epoch index. */
    public static final String ELECTION_DOMAIN = "L2_LEADER_ELECTION_V1:";

    /** The length of an Ed25519 public key in hex characters. */
    public static final int KEY_HEX_LENGTH = 64;

    private static final byte[] DOMAIN_BYTES = ELECTION_DOMAIN.getBytes(StandardCharsets.US_ASCII);

    private final List<String> keys;
    private final long genesisMs;
    private final long epochMs;
    private final long graceMs;

    /**
     * @param leaderSet the Ed25519 public keys in hex (64 chars each, distinct ignoring case), in configured order
     * @param genesisMs wall-clock ms at which epoch 0 starts, at least 0
     * @param epochMs the length of an epoch, at least 1
     * @param graceMs the length of a grace period, within 1 .. {@code epochMs}
     * @throws IllegalArgumentException naming the first invalid argument
     */
    public LeaderSchedule(List<String> leaderSet, long genesisMs, long epochMs, long graceMs) {
        if (leaderSet == null || leaderSet.isEmpty()) {
            throw new IllegalArgumentException("leaderSet must hold at least one key");
        }
        List<String> normalized = new ArrayList<>(leaderSet.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < leaderSet.size(); i++) {
            String key = leaderSet.get(i);
            if (!isKeyHex(key)) {
                throw new IllegalArgumentException("leaderSet entry " + (i + 1) + " is not " + KEY_HEX_LENGTH
                        + " hex chars (a 32-byte Ed25519 public key)");
            }
            String lower = key.toLowerCase(Locale.ROOT);
            if (!seen.add(lower)) {
                throw new IllegalArgumentException("leaderSet entry " + (i + 1) + " repeats an earlier key");
            }
            normalized.add(lower);
        }
        if (genesisMs < 0) {
            throw new IllegalArgumentException("genesisMs must be >= 0, got " + genesisMs);
        }
        if (epochMs < 1) {
            throw new IllegalArgumentException("epochMs must be >= 1, got " + epochMs);
        }
        if (graceMs < 1 || graceMs > epochMs) {
            throw new IllegalArgumentException("graceMs must be within 1.." + epochMs + ", got " + graceMs);
        }
        this.keys = List.copyOf(normalized);
        this.genesisMs = genesisMs;
        this.epochMs = epochMs;
        this.graceMs = graceMs;
    }

    /**
     * The upstream election: the index of the key elected for {@code epochIndex} in a set of {@code setSize} keys.
     *
     * @param epochIndex the epoch index, an unsigned 64-bit value (any {@code long})
     * @param setSize the number of keys, at least 1
     * @return the index, within 0 .. {@code setSize - 1}
     */
    public static int electedIndex(long epochIndex, int setSize) {
        if (setSize < 1) {
            throw new IllegalArgumentException("setSize must be >= 1, got " + setSize);
        }
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e); // every JVM must provide it
        }
        sha256.update(DOMAIN_BYTES);
        byte[] index = new byte[Long.BYTES];
        for (int i = 0; i < Long.BYTES; i++) {
            index[i] = (byte) (epochIndex >>> (8 * i));
        }
        byte[] digest = sha256.digest(index);
        long value = 0;
        for (int i = Long.BYTES - 1; i >= 0; i--) {
            value = (value << 8) | (digest[i] & 0xFF);
        }
        return (int) Long.remainderUnsigned(value, setSize);
    }

    /** @return whether {@code key} is {@value #KEY_HEX_LENGTH} hex characters */
    public static boolean isKeyHex(String key) {
        if (key == null || key.length() != KEY_HEX_LENGTH) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.digit(key.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Who leads at one time: the epoch, its elected key, the grace period and its candidate.
     *
     * @param epoch the epoch index, at least 0
     * @param epochStartMs wall-clock ms at which the epoch starts
     * @param epochEndMs wall-clock ms at which it ends (the next one starts)
     * @param electedIndex the index of the key the election chose for the epoch
     * @param graceRound the grace period of the epoch, k from 0
     * @param candidateIndex the key that may acquire the lease now: {@code (electedIndex + graceRound) mod n}
     * @param candidateUntilMs wall-clock ms at which the candidate changes (the next grace period or epoch)
     */
    public record Slot(long epoch, long epochStartMs, long epochEndMs, int electedIndex, long graceRound,
            int candidateIndex, long candidateUntilMs) {}

    /**
     * @param nowMs a wall-clock time, ms since 1970
     * @return who leads at {@code nowMs}; empty before genesis
     */
    public Optional<Slot> slotAt(long nowMs) {
        if (nowMs < genesisMs) {
            return Optional.empty();
        }
        long sinceGenesis = nowMs - genesisMs;
        long epoch = sinceGenesis / epochMs;
        long startMs = genesisMs + epoch * epochMs;
        long endMs = saturatedAdd(startMs, epochMs);
        int elected = electedIndex(epoch, keys.size());
        long round = (nowMs - startMs) / graceMs;
        int candidate = (int) ((elected + round % keys.size()) % keys.size());
        long untilMs = Math.min(endMs, saturatedAdd(startMs, saturatedMultiply(round + 1, graceMs)));
        return Optional.of(new Slot(epoch, startMs, endMs, elected, round, candidate, untilMs));
    }

    /** @return the keys in configured order, lower-case hex */
    public List<String> keys() {
        return keys;
    }

    /**
     * @param keyHex a public key in hex, any case
     * @return its index in the set, or -1 if it is not in the set
     */
    public int indexOf(String keyHex) {
        return keyHex == null ? -1 : keys.indexOf(keyHex.toLowerCase(Locale.ROOT));
    }

    /** @return wall-clock ms at which epoch 0 starts */
    public long genesisMs() {
        return genesisMs;
    }

    /** @return the length of an epoch, ms */
    public long epochMs() {
        return epochMs;
    }

    /** @return the length of a grace period, ms */
    public long graceMs() {
        return graceMs;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private static long saturatedMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }
}
