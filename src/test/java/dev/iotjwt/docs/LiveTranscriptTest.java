package dev.iotjwt.docs;

import dev.iotjwt.cli.Cli;
import dev.iotjwt.cli.CliContext;
import dev.iotjwt.testsupport.net.MqttMode;
import dev.iotjwt.testsupport.net.TestPki;
import dev.iotjwt.testsupport.net.TlsTestServer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console transcripts that need a live peer, marked {@code <!-- transcript now=TIME live [server=NAME:PORT]
 * [vary=RULE,…] -->}, are what the real commands print against a peer this test starts on 127.0.0.1. Each
 * {@code $ ./iotjwt …} line runs in-process with the clock fixed at TIME, {@code IOTJWT_HOME} in a folder of the
 * block's own (printed as {@code ~/.iotjwt}) and that folder as the current one (printed as relative paths): it holds
 * owner-only copies of {@code examples/} and the key fixtures, and what earlier commands of the block made there.
 * <ul>
 * <li>{@code $ ./iotjwt broker … --port PORT &} starts the bridge in the background, on a free port printed as PORT
 * ({@code --api-port} the same); the later commands dial it when they name PORT. The text under it is everything it
 * printed (standard error and output, either first) until the block ended, when it is stopped as by Ctrl-C. A
 * {@code broker} line without {@code &} runs the same way and must be the last of its block (the Ctrl-C that stops
 * it is not shown). Before the next command runs, the bridge must have logged the end of every device it accepted.
 * </li>
 * <li>{@code server=NAME:PORT} starts, before the block, the peer of {@link #SERVERS} named NAME, on a free port
 * printed and dialled as PORT. Its own output is not part of the transcript.</li>
 * <li>A line {@code …} alone in the output stands for lines the page leaves out; a {@code # comment} after a command
 * is the page's.</li>
 * <li>What differs at every run is compared by shape, only as the block's {@code vary=} allows: the rules are
 * {@link Vary}. Everything else, and ES256 signatures as {@link DocTranscriptTest} compares them, is exact.</li>
 * </ul>
 * With {@code -Ddocs.write=true} the commands whose output differs get what they printed instead (their {@code …}
 * gone):
 * {@code ./mvnw -q test-compile surefire:test@default-test -Dtest=LiveTranscriptTest -Ddocs.write=true}.
 */
class LiveTranscriptTest {
    private static final Pattern MARK = Pattern.compile(
            "<!-- transcript now=(\\S+) live((?: [a-z]+=\\S+)*) -->\\n```console\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern API = Pattern.compile("api {7}http://127\\.0\\.0\\.1:(\\d+)/");
    private static final Duration START = Duration.ofSeconds(20);
    /** Options whose value is a file or folder a command makes: resolved in the block's folder. */
    private static final Set<String> MADE = Set.of("--state-dir", "--prepare", "--keys", "--events");
    private static final Set<String> PORTS = Set.of("--port", "--api-port");

    /** What may differ at every run, by name in a block's {@code vary=}; each replaces its patterns on both sides. */
    enum Vary {
        /**
         * A step's or a round trip's duration: "(12 ms)" at the end of a step's line, which a step under 1 ms does not
         * print, and "PUBACK in 5 ms".
         */
        MS("(?m) \\(\\d+ ms\\)$", "", "\\b\\d+ ms\\b", "<n> ms"),
        /**
         * An ephemeral port (Linux's range, 32768 and up): a client's, or one a command picked itself (the demo's
         * bridge). The ports a page names are below that range and stay exact.
         */
        PORT("\\b(127\\.0\\.0\\.1|localhost):(?:3[2-9]\\d{3}|[4-6]\\d{4})\\b", "$1:<port>"),
        /** A SHA-256 of a key or certificate made at this run (full, or its first 16 digits and '…'). */
        SHA256("\\b[0-9a-f]{64}\\b|\\b[0-9a-f]{16}…", "<sha256>"),
        /** The size of a certificate made at this run: its ECDSA signature's DER length varies by a byte or two. */
        SIZE("\\b\\d+ bytes\\b", "<n> bytes"),
        /** The demo's temporary folder. */
        TMP("/\\S*iotjwt-demo-\\d+", "<tmp>/iotjwt-demo-<n>"),
        /** Every number: a benchmark's counts, rates, percentiles and timings are compared by shape only. */
        NUMBERS("\\d+(\\.\\d+)?", "<n>"),
        /**
         * The lines of a background bridge's log in any order, each still exact: its connections log from their own
         * threads, so a connection that closes (connect's TCP step) can be logged after the next one's failure.
         * Only for the output of a {@code broker} command, with no '…' in it.
         */
        ORDER;

        /** Pattern, replacement, pattern, replacement …, applied in order. */
        final String[] rules;

        Vary(String... rules) {
            this.rules = rules;
        }

        String apply(String s) {
            String n = s;
            for (int i = 0; i < rules.length; i += 2) {
                n = Pattern.compile(rules[i]).matcher(n).replaceAll(rules[i + 1]);
            }
            return n;
        }
    }

    /** The peers a block's {@code server=} names; each listens on 127.0.0.1 and stops by itself. */
    static final Map<String, String> SERVERS = Map.of(
            "bridge", "iotjwt broker --device my-device=examples/demo_ec_public.pem, state in ~/.iotjwt/broker",
            "bridge-api", "iotjwt broker --api-port 0, no devices, state in ~/.iotjwt/broker (where device finds it);"
                    + " its PORT is 0: the block names neither of its ports",
            "bridge-require-sni", "the same with --require-sni",
            "proxy", "a TLS server presenting localhost issued by its EC P-256 'Corporate Proxy CA', sent too"
                    + " (interception)",
            "ecdsa", "a TLS server with an EC P-256 certificate for localhost, answering CONNACK 0");

    @Test
    void everyLiveTranscriptIsWhatTheCommandsPrintAgainstTheirPeer() throws Exception {
        // the pages show the reference platform (Linux x86-64): TLS by BoringSSL, crypto by AWS-LC; where either
        // native library does not load, the banner, bench's last line and the suites the bridge takes differ
        org.junit.jupiter.api.Assumptions.assumeTrue(io.netty.handler.ssl.OpenSsl.isAvailable()
                && com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError() == null,
                "BoringSSL or AWS-LC does not load here: the transcripts were recorded with both");
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Path doc : DocTranscriptTest.docs()) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            Matcher m = MARK.matcher(text);
            StringBuilder rewritten = new StringBuilder();
            while (m.find()) {
                Map<String, String> attrs = attributes(m.group(2));
                Instant now = Instant.parse(m.group(1));
                Set<Vary> vary = EnumSet.noneOf(Vary.class);
                for (String v : attrs.getOrDefault("vary", "").split(",")) {
                    if (!v.isEmpty()) {
                        vary.add(Vary.valueOf(v.toUpperCase(Locale.ROOT)));
                    }
                }
                List<Printed> printed;
                try (Block block = new Block(now)) {
                    if (attrs.containsKey("server")) {
                        block.serve(attrs.get("server"));
                    }
                    printed = block.run(steps(m.group(3)));
                }
                StringBuilder written = new StringBuilder();
                for (Printed p : printed) {
                    checked++;
                    Set<Vary> rules = EnumSet.copyOf(vary);
                    if (!p.step().args().get(0).equals("broker")) {
                        rules.remove(Vary.ORDER);
                    }
                    boolean same = matches(p.step().expected(), p.err() + p.out(), rules)
                            || matches(p.step().expected(), p.out() + p.err(), rules);
                    if (!same) {
                        wrong.add(doc + ": $ " + String.join(" ", p.step().args()) + "\n--- the docs show:\n"
                                + p.step().expected() + "--- the command printed:\n" + p.err() + p.out());
                    }
                    String shown = same ? p.step().expected() : p.err() + p.out();
                    written.append(p.step().commandText());
                    if (!shown.isBlank()) {
                        written.append(shown.stripTrailing()).append('\n');
                    }
                }
                m.appendReplacement(rewritten, Matcher.quoteReplacement(text.substring(m.start(), m.start(3))
                        + written + "```"));
            }
            m.appendTail(rewritten);
            if (Boolean.getBoolean("docs.write")) {
                Files.writeString(doc, rewritten.toString(), StandardCharsets.UTF_8);
            }
        }
        assertThat(checked).as("live transcripts found in the docs").isGreaterThan(3);
        assertThat(wrong).as("live transcripts that differ from the commands (regenerate: ./mvnw -q test-compile"
                + " surefire:test@default-test -Dtest=LiveTranscriptTest -Ddocs.write=true -Dfuzz.skip=true)")
                .isEmpty();
    }

    static Map<String, String> attributes(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String a : text.strip().split(" ")) {
            if (!a.isEmpty()) {
                m.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            }
        }
        return m;
    }

    /** One command of a transcript: its text as written, its arguments, whether it runs in the background. */
    record Step(String commandText, List<String> args, boolean background, String expected) {
    }

    /** What a command printed, back in the page's terms. */
    record Printed(Step step, String out, String err) {
    }

    /** The commands of a block: as {@link DocTranscriptTest#steps}, plus {@code &} and {@code # comment}. */
    static List<Step> steps(String block) {
        List<String> written = new ArrayList<>();
        String[] lines = block.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("$ ")) {
                StringBuilder c = new StringBuilder(lines[i]).append('\n');
                while (lines[i].endsWith("\\") && i + 1 < lines.length) {
                    c.append(lines[++i]).append('\n');
                }
                written.add(c.toString());
            }
        }
        List<DocTranscriptTest.Step> plain = DocTranscriptTest.steps(block
                .replaceAll("(?m)^(\\$ .*?)\\s+#\\s.*$", "$1").replaceAll("(?m)^(\\$ .*?)\\s+&$", "$1 BACKGROUND"));
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            List<String> args = plain.get(i).args();
            boolean background = !args.isEmpty() && args.get(args.size() - 1).equals("BACKGROUND");
            steps.add(new Step(written.get(i), background ? args.subList(0, args.size() - 1) : args, background,
                    plain.get(i).expected()));
        }
        return steps;
    }

    /** {@code expected} with its lines '…' standing for any lines, against {@code actual}, both normalised. */
    static boolean matches(String expected, String actual, Set<Vary> vary) {
        if (vary.contains(Vary.ORDER)) {
            return sorted(normalise(expected, vary)).equals(sorted(normalise(actual, vary)));
        }
        StringBuilder regex = new StringBuilder();
        for (String line : normalise(expected, vary).strip().split("\n", -1)) {
            regex.append(line.strip().equals("…") ? "(?:[^\\n]*\\n)*?" : Pattern.quote(line) + "\\n");
        }
        return Pattern.compile(regex.toString()).matcher(normalise(actual, vary).strip() + "\n").matches();
    }

    private static List<String> sorted(String s) {
        return s.strip().lines().sorted().toList();
    }

    static String normalise(String s, Set<Vary> vary) {
        String n = DocTranscriptTest.normalise(s);
        for (Vary v : vary) {
            n = v.apply(n);
        }
        return n;
    }

    /** One block's world: its folder, its clock, its ports, its peers and background commands. */
    static final class Block implements AutoCloseable {
        final Path dir;
        final Path home;
        final Instant now;
        /** The port the page names, to the port really used. */
        final Map<Integer, Integer> ports = new LinkedHashMap<>();
        final List<AutoCloseable> peers = new ArrayList<>();

        Block(Instant now) throws IOException {
            this.now = now;
            dir = Files.createTempDirectory("iotjwt-doc-live-").toRealPath();
            home = dir.resolve(".iotjwt");
            DocTranscriptTest.copy(Path.of("examples"), Files.createDirectories(dir.resolve("examples")));
            DocTranscriptTest.copy(Path.of(DocTranscriptTest.FIXTURES),
                    Files.createDirectories(dir.resolve(DocTranscriptTest.FIXTURES)));
        }

        /** Starts the peer NAME:PORT of {@link #SERVERS}. */
        void serve(String spec) throws Exception {
            String name = spec.substring(0, spec.indexOf(':'));
            int port = Integer.parseInt(spec.substring(spec.indexOf(':') + 1));
            switch (name) {
                case "bridge", "bridge-require-sni", "bridge-api" -> {
                    List<String> args = new ArrayList<>(List.of("broker", "--port", "0", "--stop-after", "120s"));
                    args.addAll(name.equals("bridge-api") ? List.of("--api-port", "0") : List.of("--device",
                            "my-device=" + dir.resolve("examples/demo_ec_public.pem")));
                    if (name.equals("bridge-require-sni")) {
                        args.add("--require-sni");
                    }
                    Background b = new Background(context(), args);
                    peers.add(b);
                    int listening = b.await(LISTENING);
                    if (port != 0) {
                        ports.put(port, listening);
                    }
                }
                case "proxy" -> {
                    TestPki proxy = TestPki.ecRoot("Corporate Proxy CA", now);
                    TlsTestServer s = new TlsTestServer().chain(proxy.leaf("localhost").plus(proxy.root()))
                            .lifetime(Duration.ofMinutes(2)).start();
                    peers.add(s);
                    ports.put(port, s.port());
                }
                case "ecdsa" -> {
                    TestPki ca = TestPki.ecRoot("Test ECDSA CA", now);
                    TlsTestServer s = new TlsTestServer().chain(ca.leaf("localhost")).mqtt(MqttMode.connack(0))
                            .lifetime(Duration.ofMinutes(2)).start();
                    peers.add(s);
                    ports.put(port, s.port());
                }
                default -> throw new AssertionError("no such peer '" + name + "'; the peers: " + SERVERS);
            }
        }

        CliContext context() {
            return new CliContext(Clock.fixed(now, ZoneOffset.UTC), Map.of("IOTJWT_HOME", home.toString()),
                    () -> null, () -> new ByteArrayInputStream(new byte[0]));
        }

        /** Runs the steps in order; background ones until the end of the block. */
        List<Printed> run(List<Step> steps) throws Exception {
            List<Printed> printed = new ArrayList<>();
            Map<Integer, Background> background = new LinkedHashMap<>();
            for (Step step : steps) {
                boolean bridge = step.args().get(0).equals("broker");
                // a bridge in the foreground runs until Ctrl-C: nothing can follow it
                assertThat(step.background() || !bridge || step == steps.get(steps.size() - 1))
                        .as("a broker line without '&' is the last of its block: " + step.commandText()).isTrue();
                if (step.background() || bridge) {
                    background.put(printed.size(), start(step));
                    printed.add(null);
                } else {
                    String[] args = args(step.args(), false);
                    CommandLine cl = Cli.create(context(), args);
                    StringWriter out = new StringWriter();
                    StringWriter err = new StringWriter();
                    cl.setOut(new PrintWriter(out, true));
                    cl.setErr(new PrintWriter(err, true));
                    cl.execute(args);
                    printed.add(new Printed(step, back(out.toString()), back(err.toString())));
                    for (Background b : background.values()) {
                        b.settle();
                    }
                }
            }
            for (Map.Entry<Integer, Background> e : background.entrySet()) {
                Background b = e.getValue();
                b.close();
                printed.set(e.getKey(), new Printed(steps.get(e.getKey()), back(b.out.toString()),
                        back(b.err.toString())));
            }
            return printed;
        }

        /** A bridge in the background, on free ports that stand for those its command names. */
        Background start(Step step) throws Exception {
            List<String> args = new ArrayList<>(step.args());
            // a bridge on a port of its own choosing would print other lines (its banner's connect line names a port
            // other than 8883) than one on the port the page names
            assertThat(args).as("a background bridge names its --port: " + step.commandText()).contains("--port");
            Map<String, Integer> named = new LinkedHashMap<>();
            for (int i = 0; i + 1 < args.size(); i++) {
                if (PORTS.contains(args.get(i))) {
                    named.put(args.get(i), Integer.parseInt(args.get(i + 1)));
                    args.set(i + 1, "0");
                }
            }
            Background b = new Background(context(), Arrays.asList(args(args, true)));
            ports.put(named.get("--port"), b.await(LISTENING));
            if (named.containsKey("--api-port")) {
                ports.put(named.get("--api-port"), b.await(API));
            }
            return b;
        }

        /** The page's arguments for this block: its files in the block's folder, its ports the real ones. */
        String[] args(List<String> words, boolean keepPorts) {
            String[] a = words.toArray(String[]::new);
            for (int i = 0; i < a.length; i++) {
                String option = i > 0 ? a[i - 1] : "";
                if (PORTS.contains(option) && !keepPorts) {
                    a[i] = String.valueOf(ports.getOrDefault(Integer.parseInt(a[i]), Integer.parseInt(a[i])));
                } else if (MADE.contains(option)) {
                    a[i] = dir.resolve(a[i]).toString();
                } else if (a[i].contains("=") && !a[i].startsWith("-")) {
                    a[i] = a[i].substring(0, a[i].indexOf('=') + 1) + file(a[i].substring(a[i].indexOf('=') + 1));
                } else if (a[i].startsWith("@")) {
                    a[i] = "@" + file(a[i].substring(1));
                } else {
                    a[i] = file(a[i]);
                }
            }
            return a;
        }

        /**
         * A relative path whose first folder is in the block's folder ({@code examples/…}, {@code fleet/…}) is resolved
         * there; a single word is not ({@code --topic state} next to a folder {@code state}).
         */
        String file(String word) {
            int slash = word.indexOf('/');
            return slash > 0 && !word.startsWith("-") && Files.isDirectory(dir.resolve(word.substring(0, slash)))
                    ? dir.resolve(word).toString() : word;
        }

        /** What a command printed in the page's terms: its folder relative, its home ~/.iotjwt, its ports. */
        String back(String printed) {
            String s = printed.replace(home.toString(), "~/.iotjwt").replace(dir + "/", "")
                    .replace(dir.toString(), ".");
            for (Map.Entry<Integer, Integer> p : ports.entrySet()) {
                s = s.replaceAll("\\b" + p.getValue() + "\\b", String.valueOf(p.getKey()));
            }
            return s;
        }

        @Override
        public void close() throws Exception {
            for (AutoCloseable p : peers) {
                p.close();
            }
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A command on its own thread, as {@code &} runs it; stopped as by Ctrl-C. */
    static final class Background implements AutoCloseable {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final Thread thread;

        Background(CliContext context, List<String> args) {
            String[] a = args.toArray(String[]::new);
            CommandLine cl = Cli.create(context, a);
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            thread = new Thread(() -> cl.execute(a), "doc-background-" + a[0]);
            thread.setDaemon(true);
            thread.start();
        }

        /** The port it printed, once it has. */
        int await(Pattern printed) throws InterruptedException {
            long end = System.nanoTime() + START.toNanos();
            while (System.nanoTime() < end) {
                Matcher m = printed.matcher(err.toString());
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
                if (!thread.isAlive()) {
                    break;
                }
                Thread.sleep(10);
            }
            throw new AssertionError("the background command did not print " + printed + ": " + err + out);
        }

        /**
         * Waits until every device it accepted has been logged as gone: a device's disconnect is logged on the
         * bridge's thread, after the command that connected it returned.
         */
        void settle() throws InterruptedException {
            long end = System.nanoTime() + START.toNanos();
            while (System.nanoTime() < end && count(" accepted ") > count(" disconnected ") + count(" dropped ")) {
                Thread.sleep(10);
            }
        }

        private int count(String word) {
            return err.toString().split(word, -1).length - 1;
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join(START.toMillis());
        }
    }
}
