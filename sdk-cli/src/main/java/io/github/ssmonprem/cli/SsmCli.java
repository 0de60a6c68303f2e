package io.github.ssmonprem.cli;

import io.github.ssmonprem.core.SdkVersion;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ssm} command line: {@code java -jar sdk-cli/target/ssm.jar COMMAND [OPTIONS]}.
 * Exit codes are {@link ExitCodes}'.
 */
@Command(name = "ssm", mixinStandardHelpOptions = true, versionProvider = SsmCli.Version.class,
        description = "Cisco SSM On-Prem licensing from the command line: tokens, accounts, licenses, usage, sync, diagnosis.",
        subcommands = {CommandLine.HelpCommand.class, picocli.AutoComplete.GenerateCompletion.class, DemoCommand.class, EmulatorCommand.class, TokenCommand.class, AccountsCommand.class,
            LicensesCommand.class, UsageCommand.class, SyncCommand.class, StatusCommand.class, DoctorCommand.class},
        footer = {"", "Exit codes: 0 success, 1 other, 2 usage error, 3 grant not found (invalid_client), "
            + "4 invalid credentials (invalid_grant), 5 other OAuth/authorization error, 6 server unavailable or unreachable, "
            + "7 TLS failure, 8 proxy authentication failure, "
            + "9 (ssm status) dead letters or quarantined entries wait for an operator."})
public final class SsmCli implements java.util.concurrent.Callable<Integer> {

    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;

    SsmCli(Map<String, String> env, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    Map<String, String> env() {
        return env;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /** Without a command: prints the usage, exit code 2. */
    @Override
    public Integer call() {
        new CommandLine(this).usage(err);
        return ExitCodes.USAGE;
    }

    /**
     * Runs the command line and exits with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(args, System.getenv(), out, err));
    }

    /**
     * Runs the command line without exiting: for tests and for programs that embed it.
     *
     * @param args the arguments
     * @param env the environment to read {@code SSM_*}, {@code HTTPS_PROXY} and {@code NO_PROXY} from
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        SsmCli root = new SsmCli(env, out, err);
        CommandLine cli = new CommandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((failure, commandLine, parseResult) -> {
            Object command = commandLine.getCommand();
            Output.Format format = command instanceof BaseCommand && ((BaseCommand) command).format != null
                    ? ((BaseCommand) command).format : Output.Format.text;
            int code = ExitCodes.of(failure);
            new Output(out, err, format).failure(failure, code);
            return code;
        });
        cli.setParameterExceptionHandler((failure, strings) -> {
            boolean json = String.join(" ", strings).contains("--output json") || String.join(" ", strings).contains("--output=json");
            new Output(out, err, json ? Output.Format.json : Output.Format.text).failure(usageError(withoutValues(failure)), ExitCodes.USAGE);
            if (!json) {
                failure.getCommandLine().usage(err);
            }
            return ExitCodes.USAGE;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** A command line error, reported as the command line's own usage error, never as picocli's type. */
    private static UsageError usageError(CommandLine.ParameterException failure) {
        String name = failure.getCommandLine().getCommandName();
        String command = failure.getCommandLine().getCommandSpec().qualifiedName();
        return new UsageError(failure.getMessage(), "Run `" + (command.isBlank() ? name : command) + " --help` to see its options.");
    }

    /**
     * An unmatched argument is shown by its option name only: someone who tries {@code --client-secret
     * VALUE} must not see the secret echoed back, into a terminal log or a pipeline's output.
     */
    private static CommandLine.ParameterException withoutValues(CommandLine.ParameterException failure) {
        if (!(failure instanceof CommandLine.UnmatchedArgumentException)) {
            return failure;
        }
        java.util.List<String> unmatched = ((CommandLine.UnmatchedArgumentException) failure).getUnmatched();
        java.util.List<String> options = new java.util.ArrayList<>();
        for (String token : unmatched) {
            if (token.startsWith("-")) {
                options.add(token.contains("=") ? token.substring(0, token.indexOf('=')) : token);
            }
        }
        int others = unmatched.size() - options.size();
        String message = (options.isEmpty() ? "Unexpected argument" + (others == 1 ? "" : "s")
                : "Unknown option" + (options.size() == 1 ? "" : "s") + ": " + String.join(", ", options)
                        + (others > 0 ? " (and " + others + " other argument" + (others == 1 ? "" : "s") + ", not shown)" : ""))
                + ". Secrets are read from SSM_CLIENT_SECRET, SSM_PASSWORD and SSM_PROXY_PASSWORD, or from files "
                + "(--client-secret-file, --password-file), never from options.";
        return new CommandLine.ParameterException(failure.getCommandLine(), message);
    }

    /** The version shown by {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ssm " + SdkVersion.VERSION + " (SSM On-Prem Java SDK)"};
        }
    }
}
