package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyConverter;
import dev.iotjwt.keys.KeyLoader;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.keys.Pem;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code iotjwt warmup} (hidden): runs the short commands once, in-process, on throwaway keys, so that the launcher's
 * class-data-sharing archive, recorded during this run, holds the classes they load. Prints nothing.
 */
@Command(name = "warmup", hidden = true,
        description = "Run mint, check and key inspect once on throwaway keys (for the launcher's class-data archive).")
final class WarmupCommand implements Callable<Integer> {
    private final CliContext context;

    WarmupCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, GeneralSecurityException, InputException {
        Path dir = Files.createTempDirectory("iotjwt-warmup-");
        try {
            Path ec = dir.resolve("ec.pem");
            Path rsa = dir.resolve("rsa.pem");
            Path ecPublic = dir.resolve("ec_public.pem");
            write(ec, "EC", KeyConverter.Target.SEC1);
            write(rsa, "RSA", KeyConverter.Target.PKCS1);
            write(ecPublic, ec, KeyConverter.Target.SPKI);
            run("--version");
            run("mint", "--key", rsa.toString(), "--project", "warmup");
            String token = run("mint", "--key", ec.toString(), "--project", "warmup").strip();
            run("check", token, "--project", "warmup", "--public-key", ecPublic.toString());
            run("check", token, "--format", "json");
            run("key", "inspect", ec.toString());
            run("mint", "--key", dir.resolve("missing.pem").toString(), "--project", "warmup");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return ExitCodes.OK;
    }

    private static void write(Path file, String algorithm, KeyConverter.Target target)
            throws GeneralSecurityException, IOException, InputException {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            g.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            g.initialize(2048);
        }
        byte[] pkcs8 = Pem.encode("PRIVATE KEY", g.generateKeyPair().getPrivate().getEncoded())
                .getBytes(StandardCharsets.US_ASCII);
        KeyMaterial m = new KeyLoader().parse(pkcs8, file.toString(), PasswordSource.NONE).get(0);
        KeyConverter.Output o = new KeyConverter().convert(m, target, null);
        Files.writeString(file, Pem.encode(o.pemLabel(), o.der()));
    }

    private static void write(Path file, Path from, KeyConverter.Target target) throws IOException, InputException {
        KeyMaterial m = new KeyLoader().readPrivateKey(from, PasswordSource.NONE);
        KeyConverter.Output o = new KeyConverter().convert(m, target, null);
        Files.writeString(file, Pem.encode(o.pemLabel(), o.der()));
    }

    /** Runs one command as Main would, output captured; returns its stdout. */
    private String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = Cli.create(context, args);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));
        cl.execute(args);
        return out.toString();
    }

}
