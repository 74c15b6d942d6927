package dev.iotjwt.docs;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/reference.md and docs/man/*.1 are what {@link CommandReference} makes from the commands' definitions. With
 * {@code -Ddocs.write=true} the test writes them instead:
 * {@code ./mvnw -q -o test-compile surefire:test@default-test -Dtest=CommandReferenceTest -Ddocs.write=true}.
 */
class CommandReferenceTest {
    static final Path DOCS = Path.of("docs");
    static final String REGENERATE = "regenerate: ./mvnw -q test-compile surefire:test@default-test"
            + " -Dtest=CommandReferenceTest -Ddocs.write=true -Dfuzz.skip=true";

    @Test
    void theReferenceAndTheManPagesAreUpToDate() throws IOException {
        Map<String, String> files = new java.util.LinkedHashMap<>();
        files.put("reference.md", CommandReference.markdown());
        for (Map.Entry<String, CommandLine> e : CommandReference.commands().entrySet()) {
            files.put("man/" + CommandReference.manFile(e.getKey()), CommandReference.man(e.getKey(), e.getValue()));
        }
        if (Boolean.getBoolean("docs.write")) {
            Files.createDirectories(DOCS.resolve("man"));
            try (var old = Files.list(DOCS.resolve("man"))) {
                for (Path p : old.toList()) {
                    if (!files.containsKey("man/" + p.getFileName())) {
                        Files.delete(p);
                    }
                }
            }
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(DOCS.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
            }
        }
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = DOCS.resolve(f.getKey());
            if (!Files.exists(p) || !Files.readString(p, StandardCharsets.UTF_8).equals(f.getValue())) {
                stale.add(f.getKey());
            }
        }
        TreeSet<String> extra = new TreeSet<>();
        try (var present = Files.list(DOCS.resolve("man"))) {
            present.map(p -> "man/" + p.getFileName()).filter(n -> !files.containsKey(n)).forEach(extra::add);
        }
        assertThat(stale).as("docs out of date with the commands; " + REGENERATE).isEmpty();
        assertThat(extra).as("man pages of commands that no longer exist; " + REGENERATE).isEmpty();
    }

    @Test
    void everyCommandHasADescriptionAndItsManPageNamesEveryOption() {
        for (Map.Entry<String, CommandLine> e : CommandReference.commands().entrySet()) {
            var spec = e.getValue().getCommandSpec();
            assertThat(spec.usageMessage().description()).as(e.getKey()).isNotEmpty();
            String man = CommandReference.man(e.getKey(), e.getValue());
            for (var o : spec.options()) {
                if (!o.hidden()) {
                    assertThat(man).as(e.getKey() + " " + o.longestName()).contains("\\fB"
                            + o.longestName().replace("-", "\\-") + "\\fR");
                }
            }
        }
    }
}
