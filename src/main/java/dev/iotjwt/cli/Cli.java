package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.ToolException;
import dev.iotjwt.cli.options.KeyPasswordOptions;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the command line with its handlers; the one place that knows how errors become exit codes. */
public final class Cli {
    private Cli() {
    }

    /** The subcommands in help order. */
    private static final Map<String, Class<?>> COMMANDS = commands();

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("mint", MintCommand.class);
        m.put("check", CheckCommand.class);
        m.put("connect", ConnectCommand.class);
        m.put("key", KeyCommand.class);
        m.put("cert", CertCommand.class);
        m.put("device", DeviceCommand.class);
        m.put("broker", BrokerCommand.class);
        m.put("demo", DemoCommand.class);
        m.put("bench", BenchCommand.class);
        m.put("completion", CompletionCommand.class);
        m.put("warmup", WarmupCommand.class);
        return m;
    }

    /**
     * The command line for these arguments. picocli reflects over every command it is given, so when the arguments
     * name a command only that one is registered (start-up time); otherwise (help, typos) all of them are.
     */
    public static CommandLine create(String[] args) {
        return create(CliContext.system(), args);
    }

    public static CommandLine create(CliContext context) {
        return create(context, new String[0]);
    }

    public static CommandLine create(CliContext context, String[] args) {
        CommandLine cl = new CommandLine(RootCommand.class, new Factory(context));
        String named = null;
        boolean help = false;
        for (String a : args) {
            if (!a.startsWith("-")) {
                named = a;
                break;
            }
            help |= a.equals("-h") || a.equals("--help");
        }
        boolean versionOnly = named == null && java.util.Arrays.stream(args).anyMatch(
                a -> a.equals("-V") || a.equals("--version")) && java.util.Arrays.stream(args).allMatch(
                a -> a.equals("-V") || a.equals("--version") || a.equals("--verbose"));
        if (named != null && COMMANDS.containsKey(named) && !help) {
            cl.addSubcommand(named, new CommandLine(COMMANDS.get(named), new Factory(context)));
        } else if (!versionOnly) {
            for (Map.Entry<String, Class<?>> e : COMMANDS.entrySet()) {
                cl.addSubcommand(e.getKey(), new CommandLine(e.getValue(), new Factory(context)));
            }
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // '@FILE' is the commands' own syntax (check @FILE, connect --jwt @FILE): picocli must not expand it as an
        // argument file, which split a token file at whitespace and failed with a stack trace on a missing file
        cl.setExpandAtFiles(false);
        cl.setParameterExceptionHandler(Cli::usageError);
        cl.setExecutionExceptionHandler(Cli::executionError);
        cl.setExitCodeExceptionMapper(Cli::exitCodeOf);
        addExitCodes(cl);
        return cl;
    }

    private static void addExitCodes(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.helpList());
        for (CommandLine sub : cl.getSubcommands().values()) {
            addExitCodes(sub);
        }
    }

    static int exitCodeOf(Throwable t) {
        if (t instanceof ParameterException) {
            return ExitCodes.USAGE;
        }
        if (t instanceof InputException) {
            return ExitCodes.INPUT;
        }
        return ExitCodes.INTERNAL;
    }

    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = String.valueOf(ex.getMessage());
        if (message.regionMatches(true, 0, "error: ", 0, 7)) {
            message = message.substring(7);
        }
        err.println("iotjwt: " + lowerFirst(redactSecrets(message, args)));
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * A usage error names the arguments it could not match; a password typed as an argument (to an option that
     * does not exist, such as --key-password or --pw) is not repeated: the value after any option named like a
     * password, and after a password file or variable option unless it looks like a file or variable name.
     */
    static String redactSecrets(String message, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) {
                continue;
            }
            int eq = a.indexOf('=');
            String name = (eq > 0 ? a.substring(0, eq) : a).toLowerCase(java.util.Locale.ROOT);
            if (!name.contains("pass") && !name.contains("pasw") && !name.contains("pw") && !name.contains("secret")
                    && !name.contains("jwt") && !name.contains("token")) {
                continue;
            }
            String value = eq > 0 ? a.substring(eq + 1) : i + 1 < args.length ? args[i + 1] : "";
            // a file or variable name is shown; a password typed in its place is not
            boolean aName = name.endsWith("-file") && KeyPasswordOptions.looksLikePath(value)
                    || name.endsWith("-env") && KeyPasswordOptions.looksLikeVariable(value);
            if (!value.isEmpty() && !aName) {
                // picocli quotes each argument it names: 'value' or '--option=value'
                message = message.replace("'" + value + "'", "'<hidden>'").replace("=" + value + "'", "=<hidden>'");
            }
        }
        // a token given where picocli expected none (a misspelt --jwt, an extra argument) shows its header only
        // (however its header begins: " {" encodes to IHsi…)
        return JWT_ARG.matcher(message).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                m.group(2).startsWith("ey") || dev.iotjwt.Messages.jwtShaped(m.group(2), m.group(3), m.group(4))
                        ? "'" + (m.group(1) == null ? "" : m.group(1)) + m.group(2) + ".….<elided>'" : m.group()));
    }

    private static final java.util.regex.Pattern JWT_ARG = java.util.regex.Pattern.compile(
            "'([^'=]*=)?([A-Za-z0-9_-]{8,})\\.([A-Za-z0-9_=+/-]+)\\.([A-Za-z0-9_=+/-]*)'");

    private static int executionError(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        if (ex instanceof ParameterException pe) {
            return usageError(pe, new String[0]);
        }
        if (ex instanceof ToolException te) {
            // one line each, whatever an input put into the message: control characters are shown, never sent
            err.println("iotjwt: " + dev.iotjwt.Messages.printable(String.valueOf(te.getMessage())));
            if (te.hint() != null) {
                err.println("hint: " + dev.iotjwt.Messages.printable(te.hint()));
            }
            if (verbose(parseResult) && te.getCause() != null) {
                err.print(stackTrace(te.getCause()));
            }
            err.flush();
            return exitCodeOf(te);
        }
        err.println("iotjwt: internal error: " + ex);
        if (verbose(parseResult)) {
            err.print(stackTrace(ex));
        } else {
            err.println("hint: this is a bug; run again with --verbose for the stack trace and report it");
        }
        err.flush();
        return ExitCodes.INTERNAL;
    }

    /** The stack trace with its causes, shown only with --verbose. */
    private static String stackTrace(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c == t ? "" : "Caused by: ").append(c).append(System.lineSeparator());
            for (StackTraceElement e : c.getStackTrace()) {
                sb.append("\tat ").append(e).append(System.lineSeparator());
            }
        }
        return sb.toString();
    }

    private static boolean verbose(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static String lowerFirst(String s) {
        if (s == null || s.isEmpty()) {
            return String.valueOf(s);
        }
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /** Gives commands that want it the {@link CliContext}. */
    private static final class Factory implements IFactory {
        private final CliContext context;

        Factory(CliContext context) {
            this.context = context;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                Constructor<K> c = cls.getDeclaredConstructor(CliContext.class);
                return c.newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
