package dev.iotjwt.cli;

import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared options (cli/options) behave the same in every command that takes them: the same values refused with
 * the same one-line usage error and exit 2, before any file is read or any connection made.
 */
class CliOptionsTest {
    private static final String CLIENT_ID = "projects/p/locations/us-central1/registries/reg/devices/dev";

    /** The commands with --format text|json, each with what else it needs to get past parsing. */
    private static final List<String> FORMAT_COMMANDS = List.of("check x.y.z", "connect --host h --client-id "
            + CLIENT_ID + " --jwt a.b.c", "key inspect k.pem", "key public k.pem", "key convert k.pem --to pkcs8",
            "key generate --type ec --out-dir d", "key match a.pem b.pem", "cert inspect c.pem", "demo",
            "bench --keys d");

    @Test
    void everyReportFormatIsTextOrJsonWithTheSameHelpAndTheSameRefusal() {
        for (String command : FORMAT_COMMANDS) {
            String[] words = command.split(" ");
            String name = words[0].equals("key") || words[0].equals("cert") ? words[0] + " " + words[1] : words[0];
            CliRun help = CliRun.run(args(name + " --help"));
            assertThat(help.out().replaceAll("\\s+", " ")).as(name).contains("--format=FORMAT text or json. Default:"
                    + " text.");
            CliRun bad = CliRun.run(args(command + " --format xml"));
            assertThat(bad.exitCode()).as(command).isEqualTo(2);
            assertThat(bad.err()).as(command).startsWith("iotjwt: invalid value for option '--format': expected one"
                    + " of [text, json]").hasLineCount(2);
            assertThat(bad.out()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "connect --host h --client-id " + CLIENT_ID + " --jwt a.b.c --port 70000 | '70000' is not a TCP port (1"
                    + " to 65535)",
            "connect --host h --client-id " + CLIENT_ID + " --jwt a.b.c --port 0 | '0' is not a TCP port (1 to"
                    + " 65535)",
            "cert inspect --host h --port 65536 | '65536' is not a TCP port (1 to 65535)",
            "cert inspect --host h --port ssl | 'ssl' is not a TCP port",
            "bench --keys d --port -5 | '-5' is not a TCP port",
            "broker --device d=k.pem --port 65536 | '65536' is not a TCP port (0 to 65535)",
            "connect --profile aws --client-id " + CLIENT_ID + " --jwt a.b.c | 'aws' is not one of google,"
                    + " google-lts, clearblade, local",
            "connect --host h --client-id " + CLIENT_ID + " --jwt a.b.c --timeout 0s | --timeout must be positive",
            "cert inspect --host h --timeout 0s | --timeout must be positive",
            "demo --timeout 0s | --timeout must be positive",
            "bench --keys d --timeout 0s | --timeout must be positive",
            "check a.b.c --skew -1m | '-1m' is not a duration",
            "mint --key k.pem --batch b.csv --project p | --key=FILE, --batch=FILE are mutually exclusive",
            "mint --project p | missing required argument (specify one of these): (--key=FILE | --batch=FILE)",
            "mint --batch b.csv --claim a=b | --claim goes with a single mint (--key), not with --batch",
            "mint --batch b.csv --threads 0 | --threads must be 1 to 256",
            "bench --prepare d --keys d | --prepare=DIR, --keys=DIR are mutually exclusive",
            "bench | missing required argument (specify one of these): (--prepare=DIR | --keys=DIR)",
            "bench --prepare d --devices 0 | --devices must be 1 to 1000000",
            "key export k.pem --as der | --as der needs --out FILE (DER is binary)",
            "cert export c.pem --as der | --as der needs --out FILE (DER is binary)",
            "key convert k.pem --to pkcs8 --encoding der | --encoding der needs --out FILE (DER is binary)",
            "key export k.pem --as c --name 9lives | --name '9lives' is not a C identifier",
            "cert export c.pem --as c --name 9lives | --name '9lives' is not a C identifier",
            "key generate --type ec --out-dir d --cert-days 0 | --cert-days must be 1 to 36500",
            "connect --host h --client-id x --jwt a.b.c --ttl 5m | --ttl goes with --key",
            "connect --host h --client-id x --jwt a.b.c --stay 1m | --stay needs --key",
            "connect --host h --client-id " + CLIENT_ID + " --jwt a.b.c --verify-name ' ' | --verify-name must name"
                    + " a host",
            "connect --client-id " + CLIENT_ID + " --jwt a.b.c | give --profile or --host",
            "connect --host h --jwt a.b.c | give --client-id, or --project, --registry and --device",
            "connect --host h --client-id x --device d --jwt a.b.c | give --client-id or"
                    + " --project/--registry/--device, not both",
            "device get bad/id | device 'bad/id' is neither a device id (a letter, then 2-254 of letters, digits and"
                    + " - . _ + ~ %, not starting with 'goog') nor a numeric id",
            "device delete goog-1 | device 'goog-1' is neither a device id",
            "device states x | device 'x' is neither a device id",
            "device configs dev-1/x | device 'dev-1/x' is neither a device id",
            "device config bad/id --data a | device 'bad/id' is neither a device id",
            "device command bad/id --data-file f | device 'bad/id' is neither a device id",
            "device bind bad/id --gateway gw-1 | device 'bad/id' is neither a device id",
            "device unbind dev-1 --gateway g/x | --gateway 'g/x' is neither a device id",
            "device bind dev-1 --gateway g/x | --gateway 'g/x' is neither a device id",
            "device list --gateway g/x | --gateway 'g/x' is neither a device id",
            "device bind dev-1 | missing required option: '--gateway=GW'",
            "device get | missing required parameter: 'ID'",
            "device states dev-1 --num 0 | --num must be at least 1",
            "device configs 12345 --num 0 | --num must be at least 1",
            "device config dev-1 | missing required argument (specify one of these): (--data=TEXT",
            "device command dev-1 --data a --data-file f | --data=TEXT, --data-file=FILE are mutually exclusive"})
    void usageErrorsAreOneLineAndExitTwoBeforeAnyInputIsRead(String command, String message) {
        CliRun r = CliRun.run(args(command));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("iotjwt: ").contains(message);
        assertThat(r.err().lines().toList()).hasSize(2);
        assertThat(r.err().lines().toList().get(1)).startsWith("Try 'iotjwt ");
        assertThat(r.out()).isEmpty();
    }

    /** The listening socket sees no connection: the usage error comes before any network step. */
    @ParameterizedTest
    @ValueSource(strings = {"cert inspect --host 127.0.0.1 --timeout 0s --port ",
            "connect --host 127.0.0.1 --client-id " + CLIENT_ID + " --jwt a.b.c --timeout 0s --port "})
    void aZeroTimeoutIsRefusedAndNothingIsDialled(String command) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliRun r = CliRun.run(args(command + server.getLocalPort()));
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("--timeout must be positive");
            server.setSoTimeout(200);
            assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void sharedOptionsShowTheirDefaultsInEveryCommandsHelp() {
        for (String command : List.of("connect", "cert inspect", "bench", "demo")) {
            assertThat(CliRun.run(args(command + " --help")).out()).as(command)
                    .contains("--timeout=DURATION").contains("Bound of every network step (default: 10s).");
        }
        for (String command : List.of("connect", "cert inspect", "bench")) {
            assertThat(CliRun.run(args(command + " --help")).out()).as(command)
                    .contains("--host=HOST").contains("--port=PORT").contains("--ca=FILE");
        }
        for (String command : List.of("check", "broker")) {
            assertThat(CliRun.run(args(command + " --help")).out().replaceAll("\\s+", " ")).as(command)
                    .contains("--skew=DURATION Clock skew allowed for iat and exp (default: 10m, as IoT Core).");
        }
    }

    @Test
    void aKeyExportWritesTheFileItWasToldToAndRefusesToOverwriteWithoutForce() throws IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("iotjwt-options-");
        try {
            java.nio.file.Path out = dir.resolve("key.der");
            CliRun first = CliRun.run("key", "export", Fixtures.key("p256_sec1.pem").toString(), "--as", "der",
                    "--out", out.toString());
            assertThat(first.exitCode()).as(first.err()).isZero();
            assertThat(first.out()).startsWith("wrote " + out + ": ");
            assertThat(java.nio.file.Files.size(out)).isPositive();
            CliRun again = CliRun.run("key", "export", Fixtures.key("p256_sec1.pem").toString(), "--as", "der",
                    "--out", out.toString());
            assertThat(again.exitCode()).isEqualTo(3);
            assertThat(again.err()).contains("--force");
            CliRun forced = CliRun.run("key", "export", Fixtures.key("p256_sec1.pem").toString(), "--as", "der",
                    "--out", out.toString(), "--force");
            assertThat(forced.exitCode()).as(forced.err()).isZero();
        } finally {
            try (var files = java.nio.file.Files.walk(dir)) {
                for (java.nio.file.Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String[] args(String command) {
        List<String> out = new ArrayList<>();
        for (String a : command.split(" (?=(?:[^']*'[^']*')*[^']*$)")) {
            out.add(a.startsWith("'") && a.endsWith("'") && a.length() >= 2 ? a.substring(1, a.length() - 1) : a);
        }
        return out.toArray(String[]::new);
    }
}
