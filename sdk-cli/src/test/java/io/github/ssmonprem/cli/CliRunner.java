package io.github.ssmonprem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.internal.SsmJson;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.cli.SsmCli;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

/** Runs the ssm command line in process with a given environment and captures what it prints. */
final class CliRunner {

    /** One run's exit code and output. */
    record Result(int exitCode, String out, String err) {
        JsonNode json() {
            try {
                return SsmJson.mapper().readTree(out);
            } catch (Exception e) {
                throw new AssertionError("stdout is not one JSON document: " + out + "\nstderr: " + err, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** The API Toolkit client and the user the command line signs in with, in {@link #emulator()}. */
    static final String CLIENT = "cli-client";
    static final String USER = "operator";

    private final Map<String, String> env = new HashMap<>();

    /**
     * An HTTPS emulator that knows the command line's client and user and acknowledges reports at once.
     *
     * @return its builder, to start
     */
    static SsmEmulator.Builder emulator() {
        return SsmEmulator.builder().https().passwordGrant(CLIENT, TestSecrets.CLIENT_SECRET).user(USER, TestSecrets.PASSWORD)
                .acknowledgeAfter(0, Duration.ZERO);
    }

    /**
     * {@return this runner, signed in to an emulator from {@link #emulator()} through the environment}
     *
     * @param emulator the running emulator
     * @param ca the file holding its {@link SsmEmulator#caPem() CA}
     */
    CliRunner signedInTo(SsmEmulator emulator, Path ca) {
        return env("SSM_URL", emulator.url().toString()).env("SSM_CA_CERT", ca.toString())
                .env("SSM_CLIENT_ID", CLIENT).env("SSM_CLIENT_SECRET", TestSecrets.CLIENT_SECRET)
                .env("SSM_USERNAME", USER).env("SSM_PASSWORD", TestSecrets.PASSWORD);
    }

    CliRunner env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /**
     * Runs the command line in process. Whatever it prints is checked for Java types and class names, which
     * its output must never hold (only --verbose passes the SDK's log lines through): every test that runs a
     * command checks it.
     */
    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SsmCli.run(args, Map.copyOf(env), new PrintWriter(out, true), new PrintWriter(err, true));
        Result result = new Result(code, out.toString(), err.toString());
        if (!java.util.Arrays.asList(args).stream().anyMatch(a -> a.equals("-v") || a.equals("-vv") || a.equals("--verbose"))) {
            java.util.regex.Matcher javaType = JAVA_TYPE.matcher(result.out() + result.err());
            if (javaType.find()) {
                throw new AssertionError("a Java type in the command line's output (" + javaType.group() + "): " + result);
            }
        }
        return result;
    }

    /** An exception's or error's simple name, or a fully qualified Java class name. */
    private static final java.util.regex.Pattern JAVA_TYPE = java.util.regex.Pattern.compile(
            "\\b[A-Z][A-Za-z0-9]*(Exception|Error)\\b|\\b(java|javax|io\\.github\\.ssmonprem|org\\.apache|com\\.fasterxml)\\.[a-z]+\\.");
}
