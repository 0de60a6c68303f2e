package io.github.ssmonprem.examples.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every {@code ssm} command shares: output format, verbosity, and access to the environment. */
abstract class BaseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--output", defaultValue = "text", description = "text or json (default text)")
    Output.Format format;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = {"-v", "--verbose"}, description = "the SDK's DEBUG lines on stderr; -vv adds HttpClient's internals "
            + "(secrets stay redacted)")
    boolean[] verbose = new boolean[0];

    SsmCli root() {
        return (SsmCli) spec.root().userObject();
    }

    Map<String, String> env() {
        return root().env();
    }

    Output output() {
        return new Output(root().out(), root().err(), format == null ? Output.Format.text : format);
    }

    @Override
    public final Integer call() throws Exception {
        Logging.configure(verbose.length);
        return execute(output());
    }

    /**
     * Runs the command.
     *
     * @param out where results go
     * @return the exit code
     * @throws Exception any failure; mapped to an exit code and printed by the command line
     */
    abstract int execute(Output out) throws Exception;
}
