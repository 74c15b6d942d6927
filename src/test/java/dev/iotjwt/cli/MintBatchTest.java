package dev.iotjwt.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code iotjwt mint --batch}: a fleet's tokens in input order, the same bytes a single mint makes. */
class MintBatchTest {
    @TempDir
    Path dir;

    private Path keys() throws Exception {
        Path k = Files.createDirectories(dir.resolve("keys"));
        Files.copy(Fixtures.key("rsa2048_pkcs1.pem"), k.resolve("rsa.pem"));
        Files.copy(Fixtures.key("p256_sec1.pem"), k.resolve("ec.pem"));
        return k;
    }

    @Test
    void csvWithHeaderInInputOrderIdenticalToSingleMints() throws Exception {
        keys();
        Path batch = dir.resolve("fleet.csv");
        StringBuilder b = new StringBuilder("# a comment\ndevice,key,project,alg,ttl\n");
        for (int i = 0; i < 300; i++) {
            b.append("dev-").append(i).append(',').append(i % 2 == 0 ? "keys/rsa.pem" : "keys/ec.pem")
                    .append(",proj-").append(i % 3).append(",,").append(i % 5 == 0 ? "20m" : "").append('\n');
        }
        Files.writeString(batch, b.toString());
        CliRun r = CliRun.run("mint", "--batch", batch.toString(), "--ttl", "1h", "--threads", "3");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(300);
        RSAPublicKey rsa = (RSAPublicKey) Fixtures.jdkPublicKey("rsa2048_public.der", "RSA");
        ECPublicKey ec = (ECPublicKey) Fixtures.jdkPublicKey("p256_public.der", "EC");
        for (int i = 0; i < 300; i++) {
            String[] f = lines.get(i).split(" ");
            assertThat(f[0]).isEqualTo("dev-" + i);
            SignedJWT jwt = SignedJWT.parse(f[1]);
            assertThat(jwt.verify(i % 2 == 0 ? new RSASSAVerifier(rsa) : new ECDSAVerifier(ec))).isTrue();
            assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("proj-" + (i % 3));
            long life = jwt.getJWTClaimsSet().getExpirationTime().getTime()
                    - jwt.getJWTClaimsSet().getIssueTime().getTime();
            assertThat(life).isEqualTo(i % 5 == 0 ? 1_200_000 : 3_600_000);
            assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(Fixtures.NOW);
        }
        // RS256 signatures are deterministic: the batch makes exactly the bytes a single mint makes
        CliRun single = CliRun.run("mint", "--key", dir.resolve("keys/rsa.pem").toString(), "--project", "proj-0",
                "--ttl", "20m");
        assertThat(lines.get(0)).isEqualTo("dev-0 " + single.out().strip());
    }

