package io.github.ssmonprem.examples.snippets;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** README's "from a plain program" snippet runs and syncs. */
class EmulatorFromAProgramTest {

    @Test
    void thePlainProgramSyncsAgainstTheEmulator() {
        assertTrue(EmulatorFromAProgram.syncOnce().isSuccess());
    }
}
