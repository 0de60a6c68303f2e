package io.github.ssmonprem.sync.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where sync state lives: usage reports waiting for delivery with their delivery state, reports the
 * server refused for good (dead letters), entries that could not be read (quarantine), the ids of
 * delivered reports for {@link #DELIVERED_RETENTION}, the last license snapshot of each account, and
 * the last sync's outcome. {@link FileSyncStore} keeps it under a state directory (the default);
 * {@link InMemorySyncStore} keeps it in memory. Any implementation passes the contract test suite
 * {@code io.github.ssmonprem.testkit.SyncStoreContract} in sdk-testkit (extend it and implement
 * {@code newStore(Clock)}).
 *
 * <p>The contract, for every method:
 * <ul>
 *   <li><b>Durability.</b> A method that changes state has made the change durable (it survives a
 *       crash of the process or host) before it returns. A report is in the store from before it is
 *       sent until its acknowledgement arrives. Two exceptions are allowed, where a change lost in
 *       a crash of the store's host costs at most a second submission of a report with its one
 *       nonce, which the server counts once: {@link #markDelivered}, which may leave its change to
 *       the storage's next commit (undone, it makes the report pending again), and claims
 *       ({@link #claimPending}, {@link #claim}, and the claim an {@link #updatePending} carries), which must be seen
 *       at once by every client of the store but need not survive the host that held them.</li>
 *   <li><b>Atomicity.</b> Each change is all or nothing. A method that throws
 *       {@link SyncStoreException} leaves the state as it was before the call, or (for a move between
 *       states cut short by a crash) leaves the report in exactly one of the two states, never in
 *       none: no pending report is ever lost.</li>
 *   <li><b>One state per id.</b> A report id is in at most one of pending, dead and delivered.</li>
 *   <li><b>Thread safety.</b> Implementations are thread-safe; stores shared by several processes
 *       (a shared directory, a database) serialise changes across processes as well.</li>
 *   <li><b>Order.</b> Lists of reports are oldest first ({@link PendingReport#storedAt()}, then
 *       report id).</li>
 * </ul>
 */
public interface SyncStore extends AutoCloseable {

    /**
     * How long a store remembers the id of a delivered report at least, so that submitting the same
     * id again returns its state and sends nothing: 30 days. Stores may forget older ids.
     */
    Duration DELIVERED_RETENTION = Duration.ofDays(30);

    /**
     * Adds a report to the pending set, unless its id is known. Idempotent: when the id is pending,
     * dead or delivered (within {@link #DELIVERED_RETENTION}), nothing changes and the existing
     * state is returned.
     *
     * @param report the entry; a claim it carries is not stored (see
     *     {@link #addPending(PendingReport, String, Duration)})
     * @return empty when the report was added; otherwise the id's existing state
     * @throws SyncStoreException when it cannot be stored durably (then it was not added)
     */
    Optional<ReportState> addPending(PendingReport report);

    /**
     * Adds a report to the pending set claimed by {@code owner}, unless its id is known: an
     * {@link #addPending(PendingReport)} and a {@link #claim} as one change, so that no other node
     * can claim the report between the two. A node submitting a new report calls it, then delivers
     * the report under that claim. The default implementation calls the two methods one after the
     * other; stores that can do it in one step (one file write, one insert) override it.
     *
     * @param report the entry
     * @param owner who claims it (a node name)
     * @param lease how long the claim holds from now, in the store's clock (positive)
     * @return empty when the report was added and {@code owner} holds its claim; otherwise the id's
     *     state: the existing one when the id was known (then nothing changed), or the new pending
     *     report as another owner claimed it first (only with the default implementation)
     * @throws SyncStoreException when it cannot be stored durably (then it was not added)
     */
    default Optional<ReportState> addPending(PendingReport report, String owner, Duration lease) {
        Optional<ReportState> existing = addPending(report);
        if (existing.isPresent() || claim(report.reportId(), owner, lease).isPresent()) {
            return existing;
        }
        return Optional.of(state(report.reportId()).orElseGet(() -> ReportState.pending(report)));
    }

    /**
     * Where a report id stands.
     *
     * @param reportId the report's nonce
     * @return its state, or empty when the store does not know it (or forgot a delivered id)
     * @throws SyncStoreException when the store cannot be read
     */
    Optional<ReportState> state(String reportId);

    /**
     * The pending reports, oldest first. Entries that cannot be read are moved aside and listed by
     * {@link #quarantined()}; they do not block the others.
     *
     * @return the readable pending reports
     * @throws SyncStoreException when the store cannot be read at all
     */
    List<PendingReport> pendingReports();

    /**
     * How many reports are pending.
     *
     * @return the count, or -1 when the store cannot be read
     */
    int pendingCount();

    /**
     * Replaces the delivery state (poll id, attempts, last error, claim) of a pending report with
     * that of {@code report}. The report itself and {@code storedAt} are kept as stored.
     *
     * @param report the entry with its new delivery state
     * @return false when the id is not pending (delivered, dead or unknown): then nothing changed
     * @throws SyncStoreException when it cannot be stored durably (then the previous state is kept)
     */
    boolean updatePending(PendingReport report);

    /**
     * Replaces the delivery state of a pending report, as {@link #updatePending(PendingReport)}
     * does, only while {@code owner} holds its claim: the stored claim is {@code owner}'s (expired or
     * not, as long as no other owner took it over). A node that stalled past its claim's expiry (a
     * long pause, a lost network) so cannot overwrite the state of the node that took the report
     * over: its write is refused, and it leaves the report to that node. Delivery writes through
     * this method. The default implementation checks the claim with {@link #state} and then updates:
     * stores shared by several processes override it with one atomic change.
     *
     * @param report the entry with its new delivery state
     * @param owner who must hold the report's claim
     * @return false when the id is not pending or {@code owner} does not hold its claim: then nothing
     *     changed
     * @throws SyncStoreException when it cannot be stored durably (then the previous state is kept)
     */
    default boolean updatePending(PendingReport report, String owner) {
        Optional<ReportState> now = state(report.reportId());
        return now.isPresent() && now.get().status() == ReportState.Status.PENDING
                && owner.equals(now.get().pending().claimOwner()) && updatePending(report);
    }

    /**
     * Claims up to {@code max} pending reports for {@code owner}, oldest first: those unclaimed,
     * those whose claim expired, and those {@code owner} holds already (their claim is renewed). The
     * claim lasts {@code lease} from now in the store's clock (for a database, the database's clock).
     * A store used by one process may implement this with a process lock.
     *
     * @param owner who claims them (a node name)
     * @param max at most how many (positive)
     * @param lease how long the claim holds (positive)
     * @return the claimed reports, with {@link PendingReport#claimOwner()} and
     *     {@link PendingReport#claimedUntil()} set as stored
     * @throws SyncStoreException when the claims cannot be stored (then none was taken)
     */
    List<PendingReport> claimPending(String owner, int max, Duration lease);

    /**
     * Claims one pending report for {@code owner}, or renews the claim {@code owner} holds on it: as
     * {@link #claimPending} does, for one report id. A delivery calls it for the report it is about to
     * submit (one just added with {@link #addPending}) and to renew its claims while it works.
     *
     * @param reportId the report's nonce
     * @param owner who claims it (a node name)
     * @param lease how long the claim holds from now, in the store's clock (positive)
     * @return the report as stored, claimed by {@code owner}; empty when it is not pending or another
     *     owner holds an unexpired claim on it (then nothing changed)
     * @throws SyncStoreException when the claim cannot be stored (then it was not taken)
     */
    Optional<PendingReport> claim(String reportId, String owner, Duration lease);

    /**
     * Records that the server acknowledged a report: it leaves the pending set and its id is
     * remembered as delivered for at least {@link #DELIVERED_RETENTION}.
     *
     * @param reportId the report's nonce
     * @return false when it was not pending (then nothing changed)
     * @throws SyncStoreException when it cannot be recorded (then it stays pending, and is sent again
     *     with its nonce, which the server counts once)
     */
    boolean markDelivered(String reportId);

    /**
     * Moves a pending report to the dead letters with the server's answer. The dead letter's entry
     * replaces the stored delivery state.
     *
     * @param letter the refused report and the server's answer
     * @return false when the id was not pending (then nothing changed)
     * @throws SyncStoreException when it cannot be moved (then it stays pending)
     */
    boolean moveToDead(DeadLetter letter);

    /**
     * The dead letters, oldest first. Unreadable ones are quarantined like pending entries.
     *
     * @return the dead letters
     * @throws SyncStoreException when the store cannot be read at all
     */
    List<DeadLetter> deadLetters();

    /**
     * Moves a dead letter back to the pending set, with no poll id, no claim and no failed
     * attempts, for the next delivery to submit again with the same nonce.
     *
     * @param reportId the report's nonce
     * @return false when it was not dead (then nothing changed)
     * @throws SyncStoreException when it cannot be moved (then it stays dead)
     */
    boolean retryDead(String reportId);

    /**
     * Deletes a dead letter for good: its usage is not delivered. The id is forgotten, so it may be
     * added again.
     *
     * @param reportId the report's nonce
     * @return false when it was not dead (then nothing changed)
     * @throws SyncStoreException when it cannot be deleted
     */
    boolean discardDead(String reportId);

    /**
     * The entries moved aside because they could not be read, until discarded.
     *
     * @return the quarantined entries, oldest first
     */
    List<QuarantinedEntry> quarantined();

    /**
     * Deletes a quarantined entry for good, after an operator inspected it.
     *
     * @param id its {@link QuarantinedEntry#id()}
     * @return false when there was no such entry
     * @throws SyncStoreException when it cannot be deleted
     */
    boolean discardQuarantined(String id);

    /**
     * Stores the latest license snapshot of an account, replacing the previous one, durably.
     *
     * @param snapshot the snapshot
     * @throws SyncStoreException when it cannot be stored (then the previous one is kept)
     */
    void saveSnapshot(LicenseSnapshot snapshot);

    /**
     * The last snapshot of an account.
     *
     * @param account the smart account domain (case-insensitive)
     * @return the snapshot, or empty when there is none or it cannot be read
     */
    Optional<LicenseSnapshot> loadSnapshot(String account);

    /**
     * Stores the outcome of a sync, replacing the previous one, durably.
     *
     * @param outcome the outcome
     * @throws SyncStoreException when it cannot be stored (then the previous one is kept)
     */
    void saveOutcome(SyncOutcome outcome);

    /**
     * The last sync's outcome.
     *
     * @return the outcome, or empty when no sync ran or it cannot be read
     */
    Optional<SyncOutcome> lastOutcome();

    /**
     * Releases what the store holds open (files, connections). The default holds nothing. An
     * {@code SsmSyncClient} closes the store it created for its state directory, not one given to it.
     */
    @Override
    default void close() {
    }
}
