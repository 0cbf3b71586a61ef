package org.ippan.l2.l1.memory;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.testkit.L1PosterContractTest;
import org.junit.jupiter.api.Nested;

/** Holds {@link SimulatedL1} to the {@link L1PosterContractTest} promises, at finality depths 0, 1 and 3. */
class SimulatedL1ContractTest {

    abstract static class AtDepth extends L1PosterContractTest {
        abstract int depth();

        @Override
        protected L1Poster newPoster() {
            return SimulatedL1.builder().finalityDepth(depth()).build();
        }

        @Override
        protected void advanceChain(L1Poster poster, int blocks) {
            ((SimulatedL1) poster).mineBlocks(blocks);
        }

        @Override
        protected int finalityDepth() {
            return depth();
        }

        @Override
        protected Optional<List<L1Submission>> includedInOrder(L1Poster poster) {
            return Optional.of(((SimulatedL1) poster).includedSubmissions().stream()
                    .map(SimulatedL1.IncludedSubmission::submission)
                    .collect(Collectors.toList()));
        }
    }

    @Nested
    class FinalityDepth0 extends AtDepth {
        @Override
        int depth() {
            return 0;
        }
    }

    @Nested
    class FinalityDepth1 extends AtDepth {
        @Override
        int depth() {
            return 1;
        }
    }

    @Nested
    class FinalityDepth3 extends AtDepth {
        @Override
        int depth() {
            return 3;
        }
    }
}
