package io.github.ssmonprem.sync.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.ssmonprem.sync.model.Account;
import java.util.List;

/** The accounts route's answer. */
public final class AccountsPage {
    /** {@code accounts}. */
    @JsonProperty("accounts")
    public List<Account> accounts;
}
