package dev.iotjwt.broker.tls;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * IANA names for what a ClientHello carries: protocol versions, cipher suites, key-exchange groups, signature
 * schemes, alerts and extensions; GREASE values (RFC 8701) show as {@code GREASE}, unknown ids as {@code 0xNNNN}.
 * Also translates cipher suite names between IANA (what the JDK engine takes) and OpenSSL (what BoringSSL and
 * OpenSSL contexts take for TLS 1.2; TLS 1.3 suites have the same name in both).
 *
 * <p>The suite table covers everything OpenSSL 3.0 lists for {@code ALL:COMPLEMENTOFALL} (generated from
 * {@code openssl ciphers -V -stdname}) plus the legacy RC4/3DES suites, the TLS 1.3 CCM suites, SM4 and the two
 * signalling values: a superset of what BoringSSL, mbedTLS, wolfSSL and the JDK offer in common builds.
 */
public final class TlsNames {
    private static final Map<Integer, String> SUITES = new HashMap<>();
    private static final Map<String, String> IANA_TO_OPENSSL = new HashMap<>();
    private static final Map<String, String> OPENSSL_TO_IANA = new HashMap<>();
    private static final Map<String, Integer> SUITE_IDS = new HashMap<>();
    private static final Map<Integer, String> GROUPS = new HashMap<>();
    private static final Map<String, Integer> GROUP_IDS = new HashMap<>();
    private static final Map<Integer, String> SCHEMES = new HashMap<>();
    private static final Map<Integer, String> ALERTS = new HashMap<>();
    private static final Map<Integer, String> EXTENSIONS = new HashMap<>();

    private TlsNames() {
    }

    /** GREASE (RFC 8701): 0x0A0A, 0x1A1A … 0xFAFA, used for suites, groups, versions, extensions. */
    public static boolean isGrease(int id) {
        return (id & 0x0f0f) == 0x0a0a && (id >> 8) == (id & 0xff);
    }

    /** "TLSv1.2", "TLSv1.3" (the JSSE names), "SSLv3", "TLSv1.3-draft23", GREASE or 0xNNNN. */
    public static String version(int id) {
        if (isGrease(id)) {
            return "GREASE";
        }
        return switch (id) {
            case 0x0002 -> "SSLv2";
            case 0x0300 -> "SSLv3";
            case 0x0301 -> "TLSv1";
            case 0x0302 -> "TLSv1.1";
            case 0x0303 -> "TLSv1.2";
            case 0x0304 -> "TLSv1.3";
            case 0xfeff -> "DTLSv1.0";
            case 0xfefd -> "DTLSv1.2";
            case 0xfefc -> "DTLSv1.3";
            default -> (id & 0xff00) == 0x7f00 ? "TLSv1.3-draft" + (id & 0xff) : hex(id);
        };
    }

    /** The version id of a JSSE protocol name ("TLSv1.2" → 0x0303), or -1. */
    public static int versionId(String name) {
        return switch (name) {
            case "SSLv3" -> 0x0300;
            case "TLSv1" -> 0x0301;
            case "TLSv1.1" -> 0x0302;
            case "TLSv1.2" -> 0x0303;
            case "TLSv1.3" -> 0x0304;
            default -> -1;
        };
    }

    /** The IANA name of a cipher suite, GREASE, or 0xNNNN. */
    public static String suite(int id) {
        if (isGrease(id)) {
            return "GREASE";
        }
        String n = SUITES.get(id);
        return n != null ? n : hex(id);
    }

    /** The id of a suite given by IANA or OpenSSL name (or the JDK's SSL_ spelling), or -1. */
    public static int suiteId(String name) {
        String iana = ianaSuite(name);
        Integer id = SUITE_IDS.get(iana);
        return id == null ? -1 : id;
    }

    /**
     * The IANA name of a suite given by IANA, OpenSSL or JDK ({@code SSL_…}) name; an unknown name comes back
     * unchanged.
     */
    public static String ianaSuite(String name) {
        if (SUITE_IDS.containsKey(name)) {
            return name;
        }
        String iana = OPENSSL_TO_IANA.get(name);
        if (iana != null) {
            return iana;
        }
        if (name.startsWith("SSL_") && SUITE_IDS.containsKey("TLS_" + name.substring(4))) {
            return "TLS_" + name.substring(4);
        }
        return name;
    }

