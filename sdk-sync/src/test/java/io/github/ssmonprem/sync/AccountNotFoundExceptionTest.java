package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The remediation of an unknown smart account points at a method that exists. */
class AccountNotFoundExceptionTest {

    @Test
    void theRemediationNamesListAccountsWhichTheClientHas() throws Exception {
        AccountNotFoundException e = new AccountNotFoundException("nobody.example", "no such account", null, null);
        assertTrue(e.remediation().contains("SsmSyncClient.listAccounts()"), e.remediation());
        assertTrue(e.remediation().contains("'nobody.example'"), e.remediation());
        assertEquals("listAccounts", SsmSyncClient.class.getMethod("listAccounts").getName());
    }
}
