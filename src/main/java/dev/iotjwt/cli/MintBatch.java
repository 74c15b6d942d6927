package dev.iotjwt.cli;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.Checks;
import dev.iotjwt.jwt.BatchMinter;
import dev.iotjwt.jwt.JwtAlg;
import dev.iotjwt.keys.PasswordSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** {@code iotjwt mint --batch}: the options checked, the batch read, results and progress printed. */
final class MintBatch {
    private static final Gson LINE = new Gson();

    private final CommandSpec spec;
    private final CliContext context;

    MintBatch(CommandSpec spec, CliContext context) {
        this.spec = spec;
        this.context = context;
    }

    int run(String file, String project, JwtAlg alg, Duration ttl, boolean allowLongTtl, Instant iat, Integer threads,
            boolean json, PasswordSource passwords, List<String> claims) throws InputException {
        if (!claims.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--claim goes with a single mint (--key), not with"
                    + " --batch");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MintCommand.MAX_TTL) > 0 && !allowLongTtl) {
            throw new ParameterException(spec.commandLine(), "--ttl must be positive and at most 24h");
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Checks.within(spec.commandLine(), "--threads", n, 1, 256);
        List<BatchMinter.Device> devices;
        try (BufferedReader in = file.equals("-") ? new BufferedReader(new InputStreamReader(context.stdin().get(),
                StandardCharsets.UTF_8)) : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            Path base = file.equals("-") ? null : Path.of(file).toAbsolutePath().getParent();
            devices = BatchMinter.parse(in, base, new BatchMinter.Defaults(project, alg, allowLongTtl));
        } catch (InputException e) {
            throw new InputException("--batch " + file + ": " + e.getMessage(), e.hint());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InputException("--batch " + file + ": no such file", "check the path");
        } catch (IOException e) {
            throw new InputException("--batch " + file + ": cannot read: " + dev.iotjwt.Messages.cause(e));
        }
        if (devices.isEmpty()) {
            throw new InputException("--batch " + file + ": holds no device lines", "one device a line: device,key,"
                    + "project (or JSON lines)");
        }
        // which key files signed something: only those draw the warning about their mode
        java.util.Map<String, Path> keyOf = new java.util.HashMap<>();
        devices.forEach(d -> keyOf.putIfAbsent(d.device(), d.key()));
        java.util.Set<Path> signed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        PrintWriter err = spec.commandLine().getErr();
        boolean progress = "1".equals(context.env().get("IOTJWT_STDERR_TTY")) && devices.size() > 1;
        // the bar's line ends before stdout writes anything: on a terminal both show on one screen, and a token
        // must never start on the bar's line
        boolean[] barShown = {false};
        java.io.Writer stdout = spec.commandLine().getOut();
        java.io.Writer afterBar = new java.io.Writer() {
            @Override
            public void write(char[] cbuf, int off, int len) throws IOException {
                if (barShown[0]) {
                    barShown[0] = false;
                    err.println();
                    err.flush();
                }
                stdout.write(cbuf, off, len);
            }

            @Override
            public void flush() throws IOException {
                stdout.flush();
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
        // one write per 64 KiB, not per token: the command line's writer flushes at every println
        PrintWriter out = new PrintWriter(new java.io.BufferedWriter(afterBar, 1 << 16), false);
        long start = System.nanoTime();
        BatchMinter minter = new BatchMinter();
        BatchMinter.Summary summary;
        try {
            summary = minter.mint(devices, iat != null ? iat : context.clock().instant(), ttl, n, passwords,
                    new BatchMinter.Sink() {
                        private long shown;

                        @Override
                        public void result(BatchMinter.Result r) {
                            if (r.token() != null && keyOf.get(r.device()) != null) {
                                signed.add(keyOf.get(r.device()));
                            }
                            if (json) {
                                JsonObject o = new JsonObject();
                                o.addProperty("device", r.device());
                                o.addProperty(r.token() != null ? "token" : "error",
                                        r.token() != null ? r.token() : r.error());
                                out.println(LINE.toJson(o));
                            } else {
                                out.println(r.device() + " " + (r.token() != null ? r.token() : "error: " + r.error()));
                            }
                        }

                        @Override
                        public void progress(int done) {
                            long now = System.nanoTime();
                            if (progress && (now - shown > 200_000_000L || done == devices.size())) {
                                shown = now;
                                int width = 30;
                                int filled = (int) ((long) done * width / devices.size());
                                double rate = done / Math.max(1e-9, (now - start) / 1e9);
                                err.printf("\r[%s%s] %d/%d  %.0f tokens/s ", "#".repeat(filled),
                                        " ".repeat(width - filled), done, devices.size(), rate);
                                err.flush();
                                barShown[0] = true;
                            }
                        }
                    });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InputException("--batch: interrupted");
        }
        out.flush();
        spec.commandLine().getOut().flush();
        if (barShown[0]) {
            err.println();
        }
        List<Path> open = signed.stream().filter(k -> dev.iotjwt.keys.KeyFilePermissions.tooOpen(k) != null)
                .sorted().toList();
        open.stream().limit(3).forEach(k -> SecretWarnings.privateKeyFile(spec.commandLine(), k));
        if (open.size() > 3) {
            err.println("iotjwt: warning: " + (open.size() - 3) + " more private key files of the batch are open to"
                    + " group or others");
        }
        if (progress || verbose()) {
            err.printf("minted %d of %d tokens in %.2f s (%.0f tokens/s on %d threads); %s%n", summary.minted(),
                    summary.devices(), summary.millis() / 1000.0, summary.minted() / Math.max(0.001,
                            summary.millis() / 1000.0), n, summary.provider());
        }
        err.flush();
        return summary.failed() == 0 ? ExitCodes.OK : ExitCodes.PROBLEM;
    }

    private boolean verbose() {
        picocli.CommandLine.ParseResult pr = spec.commandLine().getParent() == null ? null
                : spec.commandLine().getParent().getParseResult();
        return pr != null && pr.hasMatchedOption("--verbose")
                || spec.commandLine().getParseResult().hasMatchedOption("--verbose");
    }
}
