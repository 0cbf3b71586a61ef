package org.ippan.l2.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.ippan.l2.core.crypto.Ed25519Signer;
import org.ippan.l2.core.crypto.SequencerKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code keygen}: a new Ed25519 sequencer key as PKCS#8 PEM, byte for byte the form
 * {@code openssl genpkey -algorithm ed25519} writes (wire format v1 §4): the DER
 * {@code 302e020100300506032b657004220420 || seed}, base64 in lines of 64 characters, between
 * {@code -----BEGIN PRIVATE KEY-----} and {@code -----END PRIVATE KEY-----}.
 */
@Command(name = "keygen", description = "Generate an Ed25519 sequencer key as PKCS#8 PEM (as openssl genpkey "
        + "-algorithm ed25519 writes it) and print its public key in hex. Never overwrites a file.")
final class KeygenCommand implements Callable<Integer> {
    /** The PKCS#8 DER of an Ed25519 private key, before its 32-byte seed (RFC 8410 §7). */
    static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    @ParentCommand
    L2Ctl root;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the key here (mode 600; refused if the file "
            + "exists). Without it the PEM goes to stdout and the public key to stderr.")
    Path out;

    @Override
    public Integer call() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + seed.length);
        System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, seed.length);
        String pem = pem(der);
        Arrays.fill(seed, (byte) 0);
        Arrays.fill(der, (byte) 0);
        // read back as the node reads its key file: what we write is what it will load
        Ed25519Signer signer = SequencerKeys.fromPem(pem);
        String publicKey = signer.publicKeyHex();
        if (out != null) {
            write(out, pem);
        }
        if (root.json()) {
            var json = L2Ctl.JSON.createObjectNode().put("public_key", publicKey);
            if (out != null) {
                json.put("file", out.toString());
            } else {
                json.put("pem", pem);
            }
            root.printJson(json);
        } else if (out != null) {
            root.out().println(publicKey);
        } else {
            root.out().print(pem);
            root.out().flush();
            root.err().println("public key: " + publicKey);
        }
        return ExitCode.OK;
    }

    /** The PEM text of a PKCS#8 DER, as OpenSSL writes it. */
    static String pem(byte[] der) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** Creates {@code file} with mode 600 (never replacing one) and writes {@code pem} to it. */
    private static void write(Path file, String pem) {
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            try (OutputStream stream = Files.newOutputStream(file, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                stream.write(pem.getBytes(StandardCharsets.US_ASCII));
            }
        } catch (FileAlreadyExistsException e) {
            throw CliException.usage(file + " exists: keygen never overwrites a key");
        } catch (IOException e) {
            throw CliException.usage("cannot write " + file + ": " + e.getMessage());
        }
    }
}
