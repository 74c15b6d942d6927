package dev.iotjwt.diagnose;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The catalogue of finding codes holds every code the source can emit, nothing else, and docs/findings.md is what
 * the catalogue generates.
 */
class FindingCodeTest {
    private static final Path MAIN = Path.of("src", "main", "java");
    private static final Path CATALOGUE = MAIN.resolve("dev/iotjwt/diagnose/FindingCode.java");
    /** A string literal shaped like a code: lower-case words joined by dots, words of letters, digits and '-'. */
    private static final Pattern LITERAL = Pattern.compile("\"([a-z][a-z0-9]*(?:\\.[a-z0-9]+(?:-[a-z0-9]+)*)+)\"");
    /** Literals of that shape that are file or host names, not codes ("ca.pem", "mqtt.googleapis.com"). */
    private static final Pattern NAME = Pattern.compile(".*\\.(pem|der|p12|json|jsonl|txt|com|goog|net|org)");
    /** Literals of that shape that are neither names nor codes: system properties, a reserved host name. */
    private static final Set<String> NOT_CODES = Set.of("user.home", "user.name", "invalid2.invalid");
    private static final Pattern CONSTANT = Pattern.compile("\\bFindingCode\\.([A-Z][A-Z0-9_]*)\\b");

    @Test
    void everyCodeTheSourceCanEmitIsCatalogued() {
        Map<String, Set<String>> missing = new TreeMap<>();
        codeLiterals(false).forEach((code, files) -> {
            if (!NOT_CODES.contains(code) && FindingCode.of(code) == null) {
                missing.put(code, files);
            }
        });
        assertThat(missing).as("codes in src/main that FindingCode does not catalogue (add them to"
                + " src/main/java/dev/iotjwt/diagnose/FindingCode.java, then regenerate docs/findings.md: "
                + FindingsDoc.REGENERATE + "; a literal of that shape that is no code goes to NOT_CODES)").isEmpty();
    }

    @Test
    void everyCataloguedCodeIsEmittedSomewhere() {
        Set<String> used = new HashSet<>(codeLiterals(true).keySet());
        for (Path file : sources()) {
            if (!file.equals(CATALOGUE)) {
                Matcher m = CONSTANT.matcher(read(file));
                while (m.find()) {
                    used.add(FindingCode.valueOf(m.group(1)).code());
                }
            }
        }
        Set<String> unused = Arrays.stream(FindingCode.values()).map(FindingCode::code)
                .filter(c -> !used.contains(c)).collect(Collectors.toCollection(TreeSet::new));
        assertThat(unused).as("catalogued codes nothing in src/main emits").isEmpty();
    }

    @Test
    void codesAreUniqueAndShapedAndSayWhatTheyMean() {
        Set<String> seen = new HashSet<>();
        for (FindingCode c : FindingCode.values()) {
            assertThat(seen.add(c.code())).as("duplicate " + c.code()).isTrue();
            assertThat(LITERAL.matcher('"' + c.code() + '"').matches()).as(c.code()).isTrue();
            assertThat(NAME.matcher(c.code()).matches()).as(c.code() + " looks like a file name").isFalse();
            assertThat(c.name()).isEqualTo(c.code().toUpperCase().replace('.', '_').replace('-', '_'));
            assertThat(c.meaning()).as(c.code()).isNotBlank().doesNotEndWith(".");
            assertThat(c.meaning() + c.fix()).as(c.code()).doesNotContain("\n");
            if (c.fix() != null) {
                assertThat(c.fix()).as(c.code()).isNotBlank().doesNotEndWith(".");
            }
            assertThat(FindingCode.of(c.code())).isSameAs(c);
        }
        assertThat(FindingCode.of("jwt.no-such-code")).isNull();
    }

    @Test
    void docsFindingsIsWhatTheCatalogueGenerates() throws IOException {
        String generated = FindingsDoc.markdown();
        if (Boolean.getBoolean("findings.write")) {
            Files.writeString(FindingsDoc.FILE, generated, StandardCharsets.UTF_8);
        }
        String onDisk = Files.exists(FindingsDoc.FILE) ? Files.readString(FindingsDoc.FILE, StandardCharsets.UTF_8)
                : "";
        if (!onDisk.equals(generated)) {
            fail(FindingsDoc.FILE + " is not what src/main/java/dev/iotjwt/diagnose/FindingCode.java generates;"
                    + " regenerate it with:\n  " + FindingsDoc.REGENERATE);
        }
        for (FindingCode c : FindingCode.values()) {
            assertThat(onDisk).contains("| `" + c.code() + "` | " + c.severity().text() + " |");
        }
    }

    /** Every code-shaped literal in src/main and the files it occurs in (without the catalogue, if asked). */
    private static Map<String, Set<String>> codeLiterals(boolean withoutCatalogue) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Path file : sources()) {
            if (withoutCatalogue && file.equals(CATALOGUE)) {
                continue;
            }
            Matcher m = LITERAL.matcher(read(file));
            while (m.find()) {
                if (!NAME.matcher(m.group(1)).matches()) {
                    out.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(MAIN.relativize(file).toString());
                }
            }
        }
        return out;
    }

    private static java.util.List<Path> sources() {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
