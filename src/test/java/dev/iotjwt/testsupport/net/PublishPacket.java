package dev.iotjwt.testsupport.net;

/**
 * An MQTT PUBLISH packet as {@link TlsTestServer} received it.
 *
 * @param topic   the topic name
 * @param qos     the QoS level (0, 1 or 2)
 * @param payload the payload decoded as UTF-8
 */
public record PublishPacket(String topic, int qos, String payload) {
}
