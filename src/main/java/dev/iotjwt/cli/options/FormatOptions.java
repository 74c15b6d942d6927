package dev.iotjwt.cli.options;

import picocli.CommandLine.Option;

/** {@code --format text|json}: every command that prints a report (JSON is the same records the text renders). */
public final class FormatOptions {
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json. Default: ${DEFAULT-VALUE}.")
    ReportFormat format = ReportFormat.text;

    public ReportFormat format() {
        return format;
    }

    public boolean json() {
        return format == ReportFormat.json;
    }
}
