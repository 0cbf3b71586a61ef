/**
 * The storage port of the sequencer: {@link org.ippan.l2.storage.Storage}, its value records and its sealed
 * outcome types. Adapters implement {@code Storage}; the core depends only on this package.
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li><b>The term is the fencing token, and storage checks it.</b> A leader claims its term once
 *       ({@code claimTerm}, a compare-and-set); afterwards every leader write names that term and is applied only
 *       if the stored term is still equal to it, otherwise it answers {@link org.ippan.l2.storage.Fenced} with
 *       the stored term. A lock or lease held outside the store never stands in for this check.</li>
 *   <li><b>Every leader write is one atomic conditional write</b>: the condition and the change are evaluated
 *       and applied together, all or nothing. A refusal ({@code Fenced}, {@code Conflict}) writes nothing.</li>
 *   <li><b>A tx is acknowledged only once durable</b>, with its admission sequence number: {@code appendTxs}
 *       returns after the txs are stored, numbered 1, 2, 3, … without gaps, and deduplicated by tx hash.</li>
 *   <li><b>A batch is a contiguous range of sequence numbers</b>, and storing it advances the "next unbatched"
 *       cursor, the next batch number and the head batch hash in the same write: no tx is batched twice or
 *       skipped, and the {@code prevBatchHash} chain has no gap.</li>
 *   <li><b>The conditions are written once.</b> {@link org.ippan.l2.storage.TermRules} decides a term claim and
 *       {@link org.ippan.l2.storage.BatchChainRules} whether a batch extends the chain, what the state becomes
 *       when it does, and whether a batch's L1 state may be written, each refusal with a reason that names the
 *       values compared. Every adapter applies them inside its atomic write, after the term check, and the
 *       contract kit holds each adapter to their exact reasons.</li>
 * </ul>
 *
 * <h2>Byte arrays</h2>
 * Records hold {@code byte[]} without copying them (they are on the hot path). The hand-over rule: once an
 * array is passed to a record or to storage, or returned from it, neither side mutates it. Records compare
 * arrays by content and print hashes in hex and large blobs by length only.
 */
package org.ippan.l2.storage;
