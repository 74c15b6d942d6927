package dev.iotjwt.broker.tls;

import java.util.List;

/**
 * The device's side of one connection attempt up to the end of the TLS handshake, fired once per channel as a user
 * event by {@link TlsStage}: what its first bytes were, what it offered, what was negotiated or how it failed.
 *
 * @param firstBytes        what the first bytes were
 * @param firstBytesSample  the first bytes as printable text (at most {@value TlsStage#SAMPLE_BYTES} of them,
 *                          non-printable ones as {@code \xNN}); empty when none came
 * @param hello             the parsed ClientHello, or null (not TLS, or unparsable: then {@code failure} says why)
 * @param ok                the handshake completed
 * @param protocol          the negotiated protocol ("TLSv1.3"), or null
 * @param cipherSuite       the negotiated suite by IANA name, or null
 * @param served            which certificate the bridge chose: the SNI it matched, {@code "placeholder"},
 *                          {@code "default"}; null when no context was chosen
 * @param failure           why it failed (the TLS engine's exception, or the parse failure), or null
 * @param timedOut          the connection was closed because a deadline passed
 * @param recordsAfterHello the TLS records the device sent after its ClientHello until the handshake ended
 *                          (bounded to {@value TlsStage#MAX_RECORDS})
 * @param bytesToDevice     the bytes the bridge wrote to the device during the handshake (its flight)
 * @param refusedSni        the bridge refused the SNI with an alert
 * @param refusalAlert      the alert description sent when refusing, or 0
 * @param millis            from the channel becoming active to the end of the handshake
 */
public record HandshakeObservation(FirstBytes firstBytes, String firstBytesSample, ClientHello hello, boolean ok,
                                   String protocol, String cipherSuite, String served, Throwable failure,
                                   boolean timedOut, List<RecordSeen> recordsAfterHello, long bytesToDevice,
                                   boolean refusedSni, int refusalAlert, long millis) {

    public HandshakeObservation {
        recordsAfterHello = List.copyOf(recordsAfterHello);
    }

    /** What the first bytes of a connection were. */
    public enum FirstBytes {
        /** A TLS record (a ClientHello, or another record type: then {@code hello} is null). */
        TLS,
        /** An MQTT CONNECT packet (0x10): a device without TLS. */
        MQTT,
        /** An HTTP request line (GET, POST, HEAD, PUT, CONNECT, …). */
        HTTP,
        /** Anything else. */
        OTHER,
        /** Nothing at all before the connection closed or timed out. */
        NONE
    }

    /**
     * A TLS record header the device sent.
     *
     * @param type   the content type: 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data
     * @param length the record's length
     * @param alert  for a plaintext 2-byte alert record, its description (48 unknown_ca …); -1 otherwise
     */
    public record RecordSeen(int type, int length, int alert) {
        /**
         * A TLS 1.3 alert under the handshake keys: an application_data record of 2 + 1 + 16 bytes (19), or a
         * padded one (the JDK's client sends 35), shorter than the smallest Finished (4 + 32 + 1 + 16 = 53).
         */
        public boolean looksLikeEncryptedAlert() {
            return type == 23 && length >= 19 && length < 53;
        }
    }

    /** The alert the device sent in plaintext during the handshake, or -1. */
    public int deviceAlert() {
        for (RecordSeen r : recordsAfterHello) {
            if (r.alert() >= 0) {
                return r.alert();
            }
        }
        return -1;
    }

    /**
     * The device's first encrypted record looks like a TLS 1.3 alert (too short for a Finished): measured, the JDK's
     * client rejects the certificate with a 35-byte one, which both engines decrypt and name anyway.
     */
    public boolean deviceSentEncryptedAlert() {
        for (RecordSeen r : recordsAfterHello) {
            if (r.type() == 23) {
                return r.looksLikeEncryptedAlert();
            }
        }
        return false;
    }
}
