package org.ippan.l2.l1;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The status of the L1 chain (wire-format-v1 §6, chain status).
 *
 * @param networkId the L1 network id; never null
 * @param height the current chain height, at least 0
 * @param finalizedHeight the height of the highest final block, when the L1 reports one; at most {@code height}
 * @param timeMicros the L1's time in microseconds since the Unix epoch, at least 0
 */
public record L1ChainStatus(String networkId, long height, OptionalLong finalizedHeight, long timeMicros) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null (the message names it)
     * @throws IllegalArgumentException if a component is out of range (the message names it)
     */
    public L1ChainStatus {
        Objects.requireNonNull(networkId, "networkId");
        if (height < 0) {
            throw new IllegalArgumentException("height must be >= 0, was " + height);
        }
        Objects.requireNonNull(finalizedHeight, "finalizedHeight");
        if (finalizedHeight.isPresent()
                && (finalizedHeight.getAsLong() < 0 || finalizedHeight.getAsLong() > height)) {
            throw new IllegalArgumentException("finalizedHeight must be within [0, height=" + height + "], was "
                    + finalizedHeight.getAsLong());
        }
        if (timeMicros < 0) {
            throw new IllegalArgumentException("timeMicros must be >= 0, was " + timeMicros);
        }
    }
}
