package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The licence the POM declares is the one the repository ships and the javadoc footer states. */
class LicenseTest {

    @Test
    void theRepositoryShipsTheApacheLicenseTheJavadocFooterStates() throws Exception {
        String license = Files.readString(Path.of("..", "LICENSE"));
        assertTrue(license.contains("Apache License") && license.contains("Version 2.0, January 2004"), "LICENSE");
        String parent = Files.readString(Path.of("..", "build-parent", "pom.xml"));
        assertTrue(parent.contains("<name>Apache-2.0</name>"), "the published POMs' <licenses> (SPDX id), from build-parent");
        String pom = Files.readString(Path.of("..", "pom.xml"));
        int bottom = pom.indexOf("<bottom>");
        assertTrue(bottom > 0, "the javadoc footer is set (the plugin's default says All rights reserved)");
        String footer = pom.substring(bottom, pom.indexOf("</bottom>"));
        assertTrue(footer.contains("Apache License, Version 2.0"), footer);
        assertFalse(footer.contains("All rights reserved"), footer);
    }
}
