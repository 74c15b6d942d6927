package dev.iotjwt.cli;

import dev.iotjwt.broker.BrokerListener;
import dev.iotjwt.broker.BrokerSettings;
import dev.iotjwt.broker.LocalBroker;
import dev.iotjwt.broker.Registry;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.RecordingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The promises about secrets: key files, passwords, tokens in logs, files written with secrets in them. */
class SecretsTest {
    static final String CLIENT_ID = "projects/my-project/locations/us-central1/registries/my-registry/devices/dev-ec";

    @TempDir
    Path dir;

    Path copy(String fixture, String mode) throws Exception {
        Path p = dir.resolve(mode.replace('-', '_') + "_" + fixture);
        Files.copy(Fixtures.key(fixture), p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    /** The base64 body of a PEM fixture, in 40-character pieces: none may appear in any output. */
    static List<String> bodyPieces(Path pem) throws Exception {
        String body = Files.readString(pem).replaceAll("-----[^-]+-----", "").replaceAll("\\s", "");
        List<String> pieces = new java.util.ArrayList<>();
        for (int i = 0; i + 40 <= body.length(); i += 40) {
            pieces.add(body.substring(i, i + 40));
        }
        return pieces;
    }

    @Test
    void aPrivateKeyFileOpenToOthersDrawsAWarningAsSshDoesButStillWorks() throws Exception {
        Path open = copy("p256_sec1.pem", "rw-r--r--");
        CliRun r = CliRun.run("mint", "--key", open.toString(), "--project", "p");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).doesNotContain("warning").matches("(?s)ey[^\\s]+\\s*");
        assertThat(r.err()).isEqualTo("iotjwt: warning: " + open + ": private key file is open to group or others"
                + " (mode 0644): other users of this machine can read it and sign as the device\nhint: chmod 600 "
                + open + "\n");

        Path groupOnly = copy("rsa2048_pkcs8.pem", "rw-r-----");
        for (String[] args : List.of(new String[] {"key", "inspect", groupOnly.toString()},
                new String[] {"key", "public", groupOnly.toString()},
                new String[] {"check", "a.b.c", "--key", groupOnly.toString()},
                new String[] {"key", "match", groupOnly.toString(), Fixtures.key("rsa2048_public.pem").toString()})) {
            CliRun run = CliRun.run(args);
            assertThat(run.err()).as(String.join(" ", args)).contains("(mode 0640)").contains("chmod 600");
        }

        Path closed = copy("p256_sec1.pem", "rw-------");
        assertThat(CliRun.run("mint", "--key", closed.toString(), "--project", "p").err()).isEmpty();
        Path publicKey = copy("p256_public.pem", "rw-r--r--");
        assertThat(CliRun.run("key", "inspect", publicKey.toString()).err()).as("a public key is no secret").isEmpty();
    }

    @Test
    void theWarningNamesAFewBatchKeyFilesNotEveryLine() throws Exception {
        Path key = copy("p256_sec1.pem", "rw-rw-rw-");
        StringBuilder csv = new StringBuilder("device,key,project\n");
        for (int i = 0; i < 20; i++) {
            csv.append("dev-").append(i).append(',').append(key).append(",p\n");
        }
        Path batch = Files.writeString(dir.resolve("batch.csv"), csv);
        CliRun r = CliRun.run("mint", "--batch", batch.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.err().lines().filter(l -> l.contains("warning"))).hasSize(1);
        assertThat(r.err()).contains("(mode 0666)");
    }

    @Test
    void aPasswordTypedAsAnArgumentIsRefusedAndNeverRepeated() {
        Path enc = Fixtures.key("p256_pkcs8_enc.pem");
        for (String[] args : List.of(
                new String[] {"mint", "--key", enc.toString(), "--project", "p", "--key-password", "hunter2-secret"},
                new String[] {"mint", "--key", enc.toString(), "--project", "p", "--password=hunter2-secret"},
                new String[] {"key", "convert", enc.toString(), "--to", "pkcs1", "--pass", "hunter2-secret"})) {
            CliRun r = CliRun.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err() + r.out()).doesNotContain("hunter2-secret").contains("<hidden>");
        }
    }

