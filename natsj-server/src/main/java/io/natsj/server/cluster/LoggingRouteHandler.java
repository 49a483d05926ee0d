package io.natsj.server.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * A {@link RouteHandler} that only logs (at debug level) what the routes report: the stand-in until the interest
 * layer provides the real one.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class LoggingRouteHandler implements RouteHandler {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingRouteHandler.class);

    @Override
    public void routeUp(RouteLink link) {
        LOG.debug("route up: {}", link.remoteServerId());
    }

    @Override
    public void routeDown(RouteLink link) {
        LOG.debug("route down: {}", link.remoteServerId());
    }

    @Override
    public void remoteSubscribe(RouteLink link, String account, String subject, String queue, int weight) {
        LOG.trace("RS+ from {}: {} {} {} {}", link.remoteServerId(), account, subject, queue, weight);
    }

    @Override
    public void remoteUnsubscribe(RouteLink link, String account, String subject, String queue) {
        LOG.trace("RS- from {}: {} {} {}", link.remoteServerId(), account, subject, queue);
    }

    @Override
    public void remoteMessage(RouteLink link, String account, String subject, String reply, List<String> queues,
                              byte[] buf, int off, int hdrLen, int totalLen) {
        LOG.trace("RMSG from {}: {} {}", link.remoteServerId(), account, subject);
    }
}
