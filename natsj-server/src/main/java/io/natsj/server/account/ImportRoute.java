package io.natsj.server.account;

import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Subscriber;
import io.natsj.server.routing.Subscription;

/**
 * An import's internal subscription. Its {@link #forward} returns false when nothing on the other side took the
 * message, so that a request reaching only an import whose other side has no subscriber gets "no responders", as
 * from nats-server (which only subscribes an import while the other side has interest).
 *
 * <p>A message is routed by one subject and may show another: a JetStream consumer routes a stored message by its
 * deliver subject (or a pull request's reply) and shows the message's own subject. An import carries that on: it
 * routes on the other side by its mapping of the routed subject and leaves the shown subject as it was, the way
 * nats-server keeps a delivery's subject apart from its deliver subject across accounts. Forwarding by the shown
 * subject would hand a delivery to whatever listens there in the other account, a stream capturing it again.
 */
interface ImportRoute extends Subscriber {

    /**
     * Forwards a message matched by {@code route} and showing {@code subject} (the same string unless it is a
     * JetStream delivery) to the other account.
     */
    boolean forward(Subscription sub, String route, String subject, String reply, byte[] buf, int off, int hdrLen,
                    int totalLen, DeliveryBatch batch);

    /** Whether a message matched by {@code route} would reach a subscriber on the other side. */
    boolean hasInterest(String route);

    @Override
    default boolean declineIsNoResponder() {
        return true;
    }

    @Override
    default boolean deliver(Subscription sub, String subject, String reply, byte[] buf, int off, int hdrLen,
                            int totalLen, DeliveryBatch batch) {
        return forward(sub, subject, subject, reply, buf, off, hdrLen, totalLen, batch);
    }

    /**
     * What a forwarded message shows on the other side: the routed subject's new name {@code to} when it showed its
     * routed subject, its own subject otherwise.
     */
    static String shown(String route, String subject, String to) {
        return route.equals(subject) ? to : subject;
    }
}
