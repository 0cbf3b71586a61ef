package org.ippan.l2.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A forced-inclusion ticket: a tx a client asked the node to force through the L1 inbox ({@code POST /tx/force}),
 * as the node relayed it. Every field is stored as it is and read back equal (the tx's canonical bytes included), so
 * a ticket survives a restart and a change of leader whole.
 *
 * @param txHash        the tx hash, 32 bytes (not copied)
 * @param account       the tx's {@code from}: the account the per-account limit counts against; not empty, at
 *                      most {@value #MAX_ACCOUNT_BYTES} UTF-8 bytes
 * @param canonicalTx   the tx's canonical v1 bytes, not empty (not copied)
 * @param createdMs     wall-clock ms when the node took the ticket, at least 0
 * @param inboxIndex    the tx's position in the chain's L1 forced-inclusion inbox, from 0
 * @param inboxL1Height the L1 height at which the inbox recorded it, at least 0
 */
public record ForcedTicket(byte[] txHash, String account, byte[] canonicalTx, long createdMs, long inboxIndex,
        long inboxL1Height) {

    /** The longest account, in UTF-8 bytes (the tx rule for {@code from}). */
    public static final int MAX_ACCOUNT_BYTES = 256;

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null (the message names it)
     * @throws IllegalArgumentException if a component is out of range (the message names it)
     */
    public ForcedTicket {
        StorageArguments.requireHash(txHash, "txHash");
        requireAccount(account);
        Objects.requireNonNull(canonicalTx, "canonicalTx");
        if (canonicalTx.length == 0) {
            throw new IllegalArgumentException("canonicalTx must not be empty");
        }
        StorageArguments.requireNonNegative(createdMs, "createdMs");
        StorageArguments.requireNonNegative(inboxIndex, "inboxIndex");
        StorageArguments.requireNonNegative(inboxL1Height, "inboxL1Height");
    }

    /**
     * Checks an account name as tickets hold it.
     *
     * @param account the account
     * @return {@code account}
     * @throws NullPointerException if {@code account} is null
     * @throws IllegalArgumentException if it is empty or longer than {@value #MAX_ACCOUNT_BYTES} UTF-8 bytes
     */
    public static String requireAccount(String account) {
        Objects.requireNonNull(account, "account");
        if (account.isEmpty()) {
            throw new IllegalArgumentException("account must not be empty");
        }
        int bytes = account.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_ACCOUNT_BYTES) {
            throw new IllegalArgumentException("account must be at most " + MAX_ACCOUNT_BYTES
                    + " UTF-8 bytes, was " + bytes);
        }
        return account;
    }

    /**
     * The refusal every adapter answers to a second ticket for a tx hash (the contract kit compares it).
     *
     * @param txHash the tx hash a ticket is already stored for
     * @return the conflict, naming the hash
     */
    public static Conflict duplicateConflict(byte[] txHash) {
        return new Conflict("a forced ticket for tx " + HexFormat.of().formatHex(txHash) + " is already stored");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForcedTicket other && Arrays.equals(txHash, other.txHash)
                && account.equals(other.account) && Arrays.equals(canonicalTx, other.canonicalTx)
                && createdMs == other.createdMs && inboxIndex == other.inboxIndex
                && inboxL1Height == other.inboxL1Height;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(txHash), account, Arrays.hashCode(canonicalTx), createdMs, inboxIndex,
                inboxL1Height);
    }

    @Override
    public String toString() {
        return "ForcedTicket[txHash=" + HexFormat.of().formatHex(txHash) + ", account=" + account + ", canonicalTx="
                + canonicalTx.length + " bytes, createdMs=" + createdMs + ", inboxIndex=" + inboxIndex
                + ", inboxL1Height=" + inboxL1Height + "]";
    }
}
