package dev.iotjwt.broker.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** Real TLS clients for the bridge's tests: the JDK's SSLSocket, openssl s_client, raw sockets. */
final class Clients {
    private Clients() {
    }

    /** An SSLContext trusting {@code root} only. */
    static SSLContext trusting(X509Certificate root) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("root", root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    /**
     * A JDK handshake; returns null on success or the client's exception.
     *
     * @param sni      the server name, or null for none (an IP literal host sends none)
     * @param protocol one protocol, or null for the defaults
     * @param suite    one suite, or null for the defaults
     */
    static Exception jdk(SSLContext ctx, int port, String sni, String protocol, String suite) {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
            if (protocol != null) {
                p.setProtocols(new String[] {protocol});
            }
            if (suite != null) {
                p.setCipherSuites(new String[] {suite});
            }
            s.setSSLParameters(p);
            s.startHandshake();
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    /** Runs {@code openssl s_client} with stdin closed; returns its output. */
    static String openssl(int port, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                Path.of("/dev/null").toFile())).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("openssl s_client did not end within 15 s: " + cmd);
            }
            out = in.readAllBytes();
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Writes {@code bytes} on a plain socket, then waits up to 3 s for the server to close. */
    static byte[] raw(int port, byte[] bytes) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(3000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = s.getInputStream().read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // a reset after the server's close
            }
            return got.toByteArray();
        }
    }

    /** A ClientHello record as the JDK's engine writes it (records, header included). */
    static byte[] jdkClientHello(String sni, String... protocols) throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        SSLEngine engine = ctx.createSSLEngine(sni == null ? null : sni, 8883);
        engine.setUseClientMode(true);
        if (protocols.length > 0) {
            engine.setEnabledProtocols(protocols);
        }
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        try {
            engine.wrap(ByteBuffer.allocate(0), out);
        } catch (javax.net.ssl.SSLException e) {
            throw new GeneralSecurityException(e);
        }
        out.flip();
        byte[] b = new byte[out.remaining()];
        out.get(b);
        return b;
    }

    /**
     * Sends a ClientHello, reads until the server's flight has arrived (at least {@code minBytes}), then closes
     * without an alert: what an embedded stack does when it cannot verify the certificate.
     */
    static int helloThenClose(int port, byte[] helloRecord, int minBytes) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(3000);
            s.getOutputStream().write(helloRecord);
            byte[] buf = new byte[16384];
            int total = 0;
            while (total < minBytes) {
                int n = s.getInputStream().read(buf);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        }
    }
}
