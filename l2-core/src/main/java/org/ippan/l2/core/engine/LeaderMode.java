package org.ippan.l2.core.engine;

/** How the leader is chosen ({@code L2_LEADER_MODE}). Only a statically configured single leader exists today. */
public enum LeaderMode {
    /** One statically configured leader; followers never take over by themselves. */
    SINGLE("single");

    private final String wireName;

    LeaderMode(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name used in configuration and in {@code /status}, e.g. {@code single} */
    public String wireName() {
        return wireName;
    }
}
