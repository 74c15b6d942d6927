package dev.iotjwt.testsupport.net;

/**
 * An MQTT CONNECT packet as {@link TlsTestServer} received it.
 *
 * @param protocolLevel 4 for MQTT 3.1.1, 3 for MQTT 3.1
 * @param protocolName  "MQTT" for 3.1.1, "MQIsdp" for 3.1
 * @param clientId      the client identifier
 * @param username      the user name, or null when the flag is not set
 * @param password      the password decoded as UTF-8 (a JWT for IoT Core), or null when the flag is not set
 * @param cleanSession  the clean-session flag
 * @param keepAlive     the keep-alive in seconds
 * @param sni           the SNI host name of the TLS connection that carried the packet, or null when none was sent
 */
public record ConnectPacket(int protocolLevel, String protocolName, String clientId, String username,
                            String password, boolean cleanSession, int keepAlive, String sni) {
}
