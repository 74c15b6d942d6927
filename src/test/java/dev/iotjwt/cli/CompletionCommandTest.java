package dev.iotjwt.cli;

import dev.iotjwt.testsupport.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The completion script works in a real bash: commands, subcommands, options and enum values complete. */
class CompletionCommandTest {
    @TempDir
    Path dir;

    /** What bash offers for the words typed so far (the last one being completed), from the generated script. */
    String complete(Path script, String... words) throws IOException, InterruptedException {
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append(" '").append(w).append('\'');
        }
        String line = String.join(" ", words);
        String program = "source '" + script + "' 2>/dev/null\nCOMP_WORDS=(" + array + ")\nCOMP_CWORD="
                + (words.length - 1) + "\nCOMP_LINE='" + line + "'\nCOMP_POINT=" + line.length()
                + "\n_complete_iotjwt 2>/dev/null\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process p = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", program).redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void bashCompletesCommandsSubcommandsOptionsAndValues() throws Exception {
        CliRun r = CliRun.run("completion", "bash");
        assertThat(r.exitCode()).isZero();
        Path script = dir.resolve("iotjwt.bash");
        Files.writeString(script, r.out());

        assertThat(complete(script, "iotjwt", "mi").lines()).containsExactly("mint");
        assertThat(complete(script, "iotjwt", "").lines()).contains("mint", "check", "connect", "key", "cert",
                "broker", "demo", "bench", "completion").doesNotContain("warmup");
        assertThat(complete(script, "iotjwt", "key", "").lines()).contains("inspect", "public", "convert",
                "export", "generate", "match");
        assertThat(complete(script, "iotjwt", "mint", "--al").lines()).contains("--alg", "--allow-long-ttl");
        assertThat(complete(script, "iotjwt", "mint", "--alg", "").lines()).containsExactlyInAnyOrder("RS256",
                "ES256");
    }

    @Test
    void zshGetsTheSameScriptAndAnotherShellIsAUsageError() {
        assertThat(CliRun.run("completion", "zsh").out()).isEqualTo(CliRun.run("completion").out())
                .contains("ZSH_VERSION").contains("bashcompinit");
        CliRun fish = CliRun.run("completion", "fish");
        assertThat(fish.exitCode()).isEqualTo(2);
        assertThat(fish.err().lines().toList()).hasSizeLessThanOrEqualTo(2);
        assertThat(List.of(fish.err())).allMatch(e -> e.contains("fish"));
    }
}
