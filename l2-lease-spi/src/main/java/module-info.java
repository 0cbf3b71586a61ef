/**
 * The lease port of the IPPAN L2 sequencer: the {@link org.ippan.l2.lease.LeaseStore} interface that decides who
 * should <em>try</em> to lead, its value records, and an in-memory reference implementation.
 */
// "l2" (layer 2) is the project's name, not a version number, so the lint's advice against terminal digits
// in module name components does not apply.
@SuppressWarnings("module")
module org.ippan.l2.lease.spi {
    exports org.ippan.l2.lease;
    exports org.ippan.l2.lease.memory;
}
