package org.ippan.l2.lease.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.ippan.l2.lease.LeaseArguments;
import org.ippan.l2.lease.etcd.EtcdUrlException.Problem;
import org.junit.jupiter.api.Test;

/** The configuration's defaults and checks, and the token and time-to-live arithmetic of the store. */
class EtcdLeaseConfigTest {

    private static EtcdLeaseConfig.Builder valid() {
        return EtcdLeaseConfig.builder().url("etcd://127.0.0.1:2379").leaseName("sequencer");
    }

    @Test
    void defaults() {
        EtcdLeaseConfig config = valid().build();

        assertThat(config.endpoints()).containsExactly(new EtcdEndpoint("127.0.0.1", 2379));
        assertThat(config.key()).isEqualTo("/ippan-l2/lease/sequencer");
        assertThat(config.connectTimeoutMs()).isEqualTo(EtcdLeaseConfig.DEFAULT_CONNECT_TIMEOUT_MS);
        assertThat(config.requestTimeoutMs()).isEqualTo(EtcdLeaseConfig.DEFAULT_REQUEST_TIMEOUT_MS);
        assertThat(config.toString()).contains("127.0.0.1:2379").contains("/ippan-l2/lease/sequencer");
    }

    @Test
    void theKey_isThePrefixThenTheName() {
        assertThat(valid().keyPrefix("/chain-7/").leaseName("leader").build().key()).isEqualTo("/chain-7/leader");
    }

    @Test
    void aMissingOrBadUrl_isRefused() {
        assertThatThrownBy(() -> EtcdLeaseConfig.builder().leaseName("x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url");
        assertThatThrownBy(() -> valid().url("etcd://a").build())
                .isInstanceOfSatisfying(EtcdUrlException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.MISSING_PORT));
        assertThatThrownBy(() -> EtcdLeaseStore.open("postgres://x:1", "x"))
                .isInstanceOfSatisfying(EtcdUrlException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.NOT_ETCD_SCHEME));
    }

    @Test
    void aMissingOrBadLeaseName_isRefused_namingIt() {
        assertThatThrownBy(() -> EtcdLeaseConfig.builder().url("etcd://a:1").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseName");
        assertThatThrownBy(() -> valid().leaseName("").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseName");
        assertThatThrownBy(() -> valid().leaseName("x".repeat(LeaseArguments.MAX_LEASE_NAME_CHARS + 1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseName");
    }

    @Test
    void aBadKeyPrefix_isRefused_namingIt() {
        assertThatThrownBy(() -> valid().keyPrefix("").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> valid().keyPrefix("/a\u0000/").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> valid().keyPrefix(null).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("keyPrefix");
    }

    @Test
    void timeouts_areBounded_andAConnectMustFitInARequest() {
        assertThatThrownBy(() -> valid().requestTimeoutMs(1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeoutMs");
        assertThatThrownBy(() -> valid().requestTimeoutMs(EtcdLeaseConfig.MAX_TIMEOUT_MS + 1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeoutMs");
        assertThatThrownBy(() -> valid().connectTimeoutMs(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeoutMs");
        assertThatThrownBy(() -> valid().connectTimeoutMs(1_000).requestTimeoutMs(1_000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeoutMs");
        assertThat(valid().connectTimeoutMs(999).requestTimeoutMs(1_000).build().connectTimeoutMs()).isEqualTo(999);
    }

    @Test
    void ttl_isRoundedUpToWholeSeconds() {
        assertThat(EtcdLeaseStore.ttlSeconds(LeaseArguments.MIN_TTL_MS)).isEqualTo(1);
        assertThat(EtcdLeaseStore.ttlSeconds(999)).isEqualTo(1);
        assertThat(EtcdLeaseStore.ttlSeconds(1_000)).isEqualTo(1);
        assertThat(EtcdLeaseStore.ttlSeconds(1_001)).isEqualTo(2);
        assertThat(EtcdLeaseStore.ttlSeconds(2_000)).isEqualTo(2);
        assertThat(EtcdLeaseStore.ttlSeconds(2_001)).isEqualTo(3);
        assertThat(EtcdLeaseStore.ttlSeconds(LeaseArguments.MAX_TTL_MS)).isEqualTo(86_400);
    }

    @Test
    void tokens_areTheLeaseIdInLowercaseHex_andOnlyThoseAreRead() {
        assertThat(EtcdLeaseStore.token(7668682643215170566L)).isEqualTo("6a6ca23bcc0b3c06");
        assertThat(EtcdLeaseStore.leaseId("6a6ca23bcc0b3c06")).isEqualTo(7668682643215170566L);
        assertThat(EtcdLeaseStore.leaseId(EtcdLeaseStore.token(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
        assertThat(EtcdLeaseStore.leaseId("mem-1")).isEqualTo(-1);
        assertThat(EtcdLeaseStore.leaseId("6A6C")).isEqualTo(-1);
        assertThat(EtcdLeaseStore.leaseId("0")).isEqualTo(-1);
        assertThat(EtcdLeaseStore.leaseId("8000000000000000")).as("negative as int64").isEqualTo(-1);
        assertThat(EtcdLeaseStore.leaseId("1".repeat(17))).isEqualTo(-1);
    }
}
