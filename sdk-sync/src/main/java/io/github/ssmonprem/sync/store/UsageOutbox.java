package io.github.ssmonprem.sync.store;

import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The usage outbox: reports from before they are sent until the server has them, each in exactly one
 * state (pending, dead, delivered), the claims nodes take to deliver them, and the acknowledgements
 * that came back until the application takes them for its devices: those of the reports, and those
 * that came back outside a report's delivery (authorization codes, {@link #keep}).
 *
 * <p>The contract, for every method (the suite {@code io.github.ssmonprem.testkit.SyncStoreContract}
 * checks it):
 * <ul>
 *   <li><b>Durability.</b> A method that changes state has made the change durable (it survives a
 *       crash of the process or host) before it returns, with one exception: claims
 *       ({@link #claim(String, int, Duration)}, {@link #claim(String, String, Duration)} and the claim an
 *       {@link #update} carries) must be seen at once by every client of the store but need not
 *       survive the host that held them. Above all a report is in the store from before it is sent,
 *       and an acknowledgement from the moment {@link #acknowledge} (or {@link #keep}) returns.</li>
 *   <li><b>Atomicity.</b> Each change is all or nothing; a method that throws
 *       {@link SyncStoreException} leaves the state as it was.</li>
 *   <li><b>One state per id.</b> A report id is in at most one of pending, dead and delivered.</li>
 *   <li><b>Claims.</b> A claim is a lease on a pending report, in the store's clock: while it holds,
 *       no other node may claim the report, and writes of its delivery state ({@link #update},
 *       {@link #refuse}) apply only for the node of the stored claim (expired or not, as long as no
 *       other node took it over), checked in the same change as the write: the claims fence the
 *       delivery, so a node that stalled past its claim cannot overwrite the state of the node that
 *       took the report over.</li>
 *   <li><b>Thread safety.</b> Implementations are thread-safe; a store shared by several processes
 *       (a shared directory, a database) serialises changes across processes as well.</li>
 *   <li><b>Order.</b> Lists are oldest first: reports by {@link PendingReport#storedAt()} then id,
 *       acknowledgements by {@link Acknowledgement#receivedAt()} then id.</li>
 * </ul>
 */
public interface UsageOutbox {

    /**
     * How long a store remembers a delivered report (its id and acknowledgements) at least: 30 days.
     * Submitting the same report again within it returns its state and sends nothing; an
     * acknowledgement nobody took is forgotten with its report.
     */
    Duration DELIVERED_RETENTION = Duration.ofDays(30);

    /**
     * Adds a report to the pending set, claimed by {@code node} for {@code lease}, unless its id is
     * known; nothing changes then and the existing state is returned.
     *
     * @param report the report
     * @param node the node name of who claims it
     * @param lease how long the claim holds from now, in the store's clock (positive)
     * @return empty when the report was added; otherwise the id's existing state
     * @throws SyncStoreException when it cannot be stored durably (then it was not added)
     */
    Optional<ReportState> add(UsageReport report, String node, Duration lease);

    /**
     * {@return where a report id stands: its state, or empty when the store does not know it (or forgot a
     * delivered id)}
     *
     * @param reportId the report's id
     * @throws SyncStoreException when the store cannot be read
     */
    Optional<ReportState> state(String reportId);

    /**
     * Claims up to {@code max} pending reports for {@code node}, oldest first: those unclaimed, those
     * whose claim expired, and those {@code node} holds already (their claim is renewed).
     *
     * @param node the node name of who claims them
     * @param max at most how many (positive)
     * @param lease how long the claims hold from now, in the store's clock (positive)
     * @return the claimed reports, as stored with their new claim
     * @throws SyncStoreException when the claims cannot be stored (then none was taken)
     */
    List<PendingReport> claim(String node, int max, Duration lease);

    /**
     * Claims one pending report for {@code node}, or renews the claim {@code node} holds on it.
     *
     * @param reportId the report's id
     * @param node the node name of who claims it
     * @param lease how long the claim holds from now, in the store's clock (positive)
     * @return the report as stored with its new claim; empty when it is not pending or another node
     *     holds an unexpired claim on it (then nothing changed)
     * @throws SyncStoreException when the claim cannot be stored
     */
    Optional<PendingReport> claim(String reportId, String node, Duration lease);

    /**
     * Replaces the delivery state of a pending report (poll id and nonce, attempts, last error, claim)
     * with that of {@code report}, only while {@code node} holds its claim. The report itself and
     * {@code storedAt} are kept as stored.
     *
     * @param report the entry with its new delivery state
     * @param node the node name that must hold the claim
     * @return false when the id is not pending or {@code node} does not hold its claim (nothing changed)
     * @throws SyncStoreException when it cannot be stored durably (then the previous state is kept)
     */
    boolean update(PendingReport report, String node);

    /**
     * Records that the server has a pending report: it leaves the pending set for the delivered ones,
     * and its acknowledgements are kept until taken, in one durable change. Whoever holds the claim:
     * an acknowledgement in hand is never dropped.
     *
     * @param delivered the delivered report with its acknowledgements
     * @return false when the id was not pending (then nothing changed)
     * @throws SyncStoreException when it cannot be recorded (then it stays pending)
     */
    boolean acknowledge(DeliveredReport delivered);

    /**
     * Moves a pending report to the dead letters with the server's answer (and keeps the
     * acknowledgements the letter carries), only while {@code node} holds its claim.
     *
     * @param letter the refused report and the server's answer
     * @param node the node name that must hold the claim
     * @return false when the id was not pending or {@code node} does not hold its claim (nothing changed)
     * @throws SyncStoreException when it cannot be moved (then it stays pending)
     */
    boolean refuse(DeadLetter letter, String node);

    /**
     * Keeps an acknowledgement that came back outside a report's delivery, such as an authorization
     * code: durably, not taken, listed by {@link #acknowledgements()} until taken, and remembered
     * (taken or not) until {@link #DELIVERED_RETENTION} after it arrived ({@link Acknowledgement#receivedAt()}),
     * when it is forgotten. It belongs to no report: {@link #state} knows nothing of its
     * {@link Acknowledgement#reportId()}.
     *
     * @param acknowledgement the acknowledgement
     * @return false when the store knows its id already (kept before and not forgotten, taken or not;
     *     or listed as not taken): then nothing changed
     * @throws SyncStoreException when it cannot be kept durably (then it was not kept)
     */
    boolean keep(Acknowledgement acknowledgement);

    /**
     * {@return the pending reports, oldest first}
     *
     * @throws SyncStoreException when the store cannot be read
     */
    List<PendingReport> pending();

    /**
     * {@return the dead letters, oldest first}
     *
     * @throws SyncStoreException when the store cannot be read
     */
    List<DeadLetter> dead();

    /**
     * Moves a dead letter back to the pending set, with no poll id, claim or failed attempts.
     *
     * @param reportId the report's id
     * @return false when it was not dead (then nothing changed)
     * @throws SyncStoreException when it cannot be moved
     */
    boolean retry(String reportId);

    /**
     * Deletes a dead letter for good: its usage is not delivered, and its id may be added again.
     *
     * @param reportId the report's id
     * @return false when it was not dead (then nothing changed)
     * @throws SyncStoreException when it cannot be deleted
     */
    boolean discard(String reportId);

    /**
     * {@return how many reports are pending and dead, and how many acknowledgements are not taken}
     *
     * @throws SyncStoreException when the store cannot be read
     */
    UsageCounts counts();

    /**
     * {@return the acknowledgements not taken yet, oldest first}
     *
     * @throws SyncStoreException when the store cannot be read
     */
    List<Acknowledgement> acknowledgements();

    /**
     * Marks an acknowledgement as taken by the application (handed to its device): it leaves
     * {@link #acknowledgements()}, durably.
     *
     * @param acknowledgementId its {@link Acknowledgement#id()}
     * @return false when no acknowledgement not taken has that id (then nothing changed)
     * @throws SyncStoreException when it cannot be recorded
     */
    boolean take(String acknowledgementId);
}
