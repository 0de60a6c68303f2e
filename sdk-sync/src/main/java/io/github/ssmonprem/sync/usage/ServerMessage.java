package io.github.ssmonprem.sync.usage;

/**
 * What the server said about a usage upload or poll, as Cisco support asks for it: its status, message
 * code, message and correlation id. Each part may be null when the server gave none.
 *
 * @param status the answer's {@code status}, such as {@code OK_POLL}, {@code COMPLETE} or {@code FAILED}
 * @param code its {@code message_code}
 * @param message its {@code message}
 * @param correlationId its {@code correlation_id}
 */
public record ServerMessage(String status, String code, String message, String correlationId) {

    /** {@return whether the server gave a message or a message code} */
    public boolean hasMessage() {
        return message != null && !message.isBlank() || code != null && !code.isBlank();
    }

    /** {@return the message, its code and correlation id in one line, for logs and errors} */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append(status == null ? "no status" : status);
        if (message != null && !message.isBlank()) {
            out.append(": ").append(message);
        }
        if (code != null && !code.isBlank()) {
            out.append(" (message code ").append(code).append(')');
        }
        if (correlationId != null && !correlationId.isBlank()) {
            out.append(" [correlation id ").append(correlationId).append(']');
        }
        return out.toString();
    }
}
