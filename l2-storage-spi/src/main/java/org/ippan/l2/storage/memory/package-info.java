/**
 * The in-memory reference implementation of the storage port: the contract's semantics in their simplest
 * correct form, for tests and for embedding without durability.
 */
package org.ippan.l2.storage.memory;
