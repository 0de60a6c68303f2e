package io.github.ssmonprem.examples;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.examples.cli.SsmCli;
import java.io.PrintWriter;
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

    private final Map<String, String> env = new HashMap<>();

    CliRunner env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SsmCli.run(args, Map.copyOf(env), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }
}
