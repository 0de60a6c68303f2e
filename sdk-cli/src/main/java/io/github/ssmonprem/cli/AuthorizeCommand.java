package io.github.ssmonprem.cli;

import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.AuthorizationRequest;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.InvalidAuthorizationRequestException;
import io.github.ssmonprem.sync.usage.InvalidUsageReportException;
import io.github.ssmonprem.sync.usage.Sudi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ssm usage authorize}: an authorization code (HSEC, SLAC) for a device, or the return of the
 * code it holds; the code is kept for {@code ssm usage acks} as acknowledgements are.
 */
@Command(name = "authorize", description = "Request an authorization code (HSEC, SLAC) for a device, or return the code it holds "
        + "(--return), and wait for the server's answer. The code is kept in the state directory (or --store): `ssm usage acks "
        + "--out DIR` writes it to a file to import on the device (`license smart import`). A request that gets no code is not "
        + "kept: run the command again")
final class AuthorizeCommand extends ServerCommand {

    @Option(names = "--account", description = "smart account domain (env SSM_ACCOUNT)")
    String account;

    @Option(names = "--virtual-account", description = "virtual account name (env SSM_VIRTUAL_ACCOUNT)")
    String virtualAccount;

    @Option(names = "--device", required = true, paramLabel = "PID:SERIAL", description = "the device: its product id and serial "
            + "number (as `show license udi` prints them), such as C8300-1N1S-6T:FDO2601X1AB")
    String device;

    @Option(names = "--hostname", required = true, paramLabel = "NAME", description = "the device's host name")
    String hostname;

    @Option(names = "--entitlement", paramLabel = "TAG", description = "the entitlement tag of the code to request, such as the "
            + "device's HSEC tag")
    String entitlement;

    @Option(names = "--count", paramLabel = "N", description = "how many licenses the code grants (default 1)")
    Integer count;

    @Option(names = "--return", paramLabel = "REMOVE_CODE", description = "return the device's code instead, with the remove code "
            + "the device gave for it")
    String removeCode;

    @Option(names = "--ack-timeout", paramLabel = "SECONDS", description = "how long to wait for the code (default 600); then run "
            + "the command again")
    Integer ackTimeoutSeconds;

    @Override
    int execute(Output out) {
        String domain = required(account, "SSM_ACCOUNT", "--account");
        String va = required(virtualAccount, "SSM_VIRTUAL_ACCOUNT", "--virtual-account");
        AuthorizationRequest request = request();
        try (SsmSyncClient client = durableClient(List.of(), ackTimeout(ackTimeoutSeconds))) {
            DeliveryResult result = client.requestAuthorization(domain, va, request);
            int exitCode = report(out, request, result);
            out.document(document(request, result));
            return exitCode;
        }
    }

    /** The request the options describe: a code for an entitlement, or the return of a code. */
    private AuthorizationRequest request() {
        if ((entitlement == null) == (removeCode == null)) {
            throw new UsageError("`ssm usage authorize` needs either --entitlement (to request a code) or --return (to return one).",
                    "Give --entitlement TAG [--count N] to request a code, or --return REMOVE_CODE to return the device's code.");
        }
        if (removeCode != null && count != null) {
            throw new UsageError("--count applies to a request, not to --return.", "Leave out --count when returning a code.");
        }
        if (count != null && count < 1) {
            throw new UsageError("--count must be at least 1, was " + count + ".", "Give --count N with N of 1 or more.");
        }
        Sudi sudi = sudi(device);
        try {
            return removeCode != null ? AuthorizationRequest.returnOf(sudi, hostname, removeCode)
                    : AuthorizationRequest.of(sudi, hostname, entitlement, count == null ? 1 : count);
        } catch (InvalidAuthorizationRequestException e) {
            throw new UsageError("Invalid authorization request: " + e.problem() + ".",
                    "Correct --hostname, --entitlement or --return and run the command again; nothing was sent.");
        }
    }

    private static Sudi sudi(String value) {
        int colon = value.indexOf(':');
        String remediation = "Give --device PID:SERIAL, the device's product id and serial number, such as C8300-1N1S-6T:FDO2601X1AB.";
        if (colon <= 0 || colon == value.length() - 1) {
            throw new UsageError("--device must be PID:SERIAL, was '" + value + "'.", remediation);
        }
        try {
            return new Sudi(value.substring(0, colon).strip(), value.substring(colon + 1).strip());
        } catch (InvalidUsageReportException e) {
            throw new UsageError("--device is not a device identity: " + e.problem() + ".", remediation);
        }
    }

    /**
     * Prints the outcome and returns the exit code; throws what the command line reports as a failure
     * (then the failure is the JSON document).
     */
    private int report(Output out, AuthorizationRequest request, DeliveryResult r) {
        String what = what(request);
        switch (r.status()) {
            case DELIVERED: {
                Acknowledgement code = r.acknowledgements().get(0);
                out.line((request.isReturn() ? "Return of the code of " + what + " confirmed" : "Authorization code for " + what
                        + " received") + " (request " + r.reportId() + ").");
                if (r.failure() != null) {
                    out.line(r.detail() + ". Its text:");
                    out.line(code.text());
                } else {
                    out.line("Kept in " + stateDescription() + " as " + code.id() + ": `ssm usage acks --out DIR` writes it to "
                            + code.fileName() + " for the device (`license smart import`).");
                }
                return ExitCodes.OK;
            }
            case DEAD: {
                String refused = request.isReturn() ? "the return of the code of " : "to issue an authorization code for ";
                String said = r.server() != null && r.server().hasMessage() ? r.server().describe() : r.detail();
                throw new CommandFailure("The server refused " + refused + what + ": " + said + ".", request.isReturn()
                        ? "Check the remove code (the device gives it when its code is removed) and the device, then run the command again."
                        : "Check the entitlement tag, the device and that the virtual account holds such licenses, then run the command again.",
                        ExitCodes.NEEDS_ATTENTION);
            }
            default:
                out.line("No " + (request.isReturn() ? "confirmation of the return" : "authorization code") + " for " + what + " yet "
                        + "(request " + r.reportId() + "): " + r.detail() + ". Nothing was kept.");
                if (r.failure() != null) {
                    throw r.failure();
                }
                return ExitCodes.AWAITING_ACKNOWLEDGEMENT;
        }
    }

    private static String what(AuthorizationRequest request) {
        return "device " + request.device() + " (" + request.hostname() + (request.isReturn() ? ")"
                : ", " + request.entitlement() + (request.count() == 1 ? ")" : " x" + request.count() + ")"));
    }

    private Map<String, Object> document(AuthorizationRequest request, DeliveryResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requestId", r.reportId());
        m.put("kind", request.isReturn() ? "return" : "authorization");
        m.put("device", request.device().toString());
        m.put("hostname", request.hostname());
        m.put("entitlement", request.entitlement());
        m.put("count", request.isReturn() ? null : request.count());
        m.put("status", r.status());
        m.put("pollId", r.pollId());
        Acknowledgement code = r.acknowledgements().isEmpty() ? null : r.acknowledgements().get(0);
        m.put("acknowledgement", code == null ? null : code.id());
        m.put("kept", code != null && r.failure() == null);
        m.put("detail", r.detail());
        if (r.server() != null) {
            Map<String, Object> server = new LinkedHashMap<>();
            server.put("status", r.server().status());
            server.put("messageCode", r.server().code());
            server.put("message", r.server().message());
            server.put("correlationId", r.server().correlationId());
            m.put("server", server);
        }
        m.put("store", stateDescription());
        return m;
    }
}
