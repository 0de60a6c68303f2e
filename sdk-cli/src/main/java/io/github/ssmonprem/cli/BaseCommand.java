package io.github.ssmonprem.cli;

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

    /**
     * The overall limit for the command, or null for none.
     *
     * @return the limit
     */
    java.time.Duration deadline() {
        return null;
    }

    @Override
    public final Integer call() throws Exception {
        Logging.configure(verbose.length);
        Output out = output();
        java.time.Duration limit = deadline();
        if (limit == null) {
            return execute(out);
        }
        java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor(
                io.github.ssmonprem.core.internal.DaemonThreads.named("ssm-command"));
        try {
            java.util.concurrent.Future<Integer> result = worker.submit(() -> execute(out));
            try {
                return result.get(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Exception) {
                    throw (Exception) e.getCause();
                }
                throw (Error) e.getCause();
            } catch (java.util.concurrent.TimeoutException e) {
                result.cancel(true);
                // An interrupted delivery releases its claims on the way out: give it a moment before the process ends.
                worker.shutdown();
                worker.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
                throw new DeadlineExceeded(limit);
            }
        } finally {
            worker.shutdownNow();
        }
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
