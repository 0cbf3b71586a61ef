package org.ippan.l2.core.engine;

/** Receives every error of a loop step or an admission write; must not throw. */
@FunctionalInterface
public interface ErrorHandler {
    /**
     * @param loop the loop (or "admission") the error happened in
     * @param error the error
     */
    void onError(String loop, Throwable error);
}
