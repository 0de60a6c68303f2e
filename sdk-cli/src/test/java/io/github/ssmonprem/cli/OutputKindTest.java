package io.github.ssmonprem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ssmonprem.auth.GrantNotFoundException;
import io.github.ssmonprem.core.exception.ConnectionFailedException;
import org.junit.jupiter.api.Test;

/** The {@code type} of a failure in {@code --output json} is the command line's word for it, never a Java type. */
class OutputKindTest {

    @Test
    void aFailureIsNamedInLowerCaseWordsAndAnythingElseIsUnexpected() {
        assertEquals("grant-not-found", Output.kind(new GrantNotFoundException("no grant", "create it", 403, null, null, "password")));
        assertEquals("connection-failed", Output.kind(new ConnectionFailedException(ConnectionFailedException.Reason.CONNECTION_REFUSED,
                "refused", "start it", null)));
        assertEquals("usage", Output.kind(new UsageError("bad option", "see --help")));
        assertEquals("command-failure", Output.kind(new CommandFailure("refused", "fix it", ExitCodes.NEEDS_ATTENTION)));
        assertEquals("unexpected", Output.kind(new IllegalStateException("bug")));
        assertEquals("sync-deadline-exceeded", Output.kind("SyncDeadlineExceededException"), "a stored outcome's type");
    }
}
