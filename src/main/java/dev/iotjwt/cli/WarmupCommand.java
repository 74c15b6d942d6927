package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyConverter;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
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
            connectOnce(dir, ec);
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
        KeyMaterial m = new KeyReader().parse(pkcs8, file.toString(), PasswordSource.NONE).usable().get(0);
        KeyConverter.Output o = new KeyConverter().convert(m, target, null);
        dev.iotjwt.keys.SecretFiles.create(file, Pem.encode(o.pemLabel(), o.der()).getBytes(StandardCharsets.US_ASCII));
    }

    private static void write(Path file, Path from, KeyConverter.Target target) throws IOException, InputException {
        KeyMaterial m = new KeyReader().privateKey(from, PasswordSource.NONE);
        KeyConverter.Output o = new KeyConverter().convert(m, target, null);
        dev.iotjwt.keys.SecretFiles.create(file, Pem.encode(o.pemLabel(), o.der()).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * One healthy {@code connect} with a publish, against a throwaway TLS server on 127.0.0.1 that answers like a
     * bridge (CONNACK 0, PUBACK): trains the TLS, trust and Paho classes. Bounded: the server gives up after 10 s.
     */
    private void connectOnce(Path dir, Path ec) throws InputException, GeneralSecurityException, IOException {
        dev.iotjwt.broker.BrokerPki pki = dev.iotjwt.broker.BrokerPki.ensure(dir.resolve("pki"),
                List.of("localhost"), context.clock());
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "warmup".toCharArray();
        ks.setKeyEntry("server", pki.serverKey(), pw, pki.serverChain().toArray(java.security.cert.Certificate[]::new));
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
        kmf.init(ks, pw);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            Thread t = new Thread(() -> answer(server), "iotjwt-warmup-server");
            t.setDaemon(true);
            t.start();
            run("connect", "--host", "localhost", "--port", String.valueOf(server.getLocalPort()), "--ca",
                    pki.caFile().toString(), "--client-id", "projects/warmup/locations/us-central1/registries/warmup/"
                            + "devices/warmup", "--key", ec.toString(), "--publish", "warmup", "--timeout", "5s");
        }
    }

    /** Accepts until the listening socket closes: handshakes, and a minimal MQTT 3.1.1 answer to CONNECT, PUBLISH. */
    private static void answer(javax.net.ssl.SSLServerSocket server) {
        while (!server.isClosed()) {
            try (java.net.Socket s = server.accept()) {
                s.setSoTimeout(5_000);
                java.io.InputStream in = s.getInputStream();
                java.io.OutputStream out = s.getOutputStream();
                while (true) {
                    int type = in.read();
                    if (type < 0) {
                        break;
                    }
                    int length = 0;
                    for (int shift = 0, b; ; shift += 7) {
                        b = in.read();
                        length |= (b & 0x7f) << shift;
                        if (b < 0x80) {
                            break;
                        }
                    }
                    byte[] body = in.readNBytes(length);
                    if (type >> 4 == 1) {
                        out.write(new byte[] {0x20, 0x02, 0x00, 0x00});
                    } else if (type >> 4 == 3 && (type & 0x06) != 0 && body.length >= 2) {
                        int topicLength = (body[0] & 0xff) << 8 | body[1] & 0xff;
                        out.write(new byte[] {0x40, 0x02, body[2 + topicLength], body[3 + topicLength]});
                    } else if (type >> 4 == 14) {
                        break;
                    }
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                // a probe that only handshakes, or the end: next connection
            }
        }
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
