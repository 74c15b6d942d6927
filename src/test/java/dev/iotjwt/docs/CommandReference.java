package dev.iotjwt.docs;

import dev.iotjwt.cli.Cli;
import dev.iotjwt.cli.CliContext;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command reference made from the picocli annotations, nothing else: {@code docs/reference.md} (each command's
 * own help text) and a man page a command ({@code docs/man/iotjwt-COMMAND.1}). {@link CommandReferenceTest} checks
 * that the files in the repository are what this makes, and writes them when asked.
 */
final class CommandReference {
    private CommandReference() {
    }

    /** Every command, parents before their subcommands, by its full name ("iotjwt key inspect"). */
    static Map<String, CommandLine> commands() {
        CliContext context = new CliContext(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
                Map.of(), () -> null, () -> new ByteArrayInputStream(new byte[0]));
        CommandLine root = Cli.create(context);
        Map<String, CommandLine> all = new LinkedHashMap<>();
        walk("iotjwt", root, all);
        return all;
    }

    private static void walk(String name, CommandLine cl, Map<String, CommandLine> all) {
        if (cl.getCommandSpec().usageMessage().hidden()) {
            return;
        }
        all.put(name, cl);
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            if (e.getValue().getCommandName().equals(e.getKey())) {
                walk(name + " " + e.getKey(), e.getValue(), all);
            }
        }
    }

    /** docs/reference.md. */
    static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Command reference\n\n")
                .append("Generated from the commands' own definitions (their `--help`), so it cannot drift from the"
                        + " tool: `src/test/java/dev/iotjwt/docs/CommandReference.java`; `CommandReferenceTest` fails"
                        + " when this file is out of date and says how to regenerate it. Man pages of the same text:"
                        + " [`docs/man/`](man/). A guide with examples for each command: the README and the pages"
                        + " it links.\n\n");
        Map<String, CommandLine> all = commands();
        for (String name : all.keySet()) {
            md.append("- [`").append(name).append("`](#").append(name.replace(' ', '-')).append(")\n");
        }
        for (Map.Entry<String, CommandLine> e : all.entrySet()) {
            md.append("\n## ").append(e.getKey()).append("\n\n```text\n")
                    .append(usage(e.getValue()).stripTrailing()).append("\n```\n");
        }
        return md.toString();
    }

    static String usage(CommandLine cl) {
        return cl.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("[ \\t]+\\n", "\n");
    }

    /** File name of a command's man page: iotjwt-key-inspect.1. */
    static String manFile(String name) {
        return name.replace(' ', '-') + ".1";
    }

    /** A man page (troff, the man macros) from the command's spec. */
    static String man(String name, CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        StringBuilder m = new StringBuilder();
        String page = name.replace(' ', '-').toUpperCase(java.util.Locale.ROOT);
        m.append(".\\\" Generated from the picocli annotations by CommandReference; do not edit.\n");
        m.append(".TH ").append(page).append(" 1 \"\" \"iotjwt\" \"iotjwt manual\"\n");
        m.append(".SH NAME\n").append(escape(name.replace(' ', '-'))).append(" \\- ")
                .append(escape(first(spec.usageMessage().description()))).append('\n');
        m.append(".SH SYNOPSIS\n.nf\n").append(escape(synopsis(cl))).append("\n.fi\n");
        String[] description = spec.usageMessage().description();
        if (description.length > 0) {
            m.append(".SH DESCRIPTION\n");
            for (String d : description) {
                m.append(escape(plain(d))).append("\n.PP\n");
            }
        }
        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            m.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : params) {
                m.append(".TP\n\\fB").append(escape(p.paramLabel())).append("\\fR\n")
                        .append(escape(plain(String.join(" ", p.description())))).append('\n');
            }
        }
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            m.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                List<String> names = new ArrayList<>();
                for (String n : o.names()) {
                    names.add("\\fB" + escape(n) + "\\fR" + (o.arity().max() > 0 ? "=\\fI" + escape(o.paramLabel())
                            + "\\fR" : ""));
                }
                m.append(".TP\n").append(String.join(", ", names)).append('\n')
                        .append(escape(plain(String.join(" ", o.description())))).append('\n');
            }
        }
        if (!cl.getSubcommands().isEmpty()) {
            m.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
                if (e.getValue().getCommandSpec().usageMessage().hidden()) {
                    continue;
                }
                m.append(".TP\n\\fB").append(escape(e.getKey())).append("\\fR\n")
                        .append(escape(first(e.getValue().getCommandSpec().usageMessage().description())))
                        .append("\nSee \\fB").append(escape((name + " " + e.getKey()).replace(' ', '-')))
                        .append("\\fR(1).\n");
            }
        }
        Map<String, String> codes = spec.usageMessage().exitCodeList();
        if (!codes.isEmpty()) {
            m.append(".SH EXIT STATUS\n");
            for (Map.Entry<String, String> e : codes.entrySet()) {
                m.append(".TP\n\\fB").append(escape(e.getKey().trim())).append("\\fR\n")
                        .append(escape(plain(e.getValue()))).append('\n');
            }
        }
        m.append(".SH SEE ALSO\n\\fBiotjwt\\fR(1); docs/reference.md and the README in the source repository.\n");
        return m.toString();
    }

    private static String synopsis(CommandLine cl) {
        String u = usage(cl);
        StringBuilder s = new StringBuilder();
        for (String line : u.split("\n")) {
            if (s.length() > 0 && !line.startsWith(" ")) {
                break;
            }
            s.append(s.length() == 0 ? line.replaceFirst("^Usage: ", "") : "\n" + line.strip());
        }
        return s.toString();
    }

    private static String first(String[] description) {
        return description.length == 0 ? "" : plain(description[0]).split("(?<=[.:])\\s", 2)[0];
    }

    /** picocli's markup (@|bold x|@, %n) as plain text. */
    private static String plain(String s) {
        return s.replaceAll("@\\|\\S+ ([^|]*)\\|@", "$1").replace("%n", " ").strip();
    }

    private static String escape(String s) {
        String e = s.replace("\\", "\\e").replace("-", "\\-");
        StringBuilder out = new StringBuilder();
        for (String line : e.split("\n", -1)) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line);
        }
        return out.toString();
    }
}
