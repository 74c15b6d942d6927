package dev.iotjwt.diagnose;

/**
 * Where a diagnosis connects to.
 *
 * @param profile  the profile name, or null
 * @param host     the host name (or address) dialled
 * @param port     the TCP port
 * @param sni      the SNI sent, or null for none
 * @param clientId the MQTT client id
 */
public record Target(String profile, String host, int port, String sni, String clientId) {
}
