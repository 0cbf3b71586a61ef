package org.ippan.l2.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import org.ippan.l2.storage.Appended;
import org.ippan.l2.storage.Fenced;
import org.ippan.l2.storage.StorageException;
import org.ippan.l2.storage.StoredTx;
import org.ippan.l2.storage.TxAppend;
import org.ippan.l2.storage.memory.InMemoryStorage.WriteFault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tests what {@link InMemoryStorage}'s hash index of txs could get wrong, beyond the storage contract: growing it
 * many times, hashes that share their first bytes, hashes that collide in its probe (built from its
 * {@link InMemoryStorage#indexHash}, which is why this test sits in its package), lookups of absent hashes, and
 * duplicates within a call that grows it. Every append is checked against a model of the store (a list in seq
 * order and a map by hash). Randomness is seeded.
 */
class InMemoryStorageTxIndexTest {

    private static final long TERM = 1;
    /** The probe bits the colliding hashes share: they collide in every index of up to 2^16 slots. */
    private static final int COLLIDING_BITS = 0xFFFF;

    private InMemoryStorage storage;
    private final SplittableRandom random = new SplittableRandom(20_261_124);
    private long nextAdmittedMs = 1_000;

    // the model: the stored txs in seq order (index seq - 1) and their seqs by hash
    private final List<StoredTx> stored = new ArrayList<>();
    private final Map<ByteBuffer, Long> seqByHash = new HashMap<>();

    @BeforeEach
    void setUp() {
        storage = new InMemoryStorage();
        storage.claimTerm(TERM, "leader", 0);
    }

    @AfterEach
    void tearDown() {
        storage.close();
    }

    @Test
    void manyTxs_acrossSeveralIndexResizes_areAllFoundBySeqAndHash() {
        // 40,000 txs in groups of 1 .. 1500: the index grows from 32 slots to 131,072, 12 times
        while (stored.size() < 40_000) {
            List<byte[]> group = randomHashes(1 + random.nextInt(1500));
            appendAndCheck(group);
            assertFound(group.get(0));
            assertFound(group.get(group.size() - 1));
            assertAbsent(randomHashes(3));
        }

        assertAllFound();
        assertAbsent(randomHashes(2_000));
    }

    @Test
    void structuredHashes_sharingTheirFirstBytes_areToldApartByTheRest() {
        List<byte[]> hashes = new ArrayList<>();
        List<byte[]> absent = new ArrayList<>();
        for (int n = 0; n < 6_000; n++) {
            // three families, each with equal bytes but for a counter: zeros then the counter in the last 8 bytes;
            // equal first 8 bytes then the counter; a marker byte, zeros, the counter in the last 2 bytes. Even
            // counters are stored, odd ones are looked up absent.
            List<byte[]> family = n % 2 == 0 ? hashes : absent;
            family.add(ByteBuffer.allocate(32).putLong(24, n).array());
            family.add(ByteBuffer.allocate(32).putLong(0x0102030405060708L).putLong(n).array());
            family.add(ByteBuffer.allocate(32).put(0, (byte) 0x55).putShort(30, (short) n).array());
        }
        for (int from = 0; from < hashes.size(); from += 700) {
            appendAndCheck(hashes.subList(from, Math.min(hashes.size(), from + 700)));
        }

        assertThat(stored).hasSize(hashes.size());
        assertAllFound();
        assertAbsent(absent);
    }

    @Test
    void hashesCollidingInTheProbe_areToldApartByContent() {
        List<byte[]> colliding = collidingHashes(120);
        List<byte[]> appended = colliding.subList(0, 60);
        List<byte[]> absent = colliding.subList(60, 120);

        // the colliding hashes go in a few at a time, between groups of other txs that grow the index past the
        // colliding bits (2^16 slots), so that the cluster is rebuilt several times
        for (int from = 0; from < appended.size(); from += 6) {
            List<byte[]> group = new ArrayList<>(randomHashes(4_000));
            group.addAll(random.nextInt(group.size()), appended.subList(from, from + 6));
            appendAndCheck(group);
            for (byte[] hash : appended.subList(0, from + 6)) {
                assertFound(hash);
            }
            assertAbsent(absent);
        }
        assertAllFound();

        // resent, they are duplicates with the seqs they got, also within the call
        List<byte[]> resent = new ArrayList<>(appended);
        resent.addAll(absent.subList(0, 10));
        resent.addAll(absent.subList(0, 10));
        resent.addAll(appended);
        appendAndCheck(resent);
        assertAllFound();
        assertAbsent(absent.subList(10, absent.size()));
    }

    @Test
    void duplicatesWithinACallThatGrowsTheIndex_reportTheSeqOfTheFirstOccurrence() {
        // 16 txs fill the first index (32 slots) to its limit; the next call must grow it
        List<byte[]> first = randomHashes(16);
        appendAndCheck(first);
        List<byte[]> colliding = collidingHashes(8);
        List<byte[]> fresh = randomHashes(60);

        List<byte[]> call = new ArrayList<>();
        for (int i = 0; i < fresh.size(); i++) {
            call.add(fresh.get(i));
            call.add(fresh.get(i / 2)); // each fresh tx again, some in the same call twice or more
            call.add(first.get(i % first.size())); // a stored tx
            if (i < colliding.size()) {
                call.add(colliding.get(i));
                call.add(colliding.get(i / 2));
            }
        }
        TxAppend append = appendAndCheck(call);

        assertThat(append.seq(1)).as("fresh[0] repeated at once").isEqualTo(17);
        assertThat(append.isDuplicate(1)).isTrue();
        assertThat(stored).hasSize(16 + 60 + 8);
        assertAllFound();
    }

    @Test
    void randomMixOfNewStoredRepeatedAndCollidingTxs_matchesTheModel() {
        List<byte[]> colliding = collidingHashes(40);
        for (int call = 0; call < 250; call++) {
            int size = random.nextInt(400);
            List<byte[]> txs = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                int pick = random.nextInt(100);
                if (pick >= 85) {
                    txs.add(colliding.get(random.nextInt(colliding.size())));
                } else if (pick >= 70 && !txs.isEmpty()) {
                    txs.add(txs.get(random.nextInt(txs.size()))); // again in the same call
                } else if (pick >= 50 && !stored.isEmpty()) {
                    txs.add(stored.get(random.nextInt(stored.size())).txHash());
                } else {
                    txs.add(randomHashes(1).get(0));
                }
            }
            appendAndCheck(txs);
            if (call % 25 == 0) {
                assertReadsAgreeWithTheModel();
                assertAbsent(randomHashes(20));
            }
        }
        assertAllFound();
        for (byte[] hash : colliding) {
            if (!seqByHash.containsKey(ByteBuffer.wrap(hash))) {
                assertAbsent(List.of(hash));
            }
        }
    }

    @Test
    void refusedAndFailedAppends_thatWouldGrowTheIndex_changeNothing() {
        appendAndCheck(randomHashes(10));
        List<byte[]> hashes = randomHashes(1_000);

        assertThat(storage.appendTxs(TERM + 1, appendOf(hashes))).isEqualTo(new Fenced(TERM));
        storage.failNextWrites(1);
        assertThatThrownBy(() -> storage.appendTxs(TERM, appendOf(hashes))).isInstanceOf(StorageException.class);
        assertAbsent(hashes);
        assertAllFound();
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(11);

        storage.injectWriteFaults(WriteFault.APPLY_THEN_FAIL, 1);
        assertThatThrownBy(() -> storage.appendTxs(TERM, appendOf(hashes))).isInstanceOf(StorageException.class);
        for (int i = 0; i < hashes.size(); i++) {
            assertThat(storage.findTx(hashes.get(i)).orElseThrow().seq()).isEqualTo(11 + i);
        }
        TxAppend resent = appendOf(hashes);
        assertThat(storage.appendTxs(TERM, resent)).isInstanceOf(Appended.class);
        for (int i = 0; i < hashes.size(); i++) {
            assertThat(resent.isDuplicate(i)).isTrue();
            assertThat(resent.seq(i)).isEqualTo(11 + i);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /**
     * Appends txs with these hashes (each with a fresh encoding and admission time), checks every result against
     * the model, which it updates, and checks the next seq.
     */
    private TxAppend appendAndCheck(List<byte[]> hashes) {
        TxAppend append = appendOf(hashes);
        assertThat(storage.appendTxs(TERM, append)).isEqualTo(new Appended());
        for (int i = 0; i < append.size(); i++) {
            ByteBuffer key = ByteBuffer.wrap(append.txHash(i));
            Long seq = seqByHash.get(key);
            if (seq == null) {
                StoredTx tx = new StoredTx(stored.size() + 1, append.txHash(i), append.canonicalTx(i),
                        append.admittedMs(i));
                stored.add(tx);
                seqByHash.put(key, tx.seq());
                assertThat(append.isDuplicate(i)).as("tx %d of the call is new", i).isFalse();
                assertThat(append.seq(i)).as("seq of tx %d of the call", i).isEqualTo(tx.seq());
            } else {
                assertThat(append.isDuplicate(i)).as("tx %d of the call is a duplicate", i).isTrue();
                assertThat(append.seq(i)).as("seq of duplicate tx %d of the call", i).isEqualTo(seq);
            }
        }
        assertThat(storage.readSequenceState().nextSeq()).isEqualTo(stored.size() + 1L);
        return append;
    }

    private TxAppend appendOf(List<byte[]> hashes) {
        TxAppend append = new TxAppend();
        for (byte[] hash : hashes) {
            long admittedMs = nextAdmittedMs++;
            append.add(hash, ByteBuffer.allocate(12).putLong(admittedMs).putInt(hash[31]).array(), admittedMs);
        }
        return append;
    }

    /** Checks that the tx with this hash is found, as the model has it, sharing the arrays handed over. */
    private void assertFound(byte[] hash) {
        Long seq = seqByHash.get(ByteBuffer.wrap(hash));
        assertThat(seq).as("the model has the tx").isNotNull();
        StoredTx expected = stored.get((int) (seq - 1));
        // a copy of the hash, so that the lookup compares by content
        StoredTx found = storage.findTx(hash.clone()).orElseThrow();
        assertThat(found).isEqualTo(expected);
        assertThat(found.txHash()).isSameAs(expected.txHash());
        assertThat(found.canonicalTx()).isSameAs(expected.canonicalTx());
    }

    private void assertAbsent(List<byte[]> hashes) {
        for (byte[] hash : hashes) {
            assertThat(seqByHash).as("the model lacks the tx").doesNotContainKey(ByteBuffer.wrap(hash));
            assertThat(storage.findTx(hash)).isEqualTo(Optional.empty());
        }
    }

    /** Checks that every stored tx is found by hash and that reading all of them gives the model. */
    private void assertAllFound() {
        for (StoredTx tx : stored) {
            assertFound(tx.txHash());
        }
        List<StoredTx> read = storage.readTxs(1, Integer.MAX_VALUE);
        assertThat(read).isEqualTo(stored);
        for (int i = 0; i < read.size(); i++) {
            assertThat(read.get(i).txHash()).isSameAs(stored.get(i).txHash());
            assertThat(read.get(i).canonicalTx()).isSameAs(stored.get(i).canonicalTx());
        }
    }

    /** Checks some random ranges of {@code readTxs}, including ones that run past the end or start there. */
    private void assertReadsAgreeWithTheModel() {
        for (int i = 0; i < 10; i++) {
            int from = 1 + random.nextInt(stored.size() + 2);
            int maxCount = 1 + random.nextInt(300);
            List<StoredTx> expected = from > stored.size()
                    ? List.of()
                    : stored.subList(from - 1, Math.min(stored.size(), from - 1 + maxCount));
            assertThat(storage.readTxs(from, maxCount)).as("readTxs(%d, %d)", from, maxCount).isEqualTo(expected);
        }
    }

    private List<byte[]> randomHashes(int count) {
        List<byte[]> hashes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] hash = new byte[32];
            random.nextBytes(hash);
            hashes.add(hash);
        }
        return hashes;
    }

    /**
     * Distinct hashes whose {@link InMemoryStorage#indexHash} agree in their low 16 bits, so they start probing at
     * the same slot of every index up to 2^16 slots: random hashes varied in their last 8 bytes until enough hit
     * the first one's bits (about 2^16 tries each).
     */
    private List<byte[]> collidingHashes(int count) {
        byte[] base = randomHashes(1).get(0);
        int target = InMemoryStorage.indexHash(base) & COLLIDING_BITS;
        List<byte[]> hashes = new ArrayList<>(List.of(base));
        ByteBuffer candidate = ByteBuffer.wrap(base.clone());
        for (long n = 1; hashes.size() < count; n++) {
            candidate.putLong(24, n);
            if ((InMemoryStorage.indexHash(candidate.array()) & COLLIDING_BITS) == target) {
                hashes.add(candidate.array().clone());
            }
        }
        for (byte[] hash : hashes) {
            assertThat(InMemoryStorage.indexHash(hash) & COLLIDING_BITS).isEqualTo(target);
        }
        assertThat(hashes.stream().map(ByteBuffer::wrap).distinct()).hasSize(count);
        assertThat(Arrays.equals(hashes.get(0), hashes.get(1))).isFalse();
        return hashes;
    }
}