    /** A terminal shows stdout and stderr on one screen: both go to one writer here, in the order they are written. */
    private static String[] onOneScreen(java.util.Map<String, String> env, String... args) {
        picocli.CommandLine cl = Cli.create(new CliContext(Fixtures.CLOCK, env, () -> null,
                () -> new java.io.ByteArrayInputStream(new byte[0])));
        java.io.StringWriter screen = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        java.io.StringWriter out = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(new TeeWriter(screen, out), true));
        cl.setErr(new java.io.PrintWriter(new TeeWriter(screen, err), true));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), screen.toString(), out.toString(), err.toString()};
    }

    /** Writes to two writers. */
    private static final class TeeWriter extends java.io.Writer {
        private final java.io.Writer a;
        private final java.io.Writer b;

        TeeWriter(java.io.Writer a, java.io.Writer b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws java.io.IOException {
            a.write(cbuf, off, len);
            b.write(cbuf, off, len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void onATerminalAProgressBarOnStderrEndsItsLineBeforeTheTokensAndStdoutStaysClean() throws Exception {
        keys();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            b.append("dev-").append(i).append(",keys/ec.pem,p\n");
        }
        Path batch = Files.writeString(dir.resolve("fleet.csv"), b.toString());
        String[] r = onOneScreen(java.util.Map.of("IOTJWT_STDERR_TTY", "1"), "mint", "--batch", batch.toString());
        assertThat(r[0]).isEqualTo("0");
        String out = r[2];
        String err = r[3];
        assertThat(out.lines().toList()).hasSize(200).allMatch(l -> l.matches("dev-\\d+ ey[A-Za-z0-9._-]+"));
        assertThat(out).doesNotContain("\r").doesNotContain("tokens/s");
        assertThat(err).contains("\r[##############################] 200/200 ").contains("tokens/s")
                .doesNotContain("eyJ");
        // the default is every core, and the summary says so
        assertThat(err).containsPattern("minted 200 of 200 tokens in [0-9.]+ s \\([0-9]+ tokens/s on "
                + Runtime.getRuntime().availableProcessors() + " threads\\); signing ");
        // on the screen, no token starts on the bar's line: every line is the bar, a device's token or the summary
        for (String line : r[1].split("\n")) {
            String shown = line.substring(line.lastIndexOf('\r') + 1);
            assertThat(shown).as(line).matches("\\[#* *\\] \\d+/200 +\\d+ tokens/s |dev-\\d+ ey\\S+|minted 200 .*");
        }

        // without a terminal there is no bar, and stderr is empty
        CliRun plain = CliRun.run("mint", "--batch", batch.toString());
        assertThat(plain.err()).isEmpty();
        assertThat(plain.out().lines()).hasSize(200);
    }

    @Test
    void verboseNamesTheProviderThatSigned() throws Exception {
        keys();
        Path batch = Files.writeString(dir.resolve("two.csv"), "a,keys/ec.pem,p\nb,keys/rsa.pem,p\n");
        CliRun r = CliRun.run("--verbose", "mint", "--batch", batch.toString(), "--threads", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String provider = new dev.iotjwt.jwt.BatchMinter().provider();
        assertThat(provider).startsWith("signing ");
        assertThat(r.err()).contains("minted 2 of 2 tokens").contains("on 2 threads); " + provider + "\n");
        assertThat(CliRun.run("mint", "--batch", batch.toString()).err()).as("not without --verbose").isEmpty();
    }

    @Test
    void jsonLinesAndPerDeviceErrorsWithoutStoppingTheRest() throws Exception {
        keys();
        Path batch = dir.resolve("fleet.jsonl");
        Files.writeString(batch, String.join("\n",
                "{\"device\":\"a\",\"key\":\"keys/ec.pem\",\"project\":\"p\"}",
                "{\"device\":\"b\",\"key\":\"keys/missing.pem\",\"project\":\"p\"}",
                "{\"id\":\"c\",\"key\":\"keys/rsa.pem\"}",
                "{\"device\":\"d\",\"key\":\"keys/ec.pem\",\"alg\":\"RS256\"}",
                "{\"device\":\"e\",\"key\":\"keys/ec.pem\",\"ttl\":\"48h\"}",
                "not json",
                "{\"device\":\"f\",\"key\":\"" + Fixtures.key("rsa1024_pkcs1.pem") + "\"}"));
        CliRun r = CliRun.run("mint", "--batch", batch.toString(), "--project", "default-project", "--format",
                "json");
        assertThat(r.exitCode()).isEqualTo(1);
        List<JsonObject> out = r.out().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertThat(out).hasSize(7);
        assertThat(out.get(0).has("token")).isTrue();
        assertThat(out.get(1).get("error").getAsString()).contains("missing.pem");
        assertThat(SignedJWT.parse(out.get(2).get("token").getAsString()).getJWTClaimsSet().getAudience())
                .containsExactly("default-project");
        assertThat(out.get(3).get("error").getAsString()).contains("RS256 needs an RSA key");
        assertThat(out.get(4).get("error").getAsString()).contains("24 h");
        assertThat(out.get(5).get("error").getAsString()).contains("line 6").contains("space or control character");
        assertThat(out.get(6).get("error").getAsString()).contains("2048");
        assertThat(r.out()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void csvAsSpreadsheetsWriteIt() throws Exception {
        keys();
        Path batch = dir.resolve("excel.csv");
        Files.writeString(batch, "\uFEFFkey,device,project\n"
                + "\"keys/ec.pem\",\"dev,1\",p\n"
                + "keys/ec.pem,\"say \"\"hi\"\"\",p\n"
                + "keys/ec.pem,bad id,p\n"
                + "keys/rsa.pem,dev-rsa,p\n"
                + "\"keys/ec.pem,dev-open,p\n");
        CliRun r = CliRun.run("mint", "--batch", batch.toString(), "--alg", "ES256");
        assertThat(r.exitCode()).isEqualTo(1);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("dev,1 eyJ");
        assertThat(lines.get(1)).startsWith("line 3 error:").contains("space or control character");
        assertThat(lines.get(2)).startsWith("line 4 error:").contains("space or control character");
        assertThat(lines.get(3)).startsWith("dev-rsa error:").contains("ES256 needs an EC P-256 key");
        assertThat(lines.get(4)).contains("unterminated quote");
        CliRun empty = CliRun.run("mint", "--batch", Files.writeString(dir.resolve("e.csv"), "# nothing\n")
                .toString());
        assertThat(empty.exitCode()).isEqualTo(3);
        assertThat(empty.err()).contains("holds no device lines");
    }

    @Test
    void usageErrors() throws Exception {
        Path batch = dir.resolve("b.csv");
        Files.writeString(batch, "x,k.pem,p\n");
        assertThat(CliRun.run("mint", "--batch", batch.toString(), "--key", "k.pem").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("mint", "--batch", batch.toString(), "--threads", "0").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("mint", "--project", "p").exitCode()).isEqualTo(2);
        CliRun missing = CliRun.run("mint", "--batch", dir.resolve("nope.csv").toString());
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err()).contains("nope.csv");
    }
}
