package dev.iotjwt.mqtt;

import dev.iotjwt.diagnose.Finding;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Watches the first packet a broker sends after CONNECT, byte by byte as the MQTT client reads it, and stops the
 * connection at the first byte that cannot belong to an MQTT 3.1.1 CONNACK ({@code 20 02 0x rc}, rc 0-5): another
 * packet type, a remaining length other than 2 (one that never ends, or claims 268 MB, included), reserved flag bits,
 * an undefined return code. Paho would accept some of these (a remaining length of 3), misname others ("Unexpected
 * error", "MqttException (135)") or wait for bytes that never come; device stacks such as coreMQTT refuse them all.
 * After the CONNACK the stream passes through untouched.
 */
final class ConnackCheck {
    private static final String[] TYPES = {"reserved type 0", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC",
        "PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT",
        "reserved type 15"};

    /** The read that met a byte no CONNACK has; carries the finding. */
    static final class MalformedConnack extends IOException {
        private final transient Finding finding;

        MalformedConnack(Finding finding) {
            super(finding.message());
            this.finding = finding;
        }

        Finding finding() {
            return finding;
        }
    }

    /** The first bytes seen (the CONNACK has 4; a few more show what came instead). */
    private final byte[] head = new byte[8];
    private int seen;
    private int remainingLength;
    private int lengthBytes;
    private boolean lengthDone;
    private boolean complete;
    private MalformedConnack malformed;

    /** Wraps the stream the MQTT client reads from. */
    InputStream watch(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    see(b);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                for (int i = 0; i < n; i++) {
                    see(buf[off + i] & 0xFF);
                }
                return n;
            }
        };
    }

    /** Whether a whole, well-formed CONNACK arrived. */
    synchronized boolean complete() {
        return complete;
    }

    /** The finding when the CONNACK was malformed, or began and never ended; null when none came or it was fine. */
    synchronized Finding finding(Duration timeout, boolean closed) {
        if (malformed != null) {
            return malformed.finding();
        }
        if (seen > 0 && !complete) {
            return bad("the broker began its answer to CONNECT with " + hex() + " and then " + (closed ? "closed the"
                    + " connection" : "sent nothing more within " + dev.iotjwt.time.Times.human(timeout))
                    + ": a truncated CONNACK (MQTT 3.1.1 §3.2: 4 bytes, 20 02 00 rc)");
        }
        return null;
    }

    private synchronized void see(int b) throws MalformedConnack {
        if (complete) {
            return;
        }
        if (malformed != null) {
            throw malformed;
        }
        if (seen < head.length) {
            head[seen] = (byte) b;
        }
        seen++;
        if (seen == 1) {
            int type = b >> 4;
            if (type != 2) {
                fail("the broker answered CONNECT with a " + TYPES[type] + " packet (type " + type + ", first byte "
                        + String.format("%02x", b) + "), not a CONNACK");
            }
            if ((b & 0x0F) != 0) {
                fail("the broker's CONNACK has header flag bits " + String.format("%x", b & 0x0F) + " set (first"
                        + " byte " + String.format("%02x", b) + "; MQTT 3.1.1 §2.2.2 says 0)");
            }
            return;
        }
        if (!lengthDone) {
            remainingLength += (b & 0x7F) << (7 * lengthBytes);
            lengthBytes++;
            if ((b & 0x80) == 0) {
                lengthDone = true;
                if (remainingLength != 2) {
                    fail("the broker's CONNACK has remaining length " + remainingLength + " (bytes " + hex()
                            + "); MQTT 3.1.1 §3.2.1 says 2");
                }
            } else if (lengthBytes == 4) {
                fail("the broker's CONNACK has a remaining length that never ends (bytes " + hex() + "...: the"
                        + " continuation bit is still set in the 4th length byte, MQTT's maximum)");
            }
            return;
        }
        int body = seen - 1 - lengthBytes;
        if (body == 1 && (b & 0xFE) != 0) {
            fail("the broker's CONNACK sets reserved flag bits in its acknowledge flags (" + String.format("%02x", b)
                    + "; MQTT 3.1.1 §3.2.2.1 allows only the session-present bit)");
        } else if (body == 2) {
            if (b > 5) {
                fail("the broker's CONNACK has return code " + b + " (0x" + String.format("%02x", b) + "), which MQTT"
                        + " 3.1.1 does not define (0-5)" + (b >= 0x80 ? "; it looks like an MQTT 5 reason code (0x"
                        + String.format("%02x", b) + " " + mqtt5(b) + "): the broker does not speak MQTT 3.1.1 as"
                        + " asked" : ""));
            }
            complete = true;
        }
    }

    private void fail(String message) throws MalformedConnack {
        malformed = new MalformedConnack(bad(message));
        throw malformed;
    }

    private static Finding bad(String message) {
        return Finding.error("mqtt.malformed-connack", message, "the broker is not an MQTT 3.1.1 broker, is broken, or"
                + " something between rewrites the traffic; device MQTT stacks (coreMQTT, Paho embedded) drop such a"
                + " connection");
    }

    private String hex() {
        return HexFormat.ofDelimiter(" ").formatHex(head, 0, Math.min(seen, head.length));
    }

    private static String mqtt5(int code) {
        return switch (code) {
            case 0x80 -> "unspecified error";
            case 0x81 -> "malformed packet";
            case 0x82 -> "protocol error";
            case 0x84 -> "unsupported protocol version";
            case 0x85 -> "client identifier not valid";
            case 0x86 -> "bad user name or password";
            case 0x87 -> "not authorized";
            case 0x88 -> "server unavailable";
            case 0x89 -> "server busy";
            case 0x8A -> "banned";
            case 0x8C -> "bad authentication method";
            default -> "an error";
        };
    }
}