    /**
     * The OpenSSL name of a suite given by IANA name (TLS 1.3 suites keep theirs); a name OpenSSL has no name for,
     * or an unknown one, comes back unchanged.
     */
    public static String openSslSuite(String iana) {
        String o = IANA_TO_OPENSSL.get(ianaSuite(iana));
        return o != null ? o : iana;
    }

    /** True for the TLS 1.3 suites (0x13xx). */
    public static boolean isTls13Suite(String name) {
        int id = suiteId(name);
        return id >= 0x1301 && id <= 0x13ff;
    }

    /** The IANA name of a named group (secp256r1, x25519, X25519MLKEM768, ffdhe2048 …), GREASE, or 0xNNNN. */
    public static String group(int id) {
        if (isGrease(id)) {
            return "GREASE";
        }
        String n = GROUPS.get(id);
        return n != null ? n : hex(id);
    }

    /**
     * The id of a group given by IANA name or a common alias (P-256, prime256v1, X25519, x25519_mlkem768, …), or
     * -1.
     */
    public static int groupId(String name) {
        Integer id = GROUP_IDS.get(name.toLowerCase(Locale.ROOT));
        return id == null ? -1 : id;
    }

    /** The name OpenSSL and BoringSSL take for a group in a groups list (P-256, X25519, X25519MLKEM768 …). */
    public static String openSslGroup(String name) {
        int id = groupId(name);
        return switch (id) {
            case 0x0017 -> "P-256";
            case 0x0018 -> "P-384";
            case 0x0019 -> "P-521";
            case 0x001d -> "X25519";
            case 0x001e -> "X448";
            default -> id < 0 ? name : group(id);
        };
    }

    /** The IANA name of a signature scheme (ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256 …), GREASE, or 0xNNNN. */
    /** Every suite name of the table (IANA). */
    public static java.util.Collection<String> suiteNames() {
        return java.util.Collections.unmodifiableCollection(SUITES.values());
    }

    /** Every group name of the table (IANA). */
    public static java.util.Collection<String> groupNames() {
        return java.util.Collections.unmodifiableCollection(GROUPS.values());
    }

    /** Every signature scheme name of the table (IANA). */
    public static java.util.Collection<String> signatureSchemeNames() {
        return java.util.Collections.unmodifiableCollection(SCHEMES.values());
    }

    public static String signatureScheme(int id) {
        if (isGrease(id)) {
            return "GREASE";
        }
        String n = SCHEMES.get(id);
        return n != null ? n : hex(id);
    }

    /** The RFC 8446 name of an alert description (unknown_ca, handshake_failure …), or "alert N". */
    public static String alert(int description) {
        String n = ALERTS.get(description);
        return n != null ? n : "alert " + description;
    }

    /** The id of an alert given by its RFC name, or -1. */
    public static int alertId(String name) {
        for (Map.Entry<Integer, String> e : ALERTS.entrySet()) {
            if (e.getValue().equalsIgnoreCase(name)) {
                return e.getKey();
            }
        }
        return -1;
    }

    /** The name of an extension type (server_name, supported_groups …), GREASE, or 0xNNNN. */
    public static String extension(int id) {
        if (isGrease(id)) {
            return "GREASE";
        }
        String n = EXTENSIONS.get(id);
        return n != null ? n : hex(id);
    }

    /** Names for a list of ids, with the given naming function. */
    public static List<String> names(List<Integer> ids, java.util.function.IntFunction<String> naming) {
        List<String> out = new ArrayList<>(ids.size());
        for (int id : ids) {
            out.add(naming.apply(id));
        }
        return Collections.unmodifiableList(out);
    }

    /** {@code 0xNNNN}. */
    public static String hex(int id) {
        return String.format("0x%04X", id);
    }

    private static void s(int id, String iana, String openSsl) {
        SUITES.put(id, iana);
        SUITE_IDS.put(iana, id);
        if (openSsl != null) {
            IANA_TO_OPENSSL.put(iana, openSsl);
            OPENSSL_TO_IANA.put(openSsl, iana);
        }
    }

