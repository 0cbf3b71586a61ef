package org.ippan.l2.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.ippan.l2.core.crypto.TestKeys.SEED_42;
import static org.ippan.l2.core.crypto.TestKeys.SEED_42_PUBLIC_KEY_HEX;
import static org.ippan.l2.core.crypto.TestKeys.concat;
import static org.ippan.l2.core.crypto.TestKeys.hex;
import static org.ippan.l2.core.crypto.TestKeys.opensslPkcs8Der;
import static org.ippan.l2.core.crypto.TestKeys.pem;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.ippan.l2.core.testing.Seeds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks keys, public keys and signatures against the real {@code openssl} CLI. Skipped, with a message, when
 * {@code openssl} is not on the PATH.
 */
class OpensslInteropTest {
    private static final long COMMAND_TIMEOUT_SECONDS = 30;
    private static final String VERIFIED = "Signature Verified Successfully";

    @TempDir
    Path dir;

    private record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
        String describe() {
            return String.join(" ", command) + " exited with " + exitCode + "; stdout: " + stdout.strip()
                    + "; stderr: " + stderr.strip();
        }
    }

    /** Whether {@code openssl version} ran, checked once for the class. */
    private static boolean opensslAvailable;

    @BeforeAll
    static void checkForOpenssl(@TempDir Path scratch) throws InterruptedException {
        try {
            opensslAvailable = run(scratch, "openssl", "version").exitCode() == 0;
        } catch (IOException | AssertionError notRunnable) {
            opensslAvailable = false;
        }
    }

    /** Per test rather than per class, so that every skipped test reports the reason. */
    @BeforeEach
    void requireOpenssl() {
        assumeTrue(opensslAvailable, "openssl not on PATH: interop test skipped");
    }

    @Test
    void load_opensslGeneratedKey_givesThePublicKeyOpensslDerives() throws Exception {
        Path keyFile = opensslGeneratedKey();
        succeed(run(dir, "openssl", "pkey", "-in", "k.pem", "-pubout", "-outform", "der", "-out", "pub.der"));
        byte[] publicKeyDer = Files.readAllBytes(dir.resolve("pub.der"));

        Ed25519Signer signer = SequencerKeys.load(keyFile);

        assertThat(publicKeyDer).hasSize(44);
        assertThat(signer.publicKey()).isEqualTo(Arrays.copyOfRange(publicKeyDer, 12, 44));
    }

    @Test
    void opensslReadsAPemBuiltFromTheSeed42_andDerivesTheSpecPublicKey() throws Exception {
        Files.writeString(dir.resolve("seed42.pem"), pem("PRIVATE KEY", opensslPkcs8Der(SEED_42), "\n"));

        CommandResult result = succeed(run(dir, "openssl", "pkey", "-in", "seed42.pem", "-pubout", "-outform", "der",
                "-out", "pub42.der"));
        byte[] publicKeyDer = Files.readAllBytes(dir.resolve("pub42.der"));

        assertThat(hex(Arrays.copyOfRange(publicKeyDer, publicKeyDer.length - 32, publicKeyDer.length)))
                .as(result.describe()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
        assertThat(SequencerKeys.load(dir.resolve("seed42.pem")).publicKeyHex()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
    }

    @Test
    void ourSignature_verifiesWithOpenssl_andATamperedOneDoesNot() throws Exception {
        Path keyFile = opensslGeneratedKey();
        succeed(run(dir, "openssl", "pkey", "-in", "k.pem", "-pubout", "-out", "pub.pem"));
        byte[] message = writeMessage();
        byte[] signature = SequencerKeys.load(keyFile).sign(message, 0, message.length);
        Files.write(dir.resolve("sig.bin"), signature);
        byte[] tampered = signature.clone();
        tampered[10] ^= 0x01;
        Files.write(dir.resolve("tampered.bin"), tampered);

        CommandResult good = run(dir, "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin",
                "-in", "msg.bin", "-sigfile", "sig.bin");
        CommandResult bad = run(dir, "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin",
                "-in", "msg.bin", "-sigfile", "tampered.bin");

        assertThat(good.exitCode()).as(good.describe()).isZero();
        assertThat(good.stdout()).as(good.describe()).contains(VERIFIED);
        assertThat(bad.exitCode()).as(bad.describe()).isNotZero();
        assertThat(bad.stdout()).as(bad.describe()).doesNotContain(VERIFIED);
    }

    @Test
    void opensslSignature_verifiesWithOurs_andEqualsOurOwn() throws Exception {
        Path keyFile = opensslGeneratedKey();
        byte[] message = writeMessage();
        CommandResult signing = succeed(run(dir, "openssl", "pkeyutl", "-sign", "-inkey", "k.pem", "-rawin",
                "-in", "msg.bin", "-out", "sig.bin"));
        byte[] opensslSignature = Files.readAllBytes(dir.resolve("sig.bin"));
        Ed25519Signer signer = SequencerKeys.load(keyFile);

        assertThat(opensslSignature).as(signing.describe()).hasSize(64);
        assertThat(Ed25519Signer.verify(signer.publicKey(), opensslSignature, message, 0, message.length)).isTrue();
        assertThat(signer.sign(message, 0, message.length)).isEqualTo(opensslSignature);
        byte[] otherMessage = message.clone();
        otherMessage[message.length - 1] ^= 0x01;
        assertThat(Ed25519Signer.verify(signer.publicKey(), opensslSignature, otherMessage, 0, message.length))
                .isFalse();
    }

    private Path opensslGeneratedKey() throws IOException, InterruptedException {
        succeed(run(dir, "openssl", "genpkey", "-algorithm", "ed25519", "-out", "k.pem"));
        return dir.resolve("k.pem");
    }

    /** Writes {@code msg.bin}: the v1 signing prefix and seeded random bytes (openssl cannot sign empty input). */
    private byte[] writeMessage() throws IOException {
        long seed = Seeds.seed(20_251_123L);
        SplittableRandom random = new SplittableRandom(seed);
        byte[] payload = new byte[1 + random.nextInt(2000)];
        random.nextBytes(payload);
        byte[] message = concat("IPPAN-L2:BATCH_ENVELOPE:V1\n".getBytes(StandardCharsets.US_ASCII), payload);
        Files.write(dir.resolve("msg.bin"), message);
        return message;
    }

    private static CommandResult succeed(CommandResult result) {
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return result;
    }

    /** Runs a command in {@code workDir}, waiting at most {@value #COMMAND_TIMEOUT_SECONDS} s. */
    private static CommandResult run(Path workDir, String... command) throws IOException, InterruptedException {
        Path stdoutFile = Files.createTempFile(workDir, "stdout", ".txt");
        Path stderrFile = Files.createTempFile(workDir, "stderr", ".txt");
        Process process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(stdoutFile.toFile())
                .redirectError(stderrFile.toFile())
                .start();
        try {
            process.getOutputStream().close();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT_SECONDS
                        + " s; stderr: " + Files.readString(stderrFile));
            }
            return new CommandResult(List.of(command), process.exitValue(), Files.readString(stdoutFile),
                    Files.readString(stderrFile));
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(stdoutFile);
            Files.deleteIfExists(stderrFile);
        }
    }
}
