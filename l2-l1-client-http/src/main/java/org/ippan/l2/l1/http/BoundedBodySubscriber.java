package org.ippan.l2.l1.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads an answer body into memory, never more than {@code maxBytes}. In strict mode (answers whose body is the
 * result: 2xx) a longer body fails with {@link ResponseTooLargeException}, as soon as the declared
 * {@code Content-Length} or the bytes received exceed the limit. In lenient mode (error answers, whose body is
 * only a hint) the first {@code maxBytes} are kept and the body is marked truncated. Either way the rest of the
 * body is not read: the subscription is cancelled.
 *
 * <p>Reactive-streams signals are serialized by the HTTP client, so the fields need no synchronization.
 */
final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<BoundedBodySubscriber.Body> {

    /**
     * An answer body.
     *
     * @param bytes the bytes read (the whole body unless truncated)
     * @param truncated whether the body was longer than the limit (lenient mode only)
     */
    record Body(byte[] bytes, boolean truncated) {
    }

    /** A success answer whose body exceeds the limit; an IOException so that the HTTP client passes it on. */
    static final class ResponseTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        ResponseTooLargeException(String message) {
            super(message);
        }
    }

    /**
     * A body handler that reads 2xx bodies strictly and other bodies leniently.
     *
     * @param maxBytes the limit
     * @return the handler
     */
    static HttpResponse.BodyHandler<Body> handler(int maxBytes) {
        return info -> new BoundedBodySubscriber(maxBytes, info.statusCode() / 100 == 2,
                info.headers().firstValueAsLong("Content-Length"));
    }

    private static final int INITIAL_CAPACITY_CAP = 64 * 1024;

    private final int maxBytes;
    private final boolean strict;
    private final OptionalLong declaredLength;
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private byte[] buffer;
    private int size;

    BoundedBodySubscriber(int maxBytes, boolean strict, OptionalLong declaredLength) {
        this.maxBytes = maxBytes;
        this.strict = strict;
        this.declaredLength = declaredLength;
        // The declared length sizes the buffer, capped: a lying Content-Length must not allocate much up front.
        long initial = declaredLength.isPresent() ? declaredLength.getAsLong() : 512;
        this.buffer = new byte[(int) Math.max(0, Math.min(initial, Math.min(maxBytes, INITIAL_CAPACITY_CAP)))];
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (strict && declaredLength.isPresent() && declaredLength.getAsLong() > maxBytes) {
            subscription.cancel();
            result.completeExceptionally(new ResponseTooLargeException("answer body of " + declaredLength.getAsLong()
                    + " bytes (Content-Length) exceeds the limit of " + maxBytes + " bytes"));
            return;
        }
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            int remaining = item.remaining();
            if (remaining > maxBytes - size) {
                subscription.cancel();
                if (strict) {
                    result.completeExceptionally(new ResponseTooLargeException(
                            "answer body exceeds the limit of " + maxBytes + " bytes"));
                } else {
                    int kept = maxBytes - size;
                    ensureCapacity(maxBytes);
                    item.get(buffer, size, kept);
                    size += kept;
                    result.complete(new Body(Arrays.copyOf(buffer, size), true));
                }
                return;
            }
            ensureCapacity(size + remaining);
            item.get(buffer, size, remaining);
            size += remaining;
        }
    }

    private void ensureCapacity(int needed) {
        if (needed > buffer.length) {
            int grown = (int) Math.min(maxBytes, Math.max(needed, 2L * buffer.length));
            buffer = Arrays.copyOf(buffer, grown);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(new Body(size == buffer.length ? buffer : Arrays.copyOf(buffer, size), false));
    }

    @Override
    public CompletionStage<Body> getBody() {
        return result;
    }
}
