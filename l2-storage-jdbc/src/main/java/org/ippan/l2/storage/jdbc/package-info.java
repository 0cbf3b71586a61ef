/**
 * {@link org.ippan.l2.storage.Storage} on JDBC: {@link org.ippan.l2.storage.jdbc.JdbcStorage}, opened from an
 * {@code L2_STORAGE_URL} ({@code sqlite:PATH}, {@code jdbc:sqlite:…} or {@code jdbc:postgresql://…}); and
 * {@link org.ippan.l2.lease.LeaseStore} on the same databases, {@link org.ippan.l2.storage.jdbc.JdbcLeaseStore}.
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li><b>One transaction per leader write, fenced by the store.</b> Every write first reads the single
 *       {@code l2_meta} row under the database's write lock (SQLite: {@code BEGIN IMMEDIATE}; PostgreSQL:
 *       {@code SELECT … FOR UPDATE} at READ COMMITTED), compares the stored term with the caller's, checks the
 *       write's other expectations, and only then writes and commits. A refusal rolls back. Because every writer
 *       of every process takes the same row lock first, writes are serialised and linearizable across
 *       instances sharing one database.</li>
 *   <li><b>The meta row holds the cursors</b> ({@code next_seq}, {@code next_unbatched_seq},
 *       {@code next_batch_number}, {@code head_batch_hash}) next to the term, so a read of the sequence state is
 *       one row and a commit advances everything in the same write.</li>
 *   <li><b>Group commit.</b> {@code appendTxs} stores all txs of a call with one batched insert and one commit
 *       (one fsync), after deduplicating them against the stored txs and within the call.</li>
 *   <li><b>Dialects</b> are kept in a package-private {@code Dialect}: column types, transaction statements,
 *       session settings and which errors are transient. Connections come from a package-private
 *       {@code ConnectionSource}: one locked connection for SQLite (one writer anyway), a small bounded pool
 *       for PostgreSQL.</li>
 *   <li><b>SQLite checkpoints</b> run inside the commit that crosses ~40 MB of WAL unless the host calls
 *       {@code JdbcStorage.checkpoint()} (the node does, every second): then a package-private
 *       {@code SqliteCheckpointer} copies the WAL on a second connection beside the writer and only the last frames
 *       under the writer's lock. New databases use 2 KiB pages, which halve what each random tx-hash index insert
 *       writes to the WAL.</li>
 *   <li><b>Schema</b> is created on open and versioned in {@code l2_schema}; a database written by a newer
 *       schema version is refused rather than misread.</li>
 *   <li><b>Leases</b>: {@link org.ippan.l2.storage.jdbc.JdbcLeaseStore} keeps named leases in {@code l2_lease},
 *       in the storage's database or another one, on connections of its own. Its table is versioned apart, in
 *       {@code l2_lease_schema}, so neither side's version check depends on the other's tables. PostgreSQL judges
 *       expiry by its own {@code clock_timestamp()} in one conditional statement per call; SQLite by the host's
 *       clock, read inside the call's {@code BEGIN IMMEDIATE} transaction.</li>
 * </ul>
 */
package org.ippan.l2.storage.jdbc;
