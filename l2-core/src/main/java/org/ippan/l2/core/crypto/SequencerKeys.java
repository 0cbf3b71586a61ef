package org.ippan.l2.core.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.ippan.l2.core.crypto.KeyLoadException.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the sequencer's {@link Ed25519Signer} from a key file, PEM text or a hex seed.
 *
 * <p>The key file is the PKCS#8 PEM that {@code openssl genpkey -algorithm ed25519 -out sequencer.key} writes
 * (RFC 8410; DER {@code 302e020100300506032b657004220420 || seed}), or the PKCS#8 v2 (OneAsymmetricKey, RFC 5958)
 * form that also carries the public key, which must then match the one derived from the seed. Line endings (LF or
 * CRLF), surrounding whitespace and text around the PEM block (as {@code openssl pkey -text} writes) are fine;
 * the file must hold exactly one {@code PRIVATE KEY} block.
 *
 * <p>Every failure is a {@link KeyLoadException} whose {@link KeyLoadException.Problem} says what is wrong and whose
 * message names the file and the fix, never key material. A key file readable by group or others is loaded, with
 * one warning per path per JVM suggesting {@code chmod 600}.
 */
public final class SequencerKeys {
    private static final Logger LOG = LoggerFactory.getLogger(SequencerKeys.class);

    /** Paths already warned about, so each loose key file is reported once per JVM. */
    private static final Set<Path> PATHS_WARNED_ABOUT = ConcurrentHashMap.newKeySet();

    /** A PEM key file is a few hundred bytes; anything this large is the wrong file (or a device). */
    static final int MAX_KEY_FILE_BYTES = 64 * 1024;

    private static final int SEED_LENGTH = 32;
    private static final int HEX_SEED_LENGTH = 2 * SEED_LENGTH;
    /** id-Ed25519 (RFC 8410); BouncyCastle's {@code EdECObjectIdentifiers} is not exported by its module. */
    private static final ASN1ObjectIdentifier ED25519_OID = new ASN1ObjectIdentifier("1.3.101.112");
    private static final Pattern PEM_BOUNDARY = Pattern.compile("-----(BEGIN|END) ([A-Z0-9 ]+)-----");
    private static final String PRIVATE_KEY_LABEL = "PRIVATE KEY";

