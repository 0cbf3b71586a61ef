package org.ippan.l2.core.engine;

import java.util.List;
import java.util.Objects;

/**
 * Whether this node is ready to serve its role, and why not.
 *
 * @param ready true when nothing is failing
 * @param reasons what is failing (storage, a loop, L1 past its threshold, posting halted, fenced, not started)
 */
public record Readiness(boolean ready, List<String> reasons) {
    /** Copies the reasons. */
    public Readiness {
        reasons = List.copyOf(Objects.requireNonNull(reasons, "reasons"));
    }

    /** @return the verdict for {@code reasons}: ready when empty */
    public static Readiness of(List<String> reasons) {
        return new Readiness(reasons.isEmpty(), reasons);
    }
}
