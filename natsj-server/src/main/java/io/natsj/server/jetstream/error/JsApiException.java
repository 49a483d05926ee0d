package io.natsj.server.jetstream.error;

/** A JetStream API request that fails with a catalogued error; the API router turns it into the response. */
public final class JsApiException extends RuntimeException {

    private final JsApiError error;

    public JsApiException(JsApiError error) {
        super(error.description(), null, false, false);
        this.error = error;
    }

    public JsApiError error() {
        return error;
    }
}
