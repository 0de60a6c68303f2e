package io.github.ssmonprem.cli;

import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.LicenseChanges;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.model.License;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ssm sync}: one sync cycle, as the scheduler runs every 24 hours. */
@Command(name = "sync", description = "Run one sync: token, licenses of the account (compared with the last pull), "
        + "pending usage reports, outcome recorded in the state directory")
final class SyncCommand extends ServerCommand {

    /** How long the lease on the cluster's lock lasts unless renewed, unless --lock-lease says otherwise. */
    private static final int DEFAULT_LEASE_SECONDS = 600;

    @Option(names = "--lock-lease", paramLabel = "SECONDS", description = "with --store: how long this host's lease on the "
            + "cluster's sync lock lasts unless renewed (default 600); it is renewed every third of that while the sync runs, "
            + "so it is how soon another host takes over when this one dies mid-sync")
    Integer lockLeaseSeconds;

    @Option(names = "--account", description = "smart account domain (env SSM_ACCOUNT; neither: every account the grant "
            + "can see)")
    String account;

    @Option(names = "--virtual-account", description = "a virtual account (repeatable; none: all)")
    List<String> virtualAccounts = new ArrayList<>();

    @Override
    int execute(Output out) {
        String account = account(this.account);
        if (account == null && !virtualAccounts.isEmpty()) {
            throw new UsageError("--virtual-account needs a smart account.", "Give --account DOMAIN (or set SSM_ACCOUNT) with it.");
        }
        java.time.Duration leaseTime = leaseTime();
        Optional<SyncLock> lock = lock();
        Optional<SyncLease> lease = Optional.empty();
        if (lock.isPresent()) {
            lease = lock.get().tryAcquire(Nodes.name(env()), leaseTime);
            if (lease.isEmpty()) {
                Optional<io.github.ssmonprem.sync.lock.LockHolder> holder = lock.get().holder();
                out.line("Not syncing: " + holder.map(h -> h.node() + " (since " + Output.instant(h.acquiredAt())
                        + ", lease until " + Output.instant(h.expiresAt()) + ")").orElse("another node")
                        + " holds the sync lock of " + stateDescription() + " and is syncing.");
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("synced", false);
                doc.put("lockHolder", holder.map(h -> h.node()).orElse(null));
                out.document(doc);
                return ExitCodes.OK;
            }
        }
        boolean succeeded = false;
        try (LeaseRenewal renewal = new LeaseRenewal(lease.orElse(null), leaseTime)) {
            // Only once this host may sync: a host that waits for another's lock sends nothing.
            List<AccountSelection> accounts = account == null ? everyAccount()
                    : List.of(new AccountSelection(account, virtualAccounts));
            try (SsmSyncClient client = durableClient(accounts)) {
                if (account != null) {
                    checkVirtualAccounts(client, account, virtualAccounts);
                }
                SyncResult result = lease.isPresent() ? client.sync(lease.get()) : client.sync();
                succeeded = result.isSuccess();
                print(out, result);
                warnIfNeeded(client);
                if (!result.isSuccess()) {
                    throw result.failure().orElseThrow();
                }
            }
        } finally {
            if (lease.isPresent()) {
                lease.get().release(succeeded);
            }
        }
        return ExitCodes.OK;
    }

    /**
     * Without --account or SSM_ACCOUNT: every smart account the grant can see, all their virtual accounts.
     * A grant that sees none is an error, not a sync that pulls nothing and succeeds.
     */
    private List<AccountSelection> everyAccount() {
        List<io.github.ssmonprem.sync.model.Account> visible;
        try (SsmSyncClient client = readOnlyClient()) {
            visible = client.listAccounts();
        }
        if (visible.isEmpty()) {
            throw new UsageError("No --account given, and the grant can see no smart account to sync.",
                    "Give --account DOMAIN (or set SSM_ACCOUNT), and check in SSM On-Prem that the grant's user has access to"
                            + " a smart account.");
        }
        List<AccountSelection> all = visible.stream().map(a -> new AccountSelection(a.accountDomain(), List.of())).toList();
        root().err().println("No --account given: syncing every smart account the grant can see ("
                + String.join(", ", all.stream().map(AccountSelection::account).toList()) + ").");
        root().err().flush();
        return all;
    }

