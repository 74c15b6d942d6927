package dev.iotjwt.broker.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ClientHello parser on hellos captured from real clients, and on malformed bytes. */
class ClientHelloTest {

    /** The handshake body of a single-record ClientHello (record header and handshake header stripped). */
    private static byte[] body(byte[] record) {
        assertThat(record[0]).isEqualTo((byte) 22);
        assertThat(record[5]).isEqualTo((byte) 1);
        int len = (record[6] & 0xff) << 16 | (record[7] & 0xff) << 8 | record[8] & 0xff;
        return Arrays.copyOfRange(record, 9, 9 + len);
    }

    /** Captures the first record openssl s_client sends to a plain server socket. */
    private static byte[] opensslHello(String... args) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                    "127.0.0.1:" + ss.getLocalPort()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            try {
                ss.setSoTimeout(10_000);
                try (Socket s = ss.accept()) {
                    s.setSoTimeout(10_000);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] header = new byte[5];
                    in.readFully(header);
                    byte[] rec = new byte[(header[3] & 0xff) << 8 | header[4] & 0xff];
                    in.readFully(rec);
                    byte[] all = new byte[5 + rec.length];
                    System.arraycopy(header, 0, all, 0, 5);
                    System.arraycopy(rec, 0, all, 5, rec.length);
                    return all;
                }
            } finally {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void jdkClientHello() throws Exception {
        ClientHello h = ClientHello.parse(body(Clients.jdkClientHello("bridge.test", "TLSv1.3", "TLSv1.2")));
        assertThat(h.legacyVersion()).isEqualTo(0x0303);
        assertThat(h.sni()).isEqualTo("bridge.test");
        assertThat(h.versionNames()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(h.suiteNames()).contains("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
        assertThat(h.groupNames()).contains("x25519", "secp256r1", "ffdhe2048");
        assertThat(h.signatureSchemeNames()).contains("ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256");
        assertThat(h.secureRenegotiation()).isTrue();
        assertThat(h.maxFragmentLength()).isNull();
        assertThat(h.alpn()).isEmpty();
        assertThat(h.keyShareGroups()).isNotEmpty();
        assertThat(h.compressionMethods()).containsExactly(0);
    }

    @Test
    void jdkTls12OnlyHelloHasNoTls13() throws Exception {
        ClientHello h = ClientHello.parse(body(Clients.jdkClientHello(null, "TLSv1.2")));
        assertThat(h.sni()).isNull();
        assertThat(h.offers(0x0304)).isFalse();
        assertThat(h.offers(0x0303)).isTrue();
    }

    @Test
    void opensslClientHello() throws Exception {
        byte[] record = opensslHello("-servername", "dev.test", "-alpn", "mqtt,x-amzn-mqtt-ca", "-maxfraglen", "1024",
                "-groups", "X25519:P-256", "-tls1_3");
        ByteBuf buf = Unpooled.wrappedBuffer(body(record));
        ClientHello h = ClientHello.parse(buf);
        assertThat(buf.readerIndex()).as("not consumed").isZero();
        assertThat(h.sni()).isEqualTo("dev.test");
        assertThat(h.alpn()).containsExactly("mqtt", "x-amzn-mqtt-ca");
        assertThat(h.maxFragmentLength()).isEqualTo(2);
        assertThat(h.maxFragmentBytes()).isEqualTo(1024);
        assertThat(h.groupNames()).containsExactly("x25519", "secp256r1");
        assertThat(h.keyShareGroups()).containsExactly(0x001d);
        assertThat(h.versionNames()).containsExactly("TLSv1.3");
        assertThat(h.suiteNames()).contains("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
        assertThat(h.extendedMasterSecret()).isTrue();
    }

    @Test
    void everyTruncationIsAFormatExceptionOrAShorterHello() throws Exception {
        byte[] full = body(Clients.jdkClientHello("bridge.test", "TLSv1.3", "TLSv1.2"));
        for (int n = 0; n < full.length; n++) {
            byte[] cut = Arrays.copyOf(full, n);
            try {
                ClientHello h = ClientHello.parse(cut);
                // only a cut right after compression_methods is a valid (extension-less) hello
                assertThat(h.extensions()).isEmpty();
            } catch (ClientHello.FormatException expected) {
                assertThat(expected).hasMessageStartingWith("client hello:");
            }
        }
    }

    @Test
    void randomMutationsNeverThrowAnythingElse() throws Exception {
        byte[] full = body(opensslHello("-servername", "dev.test", "-alpn", "mqtt"));
        Random random = new Random(20261207);
        for (int i = 0; i < 20_000; i++) {
            byte[] m = full.clone();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                m[random.nextInt(m.length)] = (byte) random.nextInt(256);
            }
            try {
                ClientHello.parse(m);
            } catch (ClientHello.FormatException expected) {
                // fine: a declared failure
            }
        }
        for (int i = 0; i < 5_000; i++) {
            byte[] junk = new byte[random.nextInt(300)];
            random.nextBytes(junk);
            try {
                ClientHello.parse(junk);
            } catch (ClientHello.FormatException expected) {
                // fine
            }
        }
    }

    @Test
    void malformedInputs() {
        assertThatThrownBy(() -> ClientHello.parse(new byte[0])).isInstanceOf(ClientHello.FormatException.class);
        assertThatThrownBy(() -> ClientHello.parse(new byte[ClientHello.MAX_LENGTH + 1]))
                .isInstanceOf(ClientHello.FormatException.class).hasMessageContaining("more than");
        // version, random, empty session id, an odd suites length
        byte[] odd = new byte[2 + 32 + 1 + 2 + 1];
        odd[0] = 3;
        odd[1] = 3;
        odd[36] = 1;
        assertThatThrownBy(() -> ClientHello.parse(odd)).hasMessageContaining("odd cipher_suites length");
        // a duplicated extension
        byte[] dup = hello(new byte[] {0, 23, 0, 0, 0, 23, 0, 0});
        assertThatThrownBy(() -> ClientHello.parse(dup)).hasMessageContaining("twice");
        // an extension claiming more bytes than there are
        byte[] longExt = hello(new byte[] {0, 43, 0, 9, 2, 3, 4});
        assertThatThrownBy(() -> ClientHello.parse(longExt)).isInstanceOf(ClientHello.FormatException.class);
    }

    @Test
    void minimalHelloWithSupportedVersionsAndGrease() throws Exception {
        ClientHello h = ClientHello.parse(hello(new byte[] {0, 43, 0, 5, 4, 0x1a, 0x1a, 3, 4}));
        assertThat(h.versionNames()).containsExactly("GREASE", "TLSv1.3");
        assertThat(h.offeredVersions()).containsExactly(0x0304);
        assertThat(h.suiteNames()).containsExactly("GREASE", "TLS_AES_128_GCM_SHA256");
    }

    /** A hello with suites GREASE and TLS_AES_128_GCM_SHA256, null compression, and the given extensions. */
    private static byte[] hello(byte[] extensions) {
        byte[] head = new byte[2 + 32 + 1 + 2 + 4 + 2];
        head[0] = 3;
        head[1] = 3;
        head[35] = 0;
        head[36] = 4;
        head[37] = 0x0a;
        head[38] = 0x0a;
        head[39] = 0x13;
        head[40] = 0x01;
        head[41] = 1;
        head[42] = 0;
        byte[] out = new byte[head.length + 2 + extensions.length];
        System.arraycopy(head, 0, out, 0, head.length);
        out[head.length] = (byte) (extensions.length >> 8);
        out[head.length + 1] = (byte) extensions.length;
        System.arraycopy(extensions, 0, out, head.length + 2, extensions.length);
        return out;
    }
}
