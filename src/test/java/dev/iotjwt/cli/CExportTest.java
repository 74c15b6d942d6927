package dev.iotjwt.cli;

import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.net.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * C headers compiled with the machine's C compiler ({@code cc}; {@code .ci/run} installs gcc where it is missing),
 * run, and their bytes compared with the DER they were made from.
 */
class CExportTest {
    @TempDir
    Path dir;

    /** Compiles a program that writes each named array, in order, to stdout; returns what it wrote. */
    private byte[] compileAndDump(Path header, List<String> idents) throws Exception {
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include \"" + header.getFileName() + "\"\n"
                + "int main(void) {\n");
        for (String ident : idents) {
            c.append("  fwrite(").append(ident).append(", 1, ").append(ident).append("_len, stdout);\n");
        }
        c.append("  return 0;\n}\n");
        Path source = dir.resolve("dump.c");
        Files.writeString(source, c.toString());
        Path binary = dir.resolve("dump");
        Process cc = new ProcessBuilder("cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-o", binary.toString(),
                source.toString()).directory(dir.toFile()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes());
        assertThat(cc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cc.exitValue()).as("cc says: " + ccOut).isZero();
        Process run = new ProcessBuilder(binary.toString()).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        run.getInputStream().transferTo(out);
        assertThat(run.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out.toByteArray();
    }

