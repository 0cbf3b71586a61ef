package org.ippan.l2.core.engine;

/** A control call that acts on the leader reached a node that does not lead (or stopped leading on the way). */
public final class NotLeadingException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message why, e.g. the node's state */
    public NotLeadingException(String message) {
        super(message);
    }
}
