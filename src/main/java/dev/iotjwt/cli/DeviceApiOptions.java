package dev.iotjwt.cli;

import com.google.gson.JsonObject;
import dev.iotjwt.InputException;
import dev.iotjwt.connect.Profile;
import dev.iotjwt.devices.ApiEndpoint;
import dev.iotjwt.devices.ApiResult;
import dev.iotjwt.devices.ApiTargets;
import dev.iotjwt.devices.DeviceApiClient;
import picocli.CommandLine.Model.CommandSpec;
import dev.iotjwt.cli.options.Checks;
import dev.iotjwt.cli.options.Converters;
import dev.iotjwt.cli.options.ReportFormat;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * The options every {@code iotjwt device} verb shares: which device manager API (--api, or the local bridge's from
 * its state folder), its token, the bound of a call, the output format; and the one way an answer is printed.
 */
final class DeviceApiOptions {
    @Option(names = "--api", paramLabel = "URL", description = "The registry's URL:"
            + " http(s)://HOST:PORT/v1/projects/P/locations/R/registries/REGISTRY (default: the local bridge's, which"
            + " a bridge started with --api-port writes to its state folder).")
    String api;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Without --api: the state folder of the bridge"
            + " to call (default: $IOTJWT_HOME/broker, ~/.iotjwt/broker, as the bridge's).")
    Path stateDir;

    @Option(names = "--api-token-file", paramLabel = "FILE", description = "Send the file's first line as"
            + " 'Authorization: Bearer TOKEN' (the bridge's --api-token-file).")
    Path tokenFile;

    @Option(names = "--insecure-http", description = "Allow plain http:// to a host other than this machine (the"
            + " token and the devices' data cross the network in the clear).")
    boolean insecureHttp;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = Converters.DurationConverter.class,
            description = "Bound of each API call (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, or json: the API's JSON as it came. Default: ${DEFAULT-VALUE}.")
    ReportFormat format;

    /**
     * One call of the API these options name, printed: the exit code. {@code text} makes the lines people read from
     * the answer's JSON.
     */
    int call(CommandSpec spec, CliContext context, Function<DeviceApiClient, ApiResult> call,
             Function<JsonObject, String> text) throws InputException {
        DeviceApiClient client = client(spec, context);
        return client == null ? ExitCodes.PROBLEM : print(spec, call.apply(client), text);
    }

    /**
     * The client for the API these options name, or null when none is found (said on stderr: then exit 1). Usage
     * errors (a URL that is no registry's, plain HTTP off this machine) are exit 2.
     */
    DeviceApiClient client(CommandSpec spec, CliContext context) throws InputException {
        Checks.positive(spec.commandLine(), "--timeout", timeout);
        if (api != null) {
            if (stateDir != null) {
                throw new ParameterException(spec.commandLine(), "--state-dir finds the local bridge's API; --api"
                        + " names one: give one or the other");
            }
            String problem = ApiEndpoint.problem(api, insecureHttp);
            if (problem != null) {
                throw new ParameterException(spec.commandLine(), "--api " + problem);
            }
        }
        String token = tokenFile == null ? null : ApiTargets.token(tokenFile);
        Path state = stateDir != null ? stateDir : Profile.localStateDir(context.env());
        ApiTargets.Resolved r = ApiTargets.resolve(api, state, token, insecureHttp);
        if (r.failure() != null) {
            fail(spec, r.failure());
            return null;
        }
        if (r.endpoint().plainHttpOffMachine()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("iotjwt: warning: --insecure-http: plain HTTP to " + r.endpoint().registry().getHost()
                    + (token == null ? "" : ": the bearer token") + " crosses the network in the clear");
            err.flush();
        }
        return new DeviceApiClient(r.endpoint(), timeout);
    }

    /**
     * Prints an answer: the API's JSON as it came with --format json, else {@code text}'s lines; a failure as one
     * line {@code iotjwt: STATUS: message} (and a hint). Returns the exit code: 0; 2 for INVALID_ARGUMENT (the API
     * refused a value given on the command line); 1 for every other failure.
     */
    int print(CommandSpec spec, ApiResult result, Function<JsonObject, String> text) {
        if (!result.ok()) {
            return fail(spec, result.failure());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == ReportFormat.json) {
            out.println(Json.write(result.json()));
        } else {
            // what a server sent is shown, never sent to the terminal: control characters escaped in every line
            text.apply(result.json()).lines().forEach(l -> out.println(dev.iotjwt.Messages.printable(l)));
        }
        out.flush();
        return ExitCodes.OK;
    }

    static int fail(CommandSpec spec, ApiResult.Failure f) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("iotjwt: " + dev.iotjwt.Messages.printable((f.status() == null ? "" : f.status() + ": ")
                + f.message()));
        if (f.hint() != null) {
            err.println("hint: " + dev.iotjwt.Messages.printable(f.hint()));
        }
        err.flush();
        return "INVALID_ARGUMENT".equals(f.status()) ? ExitCodes.USAGE : ExitCodes.PROBLEM;
    }
}
