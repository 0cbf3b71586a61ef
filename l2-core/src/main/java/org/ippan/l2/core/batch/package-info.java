/**
 * Deterministic ordering and batch cutting.
 *
 * <h2>The ordering rule</h2>
 * Every accepted tx gets an <em>admission sequence number</em>, 1, 2, 3 … without gaps, in the order it became
 * durable in storage (storage assigns it in the same write that stores the tx; a tx is acknowledged only after
 * that write). Batches hold txs in ascending sequence number, and each batch is the contiguous range right after
 * the previous batch's: batch 1 holds {@code 1..k1}, batch 2 holds {@code k1+1..k2}, and so on. Batch numbers
 * start at 1 and are contiguous; each batch's {@code prev_batch_hash} is the previous batch's {@code batch_hash}
 * (zero for batch 1). Nothing about the order depends on a clock, a thread or a hash map: replaying the same
 * admission log with the same decision times yields byte-identical batches.
 *
 * <h2>The pieces</h2>
 * {@link org.ippan.l2.core.batch.OrderingPolicy} chooses and orders the candidates (the seam for later policies),
 * {@link org.ippan.l2.core.batch.BatchCutter} decides cut-or-wait on them, and
 * {@link org.ippan.l2.core.batch.BatchPlanner} puts the two together and builds the batch.
 */
package org.ippan.l2.core.batch;
