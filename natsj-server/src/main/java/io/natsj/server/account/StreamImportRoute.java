package io.natsj.server.account;

import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Subscription;

/**
 * A stream import at work: subscribed in the exporting account to the imported subject, it republishes every
 * message it matches in the importing account under the local subject (the same subject, a prefixed one, or a
 * mapped one), with the message's reply subject unchanged.
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
    public boolean deliver(Subscription sub, String subject, String reply, byte[] buf, int off, int hdrLen,
                           int totalLen, DeliveryBatch batch) {
        return ImportDepth.hop(() ->
                importer.publish(null, true, mapping.apply(subject), reply, hdrLen, buf, off, totalLen, batch) > 0);
    }

    @Override
    public String toString() {
        return "stream import into " + importer.name();
    }
}
