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
        supportedVersions = ids(supportedVersions);
        cipherSuites = ids(cipherSuites);
        groups = ids(groups);
        signatureSchemes = ids(signatureSchemes);
        alpn = List.copyOf(alpn);
        keyShareGroups = ids(keyShareGroups);
        extensions = ids(extensions);
        compressionMethods = ids(compressionMethods);
    }

    /** An immutable list of ids: the parser's own lists as they are, any other copied. */
    private static List<Integer> ids(List<Integer> given) {
        return given instanceof Ids ? given : List.copyOf(given);
    }

    /**
     * Ids read from the wire, unboxed: every connection's ClientHello is parsed, and a list is only read when a report
     * is made, so the parse allocates one int array a list instead of an Integer an id.
     */
    private static final class Ids extends java.util.AbstractList<Integer> implements java.util.RandomAccess {
        static final Ids EMPTY = new Ids(new int[0], 0);
        private final int[] ids;
        private final int size;

        Ids(int[] ids, int size) {
            this.ids = ids;
            this.size = size;
        }

        @Override
        public Integer get(int i) {
            java.util.Objects.checkIndex(i, size);
            return ids[i];
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public boolean contains(Object o) {
            return o instanceof Integer v && has(v);
        }

        @Override
        public int indexOf(Object o) {
            if (o instanceof Integer v) {
                for (int i = 0; i < size; i++) {
                    if (ids[i] == v) {
                        return i;
                    }
                }
            }
            return -1;
        }

        boolean has(int v) {
            for (int i = 0; i < size; i++) {
                if (ids[i] == v) {
                    return true;
                }
            }
            return false;
        }
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
        Ids suites = r.u16List(suitesLength, "cipher_suites");
        int compressionLength = r.u8("compression_methods length");
        r.need(compressionLength, "compression_methods");
        int[] methods = new int[compressionLength];
        for (int i = 0; i < compressionLength; i++) {
            methods[i] = r.u8("compression method");
        }
        Ids compressionMethods = new Ids(methods, compressionLength);

        String sni = null;
        List<Integer> versions = Ids.EMPTY;
        List<Integer> groups = Ids.EMPTY;
        List<Integer> schemes = Ids.EMPTY;
        List<String> alpn = List.of();
        Integer mfl = null;
        Integer recordSizeLimit = null;
        List<Integer> keyShares = Ids.EMPTY;
        int[] extensionIds = new int[8];
        int extensionCount = 0;
        boolean reneg = suites.has(0x00ff);
        boolean ticket = false;
        boolean ems = false;
        if (r.remaining() > 0) {
            Reader exts = r.sub(r.u16("extensions length"), "extensions");
            while (exts.remaining() > 0) {
                int type = exts.u16("extension type");
                Reader e = exts.sub(exts.u16("extension length"), TlsNames.extension(type));
                for (int i = 0; i < extensionCount; i++) {
                    if (extensionIds[i] == type) {
                        throw new FormatException("client hello: extension " + TlsNames.extension(type) + " twice");
                    }
                }
                if (extensionCount == extensionIds.length) {
                    extensionIds = java.util.Arrays.copyOf(extensionIds, extensionCount * 2);
                }
                extensionIds[extensionCount++] = type;
                switch (type) {
                    case 0 -> sni = serverName(e);
                    case 1 -> mfl = e.u8("max_fragment_length");
                    case 10 -> groups = e.u16List(e.u16("supported_groups length"), "supported_groups");
                    case 13 -> schemes = e.u16List(e.u16("signature_algorithms length"), "signature_algorithms");
                    case 16 -> alpn = alpn(e);
                    case 23 -> ems = true;
                    case 28 -> recordSizeLimit = e.u16("record_size_limit");
                    case 35 -> ticket = true;
                    case 43 -> versions = e.u16List(e.u8("supported_versions length"), "supported_versions");
                    case 51 -> keyShares = keyShareGroups(e);
                    case 0xff01 -> reneg = true;
                    default -> {
                        // only its presence is kept
                    }
                }
            }
        }
        return new ClientHello(legacyVersion, sni, versions, suites, groups, schemes, alpn, mfl, recordSizeLimit,
                keyShares, new Ids(extensionIds, extensionCount), reneg, ticket, ems, compressionMethods);
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
        int[] out = new int[4];
        int n = 0;
        while (list.remaining() > 0) {
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = list.u16("key share group");
            list.skip(list.u16("key exchange length"), "key exchange");
        }
        return new Ids(out, n);
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

        /** The next {@code n} bytes as a list of 16-bit ids. */
        Ids u16List(int n, String field) throws FormatException {
            need(n, field);
            if (n % 2 != 0) {
                throw new FormatException("client hello: " + field + " has an odd length " + n);
            }
            int[] out = new int[n / 2];
            for (int i = 0; i < out.length; i++) {
                out[i] = (b[pos] & 0xff) << 8 | b[pos + 1] & 0xff;
                pos += 2;
            }
            return new Ids(out, out.length);
        }

        void need(int n, String field) throws FormatException {
            if (n < 0 || end - pos < n) {
                throw new FormatException("client hello: " + field + " needs " + n + " bytes, "
                        + Math.max(0, end - pos) + " left in " + what);
            }
        }
    }
}
