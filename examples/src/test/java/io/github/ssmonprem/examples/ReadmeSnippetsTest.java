package io.github.ssmonprem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of README.md is the tagged region of a source file that the build compiles
 * ({@code src/test/java/io/github/ssmonprem/examples/snippets/}): a README snippet that no longer
 * compiles, or that drifts from its source, fails the build.
 *
 * <p>In README.md a Java block follows a line {@code <!-- snippet: File.java#tag -->}. In the source,
 * the tag's regions lie between {@code // tag::tag[]} and {@code // end::tag[]} lines; each region
 * loses its common indentation, and the regions (the imports, then the code) are joined by one blank line.
 */
class ReadmeSnippetsTest {

    static final Path README = Path.of("..", "README.md");
    static final Path SNIPPETS = Path.of("src", "test", "java", "io", "github", "ssmonprem", "examples", "snippets");
    private static final Pattern MARKER = Pattern.compile("<!-- snippet: ([A-Za-z0-9_]+\\.java)#([a-z0-9-]+) -->");

    /** A Java block of the README and the source region it names. */
    record Snippet(int line, String file, String tag, String text) {
    }

    static List<Snippet> javaSnippets(List<String> readme) {
        List<Snippet> snippets = new ArrayList<>();
        for (int i = 0; i < readme.size(); i++) {
            if (!readme.get(i).strip().equals("```java")) {
                continue;
            }
            Matcher marker = i > 0 ? MARKER.matcher(readme.get(i - 1).strip()) : null;
            if (marker == null || !marker.matches()) {
                fail("README.md line " + (i + 1) + ": a Java snippet without a '<!-- snippet: File.java#tag -->' line"
                        + " before it; put its code in " + SNIPPETS + " between // tag::name[] and // end::name[]");
            }
            int start = i + 1;
            int end = start;
            while (end < readme.size() && !readme.get(end).strip().equals("```")) {
                end++;
            }
            snippets.add(new Snippet(i + 1, marker.group(1), marker.group(2), String.join("\n", readme.subList(start, end))));
            i = end;
        }
        return snippets;
    }

    static String region(List<String> source, String tag) {
        String open = "// tag::" + tag + "[]";
        String close = "// end::" + tag + "[]";
        List<String> regions = new ArrayList<>();
        List<String> current = null;
        for (String line : source) {
            String s = line.strip();
            if (s.equals(open)) {
                if (current != null) {
                    throw new IllegalArgumentException(open + " inside an open region");
                }
                current = new ArrayList<>();
            } else if (s.equals(close)) {
                if (current == null) {
                    throw new IllegalArgumentException(close + " without " + open);
                }
                regions.add(dedent(current));
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        if (current != null) {
            throw new IllegalArgumentException(open + " never closed by " + close);
        }
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("no region tagged " + tag);
        }
        return String.join("\n\n", regions);
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.isBlank() ? "" : l.substring(indent).stripTrailing());
        }
        return String.join("\n", out);
    }

    /** The reference documents README links to, whose Java snippets are checked the same way. */
    static final Path DOCS = Path.of("..", "docs");

    @Test
    void everyJavaSnippetOfTheReadmeIsItsCompiledSourceRegion() throws IOException {
        List<Snippet> snippets = javaSnippets(Files.readAllLines(README, StandardCharsets.UTF_8));
        assertFalse(snippets.isEmpty(), "README.md has Java snippets");
        assertSnippetsMatch(snippets);
    }

    @Test
    void everyJavaSnippetOfTheReferenceDocumentsIsItsCompiledSourceRegion() throws IOException {
        try (java.util.stream.Stream<Path> docs = Files.list(DOCS)) {
            for (Path doc : docs.filter(d -> d.toString().endsWith(".md")).sorted().toList()) {
                assertSnippetsMatch(javaSnippets(Files.readAllLines(doc, StandardCharsets.UTF_8)));
            }
        }
    }

    private static void assertSnippetsMatch(List<Snippet> snippets) throws IOException {
        for (Snippet snippet : snippets) {
            Path source = SNIPPETS.resolve(snippet.file());
            assertTrue(Files.isRegularFile(source), "README.md line " + snippet.line() + " names " + source + ", which is missing");
            String expected = region(Files.readAllLines(source, StandardCharsets.UTF_8), snippet.tag());
            assertEquals(expected, snippet.text(), "README.md line " + snippet.line() + " differs from " + source + "#"
                    + snippet.tag() + " (copy the region into the README, or fix the source)");
        }
    }

    @Test
    void regionsJoinImportsAndCodeAndLoseTheirIndentation() {
        List<String> source = List.of("package p;", "// tag::t[]", "import a.B;", "// end::t[]", "class C {",
                "    void m() {", "        // tag::t[]", "        B b = new B();", "", "        b.go();", "        // end::t[]",
                "    }", "}");
        assertEquals("import a.B;\n\nB b = new B();\n\nb.go();", region(source, "t"));
        assertThrows(IllegalArgumentException.class, () -> region(source, "other"));
        assertThrows(IllegalArgumentException.class, () -> region(List.of("// tag::t[]", "x"), "t"));
    }

    @Test
    void aReadmeSnippetThatDriftsOrHasNoSourceIsCaught() {
        List<String> drifted = List.of("<!-- snippet: X.java#t -->", "```java", "B b = new B();", "```");
        assertEquals(List.of(new Snippet(2, "X.java", "t", "B b = new B();")), javaSnippets(drifted));
        assertThrows(AssertionError.class, () -> javaSnippets(List.of("text", "```java", "int x;", "```")));
    }
}
