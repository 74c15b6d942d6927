package dev.iotjwt.material;

import dev.iotjwt.InputException;
import dev.iotjwt.Messages;
import dev.iotjwt.keys.Fingerprints;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.List;

/**
 * Whether a private key belongs to a public key: proven by a signature made with the one and verified with the other
 * (a stored public half can lie; a signature cannot).
 */
public final class KeyMatcher {
    /**
     * @param matches        whether a signature of the private key verifies with the public key
     * @param privateKey     the private key's file and type
     * @param other          the other file and what it is
     * @param privateKeyHash SHA-256 of the public half of the private key
     * @param otherHash      SHA-256 of the other's public key
     * @param detail         one line saying so
     */
    public record Match(boolean matches, String privateKey, String other, String privateKeyHash, String otherHash,
                        String detail) {
    }

    /**
     * The match of two files.
     *
     * @param match          what the signature showed
     * @param privateKeyFile the file that held the private key (either of the two may): a secret
     */
    public record FileMatch(Match match, Path privateKeyFile) {
    }

    /**
     * Reads both files and matches the private key of one with the public key or certificate of the other. The files
     * may come in either order when only one holds a private key; when both do, {@code key}'s is taken.
     */
    public FileMatch match(Path key, Path other, PasswordSource passwords) throws InputException {
        KeyReader reader = new KeyReader();
        List<KeyMaterial> first = reader.read(key, passwords).usable();
        List<KeyMaterial> second = reader.read(other, passwords).usable();
        Path privateFile = key;
        Path otherFile = other;
        if (privateKeyOf(first) == null && privateKeyOf(second) != null) {
            // one private key and one public key or certificate: the order is not in doubt
            List<KeyMaterial> t = first;
            first = second;
            second = t;
            privateFile = other;
            otherFile = key;
        }
        KeyMaterial priv = privateKeyOf(first);
        if (priv == null) {
            throw new InputException(key + ": is " + Messages.article(first.get(0).describe()) + ", not a private"
                    + " key, and " + other + " holds no private key either", "the order is: iotjwt key match PRIVATE_KEY"
                    + " PUBLIC_KEY_OR_CERT");
        }
        KeyMaterial pub = KeyReader.publicOf(second, otherFile);
        return new FileMatch(match(priv, pub), privateFile);
    }

    private static KeyMaterial privateKeyOf(List<KeyMaterial> items) {
        return items.stream().filter(i -> i.kind() == KeyMaterial.Kind.PRIVATE_KEY).findFirst().orElse(null);
    }

    public Match match(KeyMaterial priv, KeyMaterial other) {
        PublicKey mine = priv.publicHalf();
        PublicKey theirs = other.publicHalf();
        String a = mine == null ? null : Fingerprints.sha256(mine);
        String b = Fingerprints.sha256(theirs);
        boolean sameType = priv.type().algorithm().equals(other.type().algorithm());
        boolean verified = sameType && signsFor(priv, theirs);
        String what = KeyMaterialNames.describe(other);
        String detail = verified
                ? priv.source() + " (" + priv.type().describe() + " private key) belongs to " + other.source() + " ("
                + what + "); public key SHA-256 " + b
                : !sameType ? priv.source() + " is " + Messages.article(priv.type().describe()
                + " private key") + " but " + other.source() + " holds " + Messages.article(what)
                : "a signature made with " + priv.source() + " does not verify with " + other.source() + " (" + what
                + "): public key SHA-256 " + a + " vs " + b;
        return new Match(verified, priv.source(), other.source(), a, b, detail);
    }

    private static boolean signsFor(KeyMaterial priv, PublicKey pub) {
        String alg = priv.type().isRsa() ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            byte[] challenge = ("iotjwt key match " + new SecureRandom().nextLong())
                    .getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(priv.privateKey());
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(challenge);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Short descriptions of what a file held. */
    private static final class KeyMaterialNames {
        static String describe(KeyMaterial m) {
            return m.kind() == KeyMaterial.Kind.CERTIFICATE ? "certificate of " + m.type().describe() + " key"
                    : m.type().describe() + " " + m.kind().text();
        }
    }
}
