package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.accepted;
import static org.ippan.l2.core.engine.EngineFixture.tx;
import static org.ippan.l2.core.engine.EngineFixture.txs;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.ippan.l2.core.admission.RefusalCode;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.storage.Storage;
import org.ippan.l2.storage.StorageCorruptException;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StorageFullException;
import org.junit.jupiter.api.Test;

/**
 * Readiness tells the truth about storage: a failed write turns it red at once and keeps it red through reads and
 * status calls that work, until a write works again; a full disk and a damaged store are named.
 */
class StorageHealthTest {
    private static final Set<String> WRITES = Set.of("claimTerm", "heartbeat", "appendTxs", "commitBatch",
            "updateL1State");

    private final EngineFixture f = new EngineFixture();
    /** While set, every write throws it; nothing is written. */
    private final AtomicReference<StorageException> failWrites = new AtomicReference<>();
    /** While set, every read throws it. */
    private final AtomicReference<StorageException> failReads = new AtomicReference<>();
    private final Storage faulty = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(),
            new Class<?>[] {Storage.class}, (proxy, method, args) -> {
                boolean write = WRITES.contains(method.getName());
                StorageException failure = write ? failWrites.get() : failReads.get();
                if (failure != null && !method.getName().equals("close")) {
                    throw failure;
                }
                try {
                    return method.invoke(f.storage, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });

    private Sequencer leader() {
        Sequencer sequencer = f.builder(EngineFixture.config().build(), faulty, f.l1).build();
        sequencer.start();
        return sequencer;
    }

    private static StorageFullException diskFull() {
        return new StorageFullException("append txs failed: [SQLITE_FULL] Insertion failed because database is full"
                + " (database or disk is full)", null);
    }

    private void heartbeat(Sequencer sequencer) {
        f.advanceMs(1_000);
        Loops.named(sequencer, Heartbeat.NAME).doWork(f.now());
    }

    @Test
    void diskFull_turnsReadinessRedWithinOneWrite_staysRedThroughReads_greenAfterAWrite_nothingAcknowledgedLost() {
        Sequencer sequencer = leader();
        List<Long> acknowledged = new ArrayList<>();
        for (SubmitResult result : sequencer.submitAll(txs(1, 4))) {
            acknowledged.add(accepted(result).seq());
        }
        assertThat(sequencer.readiness().ready()).isTrue();

        failWrites.set(diskFull());
        SubmitResult refused = sequencer.submit(tx(10));

        assertThat(refused).isInstanceOfSatisfying(SubmitResult.Refused.class, r -> {
            assertThat(r.refusal().code()).isEqualTo(RefusalCode.UNAVAILABLE);
            assertThat(r.refusal().retryAfterMs()).isPositive();
            assertThat(r.refusal().message()).startsWith("storage full (");
        });
        assertThat(sequencer.readiness().reasons()).containsExactly("storage full: " + diskFull().getMessage());
        // reads, status calls and the loops' reads all work: none of them may clear a failed write
        for (int i = 0; i < 3; i++) {
            SequencerStatus status = sequencer.status();
            assertThat(status.storage().state()).isEqualTo("full");
            assertThat(status.storage().lastWriteError()).isEqualTo(diskFull().getMessage());
            assertThat(status.readiness().ready()).isFalse();
            assertThat(sequencer.findTx(tx(1).hash())).isPresent();
            sequencer.doWork(f.now());
        }
        heartbeat(sequencer);
        assertThat(sequencer.readiness().reasons()).contains("storage full: " + diskFull().getMessage());

        failWrites.set(null); // space returns
        heartbeat(sequencer);

        assertThat(sequencer.readiness().ready()).isTrue();
        assertThat(sequencer.status().storage()).isEqualTo(SequencerStatus.StorageHealth.OK);
        assertThat(accepted(sequencer.submit(tx(10))).seq()).isGreaterThan(acknowledged.get(2));
        for (int n = 1; n < 4; n++) {
            assertThat(sequencer.findTx(tx(n).hash())).as("tx %d acknowledged before the fault", n).isPresent();
        }
    }

    @Test
    void otherWriteFailure_namedAsFailing_andNotClearedByAReadOrStatus() {
        Sequencer sequencer = leader();
        failWrites.set(new StorageException("commit failed: [SQLITE_IOERR] disk I/O error"));
        heartbeat(sequencer);
        failWrites.set(null);

        sequencer.status();
        sequencer.findTx(tx(1).hash());

        assertThat(sequencer.readiness().reasons()).contains("storage failing: commit failed: [SQLITE_IOERR] disk I/O error");
        assertThat(sequencer.status().storage().state()).isEqualTo("failing");
        heartbeat(sequencer);
        assertThat(sequencer.readiness().ready()).isTrue();
    }

    @Test
    void readFailure_isShownApart_andClearedByTheNextRead() {
        Sequencer sequencer = leader();
        failReads.set(new StorageException("read failed: busy"));
        sequencer.status();
        assertThat(sequencer.readiness().reasons()).containsExactly("storage reads failing: read failed: busy");
        failReads.set(null);
        assertThat(sequencer.status().readiness().ready()).isTrue();
    }

    @Test
    void corruptionMetByARead_isNamed_andStaysThroughWritesAndReadsThatWork() {
        Sequencer sequencer = leader();
        sequencer.submit(tx(1));
        failReads.set(new StorageCorruptException("/data/l2.db", "find tx failed in /data/l2.db:"
                + " [SQLITE_CORRUPT] The database disk image is malformed", null));
        sequencer.status();
        failReads.set(null);

        heartbeat(sequencer);
        sequencer.submit(tx(2));
        SequencerStatus status = sequencer.status();

        assertThat(status.readiness().reasons()).containsExactly("storage corrupt: find tx failed in /data/l2.db:"
                + " [SQLITE_CORRUPT] The database disk image is malformed");
        assertThat(status.storage().state()).isEqualTo("corrupt");
    }

    @Test
    void corruptionMetByAnAdmissionWrite_refusesTheTxNamingIt_withTheLongRetryHint() {
        Sequencer sequencer = leader();
        failWrites.set(new StorageCorruptException("/data/l2.db", "append txs failed in /data/l2.db:"
                + " [SQLITE_CORRUPT] The database disk image is malformed", null));

        SubmitResult refused = sequencer.submit(tx(1));

        assertThat(refused).isInstanceOfSatisfying(SubmitResult.Refused.class, r -> {
            assertThat(r.refusal().code()).isEqualTo(RefusalCode.UNAVAILABLE);
            assertThat(r.refusal().message()).startsWith("storage corrupt (")
                    .contains("the node cannot take txs until its store is restored");
            assertThat(r.refusal().retryAfterMs()).isEqualTo(Admission.STORAGE_FULL_RETRY_MS);
        });
        failWrites.set(null);
        assertThat(f.memory.findTx(tx(1).hash().toBytes())).as("nothing stored").isEmpty();
    }
}
