package dev.iotjwt.mqtt;

import dev.iotjwt.diagnose.Finding;
import org.eclipse.paho.client.mqttv3.MqttException;

import java.time.Duration;

/** The one table from CONNACK codes and Paho reason codes to findings. */
final class MqttFailures {
    private MqttFailures() {
    }

    static Finding classify(MqttException e, Duration timeout) {
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof javax.net.ssl.SSLException) {
                return dev.iotjwt.tls.TlsFailures.classify(c, timeout.toMillis());
            }
            // a connection of MQTT's own (a reconnect while staying) meets the network before TLS
            if (c instanceof java.net.ConnectException) {
                return Finding.error("tcp.refused", "the broker's port refused the TCP connection (" + c.getMessage()
                        + ")", "nothing listens there now: the broker is down or restarting");
            }
            if (c instanceof java.net.UnknownHostException) {
                return Finding.error("dns.unresolved", "the broker's host name no longer resolves", "check DNS");
            }
        }
        return switch (e.getReasonCode()) {
            case 1 -> Finding.error(ConnackCodes.code(1), "the broker refused MQTT 3.1.1 (CONNACK 1)",
                    "IoT Core speaks MQTT 3.1.1 only; check that this is an IoT Core style bridge");
            case 2 -> Finding.error(ConnackCodes.code(2), "the broker refused the client id (CONNACK 2)",
                    "use projects/P/locations/R/registries/G/devices/D exactly; a duplicate connection is refused too");
            case 3 -> Finding.error(ConnackCodes.code(3), "the broker is reachable but its service is"
                    + " unavailable (CONNACK 3)", "retry later with exponential backoff");
            case 4 -> Finding.error(ConnackCodes.code(4), "the broker refused the user name or password as"
                    + " malformed (CONNACK 4; ClearBlade's answer to a bad JWT)", "check the token with iotjwt check");
            case 5 -> Finding.error(ConnackCodes.code(5), "the broker refused the device (CONNACK 5): bad"
                    + " signature or key, expired or future token, wrong aud, or an unknown"
                    + " project/region/registry/device", "check the token with iotjwt check --project P --public-key"
                    + " KEY and the client id against the registry");
            case MqttException.REASON_CODE_CLIENT_TIMEOUT -> Finding.error("mqtt.timeout", "no CONNACK within "
                    + timeout.toSeconds() + " s after CONNECT", "the broker accepted TLS but not MQTT: check the"
                    + " port and that it is an MQTT broker");
            case MqttException.REASON_CODE_CONNECTION_LOST -> Finding.error("mqtt.closed", "TLS was fine and CONNECT"
                    + " was sent, but the broker closed the connection without a CONNACK", "the broker rejected the"
                    + " session before replying: check the token (iotjwt check) and the client id");
            default -> Finding.error("mqtt.closed", "the MQTT connection failed: " + describe(e), null);
        };
    }

    static Finding dropped(MqttException e, Duration timeout) {
        if (e.getReasonCode() == MqttException.REASON_CODE_CLIENT_TIMEOUT) {
            return Finding.error("mqtt.timeout", "no acknowledgement within " + timeout.toSeconds() + " s", null);
        }
        return Finding.error("mqtt.dropped", "the broker dropped the connection during the session: " + describe(e),
                "IoT Core drops a device that publishes with QoS 2, to a topic that is not its own, or whose token"
                        + " expired (exp + 10 min)");
    }

    private static String describe(MqttException e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage())).append(" (").append(e.getReasonCode())
                .append(')');
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            sb.append(" ← ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return sb.toString();
    }
}
