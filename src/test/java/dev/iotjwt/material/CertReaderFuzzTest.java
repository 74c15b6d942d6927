package dev.iotjwt.material;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.iotjwt.InputException;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.FuzzChecks;
import dev.iotjwt.testsupport.FuzzStats;
import dev.iotjwt.tls.CaBundle;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hostile certificate files, read as {@code cert inspect FILE} and {@code connect --ca FILE} read them: inspecting
 * ends with a report or an {@link InputException}, reading a CA file ends with a bundle whose problems are findings;
 * every message, hint and finding is one line and shows no key material. Seeds: the certificate fixtures and the
 * root bundles in {@code certs/}.
 */
class CertReaderFuzzTest {
    private static final FuzzStats STATS = new FuzzStats("CertReaderFuzzTest.readCertificates");
    private static final Path FILE = tempFile();

    @FuzzTest(maxDuration = "15s") // the build sets its own bounds (pom.xml: fuzz.runs.*, fuzz.duration)
    void readCertificates(byte[] data) throws IOException {
        FuzzChecks.input(data);
        STATS.count();
        Files.write(FILE, data);
        try {
            CertInspector.CertReport report = new CertInspector().inspectFile(FILE, Fixtures.NOW);
            if (report.certificates().isEmpty()) {
                throw new AssertionError("a report without certificates");
            }
            for (CertInspector.CertFacts f : report.certificates()) {
                findings(f.warnings());
            }
        } catch (InputException e) {
            FuzzChecks.checkException(e);
        }
        CaBundle bundle = CaBundle.fromFiles(List.of(FILE), Fixtures.NOW);
        if (bundle.certificates().isEmpty() && bundle.findings().stream().noneMatch(Finding::isError)) {
            throw new AssertionError("a CA file without certificates and no error finding");
        }
        findings(bundle.findings());
    }

    private static void findings(List<Finding> findings) {
        for (Finding f : findings) {
            FuzzChecks.checkText("finding " + f.code(), f.message(), null);
            if (f.hint() != null) {
                FuzzChecks.checkText("the hint of finding " + f.code(), f.hint(), null);
            }
        }
    }

    private static Path tempFile() {
        try {
            Path dir = Files.createTempDirectory("iotjwt-fuzz");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("ca.pem");
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
