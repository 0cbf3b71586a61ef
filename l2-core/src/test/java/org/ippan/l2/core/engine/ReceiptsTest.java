package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ippan.l2.core.engine.EngineFixture.accepted;
import static org.ippan.l2.core.engine.EngineFixture.tx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.admission.SubmitResults;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.envelope.EnvelopeSigner;
import org.ippan.l2.core.proof.InclusionProof;
import org.ippan.l2.core.proof.ProofVerification;
import org.ippan.l2.core.receipt.AdmissionReceipt;
import org.ippan.l2.core.receipt.ReceiptVerification;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.storage.ForwardingStorage;
import org.ippan.l2.storage.SealedGroup;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TxAppend;
import org.junit.jupiter.api.Test;

/**
 * Signed admission receipts (receipts v1) as the engine issues them: one signature per admission group, stored with
 * the group in the same write, each accepted tx answered with a receipt that verifies offline, and the same receipt
 * rebuilt from storage later, by any node reading it.
 */
class ReceiptsTest {
    private static final byte[] SEED = filled(0x42);
    private final EngineFixture f = new EngineFixture();
    private final CountingSigner signer = new CountingSigner(new Ed25519Signer(SEED));

    private Sequencer leader(long deadlineMs) {
        Sequencer sequencer = f.builder(EngineFixture.config().inclusionDeadlineMs(deadlineMs).build())
                .signer(signer).build();
        sequencer.start();
        return sequencer;
    }

    @Test
    void submit_answersWithAReceiptThatVerifiesAndStatesTheAdmission() {
        Sequencer sequencer = leader(30_000);

        AdmissionReceipt receipt = accepted(sequencer.submit(tx(1))).receipt();

        assertThat(receipt).isNotNull();
        assertThat(receipt.verify(signer.publicKey())).isEqualTo(ReceiptVerification.VALID);
        assertThat(receipt.seq()).isEqualTo(1);
        assertThat(receipt.txHash()).isEqualTo(tx(1).hash().toBytes());
        assertThat(receipt.group().chainId()).isEqualTo(EngineFixture.CHAIN_ID);
        assertThat(receipt.group().term()).isEqualTo(sequencer.status().leader().termId());
        assertThat(receipt.group().acceptedMs()).isEqualTo(f.nowMs());
        assertThat(receipt.group().deadlineMs()).isEqualTo(f.nowMs() + 30_000);
        assertThat(receipt.isOverdue(f.nowMs() + 30_000)).isFalse();
        assertThat(receipt.isOverdue(f.nowMs() + 30_001)).isTrue();
        assertThat(receipt.verify(new Ed25519Signer(filled(7)).publicKey()).status())
                .isEqualTo(ReceiptVerification.Status.WRONG_KEY);
    }

    @Test
    void submitAll_signsOnceForTheWholeGroupAndGivesEachNewTxItsPath() {
        Sequencer sequencer = leader(60_000);
        accepted(sequencer.submit(tx(100))); // seq 1: a duplicate below
        int signaturesBefore = signer.signatures.get();
        List<Tx> txs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            txs.add(tx(i));
        }
        txs.add(tx(100));

        SubmitResults results = sequencer.submitAll(txs, new SubmitResults());

