package org.ippan.l2.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.ippan.l2.core.crypto.SequencerKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line itself: help, usage errors and their exit code, and keygen against OpenSSL. */
class L2CtlCommandTest {
    @TempDir
    Path dir;

    @Test
    void help_listsEveryCommandAndTheExitCodes() {
        CliRun.Result result = CliRun.run("--help");
        assertThat(result.code()).as(result.toString()).isZero();
        assertThat(result.out()).contains("status", "pause", "resume", "flush", "step-down", "set-limits", "limits",
                "verify-batch", "verify-receipt", "verify-proof", "replay", "keygen", "Exit codes:",
                "1   a check failed", "4   refused by the node");
    }

    @Test
    void noCommand_unknownCommand_badOption_areUsageErrors() {
        assertThat(CliRun.run().code()).isEqualTo(ExitCode.USAGE);
        CliRun.Result unknown = CliRun.run("frobnicate");
        assertThat(unknown.code()).as(unknown.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(CliRun.run("status", "--no-such-option").code()).isEqualTo(ExitCode.USAGE);
        CliRun.Result timeout = CliRun.run("--timeout", "soon", "status");
        assertThat(timeout.code()).as(timeout.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(timeout.err()).contains("not a duration");
    }

    @Test
    void badArguments_ofVerifyCommands_areUsageErrors() {
        assertThat(CliRun.run("verify-batch", "0").code()).isEqualTo(ExitCode.USAGE);
        CliRun.Result key = CliRun.run("verify-batch", "1", "--key", "abc");
        assertThat(key.code()).as(key.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(key.err()).contains("--key");
        CliRun.Result both = CliRun.run("verify-receipt");
        assertThat(both.code()).as(both.toString()).isEqualTo(ExitCode.USAGE);
        CliRun.Result missing = CliRun.run("verify-proof", dir.resolve("nope.json").toString());
        assertThat(missing.code()).as(missing.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).contains("no such file");
        CliRun.Result url = CliRun.run("replay", "--storage-url", "mysql://x");
        assertThat(url.code()).as(url.toString()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void replay_ofAMissingSqliteFile_failsWithoutCreatingIt() {
        Path db = dir.resolve("absent.db");
        CliRun.Result result = CliRun.run("replay", "--storage-url", "sqlite:" + db);
        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(db).doesNotExist();
    }

    @Test
    void keygen_writesOpenSslsPkcs8Pem_mode600_andPrintsThePublicKey() throws Exception {
        Path key = dir.resolve("sequencer.key");
        CliRun.Result result = CliRun.run("keygen", "--out", key.toString());
        assertThat(result.code()).as(result.toString()).isZero();
        String publicKey = result.out().strip();
        assertThat(publicKey).matches("[0-9a-f]{64}");

        String pem = Files.readString(key, StandardCharsets.US_ASCII);
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("\n-----END PRIVATE KEY-----\n");
        String[] lines = pem.split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[1]).hasSize(64);
        byte[] der = Base64.getDecoder().decode(lines[1]);
        assertThat(der).hasSize(48);
        assertThat(HexFormat.of().formatHex(der, 0, 16)).isEqualTo("302e020100300506032b657004220420");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(SequencerKeys.load(key).publicKeyHex()).isEqualTo(publicKey);

        // the same public key as OpenSSL derives from the file (wire-format-v1 §4)
        String openssl = opensslPublicKey(key);
        assumeTrue(openssl != null, "openssl is not installed: the OpenSSL cross-check is skipped");
        assertThat(openssl).isEqualTo(publicKey);
    }

    @Test
    void keygen_refusesToOverwrite_andLeavesTheFileAlone() throws IOException {
        Path key = dir.resolve("existing.key");
        Files.writeString(key, "precious");
        CliRun.Result result = CliRun.run("keygen", "--out", key.toString());
        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("never overwrites");
        assertThat(Files.readString(key)).isEqualTo("precious");
    }

    @Test
    void keygen_withoutOut_printsThePem_andTwoRunsDiffer() {
        CliRun.Result first = CliRun.run("keygen");
        CliRun.Result second = CliRun.run("keygen");
        assertThat(first.code()).isZero();
        assertThat(first.out()).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(first.err()).startsWith("public key: ");
        assertThat(SequencerKeys.fromPem(first.out()).publicKeyHex())
                .isEqualTo(first.err().substring("public key: ".length()).strip());
        assertThat(first.out()).isNotEqualTo(second.out());
    }

    /** {@code openssl pkey -in FILE -pubout -outform der | tail -c 32} in hex, or null without openssl. */
    private static String opensslPublicKey(Path key) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder("openssl", "pkey", "-in", key.toString(), "-pubout", "-outform", "der")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException notInstalled) {
            System.out.println("SKIPPED: openssl is not installed, keygen not cross-checked with OpenSSL");
            return null;
        }
        byte[] der = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("openssl pkey exit code").isZero();
        return HexFormat.of().formatHex(der, der.length - 32, der.length);
    }
}
