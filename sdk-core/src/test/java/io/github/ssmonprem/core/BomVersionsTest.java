package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.cfg.PackageVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** sdk-bom has no parent, so its versions are written twice; this keeps the two copies equal. */
class BomVersionsTest {

    private static final List<String> RUNTIME_VERSIONS = List.of("httpclient5.version", "jackson.version",
            "resilience4j.version", "micrometer.version", "slf4j.version");

    private static String property(Path pom, String name) throws Exception {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(pom));
        return m.find() ? m.group(1).trim() : null;
    }

    @Test
    void bomPinsTheVersionsTheBuildUses() throws Exception {
        Path parent = Path.of("..", "pom.xml");
        Path bom = Path.of("..", "sdk-bom", "pom.xml");
        for (String name : RUNTIME_VERSIONS) {
            String built = property(parent, name);
            assertNotNull(built, name + " in the parent POM");
            assertEquals(built, property(bom, name), name + " differs between the parent POM and sdk-bom");
        }
        assertEquals(property(parent, "jackson.version"), PackageVersion.VERSION.toString(),
                "the Jackson on the test classpath is the one the BOM names");
    }
}
