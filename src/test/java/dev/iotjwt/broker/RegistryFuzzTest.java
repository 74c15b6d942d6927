package dev.iotjwt.broker;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.iotjwt.InputException;
import dev.iotjwt.testsupport.FuzzChecks;
import dev.iotjwt.testsupport.FuzzStats;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hostile registry files ({@code iotjwt broker --registry FILE}): loading ends with a registry or an
 * {@link InputException} whose message is one line and shows no key material. Seeds: registries in gcloud's shape
 * with the fixtures' public keys and certificates, made by {@code make-fuzz-seeds.sh}.
 */
class RegistryFuzzTest {
    private static final FuzzStats STATS = new FuzzStats("RegistryFuzzTest.loadRegistry");
    private static final Path FILE = tempFile();

    @FuzzTest(maxDuration = "15s") // the build sets its own bounds (pom.xml: fuzz.runs.*, fuzz.duration)
    void loadRegistry(byte[] data) throws IOException {
        FuzzChecks.input(data);
        STATS.count();
        Files.write(FILE, data);
        try {
            Registry r = Registry.load(FILE);
            if (r.project() == null || r.registry() == null || r.devices() == null) {
                throw new AssertionError("a registry without project, registry or devices: " + r);
            }
            for (Registry.Device d : r.devices().values()) {
                if (d.credentials().size() > Registry.MAX_CREDENTIALS) {
                    throw new AssertionError("device " + d.id() + " has " + d.credentials().size() + " credentials");
                }
            }
        } catch (InputException e) {
            // a device or registry id that keeps IoT Core's rule is named in messages as it is, whatever its letters
            String ids = validIds(new String(data, java.nio.charset.StandardCharsets.UTF_8));
            FuzzChecks.oneLine("the message", e.getMessage(), e);
            FuzzChecks.noSecret("the message", e.getMessage(), ids, e);
            if (e.hint() != null) {
                FuzzChecks.oneLine("the hint", e.hint(), e);
                FuzzChecks.noSecret("the hint", e.hint(), ids, e);
            }
        }
    }

    private static final java.util.regex.Pattern STRING_VALUE = java.util.regex.Pattern.compile(
            "\"([a-zA-Z][-a-zA-Z0-9._+~%]{2,254})\"");

    /** Every JSON string in the file that is a valid IoT Core id, one a line. */
    private static String validIds(String text) {
        StringBuilder b = new StringBuilder();
        java.util.regex.Matcher m = STRING_VALUE.matcher(text);
        while (m.find()) {
            b.append(m.group(1)).append('\n');
        }
        return b.toString();
    }

    private static Path tempFile() {
        try {
            Path dir = Files.createTempDirectory("iotjwt-fuzz");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("registry.json");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stats() {
        STATS.report();
    }
}