    /** Names of the private key algorithms an operator is likely to hand us by mistake, by OID. */
    private static final Map<String, String> ALGORITHM_NAMES_BY_OID = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10045.2.1", "EC",
            "1.2.840.10040.4.1", "DSA",
            "1.2.840.113549.1.3.1", "DH",
            "1.2.840.10046.2.1", "X9.42 DH",
            "1.3.101.110", "X25519",
            "1.3.101.111", "X448",
            "1.3.101.113", "Ed448");

    private SequencerKeys() {
    }

    /**
     * Loads the signer from a PKCS#8 PEM key file (see the class comment). Logs a WARN, once per path, when the
     * file is readable by group or others.
     *
     * @param keyFile the key file, e.g. the value of {@code L2_SEQUENCER_KEY_PATH}
     * @return the signer holding the key
     * @throws KeyLoadException if the file is missing or unreadable, or does not hold one unencrypted Ed25519
     *         private key
     */
    public static Ed25519Signer load(Path keyFile) {
        return load(keyFile, LOG::warn, PATHS_WARNED_ABOUT);
    }

    /**
     * {@link #load(Path)} with the permission warning sent to {@code permissionWarnings}, unless
     * {@code pathsWarnedAbout} already holds the file's absolute path (it is added when warning).
     */
    static Ed25519Signer load(Path keyFile, Consumer<String> permissionWarnings, Set<Path> pathsWarnedAbout) {
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(permissionWarnings, "permissionWarnings");
        Objects.requireNonNull(pathsWarnedAbout, "pathsWarnedAbout");
        KeySource source = new KeySource("sequencer key file " + keyFile, keyFile.toString());
        Ed25519Signer signer = parsePem(readKeyFile(keyFile, source), source);
        warnIfReadableByOthers(keyFile, permissionWarnings, pathsWarnedAbout);
        return signer;
    }

    /**
     * Loads the signer from PEM text, parsed exactly as a key file is.
     *
     * @param pem the text holding one {@code PRIVATE KEY} block
     * @return the signer holding the key
     * @throws KeyLoadException if the text does not hold one unencrypted Ed25519 private key
     */
    public static Ed25519Signer fromPem(String pem) {
        Objects.requireNonNull(pem, "pem");
        return parsePem(pem, new KeySource("sequencer key PEM", "sequencer.key"));
    }

    /**
     * Loads the signer from its 32-byte seed written as 64 hex characters, in either case, without a {@code 0x}
     * prefix; surrounding whitespace is ignored.
     *
     * @param hex64 the seed in hex
     * @return the signer holding the key
     * @throws KeyLoadException {@link Problem#WRONG_LENGTH} if it is not 64 characters, {@link Problem#MALFORMED}
     *         if it has a {@code 0x} prefix or a character that is not a hex digit
     */
    public static Ed25519Signer fromHexSeed(String hex64) {
        Objects.requireNonNull(hex64, "hex64");
        String source = "sequencer key hex seed";
        String hex = hex64.strip();
        if (hex.startsWith("0x") || hex.startsWith("0X")) {
            throw new KeyLoadException(Problem.MALFORMED,
                    source + " starts with 0x: give the " + HEX_SEED_LENGTH + " hex characters without a prefix");
        }
        if (hex.length() != HEX_SEED_LENGTH) {
            throw new KeyLoadException(Problem.WRONG_LENGTH, source + " has " + hex.length()
                    + " characters; expected " + HEX_SEED_LENGTH + " hex characters (a " + SEED_LENGTH
                    + "-byte Ed25519 seed)");
        }
        byte[] seed = new byte[SEED_LENGTH];
        try {
            for (int i = 0; i < SEED_LENGTH; i++) {
                int high = hexDigitValue(hex.charAt(2 * i));
                int low = hexDigitValue(hex.charAt(2 * i + 1));
                if (high < 0 || low < 0) {
                    int position = high < 0 ? 2 * i + 1 : 2 * i + 2;
                    throw new KeyLoadException(Problem.MALFORMED, source + ": character " + position
                            + " (counting from 1) is not a hex digit 0-9, a-f or A-F");
                }
                seed[i] = (byte) (high << 4 | low);
            }
            return new Ed25519Signer(seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    private static int hexDigitValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /**
     * Where a key comes from: {@code description} starts every error message, {@code pathForHints} goes into the
     * openssl commands the messages suggest.
     */
    private record KeySource(String description, String pathForHints) {
        String generateHint() {
            return "generate an Ed25519 key with: openssl genpkey -algorithm ed25519 -out " + pathForHints;
        }
    }

    private static String readKeyFile(Path keyFile, KeySource source) {
        if (Files.isDirectory(keyFile)) {
            throw new KeyLoadException(Problem.FILE_UNREADABLE,
                    source.description() + " is a directory, not a key file");
        }
        byte[] content;
        try (InputStream in = Files.newInputStream(keyFile)) {
            content = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
        } catch (NoSuchFileException missing) {
            throw new KeyLoadException(Problem.FILE_MISSING,
                    source.description() + " does not exist; " + source.generateHint(), missing);
        } catch (AccessDeniedException denied) {
            throw new KeyLoadException(Problem.FILE_UNREADABLE, source.description()
                    + " cannot be read: permission denied (the sequencer's user needs read access)", denied);
        } catch (IOException | SecurityException ioError) {
            throw new KeyLoadException(Problem.FILE_UNREADABLE,
                    source.description() + " cannot be read: " + ioError, ioError);
        }
        try {
            if (content.length > MAX_KEY_FILE_BYTES) {
                throw new KeyLoadException(Problem.NOT_PEM, source.description() + " is larger than "
                        + MAX_KEY_FILE_BYTES / 1024 + " KiB: not a PEM key file");
            }
            // ISO-8859-1 maps every byte to a char, so decoding never fails; a PEM block is plain ASCII.
            return new String(content, StandardCharsets.ISO_8859_1);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** One {@code -----BEGIN label-----} … {@code -----END label-----} block: its label and body lines. */
    private record PemBlock(String label, List<String> bodyLines) {
    }

    private static Ed25519Signer parsePem(String text, KeySource source) {
        List<PemBlock> blocks = findPemBlocks(text, source);
        List<PemBlock> privateKeyBlocks = blocks.stream()
                .filter(block -> block.label().equals(PRIVATE_KEY_LABEL))
                .collect(Collectors.toList());
        if (privateKeyBlocks.size() > 1) {
            throw new KeyLoadException(Problem.NOT_PEM, source.description() + " holds " + privateKeyBlocks.size()
                    + " -----BEGIN PRIVATE KEY----- blocks; expected exactly one");
        }
        if (privateKeyBlocks.size() == 1) {
            byte[] der = decodeBase64(privateKeyBlocks.get(0), source);
            try {
                return parsePkcs8(der, source);
            } finally {
                Arrays.fill(der, (byte) 0);
            }
        }
        throw explainMissingPrivateKey(blocks, source);
    }

    private static List<PemBlock> findPemBlocks(String text, KeySource source) {
        List<PemBlock> blocks = new ArrayList<>();
        String openLabel = null;
        List<String> bodyLines = null;
        for (String rawLine : text.split("\r\n|\r|\n", -1)) {
            String line = rawLine.strip();
            Matcher boundary = PEM_BOUNDARY.matcher(line);
            if (!boundary.matches()) {
                if (bodyLines != null) {
                    bodyLines.add(line);
                }
                continue;
            }
            boolean isBegin = boundary.group(1).equals("BEGIN");
            String label = boundary.group(2);
            if (isBegin && openLabel != null) {
                throw new KeyLoadException(Problem.NOT_PEM, source.description() + ": the -----BEGIN " + openLabel
                        + "----- block has no END line before the next BEGIN line");
            }
            if (isBegin) {
                openLabel = label;
                bodyLines = new ArrayList<>();
            } else if (openLabel == null) {
                throw new KeyLoadException(Problem.NOT_PEM,
                        source.description() + ": -----END " + label + "----- without a BEGIN line");
            } else if (!label.equals(openLabel)) {
                throw new KeyLoadException(Problem.NOT_PEM, source.description() + ": -----BEGIN " + openLabel
                        + "----- is closed by -----END " + label + "-----");
            } else {
                blocks.add(new PemBlock(openLabel, bodyLines));
                openLabel = null;
                bodyLines = null;
            }
        }
        if (openLabel != null) {
            throw new KeyLoadException(Problem.NOT_PEM, source.description() + ": the -----BEGIN " + openLabel
                    + "----- block has no END line (is the file truncated?)");
        }
        return blocks;
    }

    private static byte[] decodeBase64(PemBlock block, KeySource source) {
        String body = String.join("", block.bodyLines()).replaceAll("[ \t]", "");
        if (body.isEmpty()) {
            throw new KeyLoadException(Problem.NOT_PEM,
                    source.description() + ": the -----BEGIN PRIVATE KEY----- block is empty");
        }
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException notBase64) {
            // The decoder's message quotes the offending character, so neither it nor the cause is kept.
            throw new KeyLoadException(Problem.NOT_PEM, source.description()
                    + ": the body of the -----BEGIN PRIVATE KEY----- block is not valid base64");
        }
    }

    private static Ed25519Signer parsePkcs8(byte[] der, KeySource source) {
        // Parse errors are reported without their cause: BouncyCastle's messages may quote the bytes.
        PrivateKeyInfo keyInfo;
        try {
            keyInfo = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
        } catch (IOException | RuntimeException unparsable) {
            keyInfo = null;
        }
        if (keyInfo == null) {
            throw new KeyLoadException(Problem.MALFORMED, source.description()
                    + ": the -----BEGIN PRIVATE KEY----- block is not a PKCS#8 private key (its DER does not parse)");
        }
        AlgorithmIdentifier algorithm = keyInfo.getPrivateKeyAlgorithm();
        ASN1ObjectIdentifier algorithmOid = algorithm.getAlgorithm();
        if (!ED25519_OID.equals(algorithmOid)) {
            throw new KeyLoadException(Problem.WRONG_ALGORITHM, source.description() + " holds "
                    + describeAlgorithm(algorithmOid) + " private key, but the sequencer signs with Ed25519 (OID "
                    + ED25519_OID.getId() + "); " + source.generateHint());
        }
        if (algorithm.getParameters() != null) {
            throw new KeyLoadException(Problem.MALFORMED, source.description()
                    + ": the Ed25519 algorithm identifier has parameters, which RFC 8410 requires to be absent");
        }
        byte[] seed;
        try {
            seed = ASN1OctetString.getInstance(keyInfo.parsePrivateKey()).getOctets();
        } catch (IOException | RuntimeException notAnOctetString) {
            throw new KeyLoadException(Problem.MALFORMED, source.description()
                    + ": the Ed25519 private key field does not hold an OCTET STRING (RFC 8410 CurvePrivateKey)");
        }
        try {
            if (seed.length != SEED_LENGTH) {
                throw new KeyLoadException(Problem.WRONG_LENGTH, source.description() + ": the Ed25519 seed is "
                        + seed.length + " bytes; expected " + SEED_LENGTH);
            }
            Ed25519Signer signer = new Ed25519Signer(seed);
            if (keyInfo.hasPublicKey()) {
                checkCarriedPublicKey(keyInfo.getPublicKeyData(), signer, source);
            }
            return signer;
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    private static void checkCarriedPublicKey(ASN1BitString carried, Ed25519Signer signer, KeySource source) {
        byte[] carriedPublicKey;
        try {
            carriedPublicKey = carried.getOctets();
        } catch (RuntimeException notWholeBytes) {
            carriedPublicKey = null;
        }
        if (carriedPublicKey == null || !Arrays.equals(carriedPublicKey, signer.publicKey())) {
            throw new KeyLoadException(Problem.MALFORMED, source.description()
                    + ": the public key carried in the PKCS#8 v2 key does not match the public key derived from its"
                    + " private key (corrupted or spliced key file)");
        }
    }

    private static String describeAlgorithm(ASN1ObjectIdentifier oid) {
        String name = ALGORITHM_NAMES_BY_OID.get(oid.getId());
        return name == null
                ? "a key of unknown algorithm (OID " + oid.getId() + ")"
                : "a key of algorithm " + name + " (OID " + oid.getId() + ")";
    }

    private static KeyLoadException explainMissingPrivateKey(List<PemBlock> blocks, KeySource source) {
        List<String> labels = blocks.stream().map(PemBlock::label).distinct().collect(Collectors.toList());
        String description = source.description();
        if (labels.contains("ENCRYPTED PRIVATE KEY")) {
            String path = source.pathForHints();
            return new KeyLoadException(Problem.ENCRYPTED, description + " holds an encrypted private key"
                    + " (-----BEGIN ENCRYPTED PRIVATE KEY-----), which the sequencer cannot use; decrypt it with:"
                    + " openssl pkey -in " + path + " -out " + path + ".decrypted (then chmod 600 it and point the"
                    + " sequencer at it)");
        }
        for (String label : labels) {
            String legacyAlgorithm = switch (label) {
                case "RSA PRIVATE KEY" -> "a legacy PKCS#1 RSA private key";
                case "EC PRIVATE KEY" -> "a legacy SEC1 EC private key";
                case "DSA PRIVATE KEY" -> "a legacy DSA private key";
                case "OPENSSH PRIVATE KEY" -> "an OpenSSH-format private key (ssh-keygen)";
                default -> null;
            };
            if (legacyAlgorithm != null) {
                return new KeyLoadException(Problem.WRONG_ALGORITHM, description + " holds " + legacyAlgorithm
                        + " (-----BEGIN " + label + "-----), but the sequencer needs an Ed25519 key in PKCS#8 PEM"
                        + " (-----BEGIN PRIVATE KEY-----); " + source.generateHint());
            }
        }
        if (labels.contains("PUBLIC KEY")) {
            return new KeyLoadException(Problem.WRONG_ALGORITHM, description + " holds a public key"
                    + " (-----BEGIN PUBLIC KEY-----), but the sequencer needs the private key"
                    + " (-----BEGIN PRIVATE KEY-----)");
        }
        String found = labels.isEmpty()
                ? "no PEM block at all"
                : "only " + labels.stream().map(label -> "-----BEGIN " + label + "-----")
                        .collect(Collectors.joining(", "));
        return new KeyLoadException(Problem.NOT_PEM, description + " holds " + found
                + ", but no -----BEGIN PRIVATE KEY----- block; " + source.generateHint());
    }

    private static void warnIfReadableByOthers(Path keyFile, Consumer<String> permissionWarnings,
            Set<Path> pathsWarnedAbout) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(keyFile);
        } catch (UnsupportedOperationException | IOException | SecurityException notPosix) {
            return;
        }
        boolean readableByOthers = permissions.contains(PosixFilePermission.GROUP_READ)
                || permissions.contains(PosixFilePermission.OTHERS_READ);
        if (readableByOthers && pathsWarnedAbout.add(keyFile.toAbsolutePath().normalize())) {
            permissionWarnings.accept("sequencer key file " + keyFile + " is readable by group or others ("
                    + PosixFilePermissions.toString(permissions) + "); restrict it with: chmod 600 " + keyFile);
        }
    }
}
