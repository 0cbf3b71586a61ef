/**
 * In-memory reference adapter of the L1 port: {@link org.ippan.l2.l1.memory.SimulatedL1}, a small deterministic
 * chain with switchable faults. It creates no threads and reads no clock; blocks are mined only by explicit calls.
 */
package org.ippan.l2.l1.memory;
