package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.sync.usage.Acknowledgement;
import org.springframework.context.ApplicationEvent;

/**
 * Published once per acknowledgement the server sends back, after the SDK stored it: the text one
 * device must import ({@code license smart import}) to stay compliant. Listen for it to hand the
 * acknowledgement to its device, then mark it taken
 * ({@code ssmSyncClient.usage().take(event.acknowledgement().id())}); until then it stays in the store
 * and in the {@code ssm} actuator endpoint, so one missed event loses nothing.
 *
 * <pre>{@code
 * @EventListener
 * void onAcknowledgement(SsmAcknowledgementEvent event) {
 *     Acknowledgement ack = event.acknowledgement();
 *     devices.importAcknowledgement(ack.sudi(), ack.text());
 *     ssm.usage().take(ack.id());
 * }
 * }</pre>
 */
public class SsmAcknowledgementEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the event.
     *
     * @param acknowledgement the stored acknowledgement
     */
    public SsmAcknowledgementEvent(Acknowledgement acknowledgement) {
        super(acknowledgement);
    }

    /** {@return the stored acknowledgement} */
    public Acknowledgement acknowledgement() {
        return (Acknowledgement) getSource();
    }
}
