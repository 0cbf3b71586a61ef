/**
 * The HTTP adapter of the L1 port: {@link org.ippan.l2.l1.http.HttpL1Poster} talks to IPPAN L1 (CORE) over its
 * HTTP API (wire-format-v1 §6), configured by {@link org.ippan.l2.l1.http.HttpL1Config} (builder, or the
 * {@code L1_BASE_URL}, {@code L1_ENDPOINT_*}, {@code L1_API_KEY}, {@code L1_TIMEOUT_MS} and
 * {@code L1_MAX_RESPONSE_BYTES} environment variables).
 *
 * <p>The adapter makes one attempt per call and maps every answer to a value or to exactly one
 * {@link org.ippan.l2.l1.L1Exception}; retries, backoff and the "ask before re-posting" rule after an unknown
 * result belong to the engine's poster loop. See {@link org.ippan.l2.l1.http.HttpL1Poster} for the mapping.
 */
package org.ippan.l2.l1.http;
