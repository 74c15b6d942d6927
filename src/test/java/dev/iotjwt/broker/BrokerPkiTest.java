package dev.iotjwt.broker;

import dev.iotjwt.InputException;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.net.MqttMode;
import dev.iotjwt.testsupport.net.TestPki;
import dev.iotjwt.testsupport.net.TlsTestServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerPkiTest {
    @TempDir
    Path dir;

    @Test
    void createdOnceOwnerOnlyKeysAndReused() throws Exception {
        BrokerPki first = BrokerPki.ensure(dir, List.of("broker.test", "127.0.0.1"), Fixtures.CLOCK);
        for (String key : List.of(BrokerPki.CA_KEY, BrokerPki.SERVER_KEY)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
                    .isEqualTo("rw-------");
        }
        BrokerPki second = BrokerPki.ensure(dir, List.of("broker.test"), Fixtures.CLOCK);
        assertThat(second.ca()).isEqualTo(first.ca());
        assertThat(second.serverChain()).hasSize(2);
        assertThat(second.serverChain().get(1)).isEqualTo(first.ca());
    }

    @Test
    void connectTrustsTheBrokerCaAndItsHostNames() throws Exception {
        BrokerPki pki = BrokerPki.ensure(dir, List.of("broker.test"), Fixtures.CLOCK);
        TestPki.Issued issued = new TestPki.Issued(pki.serverKey(), pki.serverChain().get(0), pki.serverChain());
        try (TlsTestServer server = new TlsTestServer().chain(issued).mqtt(MqttMode.connack(0)).start()) {
            CliRun r = CliRun.run("connect", "--host", "broker.test", "--port", String.valueOf(server.port()), "--ca",
                    pki.caFile().toString(), "--client-id",
                    "projects/p/locations/us-central1/registries/reg/devices/dev", "--key",
                    Fixtures.key("p256_sec1.pem").toString());
            assertThat(r.exitCode()).as(r.out()).isZero();
            assertThat(r.out()).contains("iotjwt local broker CA");
        }
    }

    /** A state folder others may write to is refused before anything in it is read or made. */
    @Test
    void aStateFolderOpenToOthersWritesIsRefused() throws Exception {
        assumePosix();
        Path state = dir.resolve("state");
        Files.createDirectory(state);
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> BrokerPki.ensure(state, List.of("localhost"), Fixtures.CLOCK))
                .isInstanceOfSatisfying(InputException.class, e -> {
                    assertThat(e.getMessage()).contains(state.toString()).contains("open to others' writes")
                            .contains("rwxrwxrwx");
                    assertThat(e.hint()).isEqualTo("chmod 700 " + state);
                });
        try (var files = Files.list(state)) {
            assertThat(files.toList()).as("nothing made in a refused folder").isEmpty();
        }
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwx---"));
        assertThatThrownBy(() -> BrokerPki.ensure(state, List.of("localhost"), Fixtures.CLOCK))
                .as("group write alone").hasMessageContaining("open to others' writes");
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(BrokerPki.ensure(state, List.of("localhost"), Fixtures.CLOCK).caFile()).exists();
    }

    /** Run as root, a folder handed to nobody (uid 65534) is another user's: refused, naming its owner. */
    @Test
    void aStateFolderOfAnotherUserIsRefused() throws Exception {
        assumePosix();
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can give a folder to another user");
        Path state = dir.resolve("theirs");
        Files.createDirectory(state);
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        UserPrincipal nobody;
        try {
            nobody = state.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            nobody = state.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("65534");
        }
        Files.setOwner(state, nobody);
        String owner = Files.getOwner(state).getName();
        assertThatThrownBy(() -> BrokerPki.ensure(state, List.of("localhost"), Fixtures.CLOCK))
                .isInstanceOfSatisfying(InputException.class, e -> {
                    assertThat(e.getMessage()).contains(state.toString()).contains("belongs to " + owner)
                            .contains("not to root");
                    assertThat(e.hint()).contains("--state-dir");
                });
        try (var files = Files.list(state)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    /** A ca.pem planted as a link, dangling or to a file elsewhere: refused, and nothing is read or written there. */
    @Test
    void aPlantedCaLinkIsRefusedAndNotFollowed() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path existing = elsewhere.resolve("victim.txt");
        Files.writeString(existing, "not a certificate; must stay as it is\n");
        Path dangling = elsewhere.resolve("created-through-the-link.pem");
        for (Path target : List.of(dangling, existing)) {
            Path state = Files.createDirectory(dir.resolve("state-" + target.getFileName()));
            Files.createSymbolicLink(state.resolve(BrokerPki.CA_CERT), target);
            assertThatThrownBy(() -> BrokerPki.ensure(state, List.of("localhost"), Fixtures.CLOCK))
                    .as(target.toString()).isInstanceOfSatisfying(InputException.class, e -> {
                        assertThat(e.getMessage()).contains(state.resolve(BrokerPki.CA_CERT).toString())
                                .contains("symbolic link");
                        assertThat(e.hint()).contains("delete the link");
                    });
            assertThat(Files.isSymbolicLink(state.resolve(BrokerPki.CA_CERT))).isTrue();
            assertThat(Files.readSymbolicLink(state.resolve(BrokerPki.CA_CERT))).isEqualTo(target);
        }
        assertThat(dangling).doesNotExist();
        assertThat(Files.readString(existing)).isEqualTo("not a certificate; must stay as it is\n");
        try (var files = Files.list(elsewhere)) {
            assertThat(files.toList()).containsExactly(existing);
        }
    }

    /** A server.pem replaced by a link in a folder the broker made: refused on the next start, the target untouched. */
    @Test
    void aPlantedServerCertificateLinkIsRefusedAndNotFollowed() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        BrokerPki mine = BrokerPki.ensure(dir.resolve("mine"), List.of("localhost"), Fixtures.CLOCK);
        String theirPem = Files.readString(mine.caFile()); // a valid certificate, so only the link is wrong
        Path existing = elsewhere.resolve("their-server.pem");
        Files.writeString(existing, theirPem);
        Path dangling = elsewhere.resolve("created-through-the-link.pem");
        for (Path target : List.of(dangling, existing)) {
            Path state = dir.resolve("state-" + target.getFileName());
            BrokerPki made = BrokerPki.ensure(state, List.of("localhost"), Fixtures.CLOCK);
            String ca = Files.readString(made.caFile());
            Path server = state.resolve(BrokerPki.SERVER_CERT);
            Files.delete(server);
            Files.createSymbolicLink(server, target);
            assertThatThrownBy(() -> BrokerPki.ensure(state, List.of("localhost"), Fixtures.CLOCK))
                    .as(target.toString()).isInstanceOfSatisfying(InputException.class, e ->
                            assertThat(e.getMessage()).contains(server.toString()).contains("symbolic link"));
            // a host name the certificate lacks would make the broker issue a new one: still not through the link
            assertThatThrownBy(() -> BrokerPki.ensure(state, List.of("localhost", "new.test"), Fixtures.CLOCK))
                    .as(target.toString()).hasMessageContaining("symbolic link");
            assertThat(Files.readSymbolicLink(server)).isEqualTo(target);
            assertThat(Files.readString(made.caFile())).isEqualTo(ca);
        }
        assertThat(dangling).doesNotExist();
        assertThat(Files.readString(existing)).isEqualTo(theirPem);
    }

    /** rsa=true: an RSA 2048 server certificate by the same CA, in files of its own; the EC one stays. */
    @Test
    void anRsaServerCertificateIsMadeByTheSameCaBesideTheEcOne() throws Exception {
        BrokerPki ec = BrokerPki.ensure(dir, List.of("localhost", "127.0.0.1"), Fixtures.CLOCK);
        String caPem = Files.readString(dir.resolve(BrokerPki.CA_CERT));
        String ecPem = Files.readString(dir.resolve(BrokerPki.SERVER_CERT));
        BrokerPki rsa = BrokerPki.ensure(dir, List.of("localhost", "127.0.0.1"), Fixtures.CLOCK, true);

        X509Certificate leaf = rsa.serverChain().get(0);
        assertThat(leaf.getPublicKey()).isInstanceOf(RSAPublicKey.class);
        assertThat(((RSAPublicKey) leaf.getPublicKey()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(rsa.serverKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(((RSAPublicKey) leaf.getPublicKey()).getModulus())
                .isEqualTo(((java.security.interfaces.RSAPrivateCrtKey) rsa.serverKey()).getModulus());
        leaf.verify(ec.ca().getPublicKey());
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(ec.ca().getSubjectX500Principal());
        assertThat(rsa.serverChain()).hasSize(2);
        assertThat(rsa.serverChain().get(1)).isEqualTo(ec.ca());
        assertThat(rsa.ca()).isEqualTo(ec.ca());
        assertThat(dev.iotjwt.tls.Certificates.sans(leaf)).contains("localhost", "127.0.0.1");
        // key usage for RSA key exchange too: digitalSignature and keyEncipherment
        assertThat(leaf.getKeyUsage()[0]).isTrue();
        assertThat(leaf.getKeyUsage()[2]).isTrue();

        assertThat(dir.resolve("server-rsa.pem")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(BrokerPki.SERVER_RSA_KEY))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve(BrokerPki.CA_CERT))).isEqualTo(caPem);
        assertThat(Files.readString(dir.resolve(BrokerPki.SERVER_CERT))).isEqualTo(ecPem);

        // both are reused afterwards, each from its own files
        BrokerPki ecAgain = BrokerPki.ensure(dir, List.of("localhost"), Fixtures.CLOCK);
        assertThat(ecAgain.serverChain().get(0)).isEqualTo(ec.serverChain().get(0));
        assertThat(ecAgain.serverChain().get(0).getPublicKey()).isInstanceOf(ECPublicKey.class);
        BrokerPki rsaAgain = BrokerPki.ensure(dir, List.of("localhost"), Fixtures.CLOCK, true);
        assertThat(rsaAgain.serverChain().get(0)).isEqualTo(leaf);
    }

    private static void assumePosix() {
        Assumptions.assumeTrue(java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "this file system has no POSIX owners and modes");
    }
}
