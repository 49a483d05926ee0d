package io.natsj.server.jetstream.error;

/**
 * The {@code error} object of a JetStream API response: {@code {"code":404,"err_code":10059,"description":"stream
 * not found"}}. Made from a {@link JsErrorCode}; thrown as {@link JsApiException} by handlers.
 *
 * @param code        HTTP-like status
 * @param errCode     JetStream error number
 * @param description the text, placeholders filled
 */
public record JsApiError(int code, int errCode, String description) {

    /** This error as an exception, for handlers that fail deep in a call. */
    public JsApiException exception() {
        return new JsApiException(this);
    }
}
