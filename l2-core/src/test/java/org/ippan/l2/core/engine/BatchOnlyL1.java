package org.ippan.l2.core.engine;

import java.util.concurrent.CompletableFuture;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.ForcedInboxPage;
import org.ippan.l2.l1.L1PermanentException;
import org.ippan.l2.l1.L1Poster;

/** A test fake of the batch calls of {@link L1Poster} only: it has no forced-inclusion inbox, as the port allows. */
interface BatchOnlyL1 extends L1Poster {
    @Override
    default boolean supportsForcedInbox() {
        return false;
    }

    @Override
    default CompletableFuture<ForcedInboxEntry> submitForced(byte[] canonicalTx) {
        return CompletableFuture.failedFuture(new L1PermanentException("this test L1 has no forced inbox"));
    }

    @Override
    default CompletableFuture<ForcedInboxPage> readForcedInbox(long fromIndex, int maxCount) {
        return CompletableFuture.failedFuture(new L1PermanentException("this test L1 has no forced inbox"));
    }
}
