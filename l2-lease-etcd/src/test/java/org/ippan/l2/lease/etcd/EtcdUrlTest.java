package org.ippan.l2.lease.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import org.ippan.l2.lease.etcd.EtcdUrlException.Problem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Parsing of {@code etcd://host:port[,host:port...]}, the node's {@code L2_LEASE_URL} form. */
class EtcdUrlTest {

    @Test
    void oneEndpoint() {
        assertThat(EtcdEndpoint.parseUrl("etcd://127.0.0.1:2379")).containsExactly(new EtcdEndpoint("127.0.0.1", 2379));
    }

    @Test
    void severalEndpoints_keepTheirOrder_withNamesAndBracketedIpv6() {
        assertThat(EtcdEndpoint.parseUrl("etcd://etcd-1.internal:2379,[::1]:2380,10.0.0.3:12379"))
                .containsExactly(new EtcdEndpoint("etcd-1.internal", 2379), new EtcdEndpoint("::1", 2380),
                        new EtcdEndpoint("10.0.0.3", 12379));
    }

    @Test
    void theSchemeIgnoresCase() {
        assertThat(EtcdEndpoint.parseUrl("ETCD://Etcd-A:1")).containsExactly(new EtcdEndpoint("Etcd-A", 1));
    }

    @Test
    void anEndpoint_printsAsHostPort_andGivesTheGatewayBase() {
        EtcdEndpoint ipv6 = new EtcdEndpoint("::1", 2379);

        assertThat(ipv6).hasToString("[::1]:2379");
        assertThat(ipv6.baseUri()).isEqualTo(URI.create("http://[::1]:2379"));
        assertThat(new EtcdEndpoint("etcd", 2379).baseUri()).isEqualTo(URI.create("http://etcd:2379"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://127.0.0.1:2379          | NOT_ETCD_SCHEME   |",
        "127.0.0.1:2379                 | NOT_ETCD_SCHEME   |",
        "etcds://127.0.0.1:2379         | NOT_ETCD_SCHEME   |",
        "etcd://                        | NO_ENDPOINT       |",
        "etcd://a:1,,b:2                | EMPTY_ENDPOINT    |",
        "etcd://a:1,                    | EMPTY_ENDPOINT    |",
        "etcd://a:1/v3                  | UNEXPECTED_PART   | a:1/v3",
        "etcd://a:1?x=1                 | UNEXPECTED_PART   | a:1?x=1",
        "etcd://user@a:1                | UNEXPECTED_PART   | user@a:1",
        "etcd://a:1,b                   | MISSING_PORT      | b",
        "etcd://a:                      | BAD_PORT          | a:",
        "etcd://a:0                     | BAD_PORT          | a:0",
        "etcd://a:65536                 | BAD_PORT          | a:65536",
        "etcd://a:12x                   | BAD_PORT          | a:12x",
        "etcd://a:-1                    | BAD_PORT          | a:-1",
        "etcd://:2379                   | BAD_HOST          | :2379",
        "etcd://::1:2379                | BAD_HOST          | ::1:2379",
        "etcd://[::1:2379               | BAD_HOST          | [::1:2379",
        "etcd://[zz::1]:2379            | BAD_HOST          | [zz::1]:2379",
        "etcd://[::1]2379               | BAD_HOST          | [::1]2379",
        "etcd://a b:1                   | BAD_HOST          | a b:1",
        "etcd://-a:1                    | BAD_HOST          | -a:1",
        "etcd://a..b:1                  | BAD_HOST          | a..b:1",
        "etcd://a:1,A:1                 | DUPLICATE_ENDPOINT| A:1",
    })
    void aBadUrl_isATypedError_namingTheProblemAndTheEndpoint(String url, Problem problem, String endpoint) {
        EtcdUrlException e = catchThrowableOfType(EtcdUrlException.class, () -> EtcdEndpoint.parseUrl(url));

        assertThat(e).as(url).isNotNull().isInstanceOf(IllegalArgumentException.class);
        assertThat(e.problem()).isEqualTo(problem);
        assertThat(e.url()).isEqualTo(url);
        assertThat(e.getMessage()).contains(problem.text()).contains("'" + url + "'");
        if (endpoint != null) {
            assertThat(e.getMessage()).contains("('" + endpoint + "')");
        }
    }

    @Test
    void aControlCharacter_isEscapedInTheMessage() {
        assertThatThrownBy(() -> EtcdEndpoint.parseUrl("etcd://a\nb:1"))
                .isInstanceOf(EtcdUrlException.class)
                .hasMessageContaining("a\\u000ab:1")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aNullUrl_isANullPointerException_namingIt() {
        assertThatThrownBy(() -> EtcdEndpoint.parseUrl(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("url");
    }
}
