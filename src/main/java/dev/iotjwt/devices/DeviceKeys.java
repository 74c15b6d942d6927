package dev.iotjwt.devices;

import dev.iotjwt.InputException;
import dev.iotjwt.broker.Registry;

import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The credential a key file registers, and the fingerprint of a credential the API shows. */
public final class DeviceKeys {
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private DeviceKeys() {
    }

    /** A credential's format (ES256_PEM, RSA_PEM, ES256_X509_PEM, RSA_X509_PEM) and PEM text. */
    public record Credential(String format, String pem) {
    }

    /**
     * What {@code file} registers, read as the bridge's {@code --device ID=FILE} reads it: a public key or
     * certificate as it is, a private key by its public half (never sent); the format chosen from the key.
     */
    public static Credential credentialOf(String id, Path file) throws InputException {
        Registry.Credential c;
        try {
            c = Registry.deviceOf(id, file, null).credentials().get(0);
        } catch (InputException e) {
            if (e.hint() == null || !e.hint().startsWith("the broker takes no key password")) {
                throw e;
            }
            // the bridge's hint names its --device; this command's option is --key
            throw new InputException(e.code(), e.getMessage(), "the public half is all a device needs registered:"
                    + " iotjwt key public FILE --out public.pem, then --key public.pem", e);
        }
        return new Credential(c.format(), c.pem());
    }

    /** Whether the file holds a private key (the command warns when others can read it). */
    public static boolean holdsPrivateKey(Path file) {
        return Registry.holdsPrivateKey(file);
    }

    /**
     * The SHA-256 fingerprint (hex) of a credential's public key, as {@code iotjwt key inspect} shows it, or null when
     * the text is no PEM public key or certificate.
     */
    public static String fingerprint(String pem) {
        if (pem == null) {
            return null;
        }
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            return null;
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            return switch (m.group(1)) {
                case "PUBLIC KEY" -> dev.iotjwt.keys.Fingerprints.sha256(der);
                case "CERTIFICATE" -> dev.iotjwt.keys.Fingerprints.sha256(java.security.cert.CertificateFactory
                        .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(der))
                        .getPublicKey());
                default -> null;
            };
        } catch (IllegalArgumentException | java.security.cert.CertificateException e) {
            return null;
        }
    }
}
