/**
 * The L1 port of the IPPAN L2 sequencer: how the core posts batches to IPPAN L1 (CORE) and asks what became of
 * them, plus a deterministic simulated chain for tests. Depends on nothing but the JDK and knows nothing of the
 * core.
 */
// "module" lint warns about the terminal digits of "l2" and "l1"; they are the project's names (IPPAN Layer 2 /
// Layer 1), so that warning is suppressed here and only here.
@SuppressWarnings("module")
module org.ippan.l2.l1.spi {
    exports org.ippan.l2.l1;
    exports org.ippan.l2.l1.memory;
}