    @Test
    void aPasswordTypedInPlaceOfAFileOrVariableNameIsNeverRepeated() {
        Path enc = Fixtures.key("p256_pkcs8_enc.pem");
        String secret = "hunter2-secret";
        for (String[] opt : List.of(new String[] {"--key-password-file=" + secret},
                new String[] {"--key-password-file", secret}, new String[] {"--key-password-env", secret},
                new String[] {"--key-password-env=" + secret}, new String[] {"--key-password-file", "Winter.2024"},
                new String[] {"--key-password-file", "x".repeat(300) + ".txt"})) {
            List<String> args = new java.util.ArrayList<>(List.of("mint", "--key", enc.toString(), "--project", "p"));
            args.addAll(List.of(opt));
            CliRun r = CliRun.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(String.join(" ", opt)).isEqualTo(3);
            assertThat(r.err()).as(String.join(" ", opt)).doesNotContain(opt[opt.length - 1].replaceFirst(".*=", ""))
                    .startsWith("iotjwt: --key-password-")
                    .contains("is not shown").contains("never taken as an argument");
        }
        CliRun convert = CliRun.run("key", "convert", enc.toString(), "--to", "sec1", "--key-password-file", secret);
        assertThat(convert.exitCode()).isEqualTo(3);
        assertThat(convert.err()).doesNotContain(secret);
        // what looks like a file or a variable name is named, so a typo can be seen
        CliRun file = CliRun.run("mint", "--key", enc.toString(), "--project", "p", "--key-password-file",
                dir.resolve("pw.txt").toString());
        assertThat(file.err()).startsWith("iotjwt: " + dir.resolve("pw.txt") + ": no such file");
        CliRun variable = CliRun.run("mint", "--key", enc.toString(), "--project", "p", "--key-password-env",
                "KEY_PW");
        assertThat(variable.err()).startsWith("iotjwt: --key-password-env KEY_PW: the variable is not set")
                .contains("export KEY_PW");
    }

    @Test
    void passwordLikeOptionsThatDoNotExistHideTheirValue() {
        Path key = Fixtures.key("p256_sec1.pem");
        for (String[] opt : List.of(new String[] {"--pw", "hunter2-secret"}, new String[] {"--pw=hunter2-secret"},
                new String[] {"--device-pw", "hunter2-secret"}, new String[] {"--key-pasword-file=hunter2-secret"},
                new String[] {"--password-env", "hunter2-secret"})) {
            List<String> args = new java.util.ArrayList<>(List.of("mint", "--key", key.toString(), "--project", "p"));
            args.addAll(List.of(opt));
            CliRun r = CliRun.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(String.join(" ", opt)).isEqualTo(2);
            assertThat(r.err() + r.out()).as(String.join(" ", opt)).doesNotContain("hunter2-secret")
                    .contains("<hidden>");
        }
        // a misspelt file option's value that is a path stays visible
        CliRun typo = CliRun.run("mint", "--key", key.toString(), "--project", "p", "--key-pasword-file=conf/pw.txt");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("conf/pw.txt");
    }

