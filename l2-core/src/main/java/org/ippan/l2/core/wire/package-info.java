/**
 * Wire format v1: the exact bytes a tx and a batch are hashed, signed and posted as, byte-compatible with
 * IPPAN-L2 v1.
 *
 * <p>{@code canonical(v) = u16le(1) || body(v)}, the body in bincode 1 "fixint" style (little-endian fixed-width
 * integers, {@code u64le} length prefixes, structs as their fields in order). Hashes are BLAKE3-256. Values
 * ({@link org.ippan.l2.core.wire.Tx}, {@link org.ippan.l2.core.wire.Batch},
 * {@link org.ippan.l2.core.wire.Hash}) are immutable; decoders are strict and fail only with
 * {@link org.ippan.l2.core.wire.WireFormatException}.
 */
package org.ippan.l2.core.wire;
