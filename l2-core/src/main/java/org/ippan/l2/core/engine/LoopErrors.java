package org.ippan.l2.core.engine;

import org.ippan.l2.storage.StorageException;

/**
 * The one path of an error inside a loop step: readiness turns red for that loop (storage's own health is kept by
 * {@link HealthCheckedStorage}), the loop-error counter moves, and the host's {@link ErrorHandler} is told. Never throws, so a loop step
 * that catches an error always goes on. A step that succeeds clears its loop's failure with {@link #ok}.
 */
final class LoopErrors {
    private final Health health;
    private final SequencerMetrics metrics;
    private final ErrorHandler errorHandler;

    LoopErrors(Health health, SequencerMetrics metrics, ErrorHandler errorHandler) {
        this.health = health;
        this.metrics = metrics;
        this.errorHandler = errorHandler;
    }

    /**
     * Reports an error of {@code loop}'s step.
     *
     * @return true if it was a storage failure (the caller retries after its storage delay)
     */
    boolean failed(String loop, Throwable error) {
        // a storage failure has reached Health already: the engine's storage reports each call, as read or write
        boolean storage = error instanceof StorageException;
        health.loopFailed(loop, String.valueOf(error.getMessage()));
        metrics.recordLoopError(loop);
        try {
            errorHandler.onError(loop, error);
        } catch (RuntimeException ignored) {
            // the error handler must not throw; if it does, the loop still must not die
        }
        return storage;
    }

    /**
     * Reports an error that does not stop the loop's work (an L1 answer of an unexpected kind, handled as an unknown
     * result): the host's {@link ErrorHandler} is told, readiness is left to the loop.
     */
    void unexpected(String loop, Throwable error) {
        try {
            errorHandler.onError(loop, error);
        } catch (RuntimeException ignored) {
            // the error handler must not throw; if it does, the loop still must not die
        }
    }

    /** A step of {@code loop} succeeded: its failure no longer counts against readiness. */
    void ok(String loop) {
        health.loopOk(loop);
    }
}
