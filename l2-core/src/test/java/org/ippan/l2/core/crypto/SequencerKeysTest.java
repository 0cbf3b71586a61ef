package org.ippan.l2.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.ippan.l2.core.crypto.TestKeys.FIXTURE_ED25519_PUBLIC_KEY_HEX;
import static org.ippan.l2.core.crypto.TestKeys.SEED_42;
import static org.ippan.l2.core.crypto.TestKeys.SEED_42_PUBLIC_KEY_HEX;
import static org.ippan.l2.core.crypto.TestKeys.assertNoKeyMaterial;
import static org.ippan.l2.core.crypto.TestKeys.concat;
import static org.ippan.l2.core.crypto.TestKeys.filled;
import static org.ippan.l2.core.crypto.TestKeys.hex;
import static org.ippan.l2.core.crypto.TestKeys.opensslPkcs8Der;
import static org.ippan.l2.core.crypto.TestKeys.pem;
import static org.ippan.l2.core.crypto.TestKeys.read;
import static org.ippan.l2.core.crypto.TestKeys.resource;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.ippan.l2.core.crypto.KeyLoadException.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SequencerKeysTest {
    private static final ASN1ObjectIdentifier ED25519_OID = new ASN1ObjectIdentifier("1.3.101.112");
    private static final String SEED_42_PEM = pem("PRIVATE KEY", opensslPkcs8Der(SEED_42), "\n");

    @TempDir
    Path tempDir;

    // ---- keys that load -------------------------------------------------------------------------------------

    @Test
    void fromPem_opensslDerPrefixPlusSeed_givesTheSeedsPublicKey() {
        Ed25519Signer signer = SequencerKeys.fromPem(SEED_42_PEM);

        assertThat(signer.publicKeyHex()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
        assertThat(signer.sign(new byte[] {1, 2, 3}, 0, 3))
                .isEqualTo(new Ed25519Signer(SEED_42).sign(new byte[] {1, 2, 3}, 0, 3));
    }

    @Test
    void fromPem_crlfLineEndings_load() {
        String crlfPem = pem("PRIVATE KEY", opensslPkcs8Der(SEED_42), "\r\n");

        assertThat(SequencerKeys.fromPem(crlfPem).publicKeyHex()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
    }

    @Test
    void fromPem_textAndWhitespaceAroundTheBlock_areIgnored() {
        String noisy = "Key for the staging sequencer\r\n\r\n   \t" + SEED_42_PEM.replace("\n", "  \r\n")
                + "\nED25519 Private-Key:\npriv:\n    (openssl -text output would be here)\n\n  ";

        assertThat(SequencerKeys.fromPem(noisy).publicKeyHex()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
    }

    @Test
    void fromPem_bodyOnOneLineWithoutPadding_loads() {
        String base64 = Base64.getEncoder().withoutPadding().encodeToString(opensslPkcs8Der(SEED_42));

        Ed25519Signer signer = SequencerKeys.fromPem(
                "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----");

        assertThat(signer.publicKeyHex()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
    }

    @Test
    void fromPem_pkcs8V2CarryingTheMatchingPublicKey_loads() throws IOException {
        byte[] v2Der = pkcs8V2Der(SEED_42, hex(SEED_42_PUBLIC_KEY_HEX));
        assertThat(v2Der[4]).as("version byte of the v2 DER").isEqualTo((byte) 1);

        Ed25519Signer signer = SequencerKeys.fromPem(pem("PRIVATE KEY", v2Der, "\n"));

        assertThat(signer.publicKeyHex()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
    }

    @Test
    void fromPem_privateKeyNextToAPublicKeyBlock_usesThePrivateKey() {
        String both = read(resource("ed25519-public.pem")) + SEED_42_PEM;

        assertThat(SequencerKeys.fromPem(both).publicKeyHex()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
    }

    @Test
    void load_keyFileWrittenByOpensslGenpkey_givesThePublicKeyOpensslPrinted() {
        Ed25519Signer signer = SequencerKeys.load(resource("ed25519.pem"));

        assertThat(signer.publicKeyHex()).isEqualTo(FIXTURE_ED25519_PUBLIC_KEY_HEX);
    }

    @Test
    void load_opensslPkeyTextOutput_loadsTheKeyFromItsPemBlock() {
        Ed25519Signer signer = SequencerKeys.load(resource("ed25519-with-text.pem"));

        assertThat(signer.publicKeyHex()).isEqualTo(FIXTURE_ED25519_PUBLIC_KEY_HEX);
    }

    @Test
    void load_ownerOnlyKeyFile_loadsWithoutWarning() throws IOException {
        Path keyFile = writeKeyFile("sequencer.key", SEED_42_PEM, "rw-------");
        List<String> warnings = new ArrayList<>();

        Ed25519Signer signer = SequencerKeys.load(keyFile, warnings::add, new HashSet<>());

        assertThat(signer.publicKeyHex()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
        assertThat(warnings).isEmpty();
    }

    @Test
    void fromHexSeed_eitherCaseAndSurroundingWhitespace_load() {
        String lower = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
        String expectedPublicKey = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

        assertThat(SequencerKeys.fromHexSeed(lower).publicKeyHex()).isEqualTo(expectedPublicKey);
        assertThat(SequencerKeys.fromHexSeed(lower.toUpperCase()).publicKeyHex()).isEqualTo(expectedPublicKey);
        assertThat(SequencerKeys.fromHexSeed(" \t" + lower + "\r\n").publicKeyHex()).isEqualTo(expectedPublicKey);
        assertThat(SequencerKeys.fromHexSeed("42".repeat(32)).publicKeyHex()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
    }

    // ---- permission warnings --------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "r--r--r--"})
    void load_keyFileReadableByGroupOrOthers_warnsOnceNamingThePathAndChmod600(String permissions)
            throws IOException {
        Path keyFile = writeKeyFile("sequencer.key", SEED_42_PEM, permissions);
        List<String> warnings = new ArrayList<>();
        Set<Path> warnedPaths = new HashSet<>();

        SequencerKeys.load(keyFile, warnings::add, warnedPaths);
        SequencerKeys.load(keyFile, warnings::add, warnedPaths);
        SequencerKeys.load(tempDir.resolve(".").resolve("sequencer.key"), warnings::add, warnedPaths);

        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains(keyFile.toString()).contains("chmod 600")
                .contains("readable by group or others");
        assertNoKeyMaterial(new IllegalStateException(warnings.get(0)), SEED_42_PEM, SEED_42);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rw-------", "r--------", "rw--w----"})
    void load_keyFileNotReadableByGroupOrOthers_doesNotWarn(String permissions) throws IOException {
        Path keyFile = writeKeyFile("sequencer.key", SEED_42_PEM, permissions);
        List<String> warnings = new ArrayList<>();

        SequencerKeys.load(keyFile, warnings::add, new HashSet<>());

        assertThat(warnings).isEmpty();
    }

    @Test
    void load_differentLooseKeyFiles_eachWarnOnce() throws IOException {
        Path first = writeKeyFile("first.key", SEED_42_PEM, "rw-r--r--");
        Path second = writeKeyFile("second.key", SEED_42_PEM, "rw-r--r--");
        List<String> warnings = new ArrayList<>();
        Set<Path> warnedPaths = new HashSet<>();

        SequencerKeys.load(first, warnings::add, warnedPaths);
        SequencerKeys.load(second, warnings::add, warnedPaths);
        SequencerKeys.load(first, warnings::add, warnedPaths);

        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains(first.toString());
        assertThat(warnings.get(1)).contains(second.toString());
    }

    @Test
    void load_withTheSlf4jLogger_loadsALooseKeyFile() throws IOException {
        Path keyFile = writeKeyFile("sequencer.key", SEED_42_PEM, "rw-r--r--");

        assertThat(SequencerKeys.load(keyFile).publicKeyHex()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
        assertThat(SequencerKeys.load(keyFile).publicKeyHex()).isEqualTo(SEED_42_PUBLIC_KEY_HEX);
    }

    // ---- FILE_MISSING and FILE_UNREADABLE -------------------------------------------------------------------

    @Test
    void load_missingFile_isFileMissingNamingThePath() {
        Path missing = tempDir.resolve("no-such.key");

        KeyLoadException thrown = loadFails(missing);

        assertThat(thrown.problem()).isEqualTo(Problem.FILE_MISSING);
        assertThat(thrown).hasMessageContaining(missing.toString()).hasMessageContaining("does not exist")
                .hasMessageContaining("openssl genpkey -algorithm ed25519");
    }

    @Test
    void load_directory_isFileUnreadable() {
        KeyLoadException thrown = loadFails(tempDir);

        assertThat(thrown.problem()).isEqualTo(Problem.FILE_UNREADABLE);
        assertThat(thrown).hasMessageContaining(tempDir.toString()).hasMessageContaining("is a directory");
    }

    @Test
    void load_fileWithoutReadPermission_isFileUnreadable() throws IOException {
        Path keyFile = writeKeyFile("locked.key", SEED_42_PEM, "---------");
        assumeTrue(!Files.isReadable(keyFile),
                "chmod 000 did not make the file unreadable (running as root?): unreadable-file test skipped");

        KeyLoadException thrown = loadFails(keyFile);

        assertThat(thrown.problem()).isEqualTo(Problem.FILE_UNREADABLE);
        assertThat(thrown).hasMessageContaining(keyFile.toString()).hasMessageContaining("permission denied");
        assertNoKeyMaterial(thrown, SEED_42_PEM, SEED_42);
    }

    // ---- NOT_PEM ------------------------------------------------------------------------------------------

    @Test
    void load_fileThatIsNotPem_isNotPem() throws IOException {
        String notPem = "L2_SEQUENCER_KEY_PATH=/etc/ippan/sequencer.key\n" + hex(SEED_42) + "\n";
        Path keyFile = writeKeyFile("config.env", notPem, "rw-------");

        KeyLoadException thrown = loadFails(keyFile);

        assertThat(thrown.problem()).isEqualTo(Problem.NOT_PEM);
        assertThat(thrown).hasMessageContaining(keyFile.toString()).hasMessageContaining("no PEM block")
                .hasMessageContaining("-----BEGIN PRIVATE KEY-----");
        assertNoKeyMaterial(thrown, notPem, SEED_42);
    }

    @Test
    void load_emptyFile_isNotPem() throws IOException {
        Path keyFile = writeKeyFile("empty.key", "", "rw-------");

        KeyLoadException thrown = loadFails(keyFile);

        assertThat(thrown.problem()).isEqualTo(Problem.NOT_PEM);
        assertThat(thrown).hasMessageContaining(keyFile.toString());
    }

    @Test
    void load_hugeFile_isNotPemWithoutReadingItAll() throws IOException {
        Path keyFile = writeKeyFile("huge.key", "A".repeat(SequencerKeys.MAX_KEY_FILE_BYTES + 1), "rw-------");

        KeyLoadException thrown = loadFails(keyFile);

        assertThat(thrown.problem()).isEqualTo(Problem.NOT_PEM);
        assertThat(thrown).hasMessageContaining(keyFile.toString()).hasMessageContaining("larger than 64 KiB");
    }

    @ParameterizedTest(name = "body with {0}")
    @ValueSource(strings = {"*", "!", ":", "é"})
    void load_badBase64InsideTheBlock_isNotPem(String badCharacter) throws IOException {
        String badPem = SEED_42_PEM.replaceFirst("MC4C", "MC" + badCharacter + "C");
        Path keyFile = writeKeyFile("bad-base64.key", badPem, "rw-------");

        KeyLoadException thrown = loadFails(keyFile);

        assertThat(thrown.problem()).isEqualTo(Problem.NOT_PEM);
        assertThat(thrown).hasMessageContaining(keyFile.toString()).hasMessageContaining("not valid base64");
        assertNoKeyMaterial(thrown, badPem, SEED_42);
    }

    @Test
    void fromPem_emptyPrivateKeyBlock_isNotPem() {
        KeyLoadException thrown = fromPemFails("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n");

        assertThat(thrown.problem()).isEqualTo(Problem.NOT_PEM);
        assertThat(thrown).hasMessageContaining("empty");
    }

    @Test
    void fromPem_twoPrivateKeyBlocks_isNotPem() {
        String twoKeys = SEED_42_PEM + pem("PRIVATE KEY", opensslPkcs8Der(filled(32, 7)), "\n");

        KeyLoadException thrown = fromPemFails(twoKeys);

        assertThat(thrown.problem()).isEqualTo(Problem.NOT_PEM);
        assertThat(thrown).hasMessageContaining("2 -----BEGIN PRIVATE KEY----- blocks")
                .hasMessageContaining("exactly one");
        assertNoKeyMaterial(thrown, twoKeys, SEED_42, filled(32, 7));
    }

    @Test
    void fromPem_blockWithoutEndLine_isNotPem() {
        String truncated = SEED_42_PEM.substring(0, SEED_42_PEM.indexOf("-----END"));

        KeyLoadException thrown = fromPemFails(truncated);

        assertThat(thrown.problem()).isEqualTo(Problem.NOT_PEM);
        assertThat(thrown).hasMessageContaining("no END line");
        assertNoKeyMaterial(thrown, SEED_42_PEM, SEED_42);
    }

    @Test
    void fromPem_endLabelNotMatchingBegin_isNotPem() {
        String mismatched = SEED_42_PEM.replace("-----END PRIVATE KEY-----", "-----END PUBLIC KEY-----");

        KeyLoadException thrown = fromPemFails(mismatched);

        assertThat(thrown.problem()).isEqualTo(Problem.NOT_PEM);
        assertThat(thrown).hasMessageContaining("is closed by -----END PUBLIC KEY-----");
        assertNoKeyMaterial(thrown, SEED_42_PEM, SEED_42);
    }

    @Test
    void fromPem_onlyACertificateBlock_isNotPemNamingWhatWasFound() {
        String certificate = pem("CERTIFICATE", new byte[] {0x30, 0x00}, "\n");

        KeyLoadException thrown = fromPemFails(certificate);

        assertThat(thrown.problem()).isEqualTo(Problem.NOT_PEM);
        assertThat(thrown).hasMessageContaining("only -----BEGIN CERTIFICATE-----");
    }

    // ---- ENCRYPTED ----------------------------------------------------------------------------------------

    @Test
    void load_encryptedKey_isEncryptedAndSaysHowToDecrypt() {
        Path keyFile = resource("ed25519-encrypted.pem");

        KeyLoadException thrown = loadFails(keyFile);

        assertThat(thrown.problem()).isEqualTo(Problem.ENCRYPTED);
        assertThat(thrown).hasMessageContaining(keyFile.toString())
                .hasMessageContaining("-----BEGIN ENCRYPTED PRIVATE KEY-----")
                .hasMessageContaining("openssl pkey -in " + keyFile + " -out ");
        assertNoKeyMaterial(thrown, read(keyFile));
    }

    // ---- WRONG_ALGORITHM ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "rsa.pem,    RSA,    1.2.840.113549.1.1.1",
        "ec.pem,     EC,     1.2.840.10045.2.1",
        "ed448.pem,  Ed448,  1.3.101.113",
        "x25519.pem, X25519, 1.3.101.110",
        "dsa.pem,    DSA,    1.2.840.10040.4.1",
    })
    void load_pkcs8KeyOfAnotherAlgorithm_isWrongAlgorithmNamingIt(String fixture, String algorithm, String oid) {
        Path keyFile = resource(fixture);

        KeyLoadException thrown = loadFails(keyFile);

        assertThat(thrown.problem()).isEqualTo(Problem.WRONG_ALGORITHM);
        assertThat(thrown).hasMessageContaining(keyFile.toString())
                .hasMessageContaining("algorithm " + algorithm + " (OID " + oid + ")")
                .hasMessageContaining("Ed25519")
                .hasMessageContaining("openssl genpkey -algorithm ed25519 -out " + keyFile);
        assertNoKeyMaterial(thrown, read(keyFile));
    }

    @Test
    void fromPem_pkcs8KeyOfAnUnknownAlgorithm_isWrongAlgorithmGivingTheOid() throws IOException {
        byte[] der = new PrivateKeyInfo(new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.3.4.5")),
                new DEROctetString(SEED_42)).getEncoded();
        String unknownPem = pem("PRIVATE KEY", der, "\n");

        KeyLoadException thrown = fromPemFails(unknownPem);

        assertThat(thrown.problem()).isEqualTo(Problem.WRONG_ALGORITHM);
        assertThat(thrown).hasMessageContaining("unknown algorithm (OID 1.2.3.4.5)");
        assertNoKeyMaterial(thrown, unknownPem, SEED_42);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "rsa-legacy.pem,          RSA PRIVATE KEY,     legacy PKCS#1 RSA",
        "ec-legacy.pem,           EC PRIVATE KEY,      legacy SEC1 EC",
        "openssh-ed25519.pem,     OPENSSH PRIVATE KEY, OpenSSH-format",
    })
    void load_legacyOrOpensshPrivateKeyBlock_isWrongAlgorithmNamingTheFormat(String fixture, String label,
            String description) {
        Path keyFile = resource(fixture);

        KeyLoadException thrown = loadFails(keyFile);

        assertThat(thrown.problem()).isEqualTo(Problem.WRONG_ALGORITHM);
        assertThat(thrown).hasMessageContaining(keyFile.toString())
                .hasMessageContaining("-----BEGIN " + label + "-----")
                .hasMessageContaining(description)
                .hasMessageContaining("openssl genpkey -algorithm ed25519");
        assertNoKeyMaterial(thrown, read(keyFile));
    }

    @Test
    void load_publicKeyWhereThePrivateKeyIsNeeded_isWrongAlgorithm() {
        Path keyFile = resource("ed25519-public.pem");

        KeyLoadException thrown = loadFails(keyFile);

        assertThat(thrown.problem()).isEqualTo(Problem.WRONG_ALGORITHM);
        assertThat(thrown).hasMessageContaining(keyFile.toString()).hasMessageContaining("holds a public key")
                .hasMessageContaining("needs the private key");
        assertNoKeyMaterial(thrown, read(keyFile));
    }

    // ---- WRONG_LENGTH -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "seed of {0} bytes")
    @ValueSource(ints = {0, 16, 31, 33, 57, 64})
    void load_derWithASeedNot32BytesLong_isWrongLength(int seedLength) throws IOException {
        byte[] seed = filled(seedLength, 0x5a);
        byte[] der = new PrivateKeyInfo(new AlgorithmIdentifier(ED25519_OID), new DEROctetString(seed)).getEncoded();
        String wrongPem = pem("PRIVATE KEY", der, "\n");
        Path keyFile = writeKeyFile("short-seed.key", wrongPem, "rw-------");

        KeyLoadException thrown = loadFails(keyFile);

        assertThat(thrown.problem()).isEqualTo(Problem.WRONG_LENGTH);
        assertThat(thrown).hasMessageContaining(keyFile.toString())
                .hasMessageContaining("seed is " + seedLength + " bytes; expected 32");
        assertNoKeyMaterial(thrown, wrongPem, seed);
    }

    @ParameterizedTest(name = "{0} characters")
    @ValueSource(ints = {0, 2, 62, 63, 65, 66, 128})
    void fromHexSeed_not64Characters_isWrongLength(int length) {
        String hexSeed = "ab".repeat(64).substring(0, length);

        KeyLoadException thrown = catchThrowableOfType(KeyLoadException.class,
                () -> SequencerKeys.fromHexSeed(hexSeed));

        assertThat(thrown.problem()).isEqualTo(Problem.WRONG_LENGTH);
        assertThat(thrown).hasMessageContaining("has " + length + " characters; expected 64");
        assertNoHexSeedInMessage(thrown, hexSeed);
    }

    // ---- MALFORMED ----------------------------------------------------------------------------------------

    @Test
    void fromPem_derThatDoesNotParse_isMalformed() {
        byte[] der = opensslPkcs8Der(SEED_42);
        List<byte[]> broken = List.of(
                Arrays.copyOf(der, der.length - 1),
                concat(der, new byte[] {0x00}),
                "this is not DER at all".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0x30, 0x03, 0x02, 0x01, 0x00},
                new byte[] {0x04, 0x20, 0x42, 0x42});
        for (byte[] badDer : broken) {
            String badPem = pem("PRIVATE KEY", badDer, "\n");

            KeyLoadException thrown = fromPemFails(badPem);

            assertThat(thrown.problem()).as(hex(badDer)).isEqualTo(Problem.MALFORMED);
            assertThat(thrown).hasMessageContaining("not a PKCS#8 private key");
            assertNoKeyMaterial(thrown, badPem, SEED_42);
        }
    }

    @Test
    void fromPem_seedNotWrappedInAnInnerOctetString_isMalformed() throws IOException {
        byte[] der = new PrivateKeyInfo(new AlgorithmIdentifier(ED25519_OID), SEED_42).getEncoded();
        String badPem = pem("PRIVATE KEY", der, "\n");

        KeyLoadException thrown = fromPemFails(badPem);

        assertThat(thrown.problem()).isEqualTo(Problem.MALFORMED);
        assertThat(thrown).hasMessageContaining("OCTET STRING");
        assertNoKeyMaterial(thrown, badPem, SEED_42);
    }

    @Test
    void fromPem_ed25519AlgorithmWithParameters_isMalformed() throws IOException {
        byte[] der = new PrivateKeyInfo(new AlgorithmIdentifier(ED25519_OID, DERNull.INSTANCE),
                new DEROctetString(SEED_42)).getEncoded();
        String badPem = pem("PRIVATE KEY", der, "\n");

        KeyLoadException thrown = fromPemFails(badPem);

        assertThat(thrown.problem()).isEqualTo(Problem.MALFORMED);
        assertThat(thrown).hasMessageContaining("parameters");
        assertNoKeyMaterial(thrown, badPem, SEED_42);
    }

    @Test
    void load_pkcs8V2WhosePublicKeyDoesNotMatch_isMalformed() throws IOException {
        byte[] otherPublicKey = new Ed25519Signer(filled(32, 0x43)).publicKey();
        String splicedPem = pem("PRIVATE KEY", pkcs8V2Der(SEED_42, otherPublicKey), "\n");
        Path keyFile = writeKeyFile("spliced.key", splicedPem, "rw-------");

        KeyLoadException thrown = loadFails(keyFile);

        assertThat(thrown.problem()).isEqualTo(Problem.MALFORMED);
        assertThat(thrown).hasMessageContaining(keyFile.toString()).hasMessageContaining("does not match");
        assertNoKeyMaterial(thrown, splicedPem, SEED_42);
    }

    @Test
    void fromPem_pkcs8V2WithATruncatedPublicKey_isMalformed() throws IOException {
        byte[] shortPublicKey = Arrays.copyOf(hex(SEED_42_PUBLIC_KEY_HEX), 31);
        String badPem = pem("PRIVATE KEY", pkcs8V2Der(SEED_42, shortPublicKey), "\n");

        KeyLoadException thrown = fromPemFails(badPem);

        assertThat(thrown.problem()).isEqualTo(Problem.MALFORMED);
        assertThat(thrown).hasMessageContaining("does not match");
        assertNoKeyMaterial(thrown, badPem, SEED_42);
    }

    @ParameterizedTest(name = "bad character {0}")
    @ValueSource(strings = {"g", "G", "z", " ", "-", "\uff10", "\u0663"})
    void fromHexSeed_nonHexCharacter_isMalformedGivingItsPosition(String badCharacter) {
        String hexSeed = "42".repeat(5) + badCharacter + "4".repeat(53);

        KeyLoadException thrown = catchThrowableOfType(KeyLoadException.class,
                () -> SequencerKeys.fromHexSeed(hexSeed));

        assertThat(thrown.problem()).isEqualTo(Problem.MALFORMED);
        assertThat(thrown).hasMessageContaining("character 11 (counting from 1) is not a hex digit");
        assertNoHexSeedInMessage(thrown, hexSeed);
    }

    @Test
    void fromHexSeed_with0xPrefix_isMalformedSayingToDropIt() {
        String hexSeed = "0x" + "42".repeat(32);

        KeyLoadException thrown = catchThrowableOfType(KeyLoadException.class,
                () -> SequencerKeys.fromHexSeed(hexSeed));

        assertThat(thrown.problem()).isEqualTo(Problem.MALFORMED);
        assertThat(thrown).hasMessageContaining("starts with 0x");
        assertNoHexSeedInMessage(thrown, hexSeed);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static KeyLoadException loadFails(Path keyFile) {
        List<String> warnings = new ArrayList<>();
        KeyLoadException thrown = catchThrowableOfType(KeyLoadException.class,
                () -> SequencerKeys.load(keyFile, warnings::add, new HashSet<>()));
        assertThat(thrown).as("loading %s must fail", keyFile).isNotNull();
        assertThat(warnings).as("no permission warning for a key that did not load").isEmpty();
        return thrown;
    }

    private static KeyLoadException fromPemFails(String pem) {
        KeyLoadException thrown = catchThrowableOfType(KeyLoadException.class, () -> SequencerKeys.fromPem(pem));
        assertThat(thrown).as("fromPem must fail").isNotNull();
        return thrown;
    }

    private static void assertNoHexSeedInMessage(KeyLoadException thrown, String hexSeed) {
        String stripped = hexSeed.strip();
        for (int start = 0; start + 8 <= stripped.length(); start++) {
            assertThat(thrown.getMessage()).doesNotContainIgnoringCase(stripped.substring(start, start + 8));
        }
    }

    /** A PKCS#8 v2 (OneAsymmetricKey) Ed25519 key carrying {@code publicKey}. */
    private static byte[] pkcs8V2Der(byte[] seed, byte[] publicKey) throws IOException {
        return new PrivateKeyInfo(new AlgorithmIdentifier(ED25519_OID), new DEROctetString(seed), null, publicKey)
                .getEncoded();
    }

    private Path writeKeyFile(String name, String content, String permissions) throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "file system without POSIX permissions: test skipped");
        Path keyFile = tempDir.resolve(name);
        Files.writeString(keyFile, content, StandardCharsets.ISO_8859_1);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString(permissions));
        return keyFile;
    }
}
