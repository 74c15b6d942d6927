package dev.iotjwt.connect;

import java.util.List;

/** The bridges devices in the field still carry: host, port and the roots to trust (bundles shipped in the jar). */
public enum Profile {
    google("mqtt.googleapis.com", 8883, List.of("roots.pem")),
    google_lts("mqtt.2030.ltsapis.goog", 8883, List.of("gcp-iot-lts-minimal-roots.pem")),
    clearblade("{region}-mqtt.clearblade.com", 8883, List.of("DigiCertGlobalRootCA.pem")),
    local("127.0.0.1", 8883, List.of());

    private final String host;
    private final int port;
    private final List<String> roots;

    Profile(String host, int port, List<String> roots) {
        this.host = host;
        this.port = port;
        this.roots = roots;
    }

    /** The name users type: google, google-lts, clearblade, local. */
    /**
     * The local broker's state folder: {@code $IOTJWT_HOME/broker}, by default {@code ~/.iotjwt/broker}. Its
     * {@code ca.pem} is the local profile's root.
     */
    public static java.nio.file.Path localStateDir(java.util.Map<String, String> env) {
        String home = env.get("IOTJWT_HOME");
        java.nio.file.Path base = home != null && !home.isBlank() ? java.nio.file.Path.of(home)
                : java.nio.file.Path.of(System.getProperty("user.home"), ".iotjwt");
        return base.resolve("broker");
    }

    public String cliName() {
        return name().replace('_', '-');
    }

    public static Profile byName(String name) {
        return valueOf(name.replace('-', '_'));
    }

    public String host(String region) {
        return host.replace("{region}", region == null ? "us-central1" : region);
    }

    public int port() {
        return port;
    }

    public List<String> roots() {
        return roots;
    }
}
