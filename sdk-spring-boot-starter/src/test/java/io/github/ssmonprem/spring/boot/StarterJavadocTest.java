package io.github.ssmonprem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The starter's properties are documented once, on their fields: Boot's configuration metadata reads the
 * fields' javadoc, and the getters and setters carry none. The javadoc jar's doclint therefore leaves out
 * its {@code missing} group for this module (see the pom); this test runs doclint {@code all} over the
 * starter's public packages and allows exactly one kind of warning: no comment on a getter or setter of
 * {@link SsmOnPremProperties}. Everything else public (types, constructors, bean methods, tags) must be
 * documented, as in every other module.
 */
class StarterJavadocTest {

    private static final Path SOURCES = Path.of("src", "main", "java");
    private static final Pattern ACCESSOR = Pattern.compile("^\\s*public\\s+(?:[\\w.<>, ?\\[\\]]+\\s+(?:get|is)[A-Z]\\w*\\(\\)"
            + "|void\\s+set[A-Z]\\w*\\([^)]*\\))\\s*\\{");

    @Test
    void doclintFindsNothingButThePropertiesAccessorsDocumentedOnTheirFields(@TempDir Path out) throws IOException {
        // The starter's own build checks its sources; the Boot 3 build runs these tests on compiled classes only.
        assumeTrue(Files.isDirectory(SOURCES.resolve("io/github/ssmonprem/spring/boot")), "the starter's sources are here");
        List<Diagnostic<? extends JavaFileObject>> warnings = doclint(out);
        List<String> accessors = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : warnings) {
            String where = d.getSource() == null ? "" : Path.of(d.getSource().toUri()).getFileName() + ":" + d.getLineNumber();
            String line = d.getSource() == null ? "" : line(d.getSource(), d.getLineNumber());
            boolean accessorOfProperties = where.startsWith("SsmOnPremProperties.java:")
                    && d.getMessage(Locale.ROOT).equals("no comment") && ACCESSOR.matcher(line).find();
            (accessorOfProperties ? accessors : others).add(where + ": " + d.getMessage(Locale.ROOT) + " | " + line.strip());
        }
        assertThat(others).as("doclint warnings other than the properties' accessors").isEmpty();
        assertThat(accessors).as("doclint did check for missing comments: the accessors are reported, and allowed")
                .hasSizeGreaterThan(50);
    }

    @Test
    void theGeneratedMetadataDescribesEveryProperty() throws IOException {
        JsonNode metadata;
        try (InputStream in = SsmOnPremProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = new ObjectMapper().readTree(in);
        }
        List<String> undescribed = new ArrayList<>();
        metadata.get("properties").forEach(p -> {
            if (p.path("description").asText().isBlank()) {
                undescribed.add(p.get("name").asText());
            }
        });
        assertThat(metadata.get("properties")).hasSizeGreaterThan(35);
        assertThat(undescribed).as("properties without a description in the configuration metadata").isEmpty();
    }

    private static List<Diagnostic<? extends JavaFileObject>> doclint(Path out) throws IOException {
        DocumentationTool javadoc = ToolProvider.getSystemDocumentationTool();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<Path> files;
        try (Stream<Path> all = Files.walk(SOURCES)) {
            files = all.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("internal")).toList();
        }
        try (StandardJavaFileManager fm = javadoc.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-Xdoclint:all", "-quiet", "-d", out.toString(), "-sourcepath", SOURCES.toString(),
                    "-classpath", System.getProperty("java.class.path"));
            DocumentationTool.DocumentationTask task = javadoc.getTask(Writer.nullWriter(), fm, diagnostics, null, options,
                    fm.getJavaFileObjectsFromPaths(files));
            assertThat(task.call()).as("javadoc ran: " + diagnostics.getDiagnostics()).isTrue();
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() != Diagnostic.Kind.NOTE).toList();
    }

    private static String line(JavaFileObject source, long number) {
        try {
            return source.getCharContent(true).toString().lines().skip(number - 1).findFirst().orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