    private java.time.Duration leaseTime() {
        if (lockLeaseSeconds == null) {
            return java.time.Duration.ofSeconds(DEFAULT_LEASE_SECONDS);
        }
        if (lockLeaseSeconds < 1) {
            throw new UsageError("--lock-lease must be at least 1 second, was " + lockLeaseSeconds + ".",
                    "Give --lock-lease SECONDS (default " + DEFAULT_LEASE_SECONDS + "), longer than this host's longest pause.");
        }
        return java.time.Duration.ofSeconds(lockLeaseSeconds);
    }

    /**
     * Renews the lease every third of its time while the sync runs, as the SDK's scheduler does, until
     * it is closed or the lease is lost (the sync then stops at its next write).
     */
    private final class LeaseRenewal implements AutoCloseable {
        private final java.util.concurrent.ScheduledExecutorService timer;

        LeaseRenewal(SyncLease lease, java.time.Duration leaseTime) {
            if (lease == null) {
                timer = null;
                return;
            }
            timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    io.github.ssmonprem.core.internal.DaemonThreads.named("ssm-lock-renewal"));
            long every = Math.max(1, leaseTime.toMillis() / 3);
            timer.scheduleWithFixedDelay(() -> {
                try {
                    if (!lease.renew(leaseTime)) {
                        root().err().println("warning: this host lost the cluster's sync lock (its lease ran out); the sync stops"
                                + " before its next write.");
                        root().err().flush();
                        timer.shutdown();
                    }
                } catch (io.github.ssmonprem.sync.lock.SyncLockException e) {
                    // The database did not answer this time; the next renewal tries again before the lease runs out.
                }
            }, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            if (timer != null) {
                timer.shutdownNow();
            }
        }
    }

    /** Every run names the dead letters and quarantined entries until an operator acts, on stderr. */
    private void warnIfNeeded(SsmSyncClient client) {
        io.github.ssmonprem.sync.SyncStatus status = client.status();
        if (status.needsAttention()) {
            root().err().println(StatusCommand.attention(status.dead(), status.quarantined()));
            root().err().flush();
        }
    }

    static void print(Output out, SyncResult result) {
        var o = result.outcome();
        out.line("Sync " + (result.isSuccess() ? "succeeded" : "FAILED") + " at " + Output.instant(o.finishedAt()) + " in "
                + java.time.Duration.between(o.startedAt(), o.finishedAt()).toMillis() + " ms.");
        out.line("  licenses pulled:   " + o.licensesPulled());
        result.changes().forEach((acct, c) -> out.line("  " + acct + ": " + c));
        out.line("  reports delivered: " + o.reportsDelivered());
        out.line("  reports pending:   " + o.reportsPending());
        for (String q : result.quarantined()) {
            out.line("  quarantined: " + q);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("success", result.isSuccess());
        doc.put("startedAt", o.startedAt());
        doc.put("finishedAt", o.finishedAt());
        doc.put("licensesPulled", o.licensesPulled());
        doc.put("reportsDelivered", o.reportsDelivered());
        doc.put("reportsPending", o.reportsPending());
        Map<String, Object> changes = new LinkedHashMap<>();
        result.changes().forEach((acct, c) -> changes.put(acct, summary(c)));
        doc.put("changes", changes);
        List<Map<String, Object>> deliveries = new ArrayList<>();
        for (DeliveryResult d : result.deliveries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reportId", d.reportId());
            m.put("status", d.status());
            m.put("detail", d.detail());
            m.put("acknowledgements", d.acknowledgements().size());
            deliveries.add(m);
        }
        doc.put("deliveries", deliveries);
        doc.put("quarantined", result.quarantined());
        if (result.isSuccess()) {
            out.document(doc);
        }
    }

    private static Map<String, Object> summary(LicenseChanges c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("firstPull", c.initial());
        m.put("added", c.added().stream().map(License::key).toList());
        m.put("removed", c.removed().stream().map(License::key).toList());
        m.put("changed", c.changed().stream().map(ch -> ch.after().key() + " " + ch.changedFields()).toList());
        m.put("outOfCompliance", c.outOfCompliance().stream().map(License::key).toList());
        return m;
    }
}
