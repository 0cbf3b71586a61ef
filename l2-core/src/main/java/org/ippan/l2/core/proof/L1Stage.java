package org.ippan.l2.core.proof;

import java.util.Locale;

import org.ippan.l2.storage.L1Status;

/**
 * Where a batch stood with the L1 when its proof was made, as the sequencer saw it: a claim to check against the
 * L1 itself ({@code docs/spec/inclusion-proof-v1.md} §7). The JSON name is the constant's name in lower case.
 */
public enum L1Stage {
    /** Cut and signed, not yet accepted by the L1. */
    COMMITTED,
    /** Accepted by the L1, not yet seen in a block. */
    POSTED,
    /** In an L1 block ({@code height}), not yet final. */
    INCLUDED,
    /** In an L1 block that counts as final. */
    FINALIZED,
    /** Refused by the L1 permanently. */
    FAILED;

    /** @return the JSON name: {@code committed}, {@code posted}, {@code included}, {@code finalized}, {@code failed} */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return true if the stage names an L1 block: {@link #INCLUDED} or {@link #FINALIZED} */
    public boolean hasBlock() {
        return this == INCLUDED || this == FINALIZED;
    }

    /**
     * @param status a stored batch's L1 status
     * @return its stage ({@link L1Status#CONFIRMED} is {@link #FINALIZED})
     */
    public static L1Stage of(L1Status status) {
        return switch (status) {
            case COMMITTED -> COMMITTED;
            case POSTED -> POSTED;
            case INCLUDED -> INCLUDED;
            case CONFIRMED -> FINALIZED;
            case FAILED -> FAILED;
        };
    }

    /**
     * @param jsonName a JSON name
     * @return the stage, or null if the name is none of them
     */
    static L1Stage parse(String jsonName) {
        for (L1Stage stage : values()) {
            if (stage.jsonName().equals(jsonName)) {
                return stage;
            }
        }
        return null;
    }
}
