package io.github.ssmonprem.cli;

import io.github.ssmonprem.emulator.SsmEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ssm emulator}: runs the SSM On-Prem emulator in the foreground and prints how to reach it. */
@Command(name = "emulator", description = "Run the SSM On-Prem emulator in the foreground, printing its URL and credentials")
final class EmulatorCommand extends BaseCommand {

    @Option(names = "--port", description = "port on 127.0.0.1 (default: any free port)")
    int port;

    @Option(names = "--http", description = "serve plain HTTP instead of HTTPS")
    boolean http;

    @Option(names = "--ca-out", description = "where to write the emulator's CA certificate, kept when the emulator stops "
            + "(default: a temporary file, removed when the emulator stops unless --keep-ca)")
    Path caOut;

    @Option(names = "--keep-ca", description = "keep the temporary CA file when the emulator stops, so a client configured "
            + "with it then sees a server that is down, not a missing CA file")
    boolean keepCa;

    @Option(names = "--stop-after", hidden = true, description = "stop after this many seconds (for tests)")
    Long stopAfterSeconds;

    @Override
    int execute(Output out) throws Exception {
        SsmEmulator.Builder builder = SsmEmulator.builder().port(port);
        if (!http) {
            builder.https();
        }
        CountDownLatch stop = new CountDownLatch(1);
        Path temporaryCa = null;
        try (SsmEmulator emulator = builder.start()) {
            Thread hook = new Thread(stop::countDown, "ssm-emulator-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("url", emulator.url().toString());
            StringBuilder exports = new StringBuilder("export SSM_URL=" + emulator.url());
            if (!http) {
                Path ca = caOut != null ? caOut : Files.createTempFile("ssm-emulator-ca", ".pem");
                if (caOut == null && !keepCa) {
                    temporaryCa = ca;
                    ca.toFile().deleteOnExit();   // also on Ctrl-C: the temporary CA file does not outlive the emulator
                }
                Files.writeString(ca, emulator.caPem());
                doc.put("caCert", ca.toString());
                exports.append(" SSM_CA_CERT=").append(ca);
            }
            exports.append(" SSM_CLIENT_ID=").append(SsmEmulator.DEMO_CLIENT_ID)
                    .append(" SSM_CLIENT_SECRET=").append(SsmEmulator.DEMO_CLIENT_SECRET)
                    .append(" SSM_USERNAME=").append(SsmEmulator.DEMO_USER)
                    .append(" SSM_PASSWORD=").append(SsmEmulator.DEMO_PASSWORD);
            out.line("SSM On-Prem emulator listening on " + emulator.url() + (http ? " (plain HTTP: add --allow-http)" : ""));
            out.line("Demo credentials (emulator only): Resource Owner Grant " + SsmEmulator.DEMO_CLIENT_ID + " / "
                    + SsmEmulator.DEMO_CLIENT_SECRET + ", user " + SsmEmulator.DEMO_USER + " / " + SsmEmulator.DEMO_PASSWORD
                    + "; Client Credentials Grant " + SsmEmulator.DEMO_CC_CLIENT_ID + " / " + SsmEmulator.DEMO_CC_CLIENT_SECRET);
            out.line("Smart account: " + SsmEmulator.DEMO_ACCOUNT + " (virtual accounts DEFAULT, Branch-East)");
            out.line("Try:");
            out.line("  " + exports);
            out.line("  java -jar sdk-cli/target/ssm.jar sync --account " + SsmEmulator.DEMO_ACCOUNT + (http ? " --allow-http" : ""));
            out.line("Press Ctrl-C to stop.");
            doc.put("clientId", SsmEmulator.DEMO_CLIENT_ID);
            doc.put("username", SsmEmulator.DEMO_USER);
            doc.put("account", SsmEmulator.DEMO_ACCOUNT);
            out.document(doc);
            if (stopAfterSeconds != null) {
                stop.await(stopAfterSeconds, TimeUnit.SECONDS);
            } else {
                stop.await();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting already
            }
        } finally {
            if (temporaryCa != null) {
                Files.deleteIfExists(temporaryCa);
            }
        }
        return ExitCodes.OK;
    }
}
