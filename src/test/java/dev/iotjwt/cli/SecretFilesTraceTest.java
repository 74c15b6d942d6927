package dev.iotjwt.cli;

import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Files holding secrets are created owner-only from the start, not chmod-ed afterwards", watched from outside: the
 * real tool runs in its own process under {@code umask 000} and strace, which records every file creation, folder
 * creation and mode change it makes. A key file must be created by an open with O_CREAT and mode 0600, its folder by
 * a mkdir with mode 0700, and neither may be chmod-ed; with umask 000 the mode asked for is the mode on disk.
 */
class SecretFilesTraceTest {
    private static final Pattern CALL = Pattern.compile(
            "^(open|openat|creat|mkdir|mkdirat|chmod|fchmod|fchmodat|fchmodat2)\\((.*)\\)\\s+= (-?\\d+)");

    @TempDir
    Path dir;

    /** A system call that created or changed the mode of a path. */
    record Call(String name, String path, String args, int result) {
    }

    /** strace as the tests run it; the check before them runs it the same way, so an old strace skips, not fails. */
    private static final List<String> STRACE = List.of("strace", "-f", "-ff", "--seccomp-bpf", "-qq", "-y", "-e",
            "trace=open,openat,creat,mkdir,mkdirat,chmod,fchmod,fchmodat,?fchmodat2");

    @BeforeAll
    static void straceWorks() throws Exception {
        Process p;
        try {
            List<String> check = new ArrayList<>(STRACE);
            check.addAll(List.of("-o", "/dev/null", "true"));
            p = new ProcessBuilder(check).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("strace is not installed (.ci/run installs it): " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeTrue(p.exitValue() == 0, "strace cannot trace processes here (ptrace is not permitted,"
                + " e.g. in a container without CAP_SYS_PTRACE): " + out.strip());
    }

    /** Runs the tool's main class in a new JVM under {@code umask 000} and strace; returns the calls it made. */
    private List<Call> traced(String... args) throws Exception {
        Path trace = Files.createTempDirectory(dir, "trace").resolve("t");
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "umask 000 && exec \"$@\"", "sh"));
        cmd.addAll(STRACE);
        cmd.addAll(List.of("-o", trace.toString(), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.iotjwt.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the traced tool ends").isTrue();
        assertThat(p.exitValue()).as(new String(output, StandardCharsets.UTF_8)).isZero();
        List<Call> calls = new ArrayList<>();
        try (var files = Files.list(trace.getParent())) {
            for (Path f : files.toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                    Matcher m = CALL.matcher(line);
                    if (m.find()) {
                        // the path argument, or for fchmod the path strace shows for the descriptor (-y)
                        Matcher quoted = Pattern.compile("\"([^\"]*)\"").matcher(m.group(2));
                        Matcher fd = Pattern.compile("^\\d+<([^>]*)>").matcher(m.group(2));
                        String where = quoted.find() ? quoted.group(1) : fd.find() ? fd.group(1) : "";
                        calls.add(new Call(m.group(1), where, m.group(2), Integer.parseInt(m.group(3))));
                    }
                }
            }
        }
        assertThat(calls).as("strace recorded the JVM's own opens").anyMatch(c -> c.path().endsWith(".jar")
                || c.path().contains("/lib/"));
        return calls;
    }

    /** The file was created by one open with O_CREAT (and O_EXCL) and mode 0600, and never chmod-ed. */
    private static void createdOwnerOnly(List<Call> calls, Path file) throws Exception {
        String p = file.toString();
        List<Call> creates = calls.stream().filter(c -> c.path().equals(p) && c.args().contains("O_CREAT")).toList();
        assertThat(creates).as("opens creating " + p).hasSize(1);
        assertThat(creates.get(0).args()).as(p).contains("O_EXCL").endsWith(", 0600");
        assertThat(creates.get(0).result()).as(p).isGreaterThanOrEqualTo(0);
        assertThat(calls).as("mode changes of " + p).noneMatch(c -> c.name().contains("chmod") && c.path().equals(p));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(p).isEqualTo("rw-------");
    }

    /** Each folder was made by mkdir with mode 0700 (umask 000: exactly that on disk) and never chmod-ed. */
    private static void madeOwnerOnly(List<Call> calls, Path... folders) throws Exception {
        for (Path folder : folders) {
            String p = folder.toString();
            List<Call> mkdirs = calls.stream().filter(c -> c.name().startsWith("mkdir") && c.path().equals(p)
                    && c.result() == 0).toList();
            assertThat(mkdirs).as("mkdir of " + p).hasSize(1);
            assertThat(mkdirs.get(0).args()).as(p).endsWith(", 0700");
            assertThat(calls).as("mode changes of " + p).noneMatch(c -> c.name().contains("chmod")
                    && c.path().equals(p));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).as(p)
                    .isEqualTo("rwx------");
        }
    }

    private static List<Path> privateKeyFiles(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            List<Path> out = new ArrayList<>();
            for (Path f : files.toList()) {
                String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                if (text.contains("PRIVATE KEY") || text.contains("\"private\"")) {
                    out.add(f);
                }
            }
            return out;
        }
    }

    @Test
    void keyGenerateCreatesItsFolderAndPrivateKeyOwnerOnly() throws Exception {
        Path out = dir.toRealPath().resolve("gen").resolve("sub");
        List<Call> calls = traced("key", "generate", "--type", "ec", "--out-dir", out.toString(), "--name", "d1");
        madeOwnerOnly(calls, out.getParent(), out);
        List<Path> keys = privateKeyFiles(out);
        assertThat(keys).hasSize(1);
        createdOwnerOnly(calls, keys.get(0));
        // the public key is no secret: it is not held to the same rule, but it is not written through a chmod either
        assertThat(calls).noneMatch(c -> c.name().contains("chmod") && c.path().startsWith(out.toString()));
    }

    @Test
    void keyConvertOfAPrivateKeyCreatesTheOutputOwnerOnly() throws Exception {
        Path out = dir.toRealPath().resolve("k.der");
        List<Call> calls = traced("key", "convert", Fixtures.key("rsa2048_pkcs1.pem").toString(), "--to", "pkcs8",
                "--encoding", "der", "--out", out.toString());
        createdOwnerOnly(calls, out);
    }

    @Test
    void theBrokersCaAndServerKeysAndTheirFolderAreOwnerOnly() throws Exception {
        Path state = dir.toRealPath().resolve("broker").resolve("state");
        List<Call> calls = traced("broker", "--device", "dev-1=" + Fixtures.key("p256_public.pem"), "--port", "0",
                "--state-dir", state.toString(), "--stop-after", "1s");
        madeOwnerOnly(calls, state.getParent(), state);
        createdOwnerOnly(calls, state.resolve("ca-key.pem"));
        createdOwnerOnly(calls, state.resolve("server-key.pem"));
        assertThat(privateKeyFiles(state)).containsExactlyInAnyOrder(state.resolve("ca-key.pem"),
                state.resolve("server-key.pem"));
    }

    @Test
    void benchPrepareCreatesTheFleetsKeysAndFolderOwnerOnly() throws Exception {
        Path fleet = dir.toRealPath().resolve("bench").resolve("fleet");
        List<Call> calls = traced("bench", "--prepare", fleet.toString(), "--devices", "3");
        madeOwnerOnly(calls, fleet.getParent(), fleet);
        createdOwnerOnly(calls, fleet.resolve("keys.jsonl"));
    }
}
