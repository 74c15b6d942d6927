package dev.iotjwt.cli;

import dev.iotjwt.cli.options.ReportFormat;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.function.Function;

/**
 * The one place a report is printed: as JSON (the records themselves, {@link Json}) or through its text view, on
 * the command's standard output.
 */
final class Renderer {
    private Renderer() {
    }

    /** A text view of one kind of report. */
    @FunctionalInterface
    interface View<T> {
        void render(T report, PrintWriter out);
    }

    static <T> void render(CommandLine cl, ReportFormat format, T report, View<? super T> text) {
        render(cl, format, report, r -> r, text);
    }

    /** As above, the JSON being {@code json}'s record of the report (a report that holds more than it shows). */
    static <T> void render(CommandLine cl, ReportFormat format, T report, Function<? super T, ?> json,
                           View<? super T> text) {
        PrintWriter out = cl.getOut();
        if (format == ReportFormat.json) {
            out.println(Json.write(json.apply(report)));
        } else {
            text.render(report, out);
        }
        out.flush();
    }
}
