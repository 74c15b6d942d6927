package dev.iotjwt.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code iotjwt completion [bash|zsh]}: the shell completion script picocli makes from the commands themselves (every
 * command, subcommand, option and enum value), for bash, and for zsh through its bash completion layer.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the shell completion script of iotjwt (commands, options, their values).",
                "bash: source <(iotjwt completion bash), or save it in ~/.local/share/bash-completion/completions/"
                        + "iotjwt. zsh: source <(iotjwt completion zsh) in ~/.zshrc (it loads zsh's"
                        + " bashcompinit)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the script was printed", "2:usage error (a shell other than bash or zsh)"})
final class CompletionCommand implements Callable<Integer> {
    /** The shells the script serves. */
    enum Shell { bash, zsh }

    private final CliContext context;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SHELL", defaultValue = "bash",
            description = "bash (the default) or zsh.")
    Shell shell;

    CompletionCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        // every command registered, whatever the arguments of this run named
        // one script for both: under zsh it loads compinit and bashcompinit itself and registers the same function
        String script = AutoComplete.bash("iotjwt", Cli.create(context));
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
