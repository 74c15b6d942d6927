package dev.iotjwt.connect;

import dev.iotjwt.mqtt.PahoConnector;
import dev.iotjwt.tls.TlsSettings;

import javax.net.ssl.SSLSocket;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/** One MQTT client connection, as the steps and the device simulator use it. */
interface MqttLink extends AutoCloseable {

    /** Sends CONNECT over a verified TLS connection made as {@code dial} says; waits at most its timeout. */
    PahoConnector.ConnectOutcome connect(Dial dial, String clientId, String username, String token);

    /** Subscribes and publishes once, then waits {@code wait} for messages (see {@link PahoConnector#session}). */
    PahoConnector.SessionOutcome session(String publishTopic, String payload, String subscribeTopic, Duration wait,
                                         Duration timeout);

    /** One QoS 1 message; false when no PUBACK came (the connection is then to be replaced). */
    boolean publish(String topic, byte[] payload);

    /** Why the connection was lost after CONNACK, or null while it is up. */
    Throwable lost();

    @Override
    void close();

    /**
     * Where and how MQTT's TLS connection is made.
     *
     * @param address  the address the TCP step reached
     * @param host     the host name dialled
     * @param tls      SNI, versions, suites, the device's clock
     * @param roots    the roots to verify against (null: the JDK's trust store)
     * @param timeout  the bound of the handshake and of the CONNACK wait
     * @param verified the TLS step's verified connection to use instead of a second handshake, or null (reconnects)
     */
    record Dial(InetSocketAddress address, String host, TlsSettings tls, List<X509Certificate> roots,
                Duration timeout, SSLSocket verified) {
    }
}
