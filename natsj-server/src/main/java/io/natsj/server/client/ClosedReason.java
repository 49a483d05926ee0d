package io.natsj.server.client;

/** Why a connection was closed, with the text nats-server shows in {@code /connz?state=closed} ({@code reason}). */
public enum ClosedReason {
    CLIENT_CLOSED("Client Closed"),
    AUTHENTICATION_TIMEOUT("Authentication Timeout"),
    AUTHENTICATION_VIOLATION("Authentication Failure"),
    SLOW_CONSUMER_PENDING_BYTES("Slow Consumer (Pending Bytes)"),
    SLOW_CONSUMER_WRITE_DEADLINE("Slow Consumer (Write Deadline)"),
    WRITE_ERROR("Write Error"),
    READ_ERROR("Read Error"),
    PARSE_ERROR("Parse Error"),
    STALE_CONNECTION("Stale Connection"),
    PROTOCOL_VIOLATION("Protocol Violation"),
    BAD_CLIENT_PROTOCOL_VERSION("Bad Client Protocol Version"),
    MAX_CONNECTIONS_EXCEEDED("Maximum Connections Exceeded"),
    MAX_PAYLOAD_EXCEEDED("Maximum Message Payload Exceeded"),
    MAX_CONTROL_LINE_EXCEEDED("Maximum Control Line Exceeded"),
    NO_RESPONDERS_REQUIRES_HEADERS("No Responders Requires Headers"),
    TLS_HANDSHAKE_ERROR("TLS Handshake Failure"),
    WRONG_PORT("Incorrect Port"),
    DUPLICATE_ROUTE("Duplicate Route"),
    CLUSTER_NAME_CONFLICT("Cluster Name Conflict"),
    DUPLICATE_SERVER_NAME("Duplicate Server Name"),
    MISSING_ACCOUNT("Missing Account"),
    SERVER_SHUTDOWN("Server Shutdown");

    private final String text;

    ClosedReason(String text) {
        this.text = text;
    }

    /** The reason as nats-server words it. */
    public String text() {
        return text;
    }
}
