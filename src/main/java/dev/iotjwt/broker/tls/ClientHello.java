package dev.iotjwt.broker.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a device offered in its TLS ClientHello, parsed from the handshake message body (from client_version on,
 * as {@link io.netty.handler.ssl.SslClientHelloHandler} hands it over).
 *
 * @param legacyVersion        the client_version field (0x0303 for TLS 1.2 and 1.3 clients)
 * @param sni                  the host_name of server_name, or null when none was sent
 * @param supportedVersions    supported_versions in the client's order; empty for a client that offers 1.2 or less
 * @param cipherSuites         cipher suite ids in the client's order (GREASE and signalling values included)
 * @param groups               supported_groups ids; empty when the extension is absent
 * @param signatureSchemes     signature_algorithms ids; empty when absent
 * @param alpn                 ALPN protocol names; empty when absent
 * @param maxFragmentLength    the max_fragment_length code (1 = 512 … 4 = 4096), or null when not requested
 * @param recordSizeLimit      record_size_limit (RFC 8449), or null when absent
 * @param keyShareGroups       the groups of the TLS 1.3 key shares sent up front
 * @param extensions           extension type ids in the order sent
 * @param secureRenegotiation  renegotiation_info or TLS_EMPTY_RENEGOTIATION_INFO_SCSV offered
 * @param sessionTicket        session_ticket extension present
 * @param extendedMasterSecret extended_master_secret extension present
 * @param compressionMethods   the compression method ids (a modern client sends only 0)
 */
