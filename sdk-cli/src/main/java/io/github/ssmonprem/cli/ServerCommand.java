package io.github.ssmonprem.cli;

import io.github.ssmonprem.sync.SsmSyncClientBuilder;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.testkit.InMemorySyncStore;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A command that talks to an SSM On-Prem server. */
abstract class ServerCommand extends StateCommand {

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--deadline", description = "overall limit in seconds for the command, retries included "
            + "(default: none; each request is still bounded by --timeout and --retries; a sync is bounded by 15 min "
            + "unless --deadline says otherwise)")
    Integer deadlineSeconds;

    @Override
    java.time.Duration deadline() {
        if (deadlineSeconds == null) {
            return null;
        }
        if (deadlineSeconds < 1) {
            throw new UsageError("--deadline must be at least 1 second, was " + deadlineSeconds + ".",
                    "Give --deadline SECONDS, or leave it out for no overall limit.");
        }
        return java.time.Duration.ofSeconds(deadlineSeconds);
    }

    /**
     * A client that keeps state in the {@code --store} database, or in the state directory, created with
     * its parents when missing.
     */
    SsmSyncClient durableClient(List<AccountSelection> accounts) {
        return durableClient(accounts, b -> { });
    }

    /** {@link #durableClient(List)} with settings of the command's own. */
    SsmSyncClient durableClient(List<AccountSelection> accounts, java.util.function.Consumer<SsmSyncClientBuilder> settings) {
        SsmSyncClientBuilder builder = SsmSyncClient.builder().config(connection.config(env()).build())
                .grant(connection.grant(env()));
        if (storeUrl() != null) {
            builder.store(openStore());
        } else {
            builder.stateDirectory(States.create(stateDirectory()));
        }
        java.time.Duration limit = deadline();
        if (limit != null) {
            // The sync ends itself a little before --deadline, so it records its outcome and releases its claims.
            builder.syncTimeout(java.time.Duration.ofMillis(Math.max(1000, limit.toMillis() * 9 / 10)));
        }
        settings.accept(builder);
        return builder.accounts(accounts).nodeName(Nodes.name(env())).build();
    }

    /**
     * Fails, listing the account's virtual accounts, when one of the given ones does not exist: a typo
     * must not read as "0 licenses".
     */
    static void checkVirtualAccounts(SsmSyncClient client, String account, List<String> virtualAccounts) {
        if (virtualAccounts.isEmpty()) {
            return;
        }
        io.github.ssmonprem.sync.model.Account found = client.listAccounts().stream()
                .filter(a -> a.accountDomain().equalsIgnoreCase(account)).findFirst().orElse(null);
        if (found == null) {
            return;   // the SDK reports an unknown smart account itself
        }
        List<String> known = found.virtualAccounts().stream().map(io.github.ssmonprem.sync.model.VirtualAccount::name).toList();
        for (String va : virtualAccounts) {
            if (known.stream().noneMatch(k -> k.equalsIgnoreCase(va))) {
                throw new UsageError("No virtual account '" + va + "' in smart account " + account + ".",
                        "Give --virtual-account with one of: " + String.join(", ", known) + ".");
            }
        }
    }

    /**
     * The smart account to use: {@code --account}, else {@code SSM_ACCOUNT}, else none.
     *
     * @param option the {@code --account} value, or null
     * @return the account domain, or null when neither is given
     */
    String account(String option) {
        if (option != null && !option.isBlank()) {
            return option;
        }
        String fromEnv = env().get("SSM_ACCOUNT");
        return fromEnv == null || fromEnv.isBlank() ? null : fromEnv.trim();
    }

    /**
     * A setting the command needs: its option, else its environment variable.
     *
     * @param option the option's value, or null
     * @param variable the environment variable
     * @param name the option's name
     * @return the value
     * @throws UsageError when neither is given
     */
    String required(String option, String variable, String name) {
        String value = option != null ? option : env().get(variable);
        if (value == null || value.isBlank()) {
            throw new UsageError("`" + spec.qualifiedName(" ") + "` needs " + name + ".", "Give " + name + " or set " + variable + ".");
        }
        return value;
    }

    /**
     * The client setting of an {@code --ack-timeout SECONDS} option.
     *
     * @param seconds the option's value, or null for the client's default
     * @return what to apply to the client's builder
     * @throws UsageError when it is negative
     */
    static java.util.function.Consumer<SsmSyncClientBuilder> ackTimeout(Integer seconds) {
        if (seconds != null && seconds < 0) {
            throw new UsageError("--ack-timeout must be 0 or more seconds, was " + seconds + ".",
                    "Give --ack-timeout SECONDS, or leave it out for 600.");
        }
        return b -> {
            if (seconds != null) {
                b.ackTimeout(java.time.Duration.ofSeconds(seconds));
            }
        };
    }

    /** A client for read-only calls, which touch no state on disk. */
    SsmSyncClient readOnlyClient() {
        return SsmSyncClient.builder().config(connection.config(env()).build()).grant(connection.grant(env()))
                .store(new InMemorySyncStore()).build();
    }
}
