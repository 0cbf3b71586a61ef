package org.ippan.l2.core.contract;

/** The IPPAN hubs an L2 batch can be posted for; the JSON and key-derivation name is the constant's name. */
public enum Hub {
    /** Finance hub (the default). */
    Fin,
    /** Data hub. */
    Data,
    /** Machine-to-machine hub. */
    M2m,
    /** World hub. */
    World,
    /** Bridge hub. */
    Bridge;

    /**
     * @param name the exact name ({@code Fin}, {@code Data}, {@code M2m}, {@code World}, {@code Bridge})
     * @throws ContractException naming the accepted names
     */
    public static Hub parse(String name) {
        for (Hub hub : values()) {
            if (hub.name().equals(name)) {
                return hub;
            }
        }
        throw new ContractException("hub must be one of Fin, Data, M2m, World, Bridge; got \"" + name + "\"");
    }
}
