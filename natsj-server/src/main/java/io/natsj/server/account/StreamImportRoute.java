package io.natsj.server.account;

import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Subscription;

/**
 * A stream import at work: subscribed in the exporting account to the imported subject, it republishes every
 * message it matches in the importing account under the local subject (the same subject, a prefixed one, or a
 * mapped one), with the message's reply subject unchanged, to this server's subscribers only (as nats-server applies an
 * import on the subscriber's server). A JetStream delivery is republished under its mapped
 * deliver subject and keeps showing the stored message's subject.
 *
 * <p>Threading: called on publishers' threads; immutable.
 */
final class StreamImportRoute implements ImportRoute {

    private final Account importer;
    private final SubjectMapping mapping;

    StreamImportRoute(Account importer, SubjectMapping mapping) {
        this.importer = importer;
        this.mapping = mapping;
    }

    @Override
    public boolean forward(Subscription sub, String route, String subject, String reply, byte[] buf, int off,
                           int hdrLen, int totalLen, DeliveryBatch batch) {
        String to = mapping.apply(route);
        return ImportDepth.hop(() -> importer.publishLocallyAs(to, ImportRoute.shown(route, subject, to), reply,
                hdrLen, buf, off, totalLen, batch) > 0);
    }

    @Override
    public boolean hasInterest(String route) {
        return importer.hasInterest(mapping.apply(route));
    }

    /**
     * Interest the other servers hear of, in the exporting account, as nats-server's shadow subscriptions: a message
     * published there on another server comes here in the exporting account and is handed to this server's importing
     * subscribers; what this import hands over never goes on to peers ({@link Account#publishLocallyAs}).
     */
    @Override
    public boolean visibleToRoutes() {
        return true;
    }

    @Override
    public String toString() {
        return "stream import into " + importer.name();
    }
}
