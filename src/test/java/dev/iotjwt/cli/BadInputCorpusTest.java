package dev.iotjwt.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Issue 8: every input of the checked-in corpus ({@code src/test/resources/bad-inputs}, listed in its MANIFEST.tsv,
 * made by make-bad-inputs.py there) and the inputs made here at run time (10 MB files, 1 MB tokens, a directory, a
 * missing path, an unreadable file) goes through the real commands, which must refuse it within a time bound:
 * exit 3 with one line {@code iotjwt: <context>: <cause>} and at most one {@code hint:} line, or exit 1 where the
 * command's job is to report the problem (a malformed token is a finding of {@code check}; a bad CA file is the
 * {@code inputs} step of {@code connect}, which then touches no network; a bad line of {@code mint --batch} is that
 * device's error). Never a stack trace, an exception class, key material from the input, or terminal control bytes.
 */
class BadInputCorpusTest {
    /** Per run; generous for the 10 MB inputs on a shared 2-core machine. */
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final int MIN_INPUTS = 200;
    private static final String TOKEN = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTU2MDA3NDAsImV4cCI6MTc5NTY"
            + "wNDM0MCwiYXVkIjoicCJ9.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7P"
            + "D0-Pw";
    private static final Pattern STACK_TRACE = Pattern.compile(
            "\tat |Caused by|\\.[A-Z]\\w*(Exception|Error)\\b|\\b\\w*(Exception|Error): |Exception in thread");
    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/]{40,}");
    /** {@code DEVICE error: …}, or {@code line N error: …} for a line without a usable device id. */
    private static final Pattern BATCH_ERROR = Pattern.compile("(line \\d+|\\S+) error: \\S.*");
    /** A PEM block in the output: a BEGIN line of its own (a message may name the marker, never echo a block). */
    private static final Pattern PEM_BLOCK = Pattern.compile("(?m)^\\s*-----BEGIN [^\\n]*-----\\s*$");

    /** One manifest row. */
    record Row(int line, String input, List<String> commands, int exit, String contains, String category,
               String note) {
    }

    /** One run: a row's input through one command. */
    record Run(Row row, String command) {
        @Override
        public String toString() {
            return row.input() + " | " + command + " (" + row.note() + ")";
        }
    }

    private static final Path TMP;
    private static final Path GOOD_EC = Fixtures.key("p256_pkcs8.pem");
    private static final Path GOOD_EC_PUB = Fixtures.key("p256_public.pem");
    private static final Path GOOD_CERT = Fixtures.key("p256_cert.pem");
    private static final Map<String, Path> MADE = new LinkedHashMap<>();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final int DEAD_PORT;

    static {
        try {
            TMP = Files.createTempDirectory("iotjwt-bad-inputs");
            try (ServerSocket s = new ServerSocket(0)) {
                DEAD_PORT = s.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path corpus() {
        try {
            return Path.of(BadInputCorpusTest.class.getResource("/bad-inputs/MANIFEST.tsv").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Row> manifest() {
        List<Row> rows = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(corpus().resolve("MANIFEST.tsv"), StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.isBlank() || l.startsWith("#")) {
                    continue;
                }
                String[] f = l.split("\t", -1);
                if (f.length != 6) {
                    throw new IllegalStateException("MANIFEST.tsv line " + (i + 1) + " has " + f.length + " fields");
                }
                rows.add(new Row(i + 1, f[0], List.of(f[1].split(",")), Integer.parseInt(f[2]),
                        f[3].equals("-") ? null : f[3], f[4], f[5]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    static Stream<Arguments> runs() {
        return manifest().stream().flatMap(r -> r.commands().stream().map(c -> new Run(r, c)))
                .map(run -> Arguments.of(Named.of(run.toString(), run)));
    }

    @AfterAll
    static void removeMadeInputs() throws IOException {
        try (Stream<Path> all = Files.walk(TMP)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                p.toFile().setReadable(true);
                p.toFile().setWritable(true);
                p.toFile().setExecutable(true);
                Files.deleteIfExists(p);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void isRefusedInOneLineWithinTheBound(Run run) {
        Row row = run.row();
        Path input = input(row.input());
        if (row.input().equals("unreadable:")) {
            Assumptions.assumeFalse(Files.isReadable(input), "chmod 000 does not stop this user (root) from reading"
                    + " the file; the unreadable case cannot be made here");
        }
        String[] args = args(run.command(), input);
        Set<String> providersBefore = providerNames();
        CliRun result;
        try {
            result = assertTimeoutPreemptively(BOUND, () -> CliRun.run(Map.of("IOTJWT_HOME",
                    TMP.resolve("home").toString()), args), () -> "no answer within " + BOUND.toSeconds() + " s");
        } finally {
            // broker makes the native provider first in the process; the other tests of this JVM must not see it
            for (Provider p : Security.getProviders()) {
                if (!providersBefore.contains(p.getName())) {
                    Security.removeProvider(p.getName());
                }
            }
        }
        String out = result.out();
        String err = result.err();
        String all = out + "\n" + err;
        assertThat(result.exitCode()).as("exit code; stderr: %s", abbreviate(err)).isEqualTo(row.exit());
        assertThat(STACK_TRACE.matcher(all).find()).as("a stack trace or exception class in: %s",
                abbreviate(all)).isFalse();
        assertThat(all).as("terminal control bytes").doesNotContainPattern("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]");
        assertThat(all).as("a PEM block in the output").doesNotContainPattern(PEM_BLOCK);
        for (String line : err.split("\n")) {
            assertThat(line.length()).as("stderr line length: %s", abbreviate(line)).isLessThanOrEqualTo(1000);
        }
        if (!isToken(run.command())) {
            // check shows the decoded header and claims whole, by design: a 1 MB token has a long Claims line
            for (String line : out.split("\n")) {
                assertThat(line.length()).as("stdout line length: %s", abbreviate(line)).isLessThanOrEqualTo(10_000);
            }
        }
        if (!isToken(run.command())) {
            assertNoKeyMaterial(input, all);
        }
        if (row.exit() == 0) {
            // accepted input with hostile content (a certificate name with escape sequences) or a key key inspect
            // describes but no command can use: only the output rules; stderr holds at most warnings about what was
            // accepted (cert export: not a root; a private key file open to others), one printable line each, a
            // warning followed by at most one hint line
            String previous = null;
            for (String line : err.lines().toList()) {
                if (line.startsWith("hint: ")) {
                    assertThat(previous).as("a hint follows a warning: %s", abbreviate(err)).isNotNull()
                            .startsWith("iotjwt: warning: ");
                } else {
                    assertThat(line).as("stderr").startsWith("iotjwt: warning: ");
                }
                assertThat(line.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f)).as("printable: %s", abbreviate(line))
                        .isTrue();
                previous = line;
            }
            assertThat(out).as("stdout of an accepted input").isNotBlank();
            return;
        }
        if (row.exit() == 3) {
            List<String> lines = err.lines().toList();
            assertThat(lines).as("stderr: one error line and at most one hint: %s", abbreviate(err))
                    .hasSizeBetween(1, 2);
            assertThat(lines.get(0)).startsWith("iotjwt: ");
            if (lines.size() == 2) {
                assertThat(lines.get(1)).startsWith("hint: ");
            }
            assertThat(out).as("stdout").isBlank();
            if (row.contains() != null) {
                assertThat(lines.get(0)).contains(row.contains());
            }
            if (Files.exists(input) || row.input().startsWith("missing:")) {
                assertThat(lines.get(0)).as("the message names the file").contains(input.getFileName().toString());
            }
            return;
        }
        assertThat(row.exit()).isEqualTo(1);
        assertThat(err).as("stderr").isEmpty();
        switch (run.command()) {
            case "check-file" -> assertThat(out).contains(row.contains() != null ? row.contains() : "jwt.")
                    .contains("FAIL");
            case "connect-ca" -> {
                JsonObject d = JsonParser.parseString(out).getAsJsonObject();
                JsonArray steps = d.getAsJsonArray("steps");
                JsonObject inputs = steps.get(0).getAsJsonObject();
                assertThat(inputs.get("id").getAsString()).isEqualTo("inputs");
                assertThat(inputs.get("status").getAsString()).isEqualTo("fail");
                for (JsonElement s : steps.asList().subList(1, steps.size())) {
                    assertThat(s.getAsJsonObject().get("status").getAsString()).as("no network step ran: %s", s)
                            .isEqualTo("skipped");
                }
                assertThat(d.getAsJsonObject("cause").get("code").getAsString()).startsWith("ca.");
                if (row.contains() != null) {
                    assertThat(d.getAsJsonObject("cause").get("message").getAsString()).contains(row.contains());
                }
            }
            case "connect-token" -> {
                // the token's problems are the inputs step's findings; nobody listens on the port, so tcp fails
                assertThat(out).contains("inputs").contains("cause: tcp.refused");
                if (row.contains() != null && row.contains().startsWith("jwt.")) {
                    assertThat(out).contains(row.contains());
                }
            }
            case "batch" -> {
                List<String> lines = out.lines().toList();
                assertThat(lines).isNotEmpty();
                for (String l : lines) {
                    assertThat(l).as("a batch result line").matches(BATCH_ERROR);
                }
                if (row.contains() != null) {
                    assertThat(out).contains(row.contains());
                }
            }
            default -> throw new AssertionError("exit 1 is not expected of " + run.command());
        }
    }

    @Test
    void theCorpusHasAtLeast200InputsAndEveryFileIsInTheManifest() throws IOException {
        List<Row> rows = manifest();
        Set<String> inputs = new LinkedHashSet<>();
        int runs = 0;
        for (Row r : rows) {
            inputs.add(r.input());
            runs += r.commands().size();
            for (String c : r.commands()) {
                assertThat(COMMANDS).as("line %d names a known command", r.line()).contains(c);
            }
            if (!r.input().contains(":")) {
                assertThat(corpus().resolve(r.input())).as("line %d", r.line()).exists();
            }
        }
        assertThat(inputs).hasSizeGreaterThanOrEqualTo(MIN_INPUTS);
        assertThat(runs).isGreaterThanOrEqualTo(MIN_INPUTS);
        Set<String> files = new LinkedHashSet<>();
        try (Stream<Path> all = Files.walk(corpus())) {
            all.filter(Files::isRegularFile).map(p -> corpus().relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.equals("MANIFEST.tsv") && !p.equals("make-bad-inputs.py")).forEach(files::add);
        }
        assertThat(inputs).containsAll(files);
        assertThat(files.size()).isGreaterThanOrEqualTo(MIN_INPUTS);
    }

    /**
     * The nastiest inputs through the real process ({@code dev.iotjwt.Main}: picocli, the handlers, System.exit):
     * the exit code and no stack trace, as a user sees them.
     */
    @Test
    void theNastiestInputsInARealProcess() throws Exception {
        String[][] cases = {
                {"3", "key", "inspect", input("gen:c-bytes-900k").toString()},
                {"3", "mint", "--key", input("gen:random-10mb").toString(), "--project", "p"},
                {"3", "key", "public", corpus().resolve("keys/oversized/der_len_84ffffffff.der").toString()},
                {"3", "cert", "inspect", corpus().resolve("certs/encoding/utf16le_bom.pem").toString()},
                {"3", "key", "export", corpus().resolve("keys/nul/nul_interleaved.pem").toString(), "--as", "c"},
                {"3", "broker", "--registry", corpus().resolve("registries/device_field_11.json").toString(),
                        "--port", "0", "--stop-after", "2s", "--state-dir", TMP.resolve("state-p").toString()},
                {"3", "broker", "--registry", input("gen:registry-10mb-id").toString(), "--port", "0",
                        "--stop-after", "2s", "--state-dir", TMP.resolve("state-p").toString()},
                {"1", "check", "@" + corpus().resolve("tokens/bad-JSON/depth_bomb_arrays.txt"), "--project", "p"},
                {"1", "check", "@" + corpus().resolve("tokens/huge-numbers/numbers_03.txt"), "--project", "p"},
                {"3", "mint", "--batch", corpus().resolve("batch/latin1.csv").toString()},
                {"3", "mint", "--key", input("missing:").toString(), "--project", "p"},
        };
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String[] c : cases) {
            List<String> cmd = new ArrayList<>(List.of(java, "-Xshare:auto"));
            if (Runtime.version().feature() >= 22) {
                // broker loads the native crypto provider; Java 24+ warns about System.load without this flag (the
                // JVM's own warning, not the tool's output)
                cmd.add("--enable-native-access=ALL-UNNAMED");
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.iotjwt.Main"));
            cmd.addAll(List.of(c).subList(1, c.length));
            Path errFile = TMP.resolve("proc-" + SEQ.incrementAndGet() + ".err");
            Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            boolean ended = p.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            String err = Files.readString(errFile, StandardCharsets.UTF_8);
            assertThat(ended).as("%s ended", String.join(" ", c)).isTrue();
            assertThat(p.exitValue()).as("%s: %s", String.join(" ", c), abbreviate(err))
                    .isEqualTo(Integer.parseInt(c[0]));
            assertThat(STACK_TRACE.matcher(err).find()).as("%s: %s", String.join(" ", c), abbreviate(err)).isFalse();
            if (c[0].equals("3")) {
                assertThat(err.lines().toList()).hasSizeBetween(1, 2);
                assertThat(err).startsWith("iotjwt: ");
            }
        }
    }

    /** A token on standard input larger than the bound is refused, not cut at the bound and judged as another. */
    @Test
    void aTokenOnStandardInputOverTheBoundIsRefused() {
        byte[] big = new byte[(1 << 20) + 10];
        java.util.Arrays.fill(big, (byte) 'A');
        picocli.CommandLine cl = Cli.create(new CliContext(Fixtures.CLOCK, Map.of(), () -> null,
                () -> new java.io.ByteArrayInputStream(big)));
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = assertTimeoutPreemptively(BOUND, () -> cl.execute("check", "-", "--project", "p"));
        assertThat(code).isEqualTo(3);
        assertThat(err.toString()).startsWith("iotjwt: standard input: more than").hasLineCount(2);
        assertThat(out.toString()).isEmpty();
    }

    static final Set<String> COMMANDS = Set.of("key-inspect", "key-public", "key-convert", "key-export", "key-match",
            "key-match-other", "cert-inspect", "cert-export", "mint", "mint-pw", "key-inspect-pw", "check-key",
            "check-pub", "check-cert",
            "check-file", "connect-ca", "connect-jwt", "connect-token", "broker", "broker-device", "batch");

    private static boolean isToken(String command) {
        return command.equals("check-file") || command.equals("connect-jwt") || command.equals("connect-token");
    }

    private static String[] args(String command, Path input) {
        String f = input.toString();
        String clientId = "projects/p/locations/us-central1/registries/r/devices/d";
        List<String> a = switch (command) {
            case "key-inspect" -> List.of("key", "inspect", f);
            case "key-public" -> List.of("key", "public", f);
            case "key-convert" -> List.of("key", "convert", f, "--to", "pkcs8", "--encoding", "pem", "--out",
                    TMP.resolve("converted-" + SEQ.incrementAndGet() + ".pem").toString());
            case "key-export" -> List.of("key", "export", f, "--as", "c");
            case "key-match" -> List.of("key", "match", f, GOOD_EC_PUB.toString());
            case "key-match-other" -> List.of("key", "match", GOOD_EC.toString(), f);
            case "cert-inspect" -> List.of("cert", "inspect", f);
            case "cert-export" -> List.of("cert", "export", f, "--as", "c");
            case "mint" -> List.of("mint", "--key", f, "--project", "p");
            case "mint-pw" -> List.of("mint", "--key", f, "--project", "p", "--key-password-file",
                    Fixtures.key("password.txt").toString());
            case "key-inspect-pw" -> List.of("key", "inspect", f, "--key-password-file",
                    Fixtures.key("password.txt").toString());
            case "check-key" -> List.of("check", TOKEN, "--project", "p", "--key", f);
            case "check-pub" -> List.of("check", TOKEN, "--project", "p", "--public-key", f);
            case "check-cert" -> List.of("check", TOKEN, "--project", "p", "--cert", f);
            case "check-file" -> List.of("check", "@" + f, "--project", "p");
            case "connect-ca" -> List.of("connect", "--host", "127.0.0.1", "--port", String.valueOf(DEAD_PORT),
                    "--client-id", clientId, "--key", GOOD_EC.toString(), "--ca", f, "--timeout", "2s", "--format",
                    "json");
            case "connect-token" -> List.of("connect", "--host", "127.0.0.1", "--port", String.valueOf(DEAD_PORT),
                    "--client-id", clientId, "--jwt", "@" + f, "--ca", GOOD_CERT.toString(), "--timeout", "2s");
            case "connect-jwt" -> List.of("connect", "--host", "127.0.0.1", "--port", String.valueOf(DEAD_PORT),
                    "--client-id", clientId, "--jwt", "@" + f, "--ca", GOOD_CERT.toString(), "--timeout", "2s");
            case "broker" -> List.of("broker", "--registry", f, "--port", "0", "--stop-after", "2s", "--state-dir",
                    TMP.resolve("state").toString());
            case "broker-device" -> List.of("broker", "--device", "dev-1=" + f, "--port", "0", "--stop-after", "2s",
                    "--state-dir", TMP.resolve("state").toString());
            case "batch" -> List.of("mint", "--batch", f, "--threads", "1", "--iat", "2026-11-25T10:00:00Z");
            default -> throw new IllegalArgumentException("unknown command " + command);
        };
        return a.toArray(String[]::new);
    }

    /** No run of 40 or more base64 characters from the input shows up in the output (no key bytes leak). */
    private static void assertNoKeyMaterial(Path input, String output) {
        if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
            return;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(input);
        } catch (IOException e) {
            return;
        }
        String text = new String(bytes, 0, Math.min(bytes.length, 1 << 16), StandardCharsets.ISO_8859_1);
        Matcher m = BASE64_RUN.matcher(text);
        while (m.find()) {
            String run = m.group();
            for (int i = 0; i + 40 <= run.length(); i += 20) {
                String window = run.substring(i, i + 40);
                if (window.chars().distinct().count() > 4) {
                    assertThat(output).as("key material from the input").doesNotContain(window);
                }
            }
        }
    }

    // ---- inputs made at run time ----

    static synchronized Path input(String spec) {
        if (!spec.contains(":")) {
            return corpus().resolve(spec);
        }
        return MADE.computeIfAbsent(spec, BadInputCorpusTest::make);
    }

    private static Path make(String spec) {
        try {
            Path dir = Files.createDirectories(TMP.resolve("made"));
            switch (spec) {
                case "dir:":
                    return Files.createDirectories(dir.resolve("a-directory.pem"));
                case "missing:":
                    return dir.resolve("no-such-dir").resolve("missing.pem");
                case "unreadable:": {
                    Path f = dir.resolve("unreadable.pem");
                    Files.copy(GOOD_EC, f);
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
                    return f;
                }
                default:
                    break;
            }
            String name = spec.substring(4);
            Path f = dir.resolve(name + (name.startsWith("registry") ? ".json" : name.startsWith("token")
                    ? ".txt" : ".pem"));
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f), 1 << 16)) {
                write(name, out);
            }
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final int TEN_MB = 10 << 20;

    private static void write(String name, OutputStream out) throws IOException {
        Random random = new Random(8);
        switch (name) {
            case "pem-10mb" -> {
                out.write("-----BEGIN PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[48];
                Base64.Encoder b64 = Base64.getEncoder();
                for (long n = 0; n < TEN_MB; n += 65) {
                    random.nextBytes(chunk);
                    out.write(b64.encode(chunk));
                    out.write('\n');
                }
                out.write("-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII));
            }
            case "random-10mb" -> {
                byte[] chunk = new byte[1 << 16];
                for (int n = 0; n < TEN_MB; n += chunk.length) {
                    random.nextBytes(chunk);
                    if (n == 0) {
                        chunk[0] = (byte) 0xc7;
                    }
                    out.write(chunk);
                }
            }
            case "line-10mb" -> {
                out.write("dev-1,k.pem,p,,".getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = "A".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
                for (int n = 0; n < TEN_MB; n += chunk.length) {
                    out.write(chunk);
                }
            }
            case "registry-10mb-devices" -> {
                out.write("{\"project\":\"p\",\"registry\":\"reg-1\",\"devices\":["
                        .getBytes(StandardCharsets.US_ASCII));
                int i = 0;
                for (long n = 0; n < TEN_MB; n += 26) {
                    out.write(String.format("{\"id\":\"dev-%07d\"},", i++).getBytes(StandardCharsets.US_ASCII));
                }
                out.write("{\"id\":\"dev-0000001\"}]}".getBytes(StandardCharsets.US_ASCII));
            }
            case "registry-10mb-numbers" -> {
                out.write("{\"project\":\"p\",\"registry\":\"reg-1\",\"devices\":[1"
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = ",1".repeat(1 << 15).getBytes(StandardCharsets.US_ASCII);
                for (int n = 0; n < TEN_MB; n += chunk.length) {
                    out.write(chunk);
                }
                out.write("]}".getBytes(StandardCharsets.US_ASCII));
            }
            case "registry-10mb-id" -> {
                out.write("{\"project\":\"p\",\"devices\":[],\"registry\":\"r".getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = "a".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
                for (int n = 0; n < TEN_MB; n += chunk.length) {
                    out.write(chunk);
                }
                out.write("\"}".getBytes(StandardCharsets.US_ASCII));
            }
            case "token-1mb" -> {
                String pad = "x".repeat(740_000);
                out.write(token("{\"alg\":\"ES256\",\"typ\":\"JWT\"}", "{\"iat\":1600000000,\"exp\":1600003600,"
                        + "\"aud\":\"p\",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.US_ASCII));
            }
            case "token-1mb-nodots" -> out.write("A".repeat(1_000_000).getBytes(StandardCharsets.US_ASCII));
            case "token-1mb-digits" -> {
                StringBuilder digits = new StringBuilder("1");
                for (int i = 0; i < 700_000; i++) {
                    digits.append((char) ('0' + random.nextInt(10)));
                }
                out.write(token("{\"alg\":\"ES256\",\"typ\":\"JWT\"}", "{\"iat\":" + digits + ",\"exp\":1795604340,"
                        + "\"aud\":\"p\"}").getBytes(StandardCharsets.US_ASCII));
            }
            case "c-bytes-900k" -> out.write("0x30, ".repeat(150_000).getBytes(StandardCharsets.US_ASCII));
            case "priv-hex-900k" -> {
                out.write("priv:\n".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 20_000; i++) {
                    out.write("    aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:\n"
                            .getBytes(StandardCharsets.US_ASCII));
                }
                out.write("ASN1 OID: prime256v1\n".getBytes(StandardCharsets.US_ASCII));
            }
            case "hexdump-900k" -> {
                for (int i = 0; i < 14_000; i++) {
                    out.write(String.format("%08x: 3082 ffff 3030 3030 3030 3030 3030 3030  0.........%n", i * 16)
                            .getBytes(StandardCharsets.US_ASCII));
                }
            }
            case "der-nested-900k" -> {
                int depth = 150_000;
                long[] sizes = new long[depth + 1];
                sizes[0] = 3; // the innermost INTEGER 0
                for (int i = 1; i <= depth; i++) {
                    sizes[i] = sizes[i - 1] + 1 + lengthBytes(sizes[i - 1]);
                }
                for (int i = depth; i >= 1; i--) {
                    out.write(0x30);
                    writeLength(out, sizes[i - 1]);
                }
                out.write(new byte[] {2, 1, 0});
            }
            default -> throw new IllegalArgumentException("no generator for " + name);
        }
    }

    private static int lengthBytes(long n) {
        return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4;
    }

    private static void writeLength(OutputStream out, long n) throws IOException {
        if (n < 0x80) {
            out.write((int) n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write((int) n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write((int) (n >> 8));
            out.write((int) n);
        } else {
            out.write(0x83);
            out.write((int) (n >> 16));
            out.write((int) (n >> 8));
            out.write((int) n);
        }
    }

    private static String token(String header, String claims) {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        byte[] sig = new byte[64];
        return url.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + url.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "." + url.encodeToString(sig);
    }

    private static Set<String> providerNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Provider p : Security.getProviders()) {
            names.add(p.getName());
        }
        return names;
    }

    private static String abbreviate(String s) {
        return s.length() > 2000 ? s.substring(0, 2000) + "…(" + s.length() + " chars)" : s;
    }
}
