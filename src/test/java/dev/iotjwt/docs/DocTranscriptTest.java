package dev.iotjwt.docs;

import dev.iotjwt.cli.Cli;
import dev.iotjwt.cli.CliContext;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console transcripts in the docs marked {@code <!-- transcript now=TIME -->} are what the real commands print:
 * each {@code $ ./iotjwt …} line is run in-process with the clock fixed at TIME, the files of {@code examples/}
 * (as copies readable by their owner only, as the README asks) and no environment, and what it printed (standard
 * error, then standard output) must be the text under it. ES256 signatures differ at every signing and are compared
 * by shape only. With {@code -Ddocs.write=true} the test writes what the commands printed into the docs instead:
 * {@code ./mvnw -q test-compile surefire:test@default-test -Dtest=DocTranscriptTest -Ddocs.write=true}. The
 * transcripts that need a live peer (a bridge, a TLS server) are {@link LiveTranscriptTest}'s.
 */
class DocTranscriptTest {
    private static final Pattern MARK = Pattern.compile("<!-- transcript now=(\\S+) -->\\n```console\\n(.*?)```",
            Pattern.DOTALL);
    private static final Pattern JWT = Pattern.compile("(eyJ[A-Za-z0-9_-]+)\\.(eyJ[A-Za-z0-9_-]*)\\.([A-Za-z0-9_-]+)");

