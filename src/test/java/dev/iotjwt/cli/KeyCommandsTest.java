package dev.iotjwt.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.iotjwt.jwt.JwtAlg;
import dev.iotjwt.jwt.JwtMinter;
import dev.iotjwt.jwt.MintRequest;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code iotjwt key …} as users type it: real fixture keys, tokens checked by an independent verifier. */
class KeyCommandsTest {
    @TempDir
    Path dir;

    private static KeyMaterial load(Path file, PasswordSource pw) throws Exception {
        return new KeyReader().read(file, pw).usable().get(0);
    }

    /** A token signed by {@code signer} verifies with {@code verifier} in Nimbus. */
    private static boolean verifies(PrivateKey signer, PublicKey verifier) throws Exception {
        JwtAlg alg = signer.getAlgorithm().equals("RSA") ? JwtAlg.RS256 : JwtAlg.ES256;
        String token = new JwtMinter().mint(new MintRequest(signer, alg, "p", Fixtures.NOW, Duration.ofHours(1),
                Map.of())).token();
        JWSVerifier v = verifier instanceof RSAPublicKey rsa ? new RSASSAVerifier(rsa)
                : new ECDSAVerifier((ECPublicKey) verifier);
        return SignedJWT.parse(token).verify(v);
    }

    @ParameterizedTest(name = "{0} --to {1} --encoding {2}")
    @CsvSource({
            "rsa2048_pkcs1.pem, pkcs8, pem, PKCS8, true",
            "rsa2048_pkcs8.der, pkcs1, der, PKCS1, true",
            "rsa2048_pkcs1.xxd, pkcs1, pem, PKCS1, true",
            "rsa2048_pkcs8_enc.pem, spki, pem, SPKI, false",
            "rsa2048_public.pem, pkcs1, der, PKCS1_PUBLIC, false",
            "rsa2048_cert.pem, spki, der, SPKI, false",
            "p256_sec1.pem, pkcs8, der, PKCS8, true",
            "p256_pkcs8.pem, sec1, pem, SEC1, true",
            "p256_sec1_nopub.pem, sec1, der, SEC1, true",
            "p256_openssl_text.txt, sec1, pem, SEC1, true",
            "p256_high_priv_only.hex, pkcs8, pem, PKCS8, true",
            "p256_sec1_c_array.h, spki, der, SPKI, false",
    })
    void everyConversionRoundTrips(String input, String to, String encoding, KeyMaterial.Container container,
                                   boolean privateOut) throws Exception {
        Path out = dir.resolve("out." + encoding);
        CliRun r = CliRun.run("key", "convert", Fixtures.key(input).toString(), "--to", to, "--encoding", encoding,
                "--out", out.toString(), "--key-password-file", Fixtures.key("password.txt").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        KeyMaterial original = load(Fixtures.key(input), Fixtures.PASSWORD_SOURCE);
        KeyMaterial converted = load(out, PasswordSource.NONE);
        assertThat(converted.container()).isEqualTo(container);
        assertThat(converted.encoding().name()).isEqualTo(encoding.toUpperCase());
        assertThat(converted.publicHalf().getEncoded()).isEqualTo(original.publicHalf().getEncoded());
        if (privateOut) {
            assertThat(verifies(converted.privateKey(), original.publicHalf())).isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        } else if (original.privateKey() != null) {
            assertThat(verifies(original.privateKey(), converted.publicHalf())).isTrue();
        }
        assertThat(r.out()).contains("wrote " + out);
    }

    @Test
    void encryptedPkcs8OutputAndItsPassword() throws Exception {
        Path out = dir.resolve("enc.pem");
        CliRun r = CliRun.run(Map.of("OUT_PW", "s3cret pass"), "key", "convert",
                Fixtures.key("p256_sec1.pem").toString(), "--to", "pkcs8", "--out", out.toString(),
                "--out-password-env", "OUT_PW");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(out)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(r.out()).doesNotContain("s3cret");
        KeyMaterial back = load(out, new PasswordSource() {
            @Override
            public char[] password(String source) {
                return "s3cret pass".toCharArray();
            }

            @Override
            public String howToGive() {
                return "";
            }
        });
        assertThat(back.encrypted()).isTrue();
        assertThat(verifies(back.privateKey(), load(Fixtures.key("p256_public.pem"), PasswordSource.NONE)
                .publicKey())).isTrue();
        CliRun wrong = CliRun.run(Map.of("OUT_PW", "x"), "key", "inspect", out.toString(), "--key-password-env",
                "OUT_PW");
        assertThat(wrong.exitCode()).isEqualTo(3);
        assertThat(wrong.err()).contains("wrong password");
    }

    @Test
    void convertRefusesWhatCannotBeAndNeverOverwritesSilently() throws Exception {
        CliRun ecAsPkcs1 = CliRun.run("key", "convert", Fixtures.key("p256_sec1.pem").toString(), "--to", "pkcs1");
        assertThat(ecAsPkcs1.exitCode()).isEqualTo(3);
        assertThat(ecAsPkcs1.err()).contains("PKCS#1 holds RSA keys only").hasLineCount(1);
        CliRun publicAsSec1 = CliRun.run("key", "convert", Fixtures.key("p256_public.pem").toString(), "--to",
                "sec1");
        assertThat(publicAsSec1.exitCode()).isEqualTo(3);
        assertThat(publicAsSec1.err()).contains("needs the private key");
        CliRun derToTerminal = CliRun.run("key", "convert", Fixtures.key("p256_sec1.pem").toString(), "--to", "pkcs8",
                "--encoding", "der");
        assertThat(derToTerminal.exitCode()).isEqualTo(2);
        Path out = dir.resolve("k.pem");
        Files.writeString(out, "keep me");
        CliRun exists = CliRun.run("key", "convert", Fixtures.key("p256_sec1.pem").toString(), "--to", "pkcs8",
                "--out", out.toString());
        assertThat(exists.exitCode()).isEqualTo(3);
        assertThat(Files.readString(out)).isEqualTo("keep me");
        CliRun forced = CliRun.run("key", "convert", Fixtures.key("p256_sec1.pem").toString(), "--to", "pkcs8",
                "--out", out.toString(), "--force");
        assertThat(forced.exitCode()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        CliRun stdout = CliRun.run("key", "convert", Fixtures.key("rsa2048_pkcs8.pem").toString(), "--to", "pkcs1");
        assertThat(stdout.out()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    }

    @Test
    void aPasswordForOutputThatCannotBeEncryptedIsAnOptionConflict() {
        Path sec1 = dir.resolve("x.pem");
        CliRun r = CliRun.run("key", "convert", Fixtures.key("p256_pkcs8.pem").toString(), "--to", "sec1", "--out",
                sec1.toString(), "--out-password-file", Fixtures.key("password.txt").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--out-password-file encrypts PKCS#8 output only, not --to sec1")
                .contains("Try '");
        assertThat(Files.exists(sec1)).isFalse();
    }

    @Test
    void aFileThatCannotBeWrittenSaysWhy() throws Exception {
        Path missing = dir.resolve("no-such-folder").resolve("x.pem");
        CliRun r = CliRun.run("key", "convert", Fixtures.key("p256_sec1.pem").toString(), "--to", "pkcs8", "--out",
                missing.toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains(missing + ": cannot write: no such folder " + missing.getParent())
                .contains("hint: create the folder first");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        // root (or CAP_DAC_OVERRIDE) writes into it anyway: then there is nothing to deny
        boolean deniable = !Files.isWritable(locked);
        CliRun denied = CliRun.run("key", "convert", Fixtures.key("p256_public.pem").toString(), "--to", "spki",
                "--out", locked.resolve("x.pem").toString());
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        if (deniable) {
            assertThat(denied.exitCode()).isEqualTo(3);
            assertThat(denied.err()).contains("cannot write: permission denied");
        }
    }

    @Test
    void matchTakesThePrivateKeyInEitherOrderAndSaysTheOrderWhenNeitherIsOne() {
        CliRun swapped = CliRun.run("key", "match", Fixtures.key("p256_cert.pem").toString(),
                Fixtures.key("p256_cert_and_key.pem").toString(), "--format", "json");
        CliRun inOrder = CliRun.run("key", "match", Fixtures.key("p256_cert_and_key.pem").toString(),
                Fixtures.key("p256_cert.pem").toString(), "--format", "json");
        assertThat(swapped.exitCode()).isEqualTo(inOrder.exitCode());
        assertThat(swapped.out()).isEqualTo(inOrder.out());
        CliRun pubFirst = CliRun.run("key", "match", Fixtures.key("p256_public.pem").toString(),
                Fixtures.key("p256_sec1.pem").toString());
        assertThat(pubFirst.exitCode()).as(pubFirst.err()).isZero();
        assertThat(pubFirst.out()).startsWith("match: " + Fixtures.key("p256_sec1.pem") + " (EC P-256");
        CliRun neither = CliRun.run("key", "match", Fixtures.key("p256_public.pem").toString(),
                Fixtures.key("p256_cert.pem").toString());
        assertThat(neither.exitCode()).isEqualTo(3);
        assertThat(neither.err()).contains("holds no private key either")
                .contains("hint: the order is: iotjwt key match PRIVATE_KEY PUBLIC_KEY_OR_CERT");
        CliRun otherType = CliRun.run("key", "match", Fixtures.key("rsa2048_pkcs1.pem").toString(),
                Fixtures.key("p256_public.pem").toString());
        assertThat(otherType.out()).isEqualTo("no match: " + Fixtures.key("rsa2048_pkcs1.pem") + " is an RSA 2048"
                + " private key but " + Fixtures.key("p256_public.pem") + " holds an EC P-256 (prime256v1) public"
                + " key\n");
    }

    @Test
    void inspectSaysWhatItIsAndWhetherIotCoreTakesIt() {
        CliRun ec = CliRun.run("key", "inspect", Fixtures.key("p256_high_openssl11_text.txt").toString());
        assertThat(ec.exitCode()).isZero();
        assertThat(ec.out()).contains("EC P-256 (prime256v1) private key").contains("raw EC private scalar")
                .contains("ES256").contains("accepts it").contains("register    as ES256_PEM")
                .contains("leading 00:");
        CliRun weak = CliRun.run("key", "inspect", Fixtures.key("rsa1024_pkcs1.pem").toString(), "--format", "json");
        JsonObject item = JsonParser.parseString(weak.out()).getAsJsonObject().getAsJsonArray("items").get(0)
                .getAsJsonObject();
        assertThat(item.get("iotCore").getAsBoolean()).isFalse();
        assertThat(item.get("verdict").getAsString()).contains("2048");
        assertThat(item.get("registerAs").isJsonNull()).isTrue();
        CliRun both = CliRun.run("key", "inspect", Fixtures.key("p256_cert_and_key.pem").toString());
        assertThat(both.out()).contains("X.509 certificate 'unused'").contains("ES256_X509_PEM")
                .contains("private key");
        CliRun p384 = CliRun.run("key", "inspect", Fixtures.key("p384_sec1.pem").toString());
        assertThat(p384.out()).contains("JWT         ES384 (IoT Core accepts only ES256)")
                .contains("IoT Core    refuses it");
    }

    /** Fingerprints from openssl pkey -pubout -outform DER | sha256sum: an oracle independent of the tool. */
    @Test
    void inspectDescribesKeysIotCoreRefusesAndEncryptedKeysWithoutAPassword() {
        CliRun ed = CliRun.run("key", "inspect", Fixtures.key("ed25519_pkcs8.pem").toString());
        assertThat(ed.exitCode()).as(ed.err()).isZero();
        assertThat(ed.out()).contains(": Ed25519 private key").contains("container   PKCS#8, PEM")
                .contains("public key  SHA-256 13dbf5d4a9711f6d9d13b37c68861915054a284dfd8a66eb8e4daf9e81ff0a30")
                .contains("JWT         EdDSA (IoT Core accepts only RS256 and ES256)")
                .contains("IoT Core    refuses it: IoT Core accepts only RSA (RS256) and EC P-256 (ES256) keys")
                .doesNotContain("register");
        CliRun k1 = CliRun.run("key", "inspect", Fixtures.key("secp256k1_sec1.pem").toString(), "--format", "json");
        assertThat(k1.exitCode()).as(k1.err()).isZero();
        JsonObject item = JsonParser.parseString(k1.out()).getAsJsonObject().getAsJsonArray("items").get(0)
                .getAsJsonObject();
        assertThat(item.get("type").getAsString()).isEqualTo("EC secp256k1");
        assertThat(item.get("container").getAsString()).isEqualTo("SEC1");
        assertThat(item.get("fingerprint").getAsString())
                .isEqualTo("5b8f1c90cdc33d2e019f62a653b362a195c1fee79d7ca586f048c2b143e5ee66");
        assertThat(item.get("iotCore").getAsBoolean()).isFalse();
        assertThat(item.get("verdict").getAsString()).startsWith("refuses it: ES256 needs P-256");
        Path edPub = Path.of("src/test/resources/bad-inputs/keys/wrong-type/ed448_pub.pem");
        CliRun ed448 = CliRun.run("key", "inspect", edPub.toString());
        assertThat(ed448.exitCode()).isZero();
        assertThat(ed448.out()).contains("Ed448 public key").contains("SubjectPublicKeyInfo")
                .contains("673b2f4903b5a59be00d33b1ee8d99b11c64be83effe29fdf3faf5c42e1dc1f9");
        CliRun enc = CliRun.run("key", "inspect", Fixtures.key("p256_pkcs8_enc.pem").toString());
        assertThat(enc.exitCode()).as(enc.err()).isZero();
        assertThat(enc.out()).contains(": encrypted private key").contains("container   encrypted PKCS#8, PEM")
                .contains("JWT         unknown until decrypted")
                .contains("note        encrypted with PBES2: PBKDF2 (HMAC-SHA256, 2048 iterations), AES-256-CBC: give"
                        + " the password (--key-password-file FILE, --key-password-env VAR, or at the prompt)")
                .doesNotContain("public key  SHA-256");
        CliRun legacy = CliRun.run("key", "inspect", Fixtures.key("p256_sec1_legacy_enc.pem").toString());
        assertThat(legacy.exitCode()).as(legacy.err()).isZero();
        assertThat(legacy.out()).contains(": EC private key").contains("encrypted SEC1, PEM")
                .contains("legacy OpenSSL PEM encryption: AES-256-CBC");
        CliRun encDer = CliRun.run("key", "inspect", Fixtures.key("rsa2048_pkcs8_enc.der").toString());
        assertThat(encDer.exitCode()).isZero();
        assertThat(encDer.out()).contains("encrypted PKCS#8, DER");
        CliRun withPassword = CliRun.run("key", "inspect", Fixtures.key("p256_pkcs8_enc.pem").toString(),
                "--key-password-file", Fixtures.key("password.txt").toString());
        assertThat(withPassword.out()).contains("EC P-256 (prime256v1) private key").contains("public key  SHA-256")
                .contains("accepts it");
        CliRun wrong = CliRun.run(Map.of("PW", "wrong"), "key", "inspect", Fixtures.key("p256_pkcs8_enc.pem")
                .toString(), "--key-password-env", "PW");
        assertThat(wrong.exitCode()).isEqualTo(3);
        assertThat(wrong.err()).contains("wrong password");
        CliRun pub = CliRun.run("key", "public", Fixtures.key("ed25519_pkcs8.pem").toString());
        assertThat(pub.exitCode()).isEqualTo(3);
        assertThat(pub.err()).contains("Ed25519");
        CliRun export = CliRun.run("key", "export", Fixtures.key("p256_sec1_legacy_enc.pem").toString(), "--as", "c");
        assertThat(export.exitCode()).isEqualTo(3);
        assertThat(export.err()).contains("is a legacy OpenSSL-encrypted EC PRIVATE KEY and no password was given");
        CliRun mint = CliRun.run("mint", "--key", Fixtures.key("secp256k1_sec1.pem").toString(), "--project", "p");
        assertThat(mint.exitCode()).isEqualTo(3);
        assertThat(mint.err()).contains("secp256k1");
        CliRun mintEnc = CliRun.run("mint", "--key", Fixtures.key("p256_pkcs8_enc.pem").toString(), "--project",
                "p");
        assertThat(mintEnc.exitCode()).isEqualTo(3);
        assertThat(mintEnc.err()).contains("is an encrypted PKCS#8 private key and no password was given");
    }

    @Test
    void publicGivesThePemToRegisterAndItsFormat() throws Exception {
        CliRun fromPrivate = CliRun.run("key", "public", Fixtures.key("rsa2048_pkcs1.pem").toString());
        assertThat(fromPrivate.exitCode()).isZero();
        assertThat(fromPrivate.out()).isEqualTo(Files.readString(Fixtures.key("rsa2048_public.pem")));
        assertThat(fromPrivate.err()).contains("register as RSA_PEM");
        CliRun fromCert = CliRun.run("key", "public", Fixtures.key("p256_cert.pem").toString(), "--format", "json");
        JsonObject o = JsonParser.parseString(fromCert.out()).getAsJsonObject();
        assertThat(o.get("format").getAsString()).isEqualTo("ES256_X509_PEM");
        assertThat(o.get("pem").getAsString()).isEqualTo(Files.readString(Fixtures.key("p256_cert.pem")));
        CliRun weak = CliRun.run("key", "public", Fixtures.key("rsa1024_pkcs1.pem").toString());
        assertThat(weak.exitCode()).isEqualTo(1);
        assertThat(weak.err()).contains("refuses it");
    }

    @Test
    void generateMakesWhatIotCoresDocsMadeAndMatchProvesIt() throws Exception {
        for (String type : new String[] {"rsa", "ec"}) {
            CliRun r = CliRun.run("key", "generate", "--type", type, "--out-dir", dir.toString(), "--cert-days", "30");
            assertThat(r.exitCode()).as(r.err()).isZero();
            Path priv = dir.resolve(type + "_private.pem");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
            KeyMaterial key = load(priv, PasswordSource.NONE);
            assertThat(key.container()).isEqualTo(KeyMaterial.Container.PKCS8);
            assertThat(key.type().describe()).isEqualTo(type.equals("rsa") ? "RSA 2048" : "EC P-256 (prime256v1)");
            KeyMaterial cert = load(dir.resolve(type + "_cert.pem"), PasswordSource.NONE);
            assertThat(cert.certificate().getNotAfter().toInstant()).isEqualTo(Fixtures.NOW.plus(Duration.ofDays(30)));
            assertThat(verifies(key.privateKey(), cert.publicKey())).isTrue();
            assertThat(verifies(key.privateKey(), load(dir.resolve(type + "_public.pem"), PasswordSource.NONE)
                    .publicKey())).isTrue();
            assertThat(r.out()).contains(type.equals("rsa") ? "RSA_PEM" : "ES256_PEM");
            CliRun match = CliRun.run("key", "match", priv.toString(), dir.resolve(type + "_cert.pem").toString());
            assertThat(match.exitCode()).as(match.out()).isZero();
            assertThat(match.out()).startsWith("match: ");
        }
        CliRun again = CliRun.run("key", "generate", "--type", "ec", "--out-dir", dir.toString());
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(again.err()).contains("exists");
        CliRun mismatch = CliRun.run("key", "match", dir.resolve("ec_private.pem").toString(),
                Fixtures.key("p256_public.pem").toString());
        assertThat(mismatch.exitCode()).isEqualTo(1);
        assertThat(mismatch.out()).startsWith("no match: ");
        CliRun otherType = CliRun.run("key", "match", dir.resolve("ec_private.pem").toString(),
                dir.resolve("rsa_cert.pem").toString(), "--format", "json");
        assertThat(otherType.exitCode()).isEqualTo(1);
        assertThat(JsonParser.parseString(otherType.out()).getAsJsonObject().get("matches").getAsBoolean()).isFalse();
    }
}
