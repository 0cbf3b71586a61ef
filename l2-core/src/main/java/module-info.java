/**
 * The IPPAN L2 sequencer core: wire format v1, admission rules, deterministic ordering, batch
 * cutting, batch envelopes and their signing, and the L1 contract v1.
 *
 * <p>The core creates no threads and reads no clock: time comes in as arguments, and the host runs the loops
 * on its own executors. It talks to the outside world only through the {@code Storage} and {@code L1Poster}
 * ports of the SPI modules, and in lease mode through the {@code LeaseStore} port.
 */
// "l2" ends in a digit, which -Xlint:module warns about; it is the project's name, so the warning is suppressed. The
// same category warns that the module of the qualified export below is not found: it is optional and never a
// dependency of the core (it depends on the core), so it is not on the core's module path.
@SuppressWarnings("module")
module org.ippan.l2.core {
    requires transitive org.ippan.l2.storage.spi;
    requires transitive org.ippan.l2.l1.spi;
    requires transitive org.ippan.l2.lease.spi;
    requires org.bouncycastle.provider;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;

    exports org.ippan.l2.core.wire;
    exports org.ippan.l2.core.admission;
    exports org.ippan.l2.core.batch;
    exports org.ippan.l2.core.envelope;
    exports org.ippan.l2.core.receipt;
    exports org.ippan.l2.core.proof;
    exports org.ippan.l2.core.crypto;
    exports org.ippan.l2.core.contract;
    exports org.ippan.l2.core.engine;

    // the optional BLAKE3 accelerator (l2-blake3-vector) implements Blake3Accelerator and Blake3Stream and runs the
    // scalar Blake3Hasher.compress for its own scalar steps: the internal package is exported to it alone (see Blake3)
    exports org.ippan.l2.core.internal to org.ippan.l2.blake3.vector;
    uses org.ippan.l2.core.internal.Blake3Accelerator;
}
