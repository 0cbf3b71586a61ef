package org.ippan.l2.core.engine;

import java.util.Objects;

/**
 * The run-time limits in force, swapped as one reference: the batcher reads them once per cut decision and admission
 * once per reservation, so each cut applies one whole set, old or new, never a mix. Written by
 * {@link SequencerControl} (an operator's change, or the stored limits on becoming leader).
 */
final class LiveLimits {
    private volatile RuntimeLimits current;

    LiveLimits(RuntimeLimits initial) {
        this.current = Objects.requireNonNull(initial, "initial");
    }

    RuntimeLimits get() {
        return current;
    }

    /** @return the limits replaced */
    RuntimeLimits set(RuntimeLimits limits) {
        RuntimeLimits before = current;
        current = Objects.requireNonNull(limits, "limits");
        return before;
    }
}
