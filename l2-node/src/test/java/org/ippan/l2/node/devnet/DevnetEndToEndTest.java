package org.ippan.l2.node.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.admission.SubmitResult;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.engine.NanoClock;
import org.ippan.l2.core.engine.Sequencer;
import org.ippan.l2.core.engine.SequencerConfig;
import org.ippan.l2.core.engine.SequencerRunner;
import org.ippan.l2.core.engine.SequencerStatus;
import org.ippan.l2.core.wire.Tx;
import org.ippan.l2.l1.http.HttpL1Config;
import org.ippan.l2.l1.http.HttpL1Poster;
import org.ippan.l2.storage.StoredBatch;
import org.ippan.l2.storage.memory.InMemoryStorage;
import org.junit.jupiter.api.Test;

/**
 * The engine posting over real HTTP (loopback) to the devnet L1: every batch is checked by the devnet (key, hashes,
 * signature), applied once, and confirmed. Bounded in time; stops by itself.
 */
class DevnetEndToEndTest {
    @Test
    void sequencer_postsToTheDevnetOverHttp_andEveryBatchIsConfirmedOnce() throws Exception {
        try (DevnetL1Server devnet = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 20, 1,
                DevnetL1Server.Checks.CONTENTS)) {
            HttpL1Config l1Config = HttpL1Config.builder().baseUrl(devnet.baseUrl())
                    .chainStatusEndpoint(DevnetL1Server.PATH_STATUS)
                    .submitBatchEndpoint(DevnetL1Server.PATH_SUBMIT)
                    .getInclusionEndpoint(DevnetL1Server.PATH_INCLUSION)
                    .getFinalityEndpoint(DevnetL1Server.PATH_FINALITY)
                    .timeoutMs(5_000).build();
            InMemoryStorage storage = new InMemoryStorage();
            byte[] seed = new byte[32];
            Arrays.fill(seed, (byte) 3);
            SequencerConfig config = SequencerConfig.builder().batchLimits(new BatchLimits(50, 1 << 20, 20))
                    .finalityConfirmations(2).reconcileIntervalMs(20).build();
            ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
            try (HttpL1Poster l1 = new HttpL1Poster(l1Config);
                    Sequencer sequencer = Sequencer.builder().config(config).storage(storage).l1Poster(l1)
                            .signer(new Ed25519Signer(seed)).build()) {
                sequencer.start();
                SequencerRunner runner = new SequencerRunner(sequencer, executor, NanoClock.SYSTEM, 20);
                List<Tx> txs = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    txs.add(new Tx(1, i, "user-" + (i % 7), ("tx " + i).getBytes(StandardCharsets.UTF_8)));
                }
                for (SubmitResult result : sequencer.submitAll(txs)) {
                    assertThat(result).isInstanceOf(SubmitResult.Accepted.class);
                }
                sequencer.flush();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                SequencerStatus status = sequencer.status();
                while (System.nanoTime() - deadline < 0 && (status.pool().pending() > 0
                        || status.batches().confirmed() < status.batches().lastBatchNumber())) {
                    Thread.sleep(20);
                    status = sequencer.status();
                }
                runner.close();
                assertThat(status.pool().pending()).isZero();
                assertThat(status.batches().lastBatchNumber()).isGreaterThanOrEqualTo(6);
                assertThat(status.batches().confirmed()).isEqualTo(status.batches().lastBatchNumber());
                assertThat(status.readiness().ready()).as(status.readiness().reasons().toString()).isTrue();
                for (StoredBatch batch : storage.listBatches(1, 1_000)) {
                    assertThat(devnet.chain().applyCount(batch.batch().idempotencyKey())).isEqualTo(1);
                }
            } finally {
                executor.shutdownNow();
                executor.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
