package org.ippan.l2.core.internal;

import java.util.Arrays;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BLAKE3-256 with one reusable {@link Blake3Hasher} per thread, so hashing allocates nothing but its 32-byte output.
 *
 * <p><b>The optional accelerator.</b> Inputs of at least {@link #acceleratedFrom()} bytes go to a BLAKE3
 * accelerator when one is in use. The core compiles with {@code --release 17} and never names
 * {@code jdk.incubator.vector}'s types: the accelerator ({@code l2-blake3-vector}, module
 * {@code org.ippan.l2.blake3.vector}) is a separate module that depends on the core (this package is exported to it
 * alone), is compiled against the incubator module, and registers a {@link Blake3Accelerator} service (a
 * {@code provides} clause on the module path, a {@code META-INF/services} entry on the class path). One is looked
 * for once, when this class is initialised, and only if the JVM runs with {@code jdk.incubator.vector} in the boot
 * layer (e.g. {@code --add-modules jdk.incubator.vector}), so a plain JVM never tries to link its classes; it is used
 * only if it hashes a set of test inputs, one-shot and in pieces, to the same bytes as the scalar hasher. System
 * property {@value #ACCELERATOR_PROPERTY}{@code =false} keeps everything scalar. The output is the same bytes either
 * way, and without an accelerator every path is the scalar code it always was.
 */
public final class Blake3 {
    /** Output length in bytes. */
    public static final int LENGTH = 32;

    /** {@code false} turns the accelerator off even where it would be found. */
    public static final String ACCELERATOR_PROPERTY = "org.ippan.l2.blake3.accelerator";

    /** The module an accelerator needs; without it in the boot layer none is looked for. */
    static final String VECTOR_MODULE = "jdk.incubator.vector";

    private static final Logger LOG = LoggerFactory.getLogger(Blake3.class);

    private static final ThreadLocal<Blake3Hasher> DIGEST = ThreadLocal.withInitial(Blake3Hasher::new);

    /**
     * Test lengths of {@link #check}: chunk, 8- and 16-chunk group boundaries and their neighbours, and beyond.
     * Declared before {@link #ACCELERATOR}, whose initialiser reads it.
     */
    private static final int[] CHECK_LENGTHS = {0, 1, 64, 1024, 1025, 8 * 1024, 8 * 1024 + 1, 9 * 1024 + 7,
        16 * 1024, 16 * 1024 + 1, 17 * 1024 - 1, 32 * 1024 + 1, 48 * 1024 + 65};

    /** The accelerator in use, or null: the scalar hasher for every input. */
    private static final Blake3Accelerator ACCELERATOR = findAccelerator();
    /** Inputs from this length go to the accelerator; {@code Integer.MAX_VALUE} (no array is longer) without one. */
    private static final int ACCELERATED_FROM = ACCELERATOR == null ? Integer.MAX_VALUE : ACCELERATOR.minLength();
    /** The accelerator's hasher of one-shot hashes, one per thread. */
    private static final ThreadLocal<Blake3Stream> WIDE = ACCELERATOR == null ? null
            : ThreadLocal.withInitial(ACCELERATOR::newHasher);
    /** The accelerator's hasher of {@link #threadDigest(long)}, apart from {@link #WIDE} so the two never meet. */
    private static final ThreadLocal<Blake3Stream> WIDE_STREAM = ACCELERATOR == null ? null
            : ThreadLocal.withInitial(ACCELERATOR::newHasher);

    private Blake3() {}

    /** @return BLAKE3-256 of {@code length} bytes of {@code data} from {@code offset} */
    public static byte[] hash(byte[] data, int offset, int length) {
        Blake3Stream digest = length >= ACCELERATED_FROM ? WIDE.get() : DIGEST.get();
        digest.reset();
        digest.update(data, offset, length);
        byte[] out = new byte[LENGTH];
        digest.doFinal(out, 0);
        return out;
    }

    /** @return BLAKE3-256 of {@code data} */
    public static byte[] hash(byte[] data) {
        return hash(data, 0, data.length);
    }

    /**
     * A digest for incremental hashing on the calling thread, reset and ready. It must be finished with
     * {@code doFinal} before this thread asks for it again.
     */
    public static Blake3Hasher threadDigest() {
        Blake3Hasher digest = DIGEST.get();
        digest.reset();
        return digest;
    }

    /**
     * A digest for incremental hashing of about {@code expectedLength} bytes on the calling thread, reset and ready:
     * the accelerator's when one is in use and the input is large enough for it, else {@link #threadDigest()}. It
     * must be finished with {@code doFinal} before this thread asks for either digest again.
     */
    public static Blake3Stream threadDigest(long expectedLength) {
        if (expectedLength < ACCELERATED_FROM) {
            return threadDigest();
        }
        Blake3Stream digest = WIDE_STREAM.get();
        digest.reset();
        return digest;
    }

    /**
     * A new digest of its own for incremental hashing of about {@code expectedLength} bytes, reset and ready: the
     * accelerator's when one is in use and the input is large enough for it, else a {@link Blake3Hasher}. Unlike
     * {@link #threadDigest(long)} it belongs to no thread, so a job may start it on one thread and finish it on
     * another (one at a time, with a happens-before between them).
     */
    public static Blake3Stream newDigest(long expectedLength) {
        return expectedLength < ACCELERATED_FROM ? new Blake3Hasher() : ACCELERATOR.newHasher();
    }

    /** @return the accelerator's description when one is in use, else empty (the scalar hasher for everything) */
    public static Optional<String> accelerator() {
        return ACCELERATOR == null ? Optional.empty() : Optional.of(ACCELERATOR.description());
    }

    /** @return the smallest input the accelerator hashes, or {@code Integer.MAX_VALUE} without one */
    public static int acceleratedFrom() {
        return ACCELERATED_FROM;
    }

    private static Blake3Accelerator findAccelerator() {
        if ("false".equalsIgnoreCase(System.getProperty(ACCELERATOR_PROPERTY, "true").trim())) {
            LOG.debug("BLAKE3: accelerator turned off by -D{}=false", ACCELERATOR_PROPERTY);
            return null;
        }
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return null; // a plain JVM: the accelerator's classes could not even link
        }
        try {
            for (Blake3Accelerator candidate : ServiceLoader.load(Blake3Accelerator.class,
                    Blake3Accelerator.class.getClassLoader())) {
                if (!candidate.isUsable()) {
                    LOG.info("BLAKE3: accelerator not used here, the scalar hasher hashes everything: {}",
                            candidate.description());
                    continue;
                }
                String problem = check(candidate);
                if (problem == null) {
                    LOG.info("BLAKE3: accelerator in use for inputs of {} bytes and more: {}",
                            candidate.minLength(), candidate.description());
                    return candidate;
                }
                LOG.warn("BLAKE3: accelerator {} not used, the scalar hasher hashes everything: {}",
                        candidate.getClass().getName(), problem);
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            LOG.warn("BLAKE3: accelerator could not be loaded, the scalar hasher hashes everything", e);
        }
        return null;
    }

    /**
     * Hashes fixed pseudo-random inputs with the candidate (one-shot and in uneven pieces) and with the scalar
     * hasher. Cheap enough to run once per JVM, even before the JIT has compiled either.
     *
     * @return null when every hash matched, else what went wrong
     */
    static String check(Blake3Accelerator candidate) {
        try {
            int minLength = candidate.minLength();
            if (minLength < 0) {
                return "minLength " + minLength + " < 0";
            }
            byte[] data = new byte[48 * 1024 + 68];
            long state = 0x9E3779B97F4A7C15L; // a fixed xorshift sequence: the same input on every JVM
            for (int i = 0; i < data.length; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                data[i] = (byte) state;
            }
            Blake3Stream wide = candidate.newHasher();
            Blake3Hasher scalar = new Blake3Hasher();
            byte[] expected = new byte[LENGTH];
            byte[] actual = new byte[LENGTH];
            for (int length : CHECK_LENGTHS) {
                scalar.update(data, 3, length);
                scalar.doFinal(expected, 0);
                wide.update(data, 3, length);
                wide.doFinal(actual, 0);
                if (!Arrays.equals(expected, actual)) {
                    return "its hash of " + length + " bytes differs from the scalar hasher's";
                }
                for (int at = 0; at < length; ) { // pieces of 1, 2, 4, ... 4,096 bytes, then again
                    int piece = Math.min(length - at, 1 << (at % 13));
                    wide.update(data, 3 + at, piece);
                    at += piece;
                }
                wide.doFinal(actual, 0);
                if (!Arrays.equals(expected, actual)) {
                    return "its hash of " + length + " bytes given in pieces differs from the scalar hasher's";
                }
            }
            return null;
        } catch (RuntimeException | LinkageError e) {
            return e.toString();
        }
    }
}
