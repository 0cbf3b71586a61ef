package org.ippan.l2.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On a 2-CPU machine the JDK completes every {@code HttpClient.sendAsync} on a new thread unless the common pool's
 * parallelism is above 1 ({@link L2Node#useCommonPoolForAsyncCompletions()}). Each case runs
 * {@link AsyncCompletionProbe} in a JVM that sees 2 CPUs, whatever this machine has.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AsyncCompletionThreadsTest {

    private static List<String> completionThreads(String... probeArgs) throws IOException, InterruptedException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(javaBin, "-XX:ActiveProcessorCount=2", "-Xmx64m",
                "-XX:TieredStopAtLevel=1", "-cp", classPath, AsyncCompletionProbe.class.getName()));
        command.addAll(List.of(probeArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).as(output).isZero();
        List<String> threads = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("completed-on: ")) {
                threads.add(line.substring("completed-on: ".length()).trim());
            }
        }
        assertThat(threads).as(output).hasSize(AsyncCompletionProbe.CALLS);
        // an answer that beat the registration of the probe's handler completes it on the caller: not informative
        List<String> completers = threads.stream().filter(name -> !name.equals("main")).toList();
        assertThat(completers).as(output).hasSizeGreaterThanOrEqualTo(AsyncCompletionProbe.CALLS / 2);
        return completers;
    }

    @Test
    void nodeMain_makesL1AnswersCompleteOnTheCommonPool_onTwoCpus() throws Exception {
        List<String> threads = completionThreads("node-main");
        assertThat(threads).allMatch(name -> name.startsWith("ForkJoinPool.commonPool-worker-"), "common pool");
        assertThat(threads.stream().distinct().count()).isLessThanOrEqualTo(2);
    }

    @Test
    void withoutIt_theJdkStartsAThreadPerAnswer_onTwoCpus() throws Exception {
        // the control: what the case above guards against still happens on this JDK
        List<String> threads = completionThreads();
        assertThat(threads).allMatch(name -> name.matches("Thread-\\d+"), "a new thread per answer");
        assertThat(threads.stream().distinct().count()).isEqualTo(threads.size());
    }
}
