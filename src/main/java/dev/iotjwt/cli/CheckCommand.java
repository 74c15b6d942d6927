package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.InputFiles;
import dev.iotjwt.cli.options.Converters;
import dev.iotjwt.cli.options.FormatOptions;
import dev.iotjwt.cli.options.KeyPasswordOptions;
import dev.iotjwt.cli.options.SkewOptions;
import dev.iotjwt.jwt.CheckReport;
import dev.iotjwt.jwt.CheckRequest;
import dev.iotjwt.jwt.JwtChecker;
import dev.iotjwt.jwt.VerifyKey;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code iotjwt check}: every finding about a token a device made. */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Say everything that is wrong with a token a device made, each with its fix.",
                "Runs every rule (encoding, header, claims, times, signature) and never stops at the first problem.",
                "Exit 0 when no finding is an error, 1 otherwise."},
        footer = {"%nExamples:",
                "  iotjwt check eyJhbGciOi... --project my-project --public-key ec_public.pem",
                "  iotjwt check @token.txt --key ec_private.pem --now 2021-09-04T16:19:16Z",
                "  firmware-log | iotjwt check - --strict --format json"})
final class CheckCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TOKEN|-|@FILE",
            description = "The token; '-' or nothing reads standard input; @FILE reads a file.")
    String tokenArg;

    @Option(names = "--project", paramLabel = "ID", description = "The project id the aud claim must equal.")
    String project;

    @Option(names = "--key", paramLabel = "FILE", description = "A private key; its public half verifies the"
            + " signature, and the correct token is shown. Repeatable.")
    List<Path> privateKeys = new ArrayList<>();

    @Option(names = "--public-key", paramLabel = "FILE", description = "A registered public key. Repeatable.")
    List<Path> publicKeys = new ArrayList<>();

    @Option(names = "--cert", paramLabel = "FILE", description = "A registered certificate. Repeatable.")
    List<Path> certs = new ArrayList<>();

    @Mixin
    KeyPasswordOptions passwords;

    @Option(names = "--now", paramLabel = "TIME", converter = Converters.InstantConverter.class,
            description = "Judge iat and exp at this time (epoch seconds or ISO-8601) instead of now.")
    Instant now;

    @Mixin
    SkewOptions skew;

    @Option(names = "--strict", description = "Judge as strict successors (ClearBlade) do: padding and string"
            + " claims are errors.")
    boolean strict;

    @Mixin
    FormatOptions format;

    CheckCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        Duration allowed = skew.skew();
        String token = readToken();
        List<VerifyKey> keys = loadKeys(passwords.source(context));
        Instant at = now != null ? now : context.clock().instant();
        CheckReport report = new JwtChecker().check(new CheckRequest(token, project, keys, at, allowed, strict));
        Renderer.render(spec.commandLine(), format.format(), report, (r, out) -> new CheckView(out).render(r, strict));
        return report.ok() ? ExitCodes.OK : ExitCodes.PROBLEM;
    }

    private String readToken() throws InputException {
        if (tokenArg != null && tokenArg.startsWith("@")) {
            Path file = Path.of(tokenArg.substring(1));
            return new String(InputFiles.read(file), StandardCharsets.UTF_8);
        }
        if (tokenArg != null && !tokenArg.equals("-")) {
            return tokenArg;
        }
        if (tokenArg == null && context.console().get() != null) {
            throw new ParameterException(spec.commandLine(), "no token given: pass it as an argument, '-' to read"
                    + " standard input, or @FILE");
        }
        try {
            byte[] bytes = context.stdin().get().readNBytes((int) InputFiles.MAX_BYTES + 1);
            if (bytes.length > InputFiles.MAX_BYTES) {
                // cut at the bound it would be judged as another, shorter token
                throw new InputException("standard input: more than " + InputFiles.MAX_BYTES + " bytes, far too"
                        + " large for a token", "give the token itself");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException("standard input: cannot read: " + e.getMessage());
        }
    }

    private List<VerifyKey> loadKeys(PasswordSource source) throws InputException {
        KeyReader reader = new KeyReader();
        List<VerifyKey> keys = new ArrayList<>();
        for (Path p : privateKeys) {
            KeyMaterial m = reader.privateKey(p, source);
            SecretWarnings.privateKeyFile(spec.commandLine(), p);
            keys.add(new VerifyKey(p.toString(), m.type(), m.publicHalf(), m.privateKey()));
        }
        for (Path p : publicKeys) {
            KeyMaterial m = reader.publicKey(p, source);
            keys.add(new VerifyKey(p.toString(), m.type(), m.publicKey(), null));
        }
        for (Path p : certs) {
            KeyMaterial m = reader.publicKey(p, source);
            keys.add(new VerifyKey(p.toString(), m.type(), m.publicKey(), null));
        }
        return keys;
    }
}
