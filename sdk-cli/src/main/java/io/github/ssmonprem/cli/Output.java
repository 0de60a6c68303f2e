package io.github.ssmonprem.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.internal.IoText;
import io.github.ssmonprem.core.internal.SsmJson;
import io.github.ssmonprem.core.internal.Redactor;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Prints results and failures as text for people or JSON for scripts, on the command's stdout. */
public final class Output {

    /** The output formats. */
    public enum Format {
        /** Lines for a person. */
        text,
        /** One JSON document for a script. */
        json
    }

    /** Like the SDK's mapper, but nulls stay in, so every document keeps its shape. */
    private static final ObjectMapper JSON = SsmJson.newMapper()
            .setDefaultPropertyInclusion(com.fasterxml.jackson.annotation.JsonInclude.Value.construct(
                    com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS, com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS))
            .enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * A count and its noun, singular for one: "1 record", "2 records".
     *
     * @param count the count
     * @param noun the singular noun
     * @return the phrase
     */
    public static String plural(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    /**
     * An instant for people: UTC, to the second.
     *
     * @param instant the instant, or null
     * @return such as {@code 2026-12-01T23:00:01Z}
     */
    public static String instant(java.time.Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final Format format;

    /**
     * Creates the output of one command.
     *
     * @param out standard output
     * @param err standard error
     * @param format the format
     */
    public Output(PrintWriter out, PrintWriter err, Format format) {
        this.out = out;
        this.err = err;
        this.format = format;
    }

    /**
     * Whether results print as JSON.
     *
     * @return true in JSON mode
     */
    public boolean json() {
        return format == Format.json;
    }

    /**
     * Prints a line of text output (ignored in JSON mode).
     *
     * @param line the line
     */
    public void line(String line) {
        if (!json()) {
            out.println(line);
            out.flush();
        }
    }

    /**
     * Prints the JSON result (in JSON mode only).
     *
     * @param document the result
     */
    public void document(Object document) {
        if (json()) {
            try {
                out.println(JSON.writeValueAsString(document));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot print the result as JSON", e);
            }
            out.flush();
        }
    }

    /**
     * Prints a failure: {@code {"error":{...}}} on stdout in JSON mode, text on stderr otherwise.
     *
     * @param failure the failure
     * @param exitCode its exit code
     */
    public void failure(Throwable failure, int exitCode) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", kind(failure));
        String code = null;
        Integer status = null;
        String message;
        String remediation;
        Integer attempts = null;
        if (failure instanceof SsmException) {
            SsmException e = (SsmException) failure;
            Vocabulary.Words words = Vocabulary.of(e);
            message = words.message();
            remediation = words.remediation();
            attempts = e.attempts();
            if (e instanceof SsmServiceException) {
                code = ((SsmServiceException) e).errorCode();
                status = ((SsmServiceException) e).statusCode();
            }
        } else if (failure instanceof UsageError) {
            message = failure.getMessage();
            remediation = ((UsageError) failure).remediation();
        } else if (failure instanceof CommandFailure) {
            message = failure.getMessage();
            remediation = ((CommandFailure) failure).remediation();
        } else if (failure instanceof DeadlineExceeded) {
            message = failure.getMessage();
            remediation = ((DeadlineExceeded) failure).remediation();
        } else if (failure instanceof java.nio.file.FileSystemException e) {
            message = Redactor.redact((e.getFile() == null ? "" : e.getFile() + ": ") + IoText.reason(e));
            remediation = "";
        } else {
            message = Redactor.redact(String.valueOf(failure.getMessage()));
            remediation = exitCode == ExitCodes.USAGE ? "Run the command with --help to see its options." : "";
        }
        error.put("code", code);
        error.put("status", status);
        error.put("message", message);
        error.put("remediation", remediation);
        error.put("attempts", attempts);
        error.put("exitCode", exitCode);
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("error", error);
            try {
                out.println(JSON.writeValueAsString(doc));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            out.flush();
        } else {
            err.println("error: " + message);
            if (remediation != null && !remediation.isEmpty()) {
                err.println("what to do: " + remediation);
            }
            err.flush();
        }
    }

    /**
     * {@return the kind of a failure as the JSON output names it: the SDK's or the command line's error in
     * lower-case words joined by hyphens ({@code grant-not-found}, {@code connection-failed},
     * {@code usage}, {@code deadline-exceeded}), or {@code unexpected} for anything else}
     *
     * @param failure the failure
     */
    static String kind(Throwable failure) {
        if (!(failure instanceof SsmException || failure instanceof UsageError || failure instanceof CommandFailure
                || failure instanceof DeadlineExceeded)) {
            return "unexpected";
        }
        return kind(failure.getClass().getSimpleName());
    }

    /**
     * {@return an error type as the SDK stores it (its class's simple name, in a sync's outcome) in the
     * words of {@link #kind(Throwable)}; null for none}
     *
     * @param simpleName the type's simple name, or null
     */
    static String kind(String simpleName) {
        if (simpleName == null) {
            return null;
        }
        String name = simpleName.replaceFirst("(Exception|Error)$", "");
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
