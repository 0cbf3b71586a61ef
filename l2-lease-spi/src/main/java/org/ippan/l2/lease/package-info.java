/**
 * The lease port: which node should <em>try</em> to lead.
 *
 * <h2>A lease decides who tries; the term decides whose writes count</h2>
 * A {@link org.ippan.l2.lease.LeaseStore} holds one named lease on a coordination store (a database table, an etcd
 * key, memory). At most one holder has it at a time, until it is released or its time to live runs out without a
 * renewal. The lease alone never makes a write safe: clocks drift and processes pause, so two nodes may both believe
 * they hold it for a moment. The sequencer's safety rests on the term in its storage: a node that won the lease claims
 * a higher term with a compare-and-set, and every leader write is conditional on that term, so a deposed holder's
 * writes are refused. The lease only keeps the nodes from fighting over the term, and tells followers where the leader
 * is.
 *
 * <h2>Time</h2>
 * Expiry is judged by the store's clock (the database's, etcd's, the injected one), never by the caller's. A granted
 * lease lives, in the store's clock, at least {@link org.ippan.l2.lease.Lease#ttlMs()} from a moment within the
 * call (when the store read its clock to apply it). So a caller that sent the call at local time {@code t} may take the lease as its own until
 * {@code t + ttlMs}, less an allowance for clock-rate drift and for its own pauses, whatever the skew between its
 * wall clock and the store's.
 */
package org.ippan.l2.lease;
