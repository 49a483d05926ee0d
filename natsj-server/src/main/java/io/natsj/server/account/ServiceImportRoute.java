package io.natsj.server.account;

import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Subscription;

/**
 * A service import at work: subscribed in the importing account to the local subject, it forwards every request to
 * the exporting account under the exported subject. The request's reply subject is replaced by a one-off
 * {@code _R_.} subject of the exporter, registered in the exporter's {@link ResponseRoutes} so that the response
 * finds its way back to the requester's reply subject in the importing account. Like every import it forwards by the
 * subject the message was routed by (see {@link ImportRoute}).
 *
 * <p>Threading: called on publishers' threads; immutable.
 */
final class ServiceImportRoute implements ImportRoute {

    private final Account importer;
    private final Account exporter;
    private final SubjectMapping mapping;
    private final AccountConfig.Export export;

    ServiceImportRoute(Account importer, Account exporter, SubjectMapping mapping, AccountConfig.Export export) {
        this.importer = importer;
        this.exporter = exporter;
        this.mapping = mapping;
        this.export = export;
    }

    @Override
    public boolean forward(Subscription sub, String route, String subject, String reply, byte[] buf, int off,
                           int hdrLen, int totalLen, DeliveryBatch batch) {
        return ImportDepth.hop(() -> {
            String forwardedReply = reply == null ? null
                    : exporter.responses().register(importer, reply, export.responseType(), export.threshold());
            String to = mapping.apply(route);
            int matched = exporter.publishAs(null, true, to, ImportRoute.shown(route, subject, to), forwardedReply,
                    hdrLen, buf, off, totalLen, batch);
            if (matched == 0 && forwardedReply != null) {
                exporter.responses().forget(forwardedReply); // nobody will answer: the requester hears "no responders"
            }
            return matched > 0;
        });
    }

    @Override
    public boolean hasInterest(String route) {
        return exporter.hasInterest(mapping.apply(route));
    }

    /** Every server holds the same imports and applies them where a message is published: never sent to peers. */
    @Override
    public boolean visibleToRoutes() {
        return false;
    }

    @Override
    public String toString() {
        return "service import from " + exporter.name() + " into " + importer.name();
    }
}
