/**
 * Signed admission receipts (receipts v1, {@code docs/spec/receipts-v1.md}): the sequencer signs each admission
 * group once, over the root of a Merkle tree of its (sequence number, tx hash) leaves, and each accepted tx gets a
 * receipt carrying the signed group and its leaf's path. {@link org.ippan.l2.core.receipt.AdmissionReceipt#verify}
 * checks one offline and names the first check that fails.
 */
package org.ippan.l2.core.receipt;
