package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.internal.SettingText;
import java.util.List;
import java.util.Objects;

/**
 * A smart account to sync, and which of its virtual accounts (none listed: all of them).
 *
 * @param account the smart account domain
 * @param virtualAccounts the virtual accounts; empty for all
 */
public record AccountSelection(String account, List<String> virtualAccounts) {

    /**
     * Validates and freezes.
     *
     * @param account the smart account domain
     * @param virtualAccounts the virtual accounts; empty for all
     */
    public AccountSelection {
        Objects.requireNonNull(account, "account");
        if (account.isBlank()) {
            throw new IllegalArgumentException("account must not be blank");
        }
        SettingText.require("account", account, false);
        virtualAccounts = virtualAccounts == null ? List.of() : List.copyOf(virtualAccounts);
        for (String va : virtualAccounts) {
            SettingText.require("virtualAccounts", va, false);
        }
    }

    /**
     * Selects an account and some of its virtual accounts.
     *
     * @param account the smart account domain
     * @param virtualAccounts the virtual accounts; none for all
     * @return the selection
     */
    public static AccountSelection of(String account, String... virtualAccounts) {
        return new AccountSelection(account, List.of(virtualAccounts));
    }
}