    @Test
    void aTokenInAUsageErrorShowsItsHeaderOnly() {
        String token = CliRun.run("mint", "--key", Fixtures.key("p256_sec1.pem").toString(), "--project", "p").out()
                .strip();
        String claimsAndSignature = token.substring(token.indexOf('.'));
        for (String[] args : List.of(new String[] {"check", "--jtw=" + token},
                new String[] {"connect", "--host", "h", "--client-id", "x", "--token", token},
                new String[] {"mint", token})) {
            CliRun r = CliRun.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).doesNotContain(claimsAndSignature).doesNotContain(
                    token.substring(token.lastIndexOf('.') + 1));
        }
    }

    @Test
    void aWrongPasswordFromAFileOrTheEnvironmentIsNeverEchoed() throws Exception {
        Path enc = Fixtures.key("p256_pkcs8_enc.pem");
        Path wrong = Files.writeString(dir.resolve("pw.txt"), "not-the-password-7731\n");
        CliRun fromFile = CliRun.run("mint", "--key", enc.toString(), "--project", "p", "--key-password-file",
                wrong.toString());
        CliRun fromEnv = CliRun.run(Map.of("PW", "not-the-password-7731"), "mint", "--key", enc.toString(),
                "--project", "p", "--key-password-env", "PW");
        for (CliRun r : List.of(fromFile, fromEnv)) {
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.err()).startsWith("iotjwt: ").contains("wrong password").doesNotContain("not-the-password");
        }
        CliRun right = CliRun.run(Map.of("PW", Fixtures.PASSWORD), "key", "convert", enc.toString(), "--to", "sec1",
                "--key-password-env", "PW", "--out", dir.resolve("out.pem").toString());
        assertThat(right.exitCode()).as(right.err()).isZero();
        assertThat(right.out() + right.err()).doesNotContain(Fixtures.PASSWORD);
    }

    @Test
    void errorsAboutKeyFilesNeverQuoteTheKey() throws Exception {
        Path priv = Fixtures.key("p256_sec1.pem");
        for (String[] args : List.of(new String[] {"cert", "inspect", priv.toString()},
                new String[] {"cert", "export", priv.toString(), "--as", "c"},
                new String[] {"connect", "--host", "localhost", "--port", "1", "--ca", priv.toString(), "--client-id",
                        CLIENT_ID, "--key", priv.toString()},
                new String[] {"key", "match", priv.toString(), Fixtures.key("rsa2048_public.pem").toString()},
                new String[] {"mint", "--key", priv.toString(), "--project", "p", "--alg", "RS256"})) {
            CliRun r = CliRun.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.err() + r.out()).isIn(1, 3);
            for (String piece : bodyPieces(priv)) {
                assertThat(r.err() + r.out()).as(String.join(" ", args)).doesNotContain(piece);
            }
            assertThat(r.err() + r.out()).doesNotContain("PRIVATE KEY-----");
        }
    }

    @Test
    void filesHoldingSecretsAreOwnerOnly() throws Exception {
        CliRun gen = CliRun.run("key", "generate", "--type", "ec", "--out-dir", dir.resolve("gen").toString(),
                "--name", "d1");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        try (var files = Files.list(dir.resolve("gen"))) {
            for (Path f : files.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                if (Files.readString(f).contains("PRIVATE KEY")) {
                    assertThat(mode).as(f.toString()).isEqualTo("rw-------");
                } else {
                    assertThat(mode).as(f.toString()).doesNotStartWith("---");
                }
            }
        }
        Path converted = dir.resolve("k.der");
        assertThat(CliRun.run("key", "convert", Fixtures.key("rsa2048_pkcs1.pem").toString(), "--to", "pkcs8",
                "--encoding", "der", "--out", converted.toString()).exitCode()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(converted))).isEqualTo("rw-------");
        Registry registry = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>());
        try (LocalBroker b = LocalBroker.start(new BrokerSettings(registry, "127.0.0.1", 0, dir.resolve("state"),
                List.of("localhost"), false, false, Duration.ofMinutes(10), Fixtures.CLOCK), null)) {
            try (var files = Files.list(dir.resolve("state"))) {
                for (Path f : files.toList()) {
                    if (Files.readString(f).contains("PRIVATE KEY")) {
                        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
                                .isEqualTo("rw-------");
                    }
                }
            }
        }
    }

    /** Folders the tool makes to hold private keys are owner-only (ssh's rule for ~/.ssh), missing parents too. */
    @Test
    void foldersMadeToHoldPrivateKeysAreOwnerOnly() throws Exception {
        Path gen = dir.resolve("gen-new").resolve("sub");
        assertThat(CliRun.run("key", "generate", "--type", "ec", "--out-dir", gen.toString(), "--name", "d1")
                .exitCode()).isZero();
        Path fleet = dir.resolve("bench-new").resolve("sub");
        assertThat(CliRun.run("bench", "--prepare", fleet.toString(), "--devices", "2").exitCode()).isZero();
        Path state = dir.resolve("state-new").resolve("sub");
        Registry registry = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>());
        try (LocalBroker b = LocalBroker.start(new BrokerSettings(registry, "127.0.0.1", 0, state,
                List.of("localhost"), false, false, Duration.ofMinutes(10), Fixtures.CLOCK), null)) {
            assertThat(b.pki().caFile()).exists();
        }
        for (Path made : List.of(gen, gen.getParent(), fleet, fleet.getParent(), state, state.getParent())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made))).as(made.toString())
                    .isEqualTo("rwx------");
        }
    }

    @Test
    void tokensInConnectOutputAndBrokerLogsHaveTheirSignatureElided() throws Exception {
        RecordingListener listener = new RecordingListener();
        List<BrokerListener.Event> events = listener.events;
        Registry registry = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>())
                .with(Registry.deviceOf("dev-ec", Fixtures.key("p256_public.pem"), null));
        try (LocalBroker b = LocalBroker.start(new BrokerSettings(registry, "127.0.0.1", 0, dir.resolve("state"),
                List.of("localhost"), false, true, Duration.ofMinutes(10), Fixtures.CLOCK), listener)) {
            String good = CliRun.run("mint", "--key", Fixtures.key("p256_sec1.pem").toString(), "--project",
                    "my-project").out().strip();
            String wrongKey = CliRun.run("mint", "--key", Fixtures.key("p256_pkcs8.pem").toString(), "--project",
                    "other-project").out().strip();
            String padded = good.substring(0, good.lastIndexOf('.')) + "." + good.substring(good.lastIndexOf('.') + 1)
                    + "==";
            for (String token : List.of(good, wrongKey, padded)) {
                String signature = token.substring(token.lastIndexOf('.') + 1).replace("=", "");
                for (String format : List.of("text", "json")) {
                    CliRun r = CliRun.run("connect", "--host", "localhost", "--port", String.valueOf(b.port()), "--ca",
                            b.pki().caFile().toString(), "--client-id", CLIENT_ID, "--jwt", token, "--format", format);
                    assertThat(r.out() + r.err()).contains("signature elided").doesNotContain(signature);
                }
            }
            assertThat(events).anyMatch(e -> e.kind().equals("accepted")).anyMatch(e -> e.kind().equals("refused"));
            for (BrokerListener.Event e : events) {
                String line = e.toString();
                for (String token : List.of(good, wrongKey, padded)) {
                    assertThat(line).doesNotContain(token.substring(token.lastIndexOf('.') + 1).replace("=", ""));
                }
            }
        }
    }
}
