package dev.iotjwt.material;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyDescriber;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyRead;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;

import java.nio.file.Path;
import java.util.List;

/**
 * What a key file holds, item by item. A key IoT Core refuses (a type or curve it does not take), or an encrypted key
 * whose password was not given, is still described; every other reading error stands.
 */
public final class KeyInspector {
    /**
     * @param items           every key or certificate of the file, in order
     * @param holdsPrivateKey whether the file holds a private key (encrypted or not): a secret
     */
    public record Inspection(List<KeyFacts> items, boolean holdsPrivateKey) {
    }

    /** Reads the file once and describes what it holds. */
    public Inspection inspect(Path file, PasswordSource passwords) throws InputException {
        KeyRead read = new KeyReader().read(file, passwords);
        if (read instanceof KeyRead.Refused refused) {
            List<KeyDescriber.Description> described = refused.describe();
            if (described == null) {
                throw refused.failure();
            }
            return new Inspection(described.stream().map(KeyFacts::of).toList(),
                    described.stream().anyMatch(d -> d.kind() == KeyMaterial.Kind.PRIVATE_KEY));
        }
        List<KeyMaterial> items = read.usable();
        return new Inspection(items.stream().map(KeyFacts::of).toList(),
                items.stream().anyMatch(m -> m.privateKey() != null));
    }
}
