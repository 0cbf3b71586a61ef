/**
 * {@code l2-ctl}, the operator CLI of the IPPAN L2 sequencer: node status and admin control over HTTP, verification
 * of batches, receipts and inclusion proofs that trusts nothing the node claims, replay of a node's storage, and
 * Ed25519 key generation. A program ({@code java -jar l2-ctl.jar}); it exports nothing.
 */
// "l2" ends in a digit, which -Xlint:module warns about; it is the project's name, so the warning is suppressed.
@SuppressWarnings("module")
module org.ippan.l2.cli {
    requires org.ippan.l2.core;
    requires org.ippan.l2.storage.jdbc;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;

    // picocli reads the commands' annotations and sets their fields reflectively
    opens org.ippan.l2.cli to info.picocli;
}
