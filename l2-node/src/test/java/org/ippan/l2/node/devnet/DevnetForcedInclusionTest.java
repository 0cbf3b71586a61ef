package org.ippan.l2.node.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.contract.Hub;
import org.ippan.l2.core.contract.L2BatchEnvelopeV1;
import org.ippan.l2.core.envelope.BatchEnvelope;
import org.ippan.l2.core.envelope.BatchPayload;
import org.ippan.l2.core.wire.Batch;
import org.ippan.l2.core.wire.Hash;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.ForcedInboxEntry;
import org.ippan.l2.l1.ForcedInboxPage;
import org.ippan.l2.l1.L1PermanentException;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.SubmitResult;
import org.ippan.l2.l1.http.HttpL1Config;
import org.ippan.l2.l1.http.HttpL1Poster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The devnet L1's forced-inclusion inbox and its L1-contract rule, through the HTTP L1 client with the node's devnet
 * endpoints: recording, validation, duplicates, paging, and the refusal of a batch that leaves an overdue forced tx
 * out (accepted once the batch includes it). Blocks are mined by hand.
 */
class DevnetForcedInclusionTest {
    private static final long CHAIN = 7;
    private static final int WINDOW = 3;

    private DevnetL1Server devnet;
    private HttpL1Poster l1;

