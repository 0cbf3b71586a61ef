package org.ippan.l2.l1.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/** The "was any byte of the body taken?" signal that tells "not sent" from "unknown result" for a submit. */
class TrackingBodyPublisherTest {

    /** A subscriber that requests only when told to. */
    private static final class ManualSubscriber implements Flow.Subscriber<ByteBuffer> {
        Flow.Subscription subscription;
        final List<ByteBuffer> received = new ArrayList<>();
        boolean completed;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
        }

        @Override
        public void onNext(ByteBuffer item) {
            received.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            throw new AssertionError(throwable);
        }

        @Override
        public void onComplete() {
            completed = true;
        }
    }

    @Test
    void handedOver_isFalseUntilTheClientTakesABodyByte_evenWhenSubscribed() {
        TrackingBodyPublisher body = new TrackingBodyPublisher(new byte[] {'{', '}'});
        ManualSubscriber client = new ManualSubscriber();

        body.subscribe(client);
        boolean beforeRequest = body.handedOver();
        client.subscription.request(Long.MAX_VALUE);

        assertThat(beforeRequest).isFalse();
        assertThat(body.handedOver()).isTrue();
        assertThat(client.received).hasSize(1);
        assertThat(client.received.get(0).remaining()).isEqualTo(2);
        assertThat(client.completed).isTrue();
        assertThat(body.contentLength()).isEqualTo(2);
    }
}
