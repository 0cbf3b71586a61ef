package org.ippan.l2.core.engine;

/** Finds an engine's loop by its stable name, for tests that step one loop alone. */
final class Loops {
    private Loops() {}

    static DutyLoop named(Sequencer sequencer, String name) {
        return sequencer.loops().stream().filter(loop -> loop.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no loop named " + name));
    }
}
