package org.ippan.l2.l1.http;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ippan.l2.l1.L1Poster;
import org.ippan.l2.l1.L1Submission;
import org.ippan.l2.l1.http.FakeCoreServer.DuplicateAnswer;
import org.ippan.l2.l1.memory.SimulatedL1;
import org.ippan.l2.l1.testkit.L1PosterContractTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * Holds {@link HttpL1Poster} to the {@link L1PosterContractTest} promises over real HTTP, against a
 * {@link FakeCoreServer} wrapping a {@link SimulatedL1}: once with duplicates answered 200
 * {@code already_known: true} (finality depth 2), once with 409 {@code error_code: "already_exists"} (depth 0).
 */
class HttpL1PosterContractTest {

    abstract static class OverHttp extends L1PosterContractTest {
        private FakeCoreServer server;

        abstract DuplicateAnswer duplicateAnswer();

        abstract int depth();

        @Override
        protected L1Poster newPoster() {
            server = new FakeCoreServer(SimulatedL1.builder().finalityDepth(depth()).build(), duplicateAnswer());
            return new HttpL1Poster(server.configBuilder().build());
        }

        @Override
        protected void advanceChain(L1Poster poster, int blocks) {
            server.chain().mineBlocks(blocks);
        }

        @Override
        protected int finalityDepth() {
            return depth();
        }

        @Override
        protected Optional<List<L1Submission>> includedInOrder(L1Poster poster) {
            return Optional.of(server.chain().includedSubmissions().stream()
                    .map(SimulatedL1.IncludedSubmission::submission)
                    .collect(Collectors.toList()));
        }

        @AfterEach
        void stopServer() {
            if (server != null) {
                server.close();
            }
        }
    }

    @Nested
    class DuplicatesAnsweredOkAlreadyKnown extends OverHttp {
        @Override
        DuplicateAnswer duplicateAnswer() {
            return DuplicateAnswer.OK_ALREADY_KNOWN;
        }

        @Override
        int depth() {
            return 2;
        }
    }

    @Nested
    class DuplicatesAnsweredConflictAlreadyExists extends OverHttp {
        @Override
        DuplicateAnswer duplicateAnswer() {
            return DuplicateAnswer.CONFLICT_ALREADY_EXISTS;
        }

        @Override
        int depth() {
            return 0;
        }
    }
}
