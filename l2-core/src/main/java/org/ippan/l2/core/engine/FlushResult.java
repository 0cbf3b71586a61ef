package org.ippan.l2.core.engine;

/**
 * What a flush ({@link SequencerControl#flush}) did.
 *
 * @param cut true if the batcher cut at least one batch in the step that took the request
 * @param batchNumber the number of the last batch that step committed; 0 when nothing was cut
 */
public record FlushResult(boolean cut, long batchNumber) {
    /** Nothing was pending, so nothing was cut. */
    public static final FlushResult NOTHING_PENDING = new FlushResult(false, 0);
}
