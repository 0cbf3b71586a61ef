package org.ippan.l2.lease.etcd;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;

/**
 * The etcd the tests use: {@code L2_TEST_ETCD_URL} (default {@value #DEFAULT_URL}; {@code scripts/etcd-dev.sh}
 * starts one there). Tests that need it are skipped, with a printed line, when it does not answer, unless
 * {@code L2_REQUIRE_ETCD=1} (environment or system property), as in CI, where they fail instead.
 */
final class LocalEtcd {

    static final String DEFAULT_URL = "etcd://127.0.0.1:2379";
    static final String URL = System.getenv().getOrDefault("L2_TEST_ETCD_URL", DEFAULT_URL);

    private static final AtomicBoolean TOLD = new AtomicBoolean();
    private static Boolean reachable;

    private LocalEtcd() {
    }

    /** Skips (or, with {@code L2_REQUIRE_ETCD=1}, fails) the calling test when etcd does not answer. */
    static void assumeReachable() {
        if (isReachable()) {
            return;
        }
        String why = "etcd not reachable at " + URL + " (start one with scripts/etcd-dev.sh)";
        if (required()) {
            fail(why + ", and L2_REQUIRE_ETCD=1 requires the etcd tests to run");
        }
        if (TOLD.compareAndSet(false, true)) {
            System.out.println("[l2-lease-etcd] " + why + ": the etcd tests are SKIPPED");
        }
        Assumptions.assumeTrue(false, why + ": etcd tests skipped");
    }

    static boolean required() {
        String value = System.getProperty("L2_REQUIRE_ETCD", System.getenv("L2_REQUIRE_ETCD"));
        return "1".equals(value) || "true".equalsIgnoreCase(value);
    }

    /** A store on the test etcd with short timeouts. */
    static EtcdLeaseStore open(String leaseName) {
        return EtcdLeaseStore.open(config(URL, leaseName));
    }

    static EtcdLeaseConfig config(String url, String leaseName) {
        return EtcdLeaseConfig.builder().url(url).leaseName(leaseName).keyPrefix("/ippan-l2-test/lease/")
                .connectTimeoutMs(300).requestTimeoutMs(1_500).build();
    }

    /** The first endpoint's gateway base, for tests that talk to etcd behind the store's back. */
    static URI baseUri() {
        return EtcdEndpoint.parseUrl(URL).get(0).baseUri();
    }

    /** POSTs a raw JSON body to the test etcd's gateway and returns the answer's body. */
    static String post(String path, String json) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(baseUri().resolve(path))
                .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    private static synchronized boolean isReachable() {
        if (reachable == null) {
            try {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(1)).build();
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(baseUri().resolve("/health"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                reachable = health.statusCode() == 200 && health.body().contains("true");
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                reachable = false;
            }
        }
        return reachable;
    }
}
