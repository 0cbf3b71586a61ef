package org.ippan.l2.l1.http;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A request body publisher that records whether the HTTP client ever took a byte of the body. Until it has, the
 * L1 cannot have received the request (it has not got the body), so a failure then is safe to retry; afterwards a
 * failure without an answer is an unknown result. The test is one-sided on purpose: bytes taken by the client may
 * still not have reached the L1, which only makes the answer "unknown" where "not sent" would also be true.
 */
final class TrackingBodyPublisher implements HttpRequest.BodyPublisher {

    private final HttpRequest.BodyPublisher delegate;
    private volatile boolean handedOver;

    TrackingBodyPublisher(byte[] body) {
        this.delegate = HttpRequest.BodyPublishers.ofByteArray(body);
    }

    /** Whether the HTTP client has taken any byte of the body. */
    boolean handedOver() {
        return handedOver;
    }

    @Override
    public long contentLength() {
        return delegate.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        delegate.subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
                handedOver = true;
                subscriber.onNext(item);
            }

            @Override
            public void onError(Throwable throwable) {
                subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        });
    }
}
