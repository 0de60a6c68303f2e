package io.github.ssmonprem.sync.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A smart account the authenticated user can see, with its virtual accounts.
 *
 * @param accountName the display name
 * @param accountDomain the domain that identifies the account in API routes, such as {@code acme.example}
 * @param accountStatus the status, such as {@code Active}
 * @param virtualAccounts its virtual accounts
 */
public record Account(
        @JsonProperty("accountName") String accountName,
        @JsonProperty("accountDomain") String accountDomain,
        @JsonProperty("accountStatus") String accountStatus,
        @JsonProperty("virtualAccounts") List<VirtualAccount> virtualAccounts) {

    /**
     * Normalises a missing list to an empty one and freezes it.
     *
     * @param accountName the display name
     * @param accountDomain the domain that identifies the account in API routes, such as {@code acme.example}
     * @param accountStatus the status, such as {@code Active}
     * @param virtualAccounts its virtual accounts
     */
    public Account {
        virtualAccounts = virtualAccounts == null ? List.of() : List.copyOf(virtualAccounts);
    }
}
