/**
 * The storage port of the IPPAN L2 sequencer: the {@link org.ippan.l2.storage.Storage} interface, its value
 * records and outcome types, and a thread-safe in-memory reference implementation.
 */
// "l2" (layer 2) is the project's name, not a version number, so the lint's advice against terminal digits
// in module name components does not apply.
@SuppressWarnings("module")
module org.ippan.l2.storage.spi {
    exports org.ippan.l2.storage;
    exports org.ippan.l2.storage.memory;
}
