package org.ippan.l2.node;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.l1.http.HttpL1Config;
import org.ippan.l2.l1.http.HttpL1Poster;
import org.ippan.l2.node.devnet.DevnetL1Server;

/**
 * Run as its own JVM by {@link AsyncCompletionThreadsTest}: optionally prepares the JVM as {@link L2Node#main} does
 * (argument {@code node-main}), then makes {@code HttpL1Poster} calls to a devnet L1 on loopback and prints, one per
 * line, the name of the thread each call's future completed on.
 */
final class AsyncCompletionProbe {
    static final int CALLS = 20;

    private AsyncCompletionProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("node-main")) {
            L2Node.useCommonPoolForAsyncCompletions();
        }
        try (DevnetL1Server devnet = DevnetL1Server.start(new InetSocketAddress("127.0.0.1", 0), 3_600_000, 1);
                HttpL1Poster poster = new HttpL1Poster(HttpL1Config.builder().baseUrl(devnet.baseUrl())
                        .chainStatusEndpoint(DevnetL1Server.PATH_STATUS)
                        .submitBatchEndpoint(DevnetL1Server.PATH_SUBMIT)
                        .getInclusionEndpoint(DevnetL1Server.PATH_INCLUSION)
                        .getFinalityEndpoint(DevnetL1Server.PATH_FINALITY)
                        .timeoutMs(5_000).build())) {
            List<String> threads = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                // registered before the answer can arrive, so it runs on the thread that completes the call
                CompletableFuture<String> thread = poster.chainStatus()
                        .handle((status, failure) -> Thread.currentThread().getName());
                threads.add(thread.get(10, TimeUnit.SECONDS));
            }
            threads.forEach(name -> System.out.println("completed-on: " + name));
        }
    }
}
