package org.ippan.l2.l1.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.ForcedInboxPage;
import org.ippan.l2.l1.L1PermanentException;
import org.ippan.l2.l1.L1TransientException;
import org.ippan.l2.l1.memory.SimulatedL1.Call;
import org.ippan.l2.l1.memory.SimulatedL1.Failure;
import org.junit.jupiter.api.Test;

/** The forced-inclusion inbox of {@link SimulatedL1}: recording, heights, paging, duplicates, refusals, faults. */
class SimulatedL1InboxTest {

    /** A stand-in for the L2's tx check (the port knows no tx format): refuses txs starting with 0xFF. */
    static byte[] sha256(byte[] tx) {
        if (tx[0] == (byte) 0xFF) {
            throw new IllegalArgumentException("tx starts with 0xff");
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(tx);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private final SimulatedL1 chain = SimulatedL1.builder().forcedInbox(SimulatedL1InboxTest::sha256).build();

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        return assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .actual().getCause();
    }

    @Test
    void submitForced_recordsAtTheCurrentHeightInOrder_andReadPagesWithTheHeight() throws Exception {
        assertThat(chain.supportsForcedInbox()).isTrue();
        ForcedInboxEntry first = await(chain.submitForced(new byte[] {1}));
        chain.mineBlocks(3);
        ForcedInboxEntry second = await(chain.submitForced(new byte[] {2}));
        ForcedInboxEntry third = await(chain.submitForced(new byte[] {3}));
        chain.mineBlock();

        assertThat(first).isEqualTo(new ForcedInboxEntry(0, 0, sha256(new byte[] {1}), new byte[] {1}));
        assertThat(second.index()).isEqualTo(1);
        assertThat(second.l1Height()).isEqualTo(3);
        assertThat(third.index()).isEqualTo(2);
        ForcedInboxPage page = await(chain.readForcedInbox(1, 5));
        assertThat(page.entries()).containsExactly(second, third);
        assertThat(page.l1Height()).isEqualTo(4);
        assertThat(page.nextIndex(1)).isEqualTo(3);
        assertThat(await(chain.readForcedInbox(0, 2)).entries()).containsExactly(first, second);
        ForcedInboxPage past = await(chain.readForcedInbox(7, 5));
        assertThat(past.entries()).isEmpty();
        assertThat(past.nextIndex(7)).isEqualTo(7);
    }

    @Test
    void submitForced_sameTxAgain_answersTheExistingEntryAndRecordsNothing() throws Exception {
        ForcedInboxEntry first = await(chain.submitForced(new byte[] {9, 9}));
        chain.mineBlocks(5);

        assertThat(await(chain.submitForced(new byte[] {9, 9}))).isEqualTo(first);
        assertThat(chain.forcedInbox().size()).isEqualTo(1);
    }

    @Test
    void submitForced_txTheCheckRefuses_failsPermanentlyNamingTheProblem() {
        assertThat(failureOf(chain.submitForced(new byte[] {(byte) 0xFF, 1})))
                .isInstanceOf(L1PermanentException.class).hasMessageContaining("tx starts with 0xff");
        assertThat(chain.forcedInbox().size()).isZero();
    }

    @Test
    void withoutInbox_callsFailPermanently() {
        SimulatedL1 plain = SimulatedL1.builder().build();

        assertThat(plain.supportsForcedInbox()).isFalse();
        assertThat(failureOf(plain.submitForced(new byte[] {1}))).isInstanceOf(L1PermanentException.class)
                .hasMessageContaining("no forced-inclusion inbox");
        assertThat(failureOf(plain.readForcedInbox(0, 1))).isInstanceOf(L1PermanentException.class);
    }

    @Test
    void injectedFailure_appliesNothing() throws Exception {
        chain.failNextCalls(Call.SUBMIT_FORCED, 1, Failure.TRANSIENT);
        chain.failNextCalls(Call.READ_FORCED_INBOX, 1, Failure.TRANSIENT);

        assertThat(failureOf(chain.submitForced(new byte[] {1}))).isInstanceOf(L1TransientException.class);
        assertThat(failureOf(chain.readForcedInbox(0, 1))).isInstanceOf(L1TransientException.class);
        assertThat(chain.forcedInbox().size()).isZero();
        assertThat(await(chain.submitForced(new byte[] {1})).index()).isZero();
        assertThat(chain.callCount(Call.SUBMIT_FORCED)).isEqualTo(2);
    }

    @Test
    void invalidArguments_areThrownNamingTheArgument() {
        assertThatThrownBy(() -> chain.submitForced(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("canonicalTx");
        assertThatThrownBy(() -> chain.submitForced(new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("canonicalTx");
        assertThatThrownBy(() -> chain.readForcedInbox(-1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fromIndex");
        assertThatThrownBy(() -> chain.readForcedInbox(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxCount");
    }

    @Test
    void randomSubmissions_pagedInAnySize_readBackEveryEntryOnceInOrder() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        List<ForcedInboxEntry> recorded = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] tx = new byte[1 + random.nextInt(8)];
            random.nextBytes(tx);
            tx[0] = (byte) (tx[0] & 0x7F);
            ForcedInboxEntry entry = await(chain.submitForced(tx));
            if (entry.index() == recorded.size()) {
                recorded.add(entry);
            }
            if (random.nextInt(4) == 0) {
                chain.mineBlock();
            }
        }
        List<ForcedInboxEntry> read = new ArrayList<>();
        long from = 0;
        for (int pages = 0; pages < 1_000; pages++) {
            ForcedInboxPage page = await(chain.readForcedInbox(from, 1 + random.nextInt(17)));
            if (page.entries().isEmpty()) {
                break;
            }
            read.addAll(page.entries());
            from = page.nextIndex(from);
        }
        assertThat(read).as("seed %d", seed).isEqualTo(recorded);
    }

    @Test
    void records_validateTheirComponents() {
        byte[] hash = new byte[32];
        assertThatThrownBy(() -> new ForcedInboxEntry(-1, 0, hash, new byte[] {1}))
                .hasMessageContaining("index");
        assertThatThrownBy(() -> new ForcedInboxEntry(0, -1, hash, new byte[] {1}))
                .hasMessageContaining("l1Height");
        assertThatThrownBy(() -> new ForcedInboxEntry(0, 0, new byte[31], new byte[] {1}))
                .hasMessageContaining("txHash");
        assertThatThrownBy(() -> new ForcedInboxEntry(0, 0, hash, new byte[0]))
                .hasMessageContaining("canonicalTx");
        ForcedInboxEntry a = new ForcedInboxEntry(0, 2, hash, new byte[] {1});
        ForcedInboxEntry c = new ForcedInboxEntry(2, 2, hash, new byte[] {1});
        assertThatThrownBy(() -> new ForcedInboxPage(List.of(a, c), 5)).hasMessageContaining("consecutive");
        assertThatThrownBy(() -> new ForcedInboxPage(List.of(a), 1)).hasMessageContaining("above the page");
        assertThatThrownBy(() -> new ForcedInboxPage(List.of(), -1)).hasMessageContaining("l1Height");
    }
}