    @Test
    void everyMarkedTranscriptIsWhatTheCommandsPrint() throws IOException {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        Path examples = copyOfExamples();
        for (Path doc : docs()) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            Matcher m = MARK.matcher(text);
            StringBuilder rewritten = new StringBuilder();
            while (m.find()) {
                Instant now = Instant.parse(m.group(1));
                StringBuilder block = new StringBuilder();
                for (Step step : steps(m.group(2))) {
                    String[] printed = run(step.args(), now, examples);
                    checked++;
                    // a terminal interleaves the two streams; a warning comes first, a closing note after the output
                    String want = normalise(step.expected()).strip();
                    boolean errFirst = normalise(printed[1] + printed[0]).strip().equals(want);
                    boolean same = errFirst || normalise(printed[0] + printed[1]).strip().equals(want);
                    String actual = printed[1] + printed[0];
                    if (same) {
                        // written back as it was: an ES256 signature is not churned at every write
                        actual = step.expected();
                    }
                    if (!same) {
                        wrong.add(doc + ": $ " + String.join(" ", step.args()) + "\n--- the docs show:\n"
                                + step.expected() + "--- the command printed:\n" + actual);
                    }
                    // a blank line between two commands is the docs' own
                    block.append(step.commandText()).append(actual.stripTrailing()).append('\n')
                            .append(step.expected().endsWith("\n\n") ? "\n" : "");
                }
                m.appendReplacement(rewritten, Matcher.quoteReplacement("<!-- transcript now=" + m.group(1)
                        + " -->\n```console\n" + block + "```"));
            }
            m.appendTail(rewritten);
            if (Boolean.getBoolean("docs.write")) {
                Files.writeString(doc, rewritten.toString(), StandardCharsets.UTF_8);
            }
        }
        assertThat(checked).as("transcripts found in the docs").isGreaterThan(3);
        assertThat(wrong).as("transcripts that differ from the commands (regenerate: ./mvnw -q test-compile"
                + " surefire:test@default-test -Dtest=DocTranscriptTest -Ddocs.write=true -Dfuzz.skip=true)")
                .isEmpty();
    }

    static List<Path> docs() throws IOException {
        List<Path> all = new ArrayList<>(List.of(Path.of("README.md"), Path.of("CONTRIBUTING.md")));
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(all::add);
        }
        return all;
    }

    /** One command of a transcript: its text as written, its arguments, and the output shown under it. */
    record Step(String commandText, List<String> args, String expected) {
    }

    static List<Step> steps(String block) {
        List<Step> steps = new ArrayList<>();
        String[] lines = block.split("\n", -1);
        int i = 0;
        while (i < lines.length && !lines[i].isEmpty()) {
            if (!lines[i].startsWith("$ ")) {
                throw new AssertionError("a transcript must start with a '$ ' line: " + lines[i]);
            }
            StringBuilder command = new StringBuilder(lines[i]).append('\n');
            StringBuilder joined = new StringBuilder(lines[i].substring(2));
            while (joined.toString().endsWith("\\") && i + 1 < lines.length) {
                joined.setLength(joined.length() - 1);
                i++;
                command.append(lines[i]).append('\n');
                joined.append(' ').append(lines[i].strip());
            }
            i++;
            StringBuilder out = new StringBuilder();
            while (i < lines.length && !lines[i].startsWith("$ ") && !(i == lines.length - 1 && lines[i].isEmpty())) {
                out.append(lines[i]).append('\n');
                i++;
            }
            List<String> words = words(joined.toString());
            if (words.isEmpty() || !(words.get(0).equals("./iotjwt") || words.get(0).equals("iotjwt"))) {
                throw new AssertionError("a checked transcript runs iotjwt alone (no pipes, variables or other"
                        + " programs): " + joined);
            }
            steps.add(new Step(command.toString(), words.subList(1, words.size()), out.toString()));
        }
        return steps;
    }

    /** Words as a POSIX shell splits them, with single and double quotes; anything else a shell does is refused. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean in = false;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                in = true;
            } else if (Character.isWhitespace(c)) {
                if (in) {
                    words.add(w.toString());
                    w.setLength(0);
                    in = false;
                }
            } else if ("|&;<>$`(){}*?".indexOf(c) >= 0) {
                throw new AssertionError("a checked transcript uses shell syntax '" + c + "': " + line);
            } else {
                w.append(c);
                in = true;
            }
        }
        if (in) {
            words.add(w.toString());
        }
        return words;
    }

    /** What the command printed: standard output, standard error. */
    static String[] run(List<String> args, Instant now, Path examples) {
        String[] a = args.stream().map(x -> x.startsWith(FIXTURES) || x.startsWith("@" + FIXTURES)
                ? x.replace(FIXTURES, examples + "/" + FIXTURES) : x.replace("examples/", examples + "/"))
                .toArray(String[]::new);
        CommandLine cl = Cli.create(new CliContext(Clock.fixed(now, ZoneOffset.UTC), Map.of(), () -> null,
                () -> new ByteArrayInputStream(new byte[0])), a);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.execute(a);
        return new String[] {back(out.toString(), examples), back(err.toString(), examples)};
    }

    private static String back(String printed, Path examples) {
        return printed.replace(examples + "/" + FIXTURES, FIXTURES).replace(examples + "/", "examples/");
    }

    /** The test key fixtures a page may name; copied owner-only like examples/. */
    static final String FIXTURES = "src/test/resources/fixtures/keys/";

    /** Trailing spaces aside, and an ES256 signature by its shape (86 base64url characters): it differs each time. */
    static String normalise(String s) {
        Matcher m = JWT.matcher(s.replaceAll("[ \\t]+\\n", "\n"));
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String header = new String(Base64.getUrlDecoder().decode(m.group(1)), StandardCharsets.UTF_8);
            boolean es256 = header.contains("\"ES256\"") && m.group(3).length() == 86;
            m.appendReplacement(b, Matcher.quoteReplacement(m.group(1) + "." + m.group(2) + "."
                    + (es256 ? "<ES256 signature>" : m.group(3))));
        }
        m.appendTail(b);
        return b.toString();
    }

    /**
     * examples/ and the key fixtures copied with their private keys readable by their owner only, as the README tells
     * the reader to do.
     */
    static Path copyOfExamples() throws IOException {
        Path dir = Files.createTempDirectory("iotjwt-doc-examples-");
        copy(Path.of("examples"), dir);
        copy(Path.of(FIXTURES), Files.createDirectories(dir.resolve(FIXTURES)));
        return dir;
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Path t = to.resolve(p.getFileName());
                Files.copy(p, t);
                Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-------"));
            }
        }
    }
}
