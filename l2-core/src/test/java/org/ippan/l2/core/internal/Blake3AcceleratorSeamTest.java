package org.ippan.l2.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The core's side of the BLAKE3 accelerator seam: without {@code jdk.incubator.vector} (this module's tests run on a
 * plain JVM, with no accelerator on the class path) every input is hashed by the scalar hasher, and an accelerator
 * that disagrees with the scalar hasher on any test input is refused. The accelerator itself is tested, against the
 * scalar hasher, in {@code l2-blake3-vector}.
 */
class Blake3AcceleratorSeamTest {
    @Test
    void facade_withoutVectorModule_hashesEverythingScalar() {
        assertThat(ModuleLayer.boot().findModule(Blake3.VECTOR_MODULE)).isEmpty();
        assertThat(Blake3.accelerator()).isEmpty();
        assertThat(Blake3.acceleratedFrom()).isEqualTo(Integer.MAX_VALUE);
        assertThat(Blake3.threadDigest(1L << 30)).isInstanceOf(Blake3Hasher.class).isSameAs(Blake3.threadDigest());
    }

    @Test
    void check_acceleratorAgreeingWithScalar_isAccepted() {
        assertThat(Blake3.check(new FakeAccelerator(Integer.MAX_VALUE))).isNull();
    }

    @Test
    void check_acceleratorWrongFromSomeLength_isRefusedNamingTheLength() {
        assertThat(Blake3.check(new FakeAccelerator(16 * 1024 + 1)))
                .isEqualTo("its hash of 16385 bytes differs from the scalar hasher's");
    }

    @Test
    void check_acceleratorThatThrows_isRefused() {
        Blake3Accelerator throwing = new FakeAccelerator(0) {
            @Override
            public Blake3Stream newHasher() {
                throw new NoClassDefFoundError("jdk/incubator/vector/IntVector");
            }
        };
        assertThat(Blake3.check(throwing)).contains("NoClassDefFoundError");
    }

    /** The scalar hasher, except that it flips a bit of the hash of inputs of {@code wrongFrom} bytes and more. */
    private static class FakeAccelerator implements Blake3Accelerator {
        private final int wrongFrom;

        FakeAccelerator(int wrongFrom) {
            this.wrongFrom = wrongFrom;
        }

        @Override
        public String description() {
            return "fake";
        }

        @Override
        public boolean isUsable() {
            return true;
        }

        @Override
        public int minLength() {
            return 0;
        }

        @Override
        public Blake3Stream newHasher() {
            return new Blake3Stream() {
                private final Blake3Hasher inner = new Blake3Hasher();
                private long length;

                @Override
                public void update(byte[] input, int offset, int count) {
                    inner.update(input, offset, count);
                    length += count;
                }

                @Override
                public int doFinal(byte[] out, int offset) {
                    inner.doFinal(out, offset);
                    if (length >= wrongFrom) {
                        out[offset] ^= 1;
                    }
                    length = 0;
                    return OUT_LENGTH;
                }

                @Override
                public void reset() {
                    inner.reset();
                    length = 0;
                }
            };
        }
    }
}
