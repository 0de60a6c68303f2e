package io.github.ssmonprem.cli;

import io.github.ssmonprem.auth.GrantNotFoundException;
import io.github.ssmonprem.auth.InvalidCredentialsException;
import io.github.ssmonprem.auth.OAuthException;
import io.github.ssmonprem.core.exception.AccessDeniedException;
import io.github.ssmonprem.core.exception.CircuitOpenException;
import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.ProxyAuthenticationException;
import io.github.ssmonprem.core.exception.RateLimitedException;
import io.github.ssmonprem.core.exception.RedirectNotFollowedException;
import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.exception.TlsException;
import io.github.ssmonprem.core.exception.UnauthorizedException;
import io.github.ssmonprem.sync.AccountNotFoundException;
import io.github.ssmonprem.sync.SyncDeadlineExceededException;
import io.github.ssmonprem.sync.usage.InvalidAuthorizationRequestException;
import io.github.ssmonprem.sync.usage.InvalidUsageReportException;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageDeliveryException;

/**
 * The exit codes of the {@code ssm} command line and of {@code SyncNow.java}, so a cron job or a
 * pipeline can act on the class of failure.
 *
 * <table>
 *   <caption>Exit codes</caption>
 *   <tr><td>0</td><td>success</td></tr>
 *   <tr><td>1</td><td>anything else</td></tr>
 *   <tr><td>2</td><td>usage error: a bad option, a missing setting, an invalid usage file, a URL the server
 *       redirects away from, a smart account or virtual account the grant does not see</td></tr>
 *   <tr><td>3</td><td>grant not found ({@code invalid_client}): create the API Toolkit grant</td></tr>
 *   <tr><td>4</td><td>invalid credentials ({@code invalid_grant})</td></tr>
 *   <tr><td>5</td><td>another OAuth or authorization error</td></tr>
 *   <tr><td>6</td><td>server unavailable or unreachable, after retries; a sync or command out of time</td></tr>
 *   <tr><td>7</td><td>TLS certificate or host name failure</td></tr>
 *   <tr><td>8</td><td>proxy authentication failure</td></tr>
 *   <tr><td>9</td><td>dead letters or quarantined entries wait for an operator ({@code ssm status}; {@code ssm usage push}
 *       of a report the server refused for good); {@code ssm usage authorize}: the server refused the request</td></tr>
 *   <tr><td>10</td><td>{@code ssm status}: the last sync failed (checked before 9)</td></tr>
 *   <tr><td>11</td><td>{@code ssm usage push}: uploaded, the acknowledgement has not come yet; {@code ssm sync} polls for it;
 *       {@code ssm usage authorize}: the code has not come in time (run it again)</td></tr>
 * </table>
 */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** Anything else. */
    public static final int OTHER = 1;
    /** A bad option, a missing setting, an invalid file. */
    public static final int USAGE = 2;
    /** {@code invalid_client}: no API Toolkit grant matches. */
    public static final int GRANT_NOT_FOUND = 3;
    /** {@code invalid_grant}: wrong user name or password. */
    public static final int INVALID_CREDENTIALS = 4;
    /** Any other OAuth or authorization error. */
    public static final int AUTHORIZATION = 5;
    /** Server unavailable or unreachable, after retries. */
    public static final int UNAVAILABLE = 6;
    /** TLS certificate or host name failure. */
    public static final int TLS = 7;
    /** Proxy authentication failure. */
    public static final int PROXY_AUTH = 8;
    /**
     * {@code ssm status}: dead letters or quarantined entries wait for an operator
     * ({@code ssm usage list}).
     */
    public static final int NEEDS_ATTENTION = 9;
    /**
     * {@code ssm status}: the last sync failed (its error is printed); takes precedence over
     * {@link #NEEDS_ATTENTION}.
     */
    public static final int LAST_SYNC_FAILED = 10;
    /** {@code ssm usage push}: uploaded, the acknowledgement has not come yet; {@code ssm sync} polls for it. */
    public static final int AWAITING_ACKNOWLEDGEMENT = 11;

    private ExitCodes() {
    }

    /**
     * The exit code for a failure.
     *
     * @param failure the failure
     * @return its exit code
     */
    public static int of(Throwable failure) {
        Throwable t = failure;
        if (t instanceof CommandFailure stated) {
            return stated.exitCode();
        }
        if (t instanceof UsageDeliveryException dead && dead.status() == ReportStatus.DEAD) {
            return NEEDS_ATTENTION;
        }
        if (t instanceof UsageDeliveryException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof SyncDeadlineExceededException) {
            return UNAVAILABLE;
        }
        if (t instanceof AccountNotFoundException) {
            return USAGE;   // --account or --virtual-account names what the grant does not see
        }
        if (t instanceof RedirectNotFollowedException) {
            return USAGE;   // the URL is not the API's: a setting to correct (--url, SSM_URL)
        }
        if (t instanceof GrantNotFoundException) {
            return GRANT_NOT_FOUND;
        }
        if (t instanceof InvalidCredentialsException) {
            return INVALID_CREDENTIALS;
        }
        if (t instanceof OAuthException || t instanceof UnauthorizedException || t instanceof AccessDeniedException) {
            return AUTHORIZATION;
        }
        if (t instanceof ServerUnavailableException || t instanceof ConnectionFailedException
                || t instanceof RequestTimeoutException || t instanceof CircuitOpenException
                || t instanceof RateLimitedException || t instanceof UsageDeliveryException || t instanceof DeadlineExceeded) {
            return UNAVAILABLE;
        }
        if (t instanceof TlsException) {
            return TLS;
        }
        if (t instanceof ProxyAuthenticationException) {
            return PROXY_AUTH;
        }
        if (t instanceof SsmConfigurationException || t instanceof InvalidUsageReportException
                || t instanceof InvalidAuthorizationRequestException || t instanceof UsageError
                || t instanceof picocli.CommandLine.ParameterException) {
            return USAGE;
        }
        return OTHER;
    }
}