public record ClientHello(int legacyVersion, String sni, List<Integer> supportedVersions, List<Integer> cipherSuites,
                          List<Integer> groups, List<Integer> signatureSchemes, List<String> alpn,
                          Integer maxFragmentLength, Integer recordSizeLimit, List<Integer> keyShareGroups,
                          List<Integer> extensions, boolean secureRenegotiation, boolean sessionTicket,
                          boolean extendedMasterSecret, List<Integer> compressionMethods) {

    /** The largest body parsed: Netty's own ClientHello limit is 64 KiB. */
    public static final int MAX_LENGTH = 1 << 16;

    public ClientHello {
        supportedVersions = List.copyOf(supportedVersions);
        cipherSuites = List.copyOf(cipherSuites);
        groups = List.copyOf(groups);
        signatureSchemes = List.copyOf(signatureSchemes);
        alpn = List.copyOf(alpn);
        keyShareGroups = List.copyOf(keyShareGroups);
        extensions = List.copyOf(extensions);
        compressionMethods = List.copyOf(compressionMethods);
    }

    /** The bytes could not be read as a ClientHello body; the message says where. */
    public static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        public FormatException(String message) {
            super(message);
        }
    }

    /** Parses the readable bytes of {@code body} without consuming them. */
    public static ClientHello parse(ByteBuf body) throws FormatException {
        int n = body.readableBytes();
        if (n > MAX_LENGTH) {
            throw new FormatException("client hello: " + n + " bytes, more than " + MAX_LENGTH);
        }
        byte[] b = new byte[n];
        body.getBytes(body.readerIndex(), b);
        return parse(b);
    }

    /** Parses a ClientHello body (from client_version on). */
    public static ClientHello parse(byte[] body) throws FormatException {
        if (body.length > MAX_LENGTH) {
            throw new FormatException("client hello: " + body.length + " bytes, more than " + MAX_LENGTH);
        }
        Reader r = new Reader(body, 0, body.length, "client hello");
        int legacyVersion = r.u16("client_version");
        r.skip(32, "random");
        r.skip(r.u8("session_id length"), "session_id");
        int suitesLength = r.u16("cipher_suites length");
        if (suitesLength % 2 != 0) {
            throw new FormatException("client hello: odd cipher_suites length " + suitesLength);
        }
        Reader suitesReader = r.sub(suitesLength, "cipher_suites");
        List<Integer> suites = suitesReader.u16List();
        Reader compression = r.sub(r.u8("compression_methods length"), "compression_methods");
        List<Integer> compressionMethods = new ArrayList<>();
        while (compression.remaining() > 0) {
            compressionMethods.add(compression.u8("compression method"));
        }

        String sni = null;
        List<Integer> versions = List.of();
        List<Integer> groups = List.of();
        List<Integer> schemes = List.of();
        List<String> alpn = List.of();
        Integer mfl = null;
        Integer recordSizeLimit = null;
        List<Integer> keyShares = List.of();
        List<Integer> extensions = new ArrayList<>();
        boolean reneg = suites.contains(0x00ff);
        boolean ticket = false;
        boolean ems = false;
        if (r.remaining() > 0) {
            Reader exts = r.sub(r.u16("extensions length"), "extensions");
            while (exts.remaining() > 0) {
                int type = exts.u16("extension type");
                Reader e = exts.sub(exts.u16("extension length"), TlsNames.extension(type));
                if (extensions.contains(type)) {
                    throw new FormatException("client hello: extension " + TlsNames.extension(type) + " twice");
                }
                extensions.add(type);
                switch (type) {
                    case 0 -> sni = serverName(e);
                    case 1 -> mfl = e.u8("max_fragment_length");
                    case 10 -> groups = e.sub(e.u16("supported_groups length"), "supported_groups").u16List();
                    case 13 -> schemes = e.sub(e.u16("signature_algorithms length"), "signature_algorithms")
                            .u16List();
                    case 16 -> alpn = alpn(e);
                    case 23 -> ems = true;
                    case 28 -> recordSizeLimit = e.u16("record_size_limit");
                    case 35 -> ticket = true;
                    case 43 -> versions = e.sub(e.u8("supported_versions length"), "supported_versions").u16List();
                    case 51 -> keyShares = keyShareGroups(e);
                    case 0xff01 -> reneg = true;
                    default -> {
                        // only its presence is kept
                    }
                }
            }
        }
        return new ClientHello(legacyVersion, sni, versions, suites, groups, schemes, alpn, mfl, recordSizeLimit,
                keyShares, extensions, reneg, ticket, ems, compressionMethods);
    }

    /** The versions offered by name: supported_versions, or the legacy version alone (the highest it takes). */
    public List<String> versionNames() {
        if (!supportedVersions.isEmpty()) {
            return TlsNames.names(supportedVersions, TlsNames::version);
        }
        return List.of(TlsNames.version(legacyVersion));
    }

    /** The offered version ids without GREASE: supported_versions, or the legacy version alone. */
    public List<Integer> offeredVersions() {
        if (supportedVersions.isEmpty()) {
            return List.of(legacyVersion);
        }
        return supportedVersions.stream().filter(v -> !TlsNames.isGrease(v)).toList();
    }

    /** Whether the device offers this version (for a client without supported_versions: it or anything below). */
    public boolean offers(int version) {
        if (supportedVersions.isEmpty()) {
            return version <= legacyVersion && version < 0x0304;
        }
        return supportedVersions.contains(version);
    }

    /** Cipher suites by IANA name. */
    public List<String> suiteNames() {
        return TlsNames.names(cipherSuites, TlsNames::suite);
    }

    /** Groups by IANA name. */
    public List<String> groupNames() {
        return TlsNames.names(groups, TlsNames::group);
    }

    /** Signature schemes by IANA name. */
    public List<String> signatureSchemeNames() {
        return TlsNames.names(signatureSchemes, TlsNames::signatureScheme);
    }

    /** The fragment size max_fragment_length asks for (512 … 4096), or 0. */
    public int maxFragmentBytes() {
        return maxFragmentLength == null || maxFragmentLength < 1 || maxFragmentLength > 4
                ? 0 : 1 << (8 + maxFragmentLength);
    }

    private static String serverName(Reader e) throws FormatException {
        Reader list = e.sub(e.u16("server_name list length"), "server_name list");
        String name = null;
        while (list.remaining() > 0) {
            int type = list.u8("name type");
            Reader value = list.sub(list.u16("name length"), "server name");
            if (type == 0 && name == null) {
                name = new String(value.bytes(), StandardCharsets.ISO_8859_1);
            }
        }
        return name;
    }

    private static List<String> alpn(Reader e) throws FormatException {
        Reader list = e.sub(e.u16("alpn list length"), "alpn list");
        List<String> out = new ArrayList<>();
        while (list.remaining() > 0) {
            Reader p = list.sub(list.u8("protocol length"), "protocol name");
            out.add(new String(p.bytes(), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static List<Integer> keyShareGroups(Reader e) throws FormatException {
        Reader list = e.sub(e.u16("key_share length"), "key_share");
        List<Integer> out = new ArrayList<>();
        while (list.remaining() > 0) {
            out.add(list.u16("key share group"));
            list.sub(list.u16("key exchange length"), "key exchange");
        }
        return out;
    }

    /** A bounded window over the body; every read checks its bounds. */
    private static final class Reader {
        private final byte[] b;
        private final int end;
        private final String what;
        private int pos;

        Reader(byte[] b, int from, int end, String what) {
            this.b = b;
            this.pos = from;
            this.end = end;
            this.what = what;
        }

        int remaining() {
            return end - pos;
        }

        int u8(String field) throws FormatException {
            need(1, field);
            return b[pos++] & 0xff;
        }

        int u16(String field) throws FormatException {
            need(2, field);
            int v = (b[pos] & 0xff) << 8 | b[pos + 1] & 0xff;
            pos += 2;
            return v;
        }

        void skip(int n, String field) throws FormatException {
            need(n, field);
            pos += n;
        }

        Reader sub(int n, String field) throws FormatException {
            need(n, field);
            Reader r = new Reader(b, pos, pos + n, field);
            pos += n;
            return r;
        }

        byte[] bytes() {
            byte[] out = new byte[end - pos];
            System.arraycopy(b, pos, out, 0, out.length);
            pos = end;
            return out;
        }

        List<Integer> u16List() throws FormatException {
            if (remaining() % 2 != 0) {
                throw new FormatException("client hello: " + what + " has an odd length " + remaining());
            }
            List<Integer> out = new ArrayList<>(remaining() / 2);
            while (remaining() > 0) {
                out.add(u16(what));
            }
            return out;
        }

        private void need(int n, String field) throws FormatException {
            if (n < 0 || end - pos < n) {
                throw new FormatException("client hello: " + field + " needs " + n + " bytes, "
                        + Math.max(0, end - pos) + " left in " + what);
            }
        }
    }
}
