package io.natsj.server.account;

import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Subscription;

/**
 * A stream import at work: subscribed in the exporting account to the imported subject, it republishes every
 * message it matches in the importing account under the local subject (the same subject, a prefixed one, or a
 * mapped one), with the message's reply subject unchanged. A JetStream delivery is republished under its mapped
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
        return ImportDepth.hop(() -> importer.publishAs(null, true, to, ImportRoute.shown(route, subject, to), reply,
                hdrLen, buf, off, totalLen, batch) > 0);
    }

    @Override
    public boolean hasInterest(String route) {
        return importer.hasInterest(mapping.apply(route));
    }

    /** Every server holds the same imports and applies them where a message is published: never sent to peers. */
    @Override
    public boolean visibleToRoutes() {
        return false;
    }

    @Override
    public String toString() {
        return "stream import into " + importer.name();
    }
}
