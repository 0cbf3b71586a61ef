package org.ippan.l2.core.engine;

/**
 * "The process died right here": thrown by the crash-test decorators ({@link CrashingStorage}, {@link CrashingL1}).
 * An {@link Error}, so the engine's steps (which catch {@link RuntimeException}) do not swallow it: it leaves
 * {@code submit} or {@code doWork} and the harness drops the engine object without closing it.
 */
final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String where) {
        super("simulated crash: " + where);
    }
}
