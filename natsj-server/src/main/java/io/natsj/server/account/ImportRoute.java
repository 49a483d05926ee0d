package io.natsj.server.account;

import io.natsj.server.routing.Subscriber;

/**
 * An import's internal subscription. Its {@link #deliver} returns false when nothing on the other side took the
 * message, so that a request reaching only an import whose other side has no subscriber gets "no responders", as
 * from nats-server (which only subscribes an import while the other side has interest).
 */
interface ImportRoute extends Subscriber {
}
