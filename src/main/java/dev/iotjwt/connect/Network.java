package dev.iotjwt.connect;

import dev.iotjwt.tls.TlsProbe;
import dev.iotjwt.tls.TlsSettings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Everything the steps do on the wire: resolve a name, open a TCP connection, shake hands, speak MQTT. The real one is
 * {@link SocketNetwork}; tests give one of their own to drive each step and follow-up without sockets.
 */
interface Network {

    /**
     * The addresses of {@code host}, waiting at most {@code timeout}.
     *
     * @throws UnknownHostException the name does not resolve
     * @throws TimeoutException     no answer within the bound
     */
    List<InetAddress> resolve(String host, Duration timeout) throws UnknownHostException, TimeoutException;

    /**
     * Opens a TCP connection to {@code address} within {@code timeout} and closes it again.
     *
     * @throws java.net.ConnectException       refused (RST)
     * @throws java.net.SocketTimeoutException no answer within the bound (filtered)
     */
    void connect(InetSocketAddress address, Duration timeout) throws IOException;

    /**
     * One verifying handshake that records what the server presented (see {@link TlsProbe}).
     *
     * @param keepOpen leave a verified connection open in the result's socket, for MQTT to go over
     */
    TlsProbe.Result handshake(List<X509Certificate> roots, InetSocketAddress address, String host, TlsSettings settings,
                              Duration timeout, boolean keepOpen);

    /** A new MQTT client, not yet connected. */
    MqttLink mqtt();
}
