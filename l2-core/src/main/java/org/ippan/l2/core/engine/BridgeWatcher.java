package org.ippan.l2.core.engine;

/**
 * The bridge watcher port: watches the L1 bridge for deposits and exits and coordinates them with the L2. Stubbed
 * in this version (the seed's "bridge watcher coordinator (stubbed)"): {@link #NO_OP} watches nothing. A host that
 * implements it gets it run only while this node leads, through {@link BridgeWatcherTask}.
 */
@FunctionalInterface
public interface BridgeWatcher {
    /** Watches nothing: the stub of this version. */
    BridgeWatcher NO_OP = (term, nowMs) -> 0;

    /**
     * Polls the bridge once.
     *
     * @param term the term this node leads in (a watcher must tag any write it makes with it)
     * @param nowMs wall-clock ms now
     * @return how many bridge events were handled
     */
    int poll(long term, long nowMs);
}