    @BeforeEach
    void start() throws Exception {
        devnet = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 3_600_000, 2)
                .forceInclusionBlocks(WINDOW).forcedMaxTxSize(64);
        l1 = new HttpL1Poster(HttpL1Config.builder().baseUrl(devnet.baseUrl())
                .chainStatusEndpoint(DevnetL1Server.PATH_STATUS).submitBatchEndpoint(DevnetL1Server.PATH_SUBMIT)
                .getInclusionEndpoint(DevnetL1Server.PATH_INCLUSION).getFinalityEndpoint(DevnetL1Server.PATH_FINALITY)
                .forcedSubmitEndpoint(DevnetL1Server.PATH_FORCED_SUBMIT)
                .forcedInboxEndpoint(DevnetL1Server.PATH_FORCED_INBOX).forcedChainId(CHAIN).build());
    }

    @AfterEach
    void stop() {
        l1.close();
        devnet.close();
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        return assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .actual().getCause();
    }

    private static Tx tx(long nonce, String from) {
        return new Tx(CHAIN, nonce, from, ("p" + nonce).getBytes(StandardCharsets.UTF_8));
    }

    /** Posts batch {@code number} holding {@code txs} (unsigned) through the client. */
    private SubmitResult postBatch(long number, Hash prev, List<Tx> txs) throws Exception {
        Batch batch = new Batch(CHAIN, number, txs, 1_000 + number);
        BatchEnvelope envelope = BatchEnvelope.unsigned(BatchPayload.of(batch, prev));
        L2BatchEnvelopeV1.Request request = L2BatchEnvelopeV1.requestForBatch(batch, envelope, Hub.Fin, 0);
        return await(l1.submit(new L1Submission(request.idempotencyKey(), number, batch.hash().toHex(),
                request.body())));
    }

    @Test
    void inbox_recordsValidTxsAtTheHeight_answersDuplicatesWithTheirEntry_andPages() throws Exception {
        assertThat(l1.supportsForcedInbox()).isTrue();
        devnet.chain().mineBlocks(4);
        ForcedInboxEntry first = await(l1.submitForced(tx(1, "mallory").encode()));
        devnet.chain().mineBlock();
        ForcedInboxEntry second = await(l1.submitForced(tx(2, "mallory").encode()));

        assertThat(first.index()).isZero();
        assertThat(first.l1Height()).isEqualTo(4);
        assertThat(first.txHash()).isEqualTo(tx(1, "mallory").hash().toBytes());
        assertThat(second.index()).isEqualTo(1);
        assertThat(second.l1Height()).isEqualTo(5);
        assertThat(await(l1.submitForced(tx(1, "mallory").encode()))).isEqualTo(first);
        ForcedInboxPage page = await(l1.readForcedInbox(0, 10));
        assertThat(page.entries()).containsExactly(first, second);
        assertThat(page.l1Height()).isEqualTo(5);
        assertThat(await(l1.readForcedInbox(1, 1)).entries()).containsExactly(second);
        assertThat(await(l1.readForcedInbox(2, 5)).entries()).isEmpty();
    }

    @Test
    void inbox_refusesWhatTheSequencerCouldNotAdmit_withATypedError() {
        Tx otherChain = new Tx(CHAIN + 1, 1, "a", new byte[] {1});
        assertThat(failureOf(l1.submitForced(otherChain.encode()))).isInstanceOf(L1PermanentException.class)
                .hasMessageContaining("invalid_forced_tx").hasMessageContaining("CHAIN_ID_MISMATCH");
        Tx tooBig = new Tx(CHAIN, 1, "a", new byte[65]);
        assertThat(failureOf(l1.submitForced(tooBig.encode()))).isInstanceOf(L1PermanentException.class)
                .hasMessageContaining("TX_TOO_LARGE");
        assertThat(failureOf(l1.submitForced(new byte[] {1, 0, 9}))).isInstanceOf(L1PermanentException.class)
                .hasMessageContaining("not a v1 tx");
        assertThat(devnet.dueForcedEntries(CHAIN)).isEmpty();
    }

    @Test
    void batch_leavingAnOverdueForcedTxOut_isRefused_andAcceptedOnceItIsIncluded() throws Exception {
        Tx normal = tx(10, "alice");
        Tx forced = tx(11, "mallory");
        ForcedInboxEntry entry = await(l1.submitForced(forced.encode()));
        devnet.chain().mineBlocks(WINDOW); // height = inbox height + window: still within it

        assertThat(postBatch(1, Hash.ZERO, List.of(normal))).isInstanceOf(SubmitResult.Accepted.class);
        devnet.chain().mineBlock(); // past the window
        SubmitResult refused = postBatch(2, new Batch(CHAIN, 1, List.of(normal), 1_001).hash(),
                List.of(tx(12, "alice")));

        assertThat(refused).isInstanceOf(SubmitResult.Rejected.class);
        SubmitResult.Rejected rejected = (SubmitResult.Rejected) refused;
        assertThat(rejected.errorCode()).isEqualTo(DevnetL1Server.FORCED_INCLUSION_OVERDUE);
        assertThat(rejected.message()).contains(entry.txHashHex()).contains("recorded at L1 height 0");
        assertThat(devnet.dueForcedEntries(CHAIN)).containsExactly(entry);

        Hash prev = new Batch(CHAIN, 1, List.of(normal), 1_001).hash();
        assertThat(postBatch(2, prev, List.of(tx(12, "alice"), forced))).isInstanceOf(SubmitResult.Accepted.class);
        assertThat(devnet.dueForcedEntries(CHAIN)).isEmpty();
        Hash prev3 = new Batch(CHAIN, 2, List.of(tx(12, "alice"), forced), 1_002).hash();
        devnet.chain().mineBlocks(5);
        assertThat(postBatch(3, prev3, List.of(tx(13, "alice")))).isInstanceOf(SubmitResult.Accepted.class);
    }

    @Test
    void forcedTxAlreadyInAnAcceptedBatch_isNotDue_andReplaysOfAcceptedBatchesStayAccepted() throws Exception {
        Tx first = tx(1, "bob");
        await(l1.submitForced(tx(99, "carol").encode())); // the chain's inbox is in use from here on
        SubmitResult accepted = postBatch(1, Hash.ZERO, List.of(first, tx(99, "carol")));
        assertThat(accepted).isInstanceOf(SubmitResult.Accepted.class);
        await(l1.submitForced(first.encode()));
        devnet.chain().mineBlocks(WINDOW + 2);

        assertThat(devnet.dueForcedEntries(CHAIN)).isEmpty();
        SubmitResult replay = postBatch(1, Hash.ZERO, List.of(first, tx(99, "carol")));
        assertThat(replay).isEqualTo(new SubmitResult.Accepted(((SubmitResult.Accepted) accepted).l1TxId(), true));
        Hash prev = new Batch(CHAIN, 1, List.of(first, tx(99, "carol")), 1_001).hash();
        assertThat(postBatch(2, prev, List.of(tx(2, "bob")))).isInstanceOf(SubmitResult.Accepted.class);
    }

    @Test
    void otherChains_areNotHeldToThisChainsInbox() throws Exception {
        await(l1.submitForced(tx(1, "mallory").encode()));
        devnet.chain().mineBlocks(WINDOW + 5);
        Batch batch = new Batch(CHAIN + 1, 1, List.of(new Tx(CHAIN + 1, 1, "x", new byte[] {1})), 5);
        BatchEnvelope envelope = BatchEnvelope.unsigned(BatchPayload.of(batch, Hash.ZERO));
        L2BatchEnvelopeV1.Request request = L2BatchEnvelopeV1.requestForBatch(batch, envelope, Hub.Fin, 0);

        assertThat(await(l1.submit(new L1Submission(request.idempotencyKey(), 1, batch.hash().toHex(),
                request.body())))).isInstanceOf(SubmitResult.Accepted.class);
    }
}
