/**
 * The L1 port: the interface through which the sequencer core posts batches to IPPAN L1 (CORE) and learns about
 * their inclusion and finality.
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li><b>Asynchronous, no threads in the core.</b> {@link org.ippan.l2.l1.L1Poster} answers with
 *       {@link java.util.concurrent.CompletableFuture}s. The core never blocks on them: its duty-cycle steps poll
 *       {@code isDone()} and react on a later step. An HTTP adapter completes them from the JDK HttpClient's async
 *       machinery; the in-memory {@link org.ippan.l2.l1.memory.SimulatedL1} answers with already completed
 *       futures.</li>
 *   <li><b>Outcomes are told apart by type.</b> A refusal that the L1 states about the batch is a value,
 *       {@link org.ippan.l2.l1.SubmitResult.Rejected}. A failure of the call completes the future exceptionally
 *       with exactly one of three {@link org.ippan.l2.l1.L1Exception}s: {@link org.ippan.l2.l1.L1TransientException}
 *       (nothing applied or safe to repeat: retry with {@link org.ippan.l2.l1.Backoff}),
 *       {@link org.ippan.l2.l1.L1UnknownResultException} (may have been applied: ask
 *       {@link org.ippan.l2.l1.L1Poster#getInclusion(byte[])} for the same key before posting again) and
 *       {@link org.ippan.l2.l1.L1PermanentException} (repeating the same call will not help).</li>
 *   <li><b>Idempotent by key.</b> Every re-post of a batch carries the same 32-byte idempotency key
 *       (wire-format-v1 §5); an L1 that already has the key answers
 *       {@link org.ippan.l2.l1.SubmitResult.Accepted} with {@code alreadyKnown = true}.</li>
 *   <li><b>Arrays are handed over, not copied.</b> The value records hold their {@code byte[]} components by
 *       reference to keep the posting path free of copies. Whoever builds a record hands the arrays over: neither
 *       the builder nor any reader mutates them afterwards. Equality, hash codes and {@code toString} follow the
 *       content, and {@code toString} shows large arrays by length only.</li>
 *   <li><b>The port mirrors wire-format-v1 §6.</b> Every answer of the L1 HTTP API maps to a value or an exception
 *       here: chain status to {@link org.ippan.l2.l1.L1ChainStatus}, submit to {@link org.ippan.l2.l1.SubmitResult},
 *       inclusion and finality (or their 404) to an optional {@link org.ippan.l2.l1.L1Inclusion}.</li>
 * </ul>
 */
package org.ippan.l2.l1;
