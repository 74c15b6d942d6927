package dev.iotjwt.keys;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.iotjwt.InputException;
import dev.iotjwt.material.KeyFacts;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.FuzzChecks;
import dev.iotjwt.testsupport.FuzzStats;
import org.junit.jupiter.api.AfterAll;

import java.util.List;

/**
 * Hostile key files: whatever the bytes, {@code key inspect} (and every command reading a key) ends with the key
 * material or an {@link InputException} whose message and hint are one line each and show neither key material nor
 * the password. The last byte of an input chooses the password given: none, the right one, a wrong one.
 * Seeds: every key fixture ({@code KeyReaderFuzzTestInputs/readKey/}, made by {@code make-fuzz-seeds.sh}).
 */
class KeyReaderFuzzTest {
    private static final FuzzStats STATS = new FuzzStats("KeyReaderFuzzTest.readKey");
    private static final String SOURCE = "key.pem";

    @FuzzTest(maxDuration = "15s") // the build sets its own bounds (pom.xml: fuzz.runs.*, fuzz.duration)
    void readKey(FuzzedDataProvider data) {
        STATS.count();
        int mode = data.consumeInt(0, 2);
        byte[] file = data.consumeRemainingAsBytes();
        FuzzChecks.input(file);
        PasswordSource passwords = switch (mode) {
            case 0 -> PasswordSource.NONE;
            case 1 -> Fixtures.PASSWORD_SOURCE;
            default -> new PasswordSource() {
                @Override
                public char[] password(String source) {
                    return FuzzChecks.WRONG_PASSWORD.toCharArray();
                }

                @Override
                public String howToGive() {
                    return "give the password";
                }
            };
        };
        try {
            List<KeyMaterial> items = new KeyReader().parse(file, SOURCE, passwords).usable();
            if (items.isEmpty()) {
                throw new AssertionError("no key material and no exception");
            }
            for (KeyMaterial m : items) {
                FuzzChecks.checkText("describe()", m.describe(), null);
                KeyFacts f = KeyFacts.of(m);
                FuzzChecks.checkText("the verdict", f.verdict(), null);
                FuzzChecks.noSecret("the note", f.note(), null);
                FuzzChecks.noSecret("the subject", f.subject(), null);
            }
        } catch (InputException e) {
            FuzzChecks.checkException(e);
            if ("key.unsupported".equals(e.code()) || "key.encrypted".equals(e.code())) {
                // what key inspect shows instead of the error: one-line texts, no key material
                List<KeyDescriber.Description> described = KeyDescriber.describe(file, SOURCE);
                if (described != null) {
                    for (KeyDescriber.Description d : described) {
                        KeyFacts f = KeyFacts.of(d);
                        FuzzChecks.checkText("the verdict", f.verdict(), null);
                        FuzzChecks.noSecret("the note", f.note(), null);
                        FuzzChecks.noSecret("the type", f.type(), null);
                    }
                }
            }
        }
    }

    @AfterAll
    static void stats() {
        STATS.report();
    }
}
