package io.github.ssmonprem.examples.snippets;

import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.usage.AuthorizationRequest;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.Sudi;

/** README, "Authorization codes (HSEC, SLAC)". */
final class AuthorizationCodes {

    private AuthorizationCodes() {
    }

    static DeliveryResult request(SsmSyncClient ssm, String hsecTag, String removeCode) {
        // tag::authorization-codes[]
        Sudi edge = new Sudi("C8300-1N1S-6T", "FDO2601X1AB");
        DeliveryResult r = ssm.requestAuthorization("acme.example", "SDWAN", AuthorizationRequest.of(edge, "edge-17", hsecTag));
        // DELIVERED: r.acknowledgements().get(0).text() is the code to import; DEAD: refused, r.server() says why
        ssm.requestAuthorization("acme.example", "SDWAN", AuthorizationRequest.returnOf(edge, "edge-17", removeCode));
        // end::authorization-codes[]
        return r;
    }
}
