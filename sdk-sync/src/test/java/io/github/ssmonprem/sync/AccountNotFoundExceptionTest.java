package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The remediation of an unknown smart account points at a method that exists. */
class AccountNotFoundExceptionTest {

    @Test
    void theRemediationNamesListAccountsWhichTheClientHas() throws Exception {
        AccountNotFoundException e = new AccountNotFoundException("nobody.example", null, "no such account", 404, null, null, null);
        assertTrue(e.remediation().contains("SsmSyncClient.listAccounts()"), e.remediation());
        assertTrue(e.remediation().contains("'nobody.example'"), e.remediation());
        assertEquals("listAccounts", SsmSyncClient.class.getMethod("listAccounts").getName());
        assertEquals("account", e.setting(), "the setting to correct");

        AccountNotFoundException va = new AccountNotFoundException("acme.example", "Lab", "no such virtual account", 200, null, null, null);
        assertEquals("virtualAccount", va.setting());
        assertEquals("Lab", va.virtualAccount().orElseThrow());
        assertTrue(va.remediation().contains("'Lab' of 'acme.example'"), va.remediation());
    }
}