        assertThat(signer.signatures.get() - signaturesBefore).as("one signature for the group").isEqualTo(1);
        byte[] root = results.receipt(0).group().root();
        for (int i = 0; i < 9; i++) {
            AdmissionReceipt receipt = results.receipt(i);
            assertThat(receipt.seq()).isEqualTo(results.seq(i)).isEqualTo(i + 2);
            assertThat(receipt.group().root()).isEqualTo(root);
            assertThat(receipt.group().firstSeq()).isEqualTo(2);
            assertThat(receipt.group().count()).isEqualTo(9);
            assertThat(receipt.verify(signer.publicKey()).isValid()).as("tx %d", i).isTrue();
            assertThat(results.get(i)).isInstanceOfSatisfying(
                    SubmitResult.Accepted.class,
                    a -> assertThat(a.receipt()).isEqualTo(receipt));
        }
        assertThat(results.isDuplicate(9)).isTrue();
        assertThat(results.receipt(9)).as("a duplicate's receipt is its first acceptance's").isNull();
        assertThat(sequencer.receipt(tx(100).hash())).hasValueSatisfying(r -> assertThat(r.seq()).isEqualTo(1));
    }

    @Test
    void submitAll_aDuplicateWithinTheCall_isAcceptedWithoutAReceipt_itsFirstCopyWithOne() {
        Sequencer sequencer = leader(60_000);

        SubmitResults results = sequencer.submitAll(List.of(tx(5), tx(6), tx(5)), new SubmitResults());

        assertThat(results.isDuplicate(2)).isTrue();
        assertThat(results.seq(2)).isEqualTo(1);
        assertThat(results.receipt(2)).isNull();
        assertThat(results.receipt(0).verify(signer.publicKey()).isValid()).isTrue();
        assertThat(results.receipt(0).group().count()).as("the group is the stored txs").isEqualTo(2);
    }

    @Test
    void submitAll_aGroupLargerThanTheSealsFirstBuffer_getsAReceiptForEveryTx() {
        Sequencer sequencer = f.builder(EngineFixture.config().batchLimits(new BatchLimits(100, 1 << 20, 100))
                .build()).signer(signer).build();
        sequencer.start();

        SubmitResults results = sequencer.submitAll(EngineFixture.txs(1, 41), new SubmitResults());

        for (int i = 0; i < 40; i++) {
            assertThat(results.receipt(i).verify(signer.publicKey()).isValid()).as("tx %d", i).isTrue();
            assertThat(results.receipt(i).group().count()).isEqualTo(40);
        }
        assertThat(sequencer.receipt(EngineFixture.tx(40).hash())).contains(results.receipt(39));
    }

    @Test
    void receipt_isRebuiltFromStorageByAnyNodeAsIssued() {
        Sequencer sequencer = leader(60_000);
        SubmitResults results = sequencer.submitAll(List.of(tx(1), tx(2), tx(3)), new SubmitResults());
        AdmissionReceipt single = accepted(sequencer.submit(tx(4))).receipt();
        sequencer.close();

        // a follower on the same storage, without a key of its own, serves the leader's receipts
        Sequencer follower = f.builder(EngineFixture.config().role(Role.FOLLOWER).build()).build();
        follower.start();
        for (int i = 0; i < 3; i++) {
            assertThat(follower.receipt(tx(i + 1).hash())).contains(results.receipt(i));
        }
        assertThat(follower.receipt(tx(4).hash())).contains(single);
        assertThat(follower.receipt(tx(5).hash())).as("never admitted").isEmpty();
    }

    @Test
    void noKeyOrAZeroDeadline_issuesNoReceipts() {
        Sequencer unsigned = f.leader();
        assertThat(accepted(unsigned.submit(tx(1))).receipt()).isNull();
        assertThat(unsigned.receipt(tx(1).hash())).isEmpty();
        unsigned.close();

        EngineFixture other = new EngineFixture();
        Sequencer off = other.builder(EngineFixture.config().inclusionDeadlineMs(0).build()).signer(signer).build();
        off.start();
        assertThat(accepted(off.submit(tx(2))).receipt()).isNull();
        assertThat(other.memory.findSealedGroup(1)).isEmpty();
        assertThat(signer.signatures.get()).isZero();
    }

    @Test
    void aSignerThatFails_refusesTheGroupAndStoresNothing() {
        signer.failNext.set(true);
        Sequencer sequencer = leader(60_000);

        assertThat(sequencer.submit(tx(1))).isInstanceOf(SubmitResult.Refused.class);
        assertThat(f.memory.findTx(tx(1).hash().toBytes())).isEmpty();

        AdmissionReceipt receipt = accepted(sequencer.submit(tx(1))).receipt();
        assertThat(receipt.seq()).as("the failed write took no seq").isEqualTo(1);
        assertThat(receipt.verify(signer.publicKey()).isValid()).isTrue();
    }

    @Test
    void aSealThatIsNotAReceiptGroup_isAStorageErrorNamingTheTxs() {
        EngineFixture other = new EngineFixture();
        ForwardingStorage lying = new ForwardingStorage(other.memory) {
            @Override
            public Optional<SealedGroup> findSealedGroup(long seq) {
                return delegate().findSealedGroup(seq).map(g -> new SealedGroup(g.firstSeq(), g.count(),
                        Arrays.copyOf(g.seal(), 10)));
            }
        };
        Sequencer sequencer = other.builder(EngineFixture.config().build(), lying, other.l1).signer(signer).build();
        sequencer.start();
        accepted(sequencer.submit(tx(1)));

        assertThatThrownBy(() -> sequencer.receipt(tx(1).hash())).isInstanceOf(StorageException.class)
                .hasMessageContaining("the txs 1+1 is not a receipt group");
    }

    @Test
    void theSealSeesEveryResultBeforeItSigns() {
        TxAppend append = new TxAppend();
        ReceiptSeal seal = new ReceiptSeal(signer, 1, 10);
        seal.prepare(3);
        append.add(tx(1).hash().toBytes(), tx(1).encode(), 5).add(tx(2).hash().toBytes(), tx(2).encode(), 5);
        append.stored(0, 7);
        append.duplicate(1, 2);

        assertThatThrownBy(() -> seal.seal(append, 7, 2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sealed 2 txs but reported 1 stored");
        assertThatThrownBy(() -> seal.seal(append, 6, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reported seq 7");
        seal.seal(append, 7, 1);
        AdmissionReceipt receipt = seal.take().receipt(7, tx(1).hash().toBytes());
        assertThat(receipt.group().term()).isEqualTo(3);
        assertThat(receipt.group().deadlineMs()).isEqualTo(15);
        assertThat(receipt.verify(signer.publicKey()).isValid()).isTrue();
        assertThat(seal.take()).as("taken once").isNull();
    }

    @Test
    void inclusionProof_isEmptyUntilTheTxIsBatched_thenProvesItsBatchAndLink() {
        Sequencer sequencer = leader(60_000);
        sequencer.submitAll(EngineFixture.txs(1, 11)); // batch 1: 10 txs, a COUNT cut
        accepted(sequencer.submit(tx(11)));
        assertThat(sequencer.inclusionProof(tx(11).hash())).as("pending").isEmpty();
        assertThat(sequencer.inclusionProof(tx(99).hash())).as("never admitted").isEmpty();
        sequencer.doWork(f.now());
        f.advanceMs(100); // the age cut of batch 2
        sequencer.doWork(f.now());

        InclusionProof first = sequencer.inclusionProof(tx(3).hash()).orElseThrow();
        InclusionProof second = sequencer.inclusionProof(tx(11).hash()).orElseThrow();

        assertThat(first.batchNumber()).isEqualTo(1);
        assertThat(first.txIndex()).isEqualTo(2);
        assertThat(first.verify(signer.publicKey())).isEqualTo(ProofVerification.VALID);
        assertThat(second.batchNumber()).isEqualTo(2);
        assertThat(second.prevBatchHash()).isEqualTo(first.batchHash());
        assertThat(second.verify(signer.publicKey())).isEqualTo(ProofVerification.VALID);
        assertThat(second.txHash()).isEqualTo(tx(11).hash().toBytes());
    }

    @Test
    void inclusionProof_ofABatchThatDoesNotHoldTheTxItsRangeCovers_isAStorageError() {
        Sequencer sequencer = leader(60_000);
        sequencer.submitAll(EngineFixture.txs(1, 11));
        sequencer.doWork(f.now());
        // a store that answers another tx's seq for tx 3: its batch covers that seq but holds another tx there
        ForwardingStorage lying = new ForwardingStorage(f.memory) {
            @Override
            public Optional<StoredTx> findTx(byte[] txHash) {
                return delegate().findTx(txHash).map(t -> new StoredTx(t.seq() + 1, t.txHash(), t.canonicalTx(),
                        t.admittedMs()));
            }
        };
        Sequencer reader = f.builder(EngineFixture.config().role(Role.FOLLOWER).build(), lying, f.l1).build();
        reader.start();

        assertThatThrownBy(() -> reader.inclusionProof(tx(3).hash())).isInstanceOf(StorageException.class)
                .hasMessageContaining("stored batch 1 covers seq 4 of tx " + tx(3).hash().toHex())
                .hasMessageContaining("but holds tx " + tx(4).hash().toHex());
    }

    private static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** Counts signatures; fails the next one when asked. */
    private static final class CountingSigner implements EnvelopeSigner {
        final AtomicInteger signatures = new AtomicInteger();
        final AtomicBoolean failNext = new AtomicBoolean();
        private final Ed25519Signer delegate;

        CountingSigner(Ed25519Signer delegate) {
            this.delegate = delegate;
        }

        @Override
        public byte[] publicKey() {
            return delegate.publicKey();
        }

        @Override
        public byte[] sign(byte[] message, int offset, int length) {
            if (failNext.getAndSet(false)) {
                throw new IllegalStateException("the signing service is down");
            }
            signatures.incrementAndGet();
            return delegate.sign(message, offset, length);
        }
    }
}
