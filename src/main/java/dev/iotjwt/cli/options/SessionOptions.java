package dev.iotjwt.cli.options;

import dev.iotjwt.connect.plan.ConnectPlanner;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;

/**
 * What a connected device does: publish, subscribe and wait, or stay connected as a device would, publishing as
 * telemetry. The options that only make sense with another are usage errors without it.
 */
public final class SessionOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--publish", paramLabel = "TEXT", description = "Publish TEXT (QoS 1) after connecting.")
    String publish;

    @Option(names = "--topic", paramLabel = "events|state", defaultValue = "events",
            description = "Where --publish goes (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--subscribe", paramLabel = "config|commands",
            description = "Subscribe (QoS 1) to the device's config or commands and show what arrives.")
    String subscribe;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "2s",
            converter = Converters.DurationConverter.class,
            description = "How long to wait for messages after --subscribe (default: ${DEFAULT-VALUE}).")
    Duration waitFor;

    @Option(names = "--stay", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "Stay connected this long as a device would (needs --key): refresh the token before it"
                    + " expires, reconnect with backoff after a drop, log each event.")
    Duration stay;

    @Option(names = "--publish-every", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "With --stay and --publish: publish again this often, as telemetry; {seq} in the text is"
                    + " the message's number. Messages due while disconnected are kept and sent after reconnecting;"
                    + " any never acknowledged are reported as lost.")
    Duration publishEvery;

    /** The session as data; {@code minting} says whether fresh tokens can be made (--stay needs it). */
    public ConnectPlanner.Session session(boolean minting) {
        var cl = mixee.commandLine();
        Checks.goesWith(cl, "--wait", subscribe != null, "--subscribe");
        Checks.goesWith(cl, "--topic", publish != null, "--publish");
        Checks.positive(cl, "--stay", stay);
        if (stay != null && !minting) {
            throw new ParameterException(cl, "--stay needs --key, to mint fresh tokens as a device does");
        }
        if (publishEvery != null && (stay == null || publish == null)) {
            throw new ParameterException(cl, "--publish-every needs --stay and --publish");
        }
        if (publishEvery != null && publishEvery.toMillis() < 100) {
            throw new ParameterException(cl, "--publish-every must be at least 100ms");
        }
        return new ConnectPlanner.Session(publish, topic, subscribe, waitFor, stay, publishEvery);
    }
}
