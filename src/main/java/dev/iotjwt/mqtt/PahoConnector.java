package dev.iotjwt.mqtt;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.tls.TunnelSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The only class that touches Paho. MQTT 3.1.1 pinned (never the silent fallback to 3.1), clean session, bounded waits,
 * no automatic reconnect while diagnosing.
 */
public final class PahoConnector implements AutoCloseable {
    private MqttClient client;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private volatile Throwable lost;

    /** What CONNECT gave: connected, or the CONNACK code (-1 when none came) and a finding. */
    public record ConnectOutcome(boolean connected, int connackCode, Finding failure) {
    }

    /** What the session did: facts (messages received, publish acknowledged) and findings. */
    public record SessionOutcome(Map<String, String> facts, List<Finding> findings) {
    }

    /**
     * Sends CONNECT through {@code tunnel} and waits at most {@code timeout} for a well-formed CONNACK; the broker's
     * first packet is checked as it arrives (see {@link ConnackCheck}).
     */
    public ConnectOutcome connect(TunnelSocketFactory tunnel, InetSocketAddress address, String clientId,
                                  String username, String password, Duration timeout) {
        ConnackCheck connack = new ConnackCheck();
        tunnel.inbound(connack::watch);
        try {
            String host = address.getAddress().getHostAddress();
            String uri = "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
            client = new MqttClient(uri, clientId, new MemoryPersistence());
            client.setTimeToWait(Math.max(1, timeout.toMillis()));
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                    lost = cause;
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    received.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                    // publish waits for its own token
                }
            });
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setCleanSession(true);
            o.setAutomaticReconnect(false);
            o.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
            o.setKeepAliveInterval(60);
            o.setUserName(username);
            o.setPassword(password.toCharArray());
            o.setSocketFactory(tunnel);
            o.setHttpsHostnameVerificationEnabled(false);
            client.connect(o);
            return new ConnectOutcome(true, 0, null);
        } catch (MqttException e) {
            Finding malformed = connack.finding(timeout, e.getReasonCode() != MqttException.REASON_CODE_CLIENT_TIMEOUT);
            if (malformed != null) {
                return new ConnectOutcome(false, -1, malformed);
            }
            return new ConnectOutcome(false, e.getReasonCode() >= 1 && e.getReasonCode() <= 5 ? e.getReasonCode() : -1,
                    MqttFailures.classify(e, timeout));
        }
    }

    public SessionOutcome session(String publishTopic, String payload, String subscribeTopic, Duration wait,
                                  Duration timeout) {
        Map<String, String> facts = new LinkedHashMap<>();
        List<Finding> findings = new ArrayList<>();
        try {
            if (subscribeTopic != null) {
                IMqttToken t = client.subscribeWithResponse(new String[] {subscribeTopic}, new int[] {1});
                int[] granted = t.getGrantedQos();
                if (granted.length > 0 && granted[0] == 0x80) {
                    findings.add(Finding.error("mqtt.subscribe.rejected", "the broker refused the subscription to "
                            + subscribeTopic + " (SUBACK 0x80)", "a device may subscribe only to its own"
                            + " /devices/D/config and /devices/D/commands/#"));
                } else {
                    facts.put("subscribed", subscribeTopic + " (granted QoS " + (granted.length > 0 ? granted[0] : "?")
                            + ")");
                }
            }
            if (publishTopic != null) {
                long start = System.nanoTime();
                client.publish(publishTopic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
                facts.put("published", publishTopic + " (" + payload.length() + " bytes, PUBACK in "
                        + (System.nanoTime() - start) / 1_000_000 + " ms)");
            }
            if (subscribeTopic != null && findings.isEmpty()) {
                long end = System.nanoTime() + wait.toNanos();
                while (System.nanoTime() < end && lost == null) {
                    Thread.sleep(50);
                }
                facts.put("received", received.isEmpty() ? "nothing within " + wait.toSeconds() + " s"
                        : received.size() + " message(s)");
                for (int i = 0; i < received.size(); i++) {
                    facts.put("message " + (i + 1), received.get(i));
                }
            }
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttException.REASON_CODE_SUBSCRIBE_FAILED) {
                findings.add(Finding.error("mqtt.subscribe.rejected", "the broker refused the subscription to "
                        + subscribeTopic, "a device may subscribe only to its own /devices/D/config and"
                        + " /devices/D/commands/#"));
            } else {
                findings.add(MqttFailures.dropped(e, timeout));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (lost != null && findings.isEmpty()) {
            findings.add(Finding.error("mqtt.dropped", "the broker dropped the connection after CONNACK ("
                    + lost.getClass().getSimpleName() + ")", "IoT Core drops a device that publishes with QoS 2, to"
                    + " a topic that is not its own, or whose token expired (exp + 10 min)"));
        }
        return new SessionOutcome(facts, findings);
    }

    /**
     * Publishes one QoS 1 message and waits for its PUBACK (bounded by the client's time to wait). Returns false, and
     * leaves the connection to be replaced, when no PUBACK came: the caller keeps the message to send again.
     */
    public boolean publish(String topic, byte[] payload) {
        if (client == null || lost != null || !client.isConnected()) {
            return false;
        }
        try {
            client.publish(topic, payload, 1, false);
            return true;
        } catch (MqttException e) {
            if (lost == null) {
                lost = e;
            }
            return false;
        }
    }

    /**
     * Subscribes to {@code topic} at QoS 1 and returns the granted QoS (0x80: refused); -1 when the connection is
     * gone or the SUBACK did not come in the client's time to wait.
     */
    public int subscribe(String topic) {
        if (client == null || lost != null || !client.isConnected()) {
            return -1;
        }
        try {
            int[] granted = client.subscribeWithResponse(new String[] {topic}, new int[] {1}).getGrantedQos();
            return granted.length == 0 ? -1 : granted[0];
        } catch (MqttException e) {
            return e.getReasonCode() == MqttException.REASON_CODE_SUBSCRIBE_FAILED ? 0x80 : -1;
        }
    }

    /** The messages received so far, in order, each as "TOPIC PAYLOAD". */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** Why the connection was lost after CONNACK, or null while it is up. */
    public Throwable lost() {
        return lost;
    }

    @Override
    public void close() {
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
        } catch (MqttException e) {
            // closing anyway
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // nothing more to release
        }
    }
}
