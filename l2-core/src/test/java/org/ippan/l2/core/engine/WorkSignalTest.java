package org.ippan.l2.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ippan.l2.core.engine.EngineFixture.tx;

import java.util.ArrayList;
import java.util.List;
import org.ippan.l2.core.batch.BatchLimits;
import org.ippan.l2.storage.L1Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which loop the engine wakes for new work: the one that has it, not all of them (a runner steps each woken loop
 * once, so waking every loop for every admission cost five scheduled steps where one does the work).
 */
class WorkSignalTest {
    private final EngineFixture f = new EngineFixture();
    private final List<String> woken = new ArrayList<>();
    private Sequencer sequencer;

    @BeforeEach
    void leader() {
        sequencer = f.builder(EngineFixture.config().batchLimits(new BatchLimits(1, 1 << 20, 100)).build()).build();
        sequencer.onWorkAvailable(loop -> woken.add(loop.name()));
        sequencer.start();
    }

    private List<String> taken() {
        List<String> names = List.copyOf(woken);
        woken.clear();
        return names;
    }

    @Test
    void start_wakesEveryLoop() {
        assertThat(taken()).containsExactly("batcher", "poster", "reconciler", "heartbeat", "leader-tasks");
    }

    @Test
    void eachHandOff_wakesTheLoopThatHasTheWork() {
        taken();
        sequencer.submit(tx(1));
        assertThat(taken()).as("admitted").containsExactly("batcher");

        assertThat(Loops.named(sequencer, Batcher.NAME).doWork(f.now())).isEqualTo(1);
        assertThat(taken()).as("batch cut").containsExactly("poster");

        Loops.named(sequencer, Poster.NAME).doWork(f.now()); // sends; the simulated L1 answers at once
        assertThat(taken()).as("L1 answered the post").containsExactly("poster");
        Loops.named(sequencer, Poster.NAME).doWork(f.now()); // collects the answer: batch 1 posted
        assertThat(f.status(1)).isEqualTo(L1Status.POSTED);
        assertThat(taken()).as("posted: the batcher may have held back, the reconciler has a batch to follow")
                .containsExactly("batcher", "reconciler");

        Loops.named(sequencer, Reconciler.NAME).doWork(f.now()); // asks L1; it answers at once
        assertThat(taken()).as("L1 answered the round").containsExactly("reconciler");
    }

    @Test
    void batcherStepThatCutsNothing_wakesNoLoop() {
        sequencer.submit(tx(1));
        assertThat(Loops.named(sequencer, Batcher.NAME).doWork(f.now())).isEqualTo(1);
        taken();

        assertThat(Loops.named(sequencer, Batcher.NAME).doWork(f.now())).isZero();

        assertThat(taken()).as("no batch cut: the poster has nothing new").isEmpty();
    }

    @Test
    void aGroupOfOnlyDuplicates_wakesNoLoop() {
        List<String> wokenWithoutCache = new ArrayList<>();
        Sequencer noCache = new EngineFixture().builder(EngineFixture.config().dedupCacheSize(0).build()).build();
        noCache.onWorkAvailable(loop -> wokenWithoutCache.add(loop.name()));
        noCache.start();
        noCache.submit(tx(1));
        wokenWithoutCache.clear();

        assertThat(EngineFixture.accepted(noCache.submit(tx(1))).duplicate()).as("answered by storage").isTrue();

        assertThat(wokenWithoutCache).as("nothing new is pending").isEmpty();
    }

    @Test
    void flushAndResume_wakeTheirLoop() {
        taken();
        sequencer.flush();
        assertThat(taken()).containsExactly("batcher");
        sequencer.resumePosting();
        assertThat(taken()).containsExactly("poster");
    }

    @Test
    void aListenerThatIgnoresTheLoop_isToldOfEveryWake() {
        int[] calls = {0};
        sequencer.onWorkAvailable(loop -> calls[0]++);
        sequencer.submit(tx(2));
        sequencer.flush();
        assertThat(calls[0]).isEqualTo(2);
    }
}