    @Test
    void aKeyAsCIsByteForByteItsDer() throws Exception {
        Path header = dir.resolve("device_key.h");
        CliRun r = CliRun.run("key", "export", Fixtures.key("p256_sec1.pem").toString(), "--as", "c", "--name",
                "device_key", "--out", header.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        String text = Files.readString(header);
        assertThat(text).contains("const unsigned char device_key[] = {").contains("const unsigned int device_key_len"
                + " = 121;").contains("SHA-256 b8b67e73e6ceae59ad45643fcfa8b3d5388be8d53d9659d57771b8d68f77d4ff");
        assertThat(text.lines().filter(l -> l.startsWith("  0x")).findFirst().orElseThrow().split(",").length)
                .isEqualTo(12);
        assertThat(compileAndDump(header, List.of("device_key")))
                .isEqualTo(Files.readAllBytes(Fixtures.key("p256_sec1.der")));
    }

    @Test
    void theRawScalarForFirmwareThatWantsIt() throws Exception {
        Path header = dir.resolve("priv.h");
        CliRun r = CliRun.run("key", "export", Fixtures.key("p256_high_openssl11_text.txt").toString(), "--as", "c",
                "--to", "raw", "--name", "private_key", "--out", header.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        byte[] bytes = compileAndDump(header, List.of("private_key"));
        KeyMaterial ref = new KeyReader().privateKey(Fixtures.key("p256_high_sec1.pem"), PasswordSource.NONE);
        byte[] s = ((ECPrivateKey) ref.privateKey()).getS().toByteArray();
        assertThat(bytes).hasSize(32).isEqualTo(Arrays.copyOfRange(s, s.length - 32, s.length));
    }

    @Test
    void aBundleBecomesOneArrayPerCertificate() throws Exception {
        Path bundle = Path.of("certs", "gcp-iot-lts-minimal-roots.pem");
        Path header = dir.resolve("roots.h");
        CliRun r = CliRun.run("cert", "export", bundle.toString(), "--as", "c", "--name", "lts_root", "--out",
                header.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(header)).contains("'GTS LTSR'").contains("GlobalSign");
        List<KeyMaterial> certs = new KeyReader().read(bundle, PasswordSource.NONE).usable();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (KeyMaterial m : certs) {
            expected.writeBytes(m.certificate().getEncoded());
        }
        assertThat(compileAndDump(header, List.of("lts_root_0", "lts_root_1"))).isEqualTo(expected.toByteArray());
    }

    @Test
    void aFileNamedAfterAKeywordStillGivesAHeaderThatCompiles() throws Exception {
        Path key = Files.copy(Fixtures.key("p256_sec1.pem"), dir.resolve("int.pem"));
        Path header = dir.resolve("k.h");
        CliRun r = CliRun.run("key", "export", key.toString(), "--as", "c", "--to", "sec1", "--out",
                header.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(header)).contains("const unsigned char int_sec1[]");
        Path cert = Files.copy(Fixtures.key("p256_cert.pem"), dir.resolve("int.crt"));
        Path certHeader = dir.resolve("c.h");
        assertThat(CliRun.run("cert", "export", cert.toString(), "--as", "c", "--out", certHeader.toString())
                .exitCode()).isZero();
        assertThat(Files.readString(certHeader)).contains("const unsigned char int_der[]");
        Files.writeString(dir.resolve("both.h"), Files.readString(header) + Files.readString(certHeader));
        assertThat(compileAndDump(dir.resolve("both.h"), List.of("int_sec1", "int_der"))).hasSize(121
                + Files.readAllBytes(Fixtures.key("p256_cert.der")).length);
    }

    @Test
    void whatBreaksADeviceIsSaidOnStderrAndInTheArraysCommentAndTheBytesAreWrittenAnyway() throws Exception {
        TestPki good = TestPki.ecRoot("Good Root", Fixtures.NOW);
        X509Certificate[] certs = {good.root(), TestPki.expiredRoot("Old Root").root(),
                TestPki.ecRoot("Future Root", Fixtures.NOW.plus(Duration.ofDays(10)),
                        Fixtures.NOW.plus(Duration.ofDays(3650)), Fixtures.NOW).root(),
                TestPki.ecRoot("Ending Root", Fixtures.NOW.minus(Duration.ofDays(300)),
                        Fixtures.NOW.plus(Duration.ofDays(30)), Fixtures.NOW).root(),
                good.intermediate("Some Intermediate").certificate(),
                TestPki.ecP384Root("Big Root", Fixtures.NOW).root()};
        Path bundle = TestPki.writePem(dir.resolve("bundle.pem"), certs);
        Path header = dir.resolve("roots.h");
        CliRun r = CliRun.run("cert", "export", bundle.toString(), "--as", "c", "--name", "roots", "--out",
                header.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> warnings = r.err().lines().toList();
        assertThat(warnings).allMatch(l -> l.startsWith("iotjwt: warning: " + bundle + " ["));
        assertThat(warnings).noneMatch(l -> l.contains(" [0]"));
        assertThat(warnings).anyMatch(l -> l.contains(" [1]: cert.expired: 'Old Root' expired on"))
                .anyMatch(l -> l.contains(" [2]: cert.not-yet-valid: 'Future Root' is valid only from"))
                .anyMatch(l -> l.contains(" [3]: cert.expiring: 'Ending Root' expires on") && l.contains("in 30 days"))
                .anyMatch(l -> l.contains(" [4]: cert.not-a-root: 'Some Intermediate' is not self-signed: it is an"
                        + " intermediate"))
                .anyMatch(l -> l.contains(" [5]: cert.heavy-key: 'Big Root' has an EC P-384"));
        List<String> comments = Files.readString(header).lines().filter(l -> l.startsWith("/* '")).toList();
        assertThat(comments).hasSize(6);
        assertThat(comments.get(0)).doesNotContain("WARNING");
        assertThat(comments.get(1)).contains("WARNING cert.expired");
        assertThat(comments.get(2)).contains("WARNING cert.not-yet-valid");
        assertThat(comments.get(3)).contains("WARNING cert.expiring");
        assertThat(comments.get(4)).contains("WARNING cert.not-a-root");
        assertThat(comments.get(5)).contains("WARNING cert.heavy-key");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (X509Certificate c : certs) {
            expected.writeBytes(c.getEncoded());
        }
        assertThat(compileAndDump(header, List.of("roots_0", "roots_1", "roots_2", "roots_3", "roots_4", "roots_5")))
                .isEqualTo(expected.toByteArray());
        CliRun clean = CliRun.run("cert", "export", good.writeRootPem(dir.resolve("good.pem")).toString(), "--as",
                "pem");
        assertThat(clean.exitCode()).isZero();
        assertThat(clean.err()).isEmpty();
        CliRun atDeviceTime = CliRun.run("cert", "export", bundle.toString(), "--as", "pem", "--at",
                "2019-11-01T00:00:00Z");
        assertThat(atDeviceTime.err()).contains("[1]: cert.expiring").doesNotContain("[1]: cert.expired");
    }

    @Test
    void aKeyIotCoreRefusesIsExportedWithAWarning() throws Exception {
        Path header = dir.resolve("p384.h");
        CliRun r = CliRun.run("key", "export", Fixtures.key("p384_sec1.pem").toString(), "--as", "c", "--to", "spki",
                "--out", header.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("iotjwt: warning: " + Fixtures.key("p384_sec1.pem") + ": IoT Core refuses it:")
                .contains("P-256");
        assertThat(Files.readString(header)).contains("WARNING IoT Core refuses it:");
        CliRun fine = CliRun.run("key", "export", Fixtures.key("p256_public.pem").toString(), "--as", "c");
        assertThat(fine.err()).isEmpty();
        assertThat(fine.out()).doesNotContain("WARNING");
    }

    @Test
    void derAndPemExportsAndTheirRefusals() throws Exception {
        Path der = dir.resolve("root.der");
        CliRun one = CliRun.run("cert", "export", Fixtures.key("p256_cert.pem").toString(), "--as", "der", "--out",
                der.toString());
        assertThat(one.exitCode()).isZero();
        assertThat(Files.readAllBytes(der)).isEqualTo(Files.readAllBytes(Fixtures.key("p256_cert.der")));
        CliRun bundleAsDer = CliRun.run("cert", "export", "certs/gcp-iot-lts-minimal-roots.pem", "--as", "der",
                "--out", dir.resolve("x.der").toString());
        assertThat(bundleAsDer.exitCode()).isEqualTo(2);
        assertThat(bundleAsDer.err()).contains("holds 2 certificates");
        CliRun badName = CliRun.run("key", "export", Fixtures.key("p256_sec1.pem").toString(), "--as", "c", "--name",
                "1bad-name");
        assertThat(badName.exitCode()).isEqualTo(2);
        for (String keyword : new String[] {"int", "const", "class", "_Bool", "__x"}) {
            CliRun r = CliRun.run("cert", "export", Fixtures.key("p256_cert.pem").toString(), "--as", "c", "--name",
                    keyword);
            assertThat(r.exitCode()).as(keyword).isEqualTo(2);
            assertThat(r.err()).as(keyword).contains("--name '" + keyword + "' is ");
        }
        CliRun rawPem = CliRun.run("key", "export", Fixtures.key("p256_sec1.pem").toString(), "--as", "pem", "--to",
                "raw");
        assertThat(rawPem.exitCode()).isEqualTo(2);
        CliRun pem = CliRun.run("key", "export", Fixtures.key("p256_sec1.der").toString(), "--as", "pem");
        assertThat(pem.out()).isEqualTo(Files.readString(Fixtures.key("p256_sec1.pem")));
        CliRun keyAsCert = CliRun.run("cert", "export", Fixtures.key("p256_sec1.pem").toString(), "--as", "c");
        assertThat(keyAsCert.exitCode()).isEqualTo(3);
        assertThat(keyAsCert.err()).contains("holds no certificate");
    }
}
