package io.github.ssmonprem.cli;

import io.github.ssmonprem.auth.AccessToken;
import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.sync.SsmSyncClient;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code ssm token}: obtains a token with the configured grant. Prints its metadata, never its value. */
@Command(name = "token", description = "Obtain an OAuth token with the configured grant (the token itself is never printed)")
final class TokenCommand extends ServerCommand {

    @Override
    int execute(Output out) {
        try (SsmSyncClient client = readOnlyClient()) {
            OAuthGrant grant = client.tokens().grant();
            AccessToken token = client.tokens().token();
            out.line("Token obtained with the " + grant.grantType() + " grant of client ID " + grant.clientId()
                    + (grant.username() != null ? " for user " + grant.username() : "") + ".");
            out.line("  type:          " + token.tokenType());
            out.line("  expires at:    " + Output.instant(token.expiresAt()));
            out.line("  refresh token: " + (token.refreshToken().isPresent() ? "yes" : "no"));
            token.scope().filter(s -> !s.isBlank()).ifPresent(s -> out.line("  scope:         " + s));
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("grantType", grant.grantType());
            doc.put("clientId", grant.clientId());
            doc.put("tokenType", token.tokenType());
            doc.put("issuedAt", token.issuedAt());
            doc.put("expiresAt", token.expiresAt());
            doc.put("refreshToken", token.refreshToken().isPresent());
            doc.put("scope", token.scope().orElse(null));
            out.document(doc);
        }
        return ExitCodes.OK;
    }
}
