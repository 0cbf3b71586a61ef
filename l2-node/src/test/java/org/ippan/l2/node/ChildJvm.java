package org.ippan.l2.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Child JVMs for the multi-process tests: a main class of the test class path (the node, the devnet L1) started on
 * loopback with its output in a log file, the wait until it listens, and the key file a leader signs with. The tests
 * kill every child they start.
 */
final class ChildJvm {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.]+:[0-9]+)");

    private ChildJvm() {
    }

    /**
     * Starts {@code mainClass} in a small JVM (serial GC, C1 only, {@code heapMb} of heap) with {@code env} added to
     * this process's environment, its output and errors in {@code log}.
     */
    static Process launch(String mainClass, int heapMb, Map<String, String> env, Path log) throws IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(javaBin, "-Xmx" + heapMb + "m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", classPath, mainClass);
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }

    /**
     * Waits until the child logs the address it listens on.
     *
     * @return its base URL, {@code http://host:port}
     * @throws AssertionError with the log if it exited first or did not listen within {@code timeoutMs} (then it
     *     is killed)
     */
    static String awaitListening(Process process, Path log, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() - deadline < 0) {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Matcher matcher = LISTENING.matcher(output);
            if (matcher.find()) {
                return matcher.group(1);
            }
            if (!process.isAlive()) {
                throw new AssertionError("the process exited with " + process.exitValue() + ":\n" + output);
            }
            Thread.sleep(10);
        }
        process.destroyForcibly();
        throw new AssertionError("the process did not start in time:\n" + Files.readString(log));
    }

    /** Writes a fresh Ed25519 key as PKCS#8 PEM to {@code file}. */
    static Path writeKey(Path file) throws Exception {
        byte[] pkcs8 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded();
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n");
        return file;
    }
}
