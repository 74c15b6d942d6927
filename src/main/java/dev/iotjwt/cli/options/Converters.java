package dev.iotjwt.cli.options;

import dev.iotjwt.broker.tls.TlsNames;
import dev.iotjwt.connect.Profile;
import dev.iotjwt.time.Times;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Option value converters with messages that say what is accepted. */
public final class Converters {
    private Converters() {
    }

    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Times.parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    public static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Times.parseInstant(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * {@code --tls-version}: 1.2, tls1.2, TLSv1.2, tlsv1_2 … in any case, to the JSSE name. TLS 1.0 and 1.1 stay
     * accepted (a device may offer only those; the JDK disables them by default and the diagnosis says so).
     */
    public static final class TlsVersionConverter implements ITypeConverter<String> {
        private static final Pattern VERSION = Pattern.compile("(?:tls)?v?1(?:[._]([0-3]))?");

        @Override
        public String convert(String value) {
            Matcher m = VERSION.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a TLS version: give 1.2 or 1.3 (also"
                        + " written TLSv1.2, tls1.3, tlsv1_2; 1.0 and 1.1 for old devices)");
            }
            String minor = m.group(1);
            return minor == null || minor.equals("0") ? "TLSv1" : "TLSv1." + minor;
        }
    }

    /** {@code --cipher}: an IANA, OpenSSL or JDK ({@code SSL_…}) suite name, to the IANA name the JDK takes. */
    public static final class CipherConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String v = value.strip();
            for (String candidate : List.of(v, v.toUpperCase(Locale.ROOT))) {
                if (TlsNames.suiteId(candidate) >= 0) {
                    return TlsNames.ianaSuite(candidate);
                }
            }
            throw new TypeConversionException("'" + value + "' is not a cipher suite" + didYouMean(v,
                    TlsNames.suiteNames()) + " (IANA names such as TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, or"
                    + " OpenSSL's)");
        }
    }

    /** {@code --group}: a named group by IANA name or common alias (P-256, prime256v1, X25519), to the IANA name. */
    public static final class GroupConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            int id = TlsNames.groupId(value.strip());
            if (id >= 0) {
                return TlsNames.group(id);
            }
            throw new TypeConversionException("'" + value + "' is not a named group" + didYouMean(value.strip(),
                    TlsNames.groupNames()) + " (e.g. secp256r1, x25519)");
        }
    }

    /** {@code --signature-scheme}: an IANA signature scheme name in any case, to the IANA name. */
    public static final class SignatureSchemeConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            Collection<String> known = TlsNames.signatureSchemeNames();
            for (String k : known) {
                if (k.equalsIgnoreCase(value.strip())) {
                    return k;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a signature scheme" + didYouMean(value.strip(),
                    known) + " (e.g. ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256)");
        }
    }

    /** {@code --port} of a server to dial: 1 to 65535. */
    public static final class PortConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return port(value, 1);
        }
    }

    /** {@code --port} to listen on: 0 (a free one) to 65535. */
    public static final class ListenPortConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return port(value, 0);
        }
    }

    private static int port(String value, int lowest) {
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= lowest && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below, with what is accepted
        }
        throw new TypeConversionException("'" + value + "' is not a TCP port (" + lowest + " to 65535)");
    }

    /** {@code --profile}: google, google-lts, clearblade or local. */
    public static final class ProfileConverter implements ITypeConverter<Profile> {
        @Override
        public Profile convert(String value) {
            try {
                return Profile.byName(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not one of google, google-lts, clearblade,"
                        + " local");
            }
        }
    }

    /** ": did you mean X?" for the known name closest to {@code value} (case ignored), or "" when none is close. */
    public static String didYouMean(String value, Collection<String> known) {
        String v = value.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = editDistance(v, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best == null || bestDistance > Math.max(3, v.length() / 3) ? "" : ": did you mean " + best + "?";
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
