package org.ippan.l2.core.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ippan.l2.core.admission.AdmissionRules;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Tx;

/**
 * The limits an operator may change while the node runs ({@link SequencerControl#setLimits}): when a batch is cut and
 * how many txs may wait. Validated as a whole: the record checks each field alone, and
 * {@link #checkAgainst(SequencerConfig)} the rules that involve the node's fixed configuration.
 *
 * @param maxBatchTxs most txs in one batch, at least 1 ({@link BatchLimits#maxTxs()})
 * @param maxBatchBytes most bytes of an encoded batch, at least {@link BatchLimits#MIN_MAX_BYTES}
 *     ({@link BatchLimits#maxBytes()})
 * @param maxWaitMs longest time the oldest pending tx waits before a cut, at least 0 ({@link BatchLimits#maxWaitMs()})
 * @param admissionCap most pending txs, at least 1 ({@link SequencerConfig#admissionCap()})
 */
public record RuntimeLimits(int maxBatchTxs, long maxBatchBytes, long maxWaitMs, int admissionCap) {
    /** The names of the fields, as errors and the stored record spell them. */
    public static final String MAX_BATCH_TXS = "max_batch_txs";
    /** See {@link #MAX_BATCH_TXS}. */
    public static final String MAX_BATCH_BYTES = "max_batch_bytes";
    /** See {@link #MAX_BATCH_TXS}. */
    public static final String MAX_WAIT_MS = "max_wait_ms";
    /** See {@link #MAX_BATCH_TXS}. */
    public static final String ADMISSION_CAP = "admission_cap";

    /**
     * Validates each field alone.
     *
     * @throws ConfigException naming the first field out of range
     */
    public RuntimeLimits {
        if (maxBatchTxs < 1) {
            throw new ConfigException(MAX_BATCH_TXS, "must be >= 1", Integer.toString(maxBatchTxs));
        }
        if (maxBatchBytes < BatchLimits.MIN_MAX_BYTES) {
            throw new ConfigException(MAX_BATCH_BYTES, "must be >= " + BatchLimits.MIN_MAX_BYTES
                    + " (one minimal tx in a batch)", Long.toString(maxBatchBytes));
        }
        if (maxWaitMs < 0) {
            throw new ConfigException(MAX_WAIT_MS, "must be >= 0", Long.toString(maxWaitMs));
        }
        if (admissionCap < 1) {
            throw new ConfigException(ADMISSION_CAP, "must be >= 1", Integer.toString(admissionCap));
        }
    }

    /** @return the limits the node was configured with */
    public static RuntimeLimits of(SequencerConfig config) {
        BatchLimits batch = config.batchLimits();
        return new RuntimeLimits(batch.maxTxs(), batch.maxBytes(), batch.maxWaitMs(), config.admissionCap());
    }

    /** @return the cut limits */
    public BatchLimits batchLimits() {
        return new BatchLimits(maxBatchTxs, maxBatchBytes, maxWaitMs);
    }

    /**
     * The smallest byte limit a node with {@code config} may be given at run time: every tx its admission rules let
     * in must still fit alone in a batch, so that lowering the limit can never leave an admitted tx that no batch
     * can hold. A tx is admitted if it fits the configured byte limit and its payload is at most {@code maxTxSize}
     * with a {@code from} of at most {@link AdmissionRules#MAX_FROM_BYTES}; the floor is the smaller of the two.
     *
     * @param config the node's configuration
     * @return the floor of {@link #maxBatchBytes()}
     */
    public static long minBatchBytes(SequencerConfig config) {
        long largestTx = (long) Batch.OVERHEAD_BYTES + Tx.FIXED_BODY_BYTES + AdmissionRules.MAX_FROM_BYTES
                + config.maxTxSize();
        return Math.max(BatchLimits.MIN_MAX_BYTES, Math.min(config.batchLimits().maxBytes(), largestTx));
    }

    /**
     * Checks the rules across these limits and the node's fixed configuration.
     *
     * @param config the node's configuration
     * @return these limits
     * @throws ConfigException naming the field at fault
     */
    public RuntimeLimits checkAgainst(SequencerConfig config) {
        long floor = minBatchBytes(config);
        if (maxBatchBytes < floor) {
            throw new ConfigException(MAX_BATCH_BYTES, "must be >= " + floor + ", so that the largest tx this node"
                    + " admits (maxTxSize " + config.maxTxSize() + ") still fits alone in a batch",
                    Long.toString(maxBatchBytes));
        }
        return this;
    }

    /** @return the stored form: {@code max_batch_txs=N;max_batch_bytes=N;max_wait_ms=N;admission_cap=N} */
    public String encode() {
        return MAX_BATCH_TXS + "=" + maxBatchTxs + ";" + MAX_BATCH_BYTES + "=" + maxBatchBytes + ";" + MAX_WAIT_MS
                + "=" + maxWaitMs + ";" + ADMISSION_CAP + "=" + admissionCap;
    }

    /**
     * Reads the stored form of {@link #encode()}.
     *
     * @param text the stored form
     * @return the limits
     * @throws ConfigException if a field is missing, repeated, unknown, not a number or out of range
     */
    public static RuntimeLimits decode(String text) {
        Map<String, Long> fields = new LinkedHashMap<>();
        for (String part : text.split(";", -1)) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            if (eq < 0 || !(name.equals(MAX_BATCH_TXS) || name.equals(MAX_BATCH_BYTES) || name.equals(MAX_WAIT_MS)
                    || name.equals(ADMISSION_CAP))) {
                throw new ConfigException("limits", "unknown or malformed field", part);
            }
            try {
                if (fields.put(name, Long.parseLong(part.substring(eq + 1))) != null) {
                    throw new ConfigException(name, "is given twice", text);
                }
            } catch (NumberFormatException e) {
                throw new ConfigException(name, "must be a whole number", part.substring(eq + 1), e);
            }
        }
        return new RuntimeLimits(intField(fields, MAX_BATCH_TXS), field(fields, MAX_BATCH_BYTES),
                field(fields, MAX_WAIT_MS), intField(fields, ADMISSION_CAP));
    }

    private static long field(Map<String, Long> fields, String name) {
        Long value = fields.get(name);
        if (value == null) {
            throw new ConfigException(name, "is missing", null);
        }
        return value;
    }

    private static int intField(Map<String, Long> fields, String name) {
        long value = field(fields, name);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new ConfigException(name, "must be within 1.." + Integer.MAX_VALUE, Long.toString(value));
        }
        return (int) value;
    }
}