    private static void g(int id, String name, String... aliases) {
        GROUPS.put(id, name);
        GROUP_IDS.put(name.toLowerCase(Locale.ROOT), id);
        for (String a : aliases) {
            GROUP_IDS.put(a.toLowerCase(Locale.ROOT), id);
        }
    }

    static {
        s(0x0001, "TLS_RSA_WITH_NULL_MD5", "NULL-MD5");
        s(0x0002, "TLS_RSA_WITH_NULL_SHA", "NULL-SHA");
        s(0x0004, "TLS_RSA_WITH_RC4_128_MD5", "RC4-MD5");
        s(0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA");
        s(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA");
        s(0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", "DHE-DSS-DES-CBC3-SHA");
        s(0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "DHE-RSA-DES-CBC3-SHA");
        s(0x002C, "TLS_PSK_WITH_NULL_SHA", "PSK-NULL-SHA");
        s(0x002D, "TLS_DHE_PSK_WITH_NULL_SHA", "DHE-PSK-NULL-SHA");
        s(0x002E, "TLS_RSA_PSK_WITH_NULL_SHA", "RSA-PSK-NULL-SHA");
        s(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA");
        s(0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "DHE-DSS-AES128-SHA");
        s(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA");
        s(0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", "ADH-AES128-SHA");
        s(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA");
        s(0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "DHE-DSS-AES256-SHA");
        s(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA");
        s(0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA", "ADH-AES256-SHA");
        s(0x003B, "TLS_RSA_WITH_NULL_SHA256", "NULL-SHA256");
        s(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256");
        s(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256");
        s(0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "DHE-DSS-AES128-SHA256");
        s(0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", "CAMELLIA128-SHA");
        s(0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", "DHE-DSS-CAMELLIA128-SHA");
        s(0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", "DHE-RSA-CAMELLIA128-SHA");
        s(0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", "ADH-CAMELLIA128-SHA");
        s(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256");
        s(0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "DHE-DSS-AES256-SHA256");
        s(0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256");
        s(0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", "ADH-AES128-SHA256");
        s(0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", "ADH-AES256-SHA256");
        s(0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", "CAMELLIA256-SHA");
        s(0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", "DHE-DSS-CAMELLIA256-SHA");
        s(0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", "DHE-RSA-CAMELLIA256-SHA");
        s(0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", "ADH-CAMELLIA256-SHA");
        s(0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA", "PSK-AES128-CBC-SHA");
        s(0x008D, "TLS_PSK_WITH_AES_256_CBC_SHA", "PSK-AES256-CBC-SHA");
        s(0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", "DHE-PSK-AES128-CBC-SHA");
        s(0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA", "DHE-PSK-AES256-CBC-SHA");
        s(0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA", "RSA-PSK-AES128-CBC-SHA");
        s(0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA", "RSA-PSK-AES256-CBC-SHA");
        s(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256");
        s(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384");
        s(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256");
        s(0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384");
        s(0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "DHE-DSS-AES128-GCM-SHA256");
        s(0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", "DHE-DSS-AES256-GCM-SHA384");
        s(0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "ADH-AES128-GCM-SHA256");
        s(0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "ADH-AES256-GCM-SHA384");
        s(0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK-AES128-GCM-SHA256");
        s(0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384", "PSK-AES256-GCM-SHA384");
        s(0x00AA, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "DHE-PSK-AES128-GCM-SHA256");
        s(0x00AB, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", "DHE-PSK-AES256-GCM-SHA384");
        s(0x00AC, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", "RSA-PSK-AES128-GCM-SHA256");
        s(0x00AD, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384", "RSA-PSK-AES256-GCM-SHA384");
        s(0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256", "PSK-AES128-CBC-SHA256");
        s(0x00AF, "TLS_PSK_WITH_AES_256_CBC_SHA384", "PSK-AES256-CBC-SHA384");
        s(0x00B0, "TLS_PSK_WITH_NULL_SHA256", "PSK-NULL-SHA256");
        s(0x00B1, "TLS_PSK_WITH_NULL_SHA384", "PSK-NULL-SHA384");
        s(0x00B2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", "DHE-PSK-AES128-CBC-SHA256");
        s(0x00B3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", "DHE-PSK-AES256-CBC-SHA384");
        s(0x00B4, "TLS_DHE_PSK_WITH_NULL_SHA256", "DHE-PSK-NULL-SHA256");
        s(0x00B5, "TLS_DHE_PSK_WITH_NULL_SHA384", "DHE-PSK-NULL-SHA384");
        s(0x00B6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", "RSA-PSK-AES128-CBC-SHA256");
        s(0x00B7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384", "RSA-PSK-AES256-CBC-SHA384");
        s(0x00B8, "TLS_RSA_PSK_WITH_NULL_SHA256", "RSA-PSK-NULL-SHA256");
        s(0x00B9, "TLS_RSA_PSK_WITH_NULL_SHA384", "RSA-PSK-NULL-SHA384");
        s(0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", "CAMELLIA128-SHA256");
        s(0x00BD, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", "DHE-DSS-CAMELLIA128-SHA256");
        s(0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "DHE-RSA-CAMELLIA128-SHA256");
        s(0x00BF, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", "ADH-CAMELLIA128-SHA256");
        s(0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", "CAMELLIA256-SHA256");
        s(0x00C3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", "DHE-DSS-CAMELLIA256-SHA256");
        s(0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", "DHE-RSA-CAMELLIA256-SHA256");
        s(0x00C5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", "ADH-CAMELLIA256-SHA256");
        s(0x00C6, "TLS_SM4_GCM_SM3", null);
        s(0x00C7, "TLS_SM4_CCM_SM3", null);
        s(0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", null);
        s(0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256");
        s(0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384");
        s(0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256");
        s(0x1304, "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_SHA256");
        s(0x1305, "TLS_AES_128_CCM_8_SHA256", "TLS_AES_128_CCM_8_SHA256");
        s(0x5600, "TLS_FALLBACK_SCSV", null);
        s(0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", "ECDHE-ECDSA-NULL-SHA");
        s(0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA");
        s(0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-ECDSA-DES-CBC3-SHA");
        s(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA");
        s(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA");
        s(0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", "ECDHE-RSA-NULL-SHA");
        s(0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA");
        s(0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA");
        s(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA");
        s(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA");
        s(0xC015, "TLS_ECDH_anon_WITH_NULL_SHA", "AECDH-NULL-SHA");
        s(0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "AECDH-AES128-SHA");
        s(0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", "AECDH-AES256-SHA");
        s(0xC01D, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA", "SRP-AES-128-CBC-SHA");
        s(0xC01E, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", "SRP-RSA-AES-128-CBC-SHA");
        s(0xC01F, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", "SRP-DSS-AES-128-CBC-SHA");
        s(0xC020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA", "SRP-AES-256-CBC-SHA");
        s(0xC021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA", "SRP-RSA-AES-256-CBC-SHA");
        s(0xC022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA", "SRP-DSS-AES-256-CBC-SHA");
        s(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256");
        s(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384");
        s(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256");
        s(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384");
        s(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256");
        s(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384");
        s(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256");
        s(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384");
        s(0xC035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", "ECDHE-PSK-AES128-CBC-SHA");
        s(0xC036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", "ECDHE-PSK-AES256-CBC-SHA");
        s(0xC037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", "ECDHE-PSK-AES128-CBC-SHA256");
        s(0xC038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", "ECDHE-PSK-AES256-CBC-SHA384");
        s(0xC039, "TLS_ECDHE_PSK_WITH_NULL_SHA", "ECDHE-PSK-NULL-SHA");
        s(0xC03A, "TLS_ECDHE_PSK_WITH_NULL_SHA256", "ECDHE-PSK-NULL-SHA256");
        s(0xC03B, "TLS_ECDHE_PSK_WITH_NULL_SHA384", "ECDHE-PSK-NULL-SHA384");
        s(0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", "ARIA128-GCM-SHA256");
        s(0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", "ARIA256-GCM-SHA384");
        s(0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", "DHE-RSA-ARIA128-GCM-SHA256");
        s(0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", "DHE-RSA-ARIA256-GCM-SHA384");
        s(0xC056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", "DHE-DSS-ARIA128-GCM-SHA256");
        s(0xC057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", "DHE-DSS-ARIA256-GCM-SHA384");
        s(0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", "ECDHE-ECDSA-ARIA128-GCM-SHA256");
        s(0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", "ECDHE-ECDSA-ARIA256-GCM-SHA384");
        s(0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", "ECDHE-ARIA128-GCM-SHA256");
        s(0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", "ECDHE-ARIA256-GCM-SHA384");
        s(0xC06A, "TLS_PSK_WITH_ARIA_128_GCM_SHA256", "PSK-ARIA128-GCM-SHA256");
        s(0xC06B, "TLS_PSK_WITH_ARIA_256_GCM_SHA384", "PSK-ARIA256-GCM-SHA384");
        s(0xC06C, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256", "DHE-PSK-ARIA128-GCM-SHA256");
        s(0xC06D, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384", "DHE-PSK-ARIA256-GCM-SHA384");
        s(0xC06E, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256", "RSA-PSK-ARIA128-GCM-SHA256");
        s(0xC06F, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384", "RSA-PSK-ARIA256-GCM-SHA384");
        s(0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-ECDSA-CAMELLIA128-SHA256");
        s(0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-ECDSA-CAMELLIA256-SHA384");
        s(0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-RSA-CAMELLIA128-SHA256");
        s(0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-RSA-CAMELLIA256-SHA384");
        s(0xC094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256", "PSK-CAMELLIA128-SHA256");
        s(0xC095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384", "PSK-CAMELLIA256-SHA384");
        s(0xC096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", "DHE-PSK-CAMELLIA128-SHA256");
        s(0xC097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", "DHE-PSK-CAMELLIA256-SHA384");
        s(0xC098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256", "RSA-PSK-CAMELLIA128-SHA256");
        s(0xC099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384", "RSA-PSK-CAMELLIA256-SHA384");
        s(0xC09A, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-PSK-CAMELLIA128-SHA256");
        s(0xC09B, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-PSK-CAMELLIA256-SHA384");
        s(0xC09C, "TLS_RSA_WITH_AES_128_CCM", "AES128-CCM");
        s(0xC09D, "TLS_RSA_WITH_AES_256_CCM", "AES256-CCM");
        s(0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM", "DHE-RSA-AES128-CCM");
        s(0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM", "DHE-RSA-AES256-CCM");
        s(0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8", "AES128-CCM8");
        s(0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8", "AES256-CCM8");
        s(0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", "DHE-RSA-AES128-CCM8");
        s(0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", "DHE-RSA-AES256-CCM8");
        s(0xC0A4, "TLS_PSK_WITH_AES_128_CCM", "PSK-AES128-CCM");
        s(0xC0A5, "TLS_PSK_WITH_AES_256_CCM", "PSK-AES256-CCM");
        s(0xC0A6, "TLS_DHE_PSK_WITH_AES_128_CCM", "DHE-PSK-AES128-CCM");
        s(0xC0A7, "TLS_DHE_PSK_WITH_AES_256_CCM", "DHE-PSK-AES256-CCM");
        s(0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8", "PSK-AES128-CCM8");
        s(0xC0A9, "TLS_PSK_WITH_AES_256_CCM_8", "PSK-AES256-CCM8");
        s(0xC0AA, "TLS_PSK_DHE_WITH_AES_128_CCM_8", "DHE-PSK-AES128-CCM8");
        s(0xC0AB, "TLS_PSK_DHE_WITH_AES_256_CCM_8", "DHE-PSK-AES256-CCM8");
        s(0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "ECDHE-ECDSA-AES128-CCM");
        s(0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", "ECDHE-ECDSA-AES256-CCM");
        s(0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "ECDHE-ECDSA-AES128-CCM8");
        s(0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", "ECDHE-ECDSA-AES256-CCM8");
        s(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305");
        s(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305");
        s(0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305");
        s(0xCCAB, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", "PSK-CHACHA20-POLY1305");
        s(0xCCAC, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-PSK-CHACHA20-POLY1305");
        s(0xCCAD, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "DHE-PSK-CHACHA20-POLY1305");
        s(0xCCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", "RSA-PSK-CHACHA20-POLY1305");

        g(0x0001, "sect163k1");
        g(0x0002, "sect163r1");
        g(0x0003, "sect163r2");
        g(0x0004, "sect193r1");
        g(0x0005, "sect193r2");
        g(0x0006, "sect233k1");
        g(0x0007, "sect233r1");
        g(0x0008, "sect239k1");
        g(0x0009, "sect283k1");
        g(0x000a, "sect283r1");
        g(0x000b, "sect409k1");
        g(0x000c, "sect409r1");
        g(0x000d, "sect571k1");
        g(0x000e, "sect571r1");
        g(0x000f, "secp160k1");
        g(0x0010, "secp160r1");
        g(0x0011, "secp160r2");
        g(0x0012, "secp192k1");
        g(0x0013, "secp192r1", "P-192", "prime192v1");
        g(0x0014, "secp224k1");
        g(0x0015, "secp224r1", "P-224");
        g(0x0016, "secp256k1");
        g(0x0017, "secp256r1", "P-256", "prime256v1");
        g(0x0018, "secp384r1", "P-384");
        g(0x0019, "secp521r1", "P-521");
        g(0x001a, "brainpoolP256r1");
        g(0x001b, "brainpoolP384r1");
        g(0x001c, "brainpoolP512r1");
        g(0x001d, "x25519");
        g(0x001e, "x448");
        g(0x001f, "brainpoolP256r1tls13");
        g(0x0020, "brainpoolP384r1tls13");
        g(0x0021, "brainpoolP512r1tls13");
        g(0x0029, "curveSM2", "SM2");
        g(0x0100, "ffdhe2048");
        g(0x0101, "ffdhe3072");
        g(0x0102, "ffdhe4096");
        g(0x0103, "ffdhe6144");
        g(0x0104, "ffdhe8192");
        g(0x0200, "MLKEM512");
        g(0x0201, "MLKEM768");
        g(0x0202, "MLKEM1024");
        g(0x11eb, "SecP256r1MLKEM768");
        g(0x11ec, "X25519MLKEM768", "x25519_mlkem768");
        g(0x11ed, "SecP384r1MLKEM1024");
        g(0x6399, "X25519Kyber768Draft00", "x25519_kyber768");
        g(0x639a, "SecP256r1Kyber768Draft00");
        g(0xff01, "arbitrary_explicit_prime_curves");
        g(0xff02, "arbitrary_explicit_char2_curves");

        SCHEMES.put(0x0101, "rsa_md5");
        SCHEMES.put(0x0201, "rsa_pkcs1_sha1");
        SCHEMES.put(0x0202, "dsa_sha1");
        SCHEMES.put(0x0203, "ecdsa_sha1");
        SCHEMES.put(0x0301, "rsa_sha224");
        SCHEMES.put(0x0302, "dsa_sha224");
        SCHEMES.put(0x0303, "ecdsa_sha224");
        SCHEMES.put(0x0401, "rsa_pkcs1_sha256");
        SCHEMES.put(0x0402, "dsa_sha256");
        SCHEMES.put(0x0403, "ecdsa_secp256r1_sha256");
        SCHEMES.put(0x0420, "rsa_pkcs1_sha256_legacy");
        SCHEMES.put(0x0501, "rsa_pkcs1_sha384");
        SCHEMES.put(0x0502, "dsa_sha384");
        SCHEMES.put(0x0503, "ecdsa_secp384r1_sha384");
        SCHEMES.put(0x0601, "rsa_pkcs1_sha512");
        SCHEMES.put(0x0602, "dsa_sha512");
        SCHEMES.put(0x0603, "ecdsa_secp521r1_sha512");
        SCHEMES.put(0x0708, "sm2sig_sm3");
        SCHEMES.put(0x0804, "rsa_pss_rsae_sha256");
        SCHEMES.put(0x0805, "rsa_pss_rsae_sha384");
        SCHEMES.put(0x0806, "rsa_pss_rsae_sha512");
        SCHEMES.put(0x0807, "ed25519");
        SCHEMES.put(0x0808, "ed448");
        SCHEMES.put(0x0809, "rsa_pss_pss_sha256");
        SCHEMES.put(0x080a, "rsa_pss_pss_sha384");
        SCHEMES.put(0x080b, "rsa_pss_pss_sha512");
        SCHEMES.put(0x081a, "ecdsa_brainpoolP256r1tls13_sha256");
        SCHEMES.put(0x081b, "ecdsa_brainpoolP384r1tls13_sha384");
        SCHEMES.put(0x081c, "ecdsa_brainpoolP512r1tls13_sha512");
        SCHEMES.put(0x0904, "mldsa44");
        SCHEMES.put(0x0905, "mldsa65");
        SCHEMES.put(0x0906, "mldsa87");

        ALERTS.put(0, "close_notify");
        ALERTS.put(10, "unexpected_message");
        ALERTS.put(20, "bad_record_mac");
        ALERTS.put(21, "decryption_failed");
        ALERTS.put(22, "record_overflow");
        ALERTS.put(30, "decompression_failure");
        ALERTS.put(40, "handshake_failure");
        ALERTS.put(41, "no_certificate");
        ALERTS.put(42, "bad_certificate");
        ALERTS.put(43, "unsupported_certificate");
        ALERTS.put(44, "certificate_revoked");
        ALERTS.put(45, "certificate_expired");
        ALERTS.put(46, "certificate_unknown");
        ALERTS.put(47, "illegal_parameter");
        ALERTS.put(48, "unknown_ca");
        ALERTS.put(49, "access_denied");
        ALERTS.put(50, "decode_error");
        ALERTS.put(51, "decrypt_error");
        ALERTS.put(60, "export_restriction");
        ALERTS.put(70, "protocol_version");
        ALERTS.put(71, "insufficient_security");
        ALERTS.put(80, "internal_error");
        ALERTS.put(86, "inappropriate_fallback");
        ALERTS.put(90, "user_canceled");
        ALERTS.put(100, "no_renegotiation");
        ALERTS.put(109, "missing_extension");
        ALERTS.put(110, "unsupported_extension");
        ALERTS.put(111, "certificate_unobtainable");
        ALERTS.put(112, "unrecognized_name");
        ALERTS.put(113, "bad_certificate_status_response");
        ALERTS.put(114, "bad_certificate_hash_value");
        ALERTS.put(115, "unknown_psk_identity");
        ALERTS.put(116, "certificate_required");
        ALERTS.put(120, "no_application_protocol");

        EXTENSIONS.put(0, "server_name");
        EXTENSIONS.put(1, "max_fragment_length");
        EXTENSIONS.put(5, "status_request");
        EXTENSIONS.put(10, "supported_groups");
        EXTENSIONS.put(11, "ec_point_formats");
        EXTENSIONS.put(13, "signature_algorithms");
        EXTENSIONS.put(15, "heartbeat");
        EXTENSIONS.put(16, "application_layer_protocol_negotiation");
        EXTENSIONS.put(17, "status_request_v2");
        EXTENSIONS.put(18, "signed_certificate_timestamp");
        EXTENSIONS.put(21, "padding");
        EXTENSIONS.put(22, "encrypt_then_mac");
        EXTENSIONS.put(23, "extended_master_secret");
        EXTENSIONS.put(27, "compress_certificate");
        EXTENSIONS.put(28, "record_size_limit");
        EXTENSIONS.put(35, "session_ticket");
        EXTENSIONS.put(41, "pre_shared_key");
        EXTENSIONS.put(42, "early_data");
        EXTENSIONS.put(43, "supported_versions");
        EXTENSIONS.put(44, "cookie");
        EXTENSIONS.put(45, "psk_key_exchange_modes");
        EXTENSIONS.put(47, "certificate_authorities");
        EXTENSIONS.put(49, "post_handshake_auth");
        EXTENSIONS.put(50, "signature_algorithms_cert");
        EXTENSIONS.put(51, "key_share");
        EXTENSIONS.put(57, "quic_transport_parameters");
        EXTENSIONS.put(0x4469, "application_settings");
        EXTENSIONS.put(0xfe0d, "encrypted_client_hello");
        EXTENSIONS.put(0xff01, "renegotiation_info");
    }
}
