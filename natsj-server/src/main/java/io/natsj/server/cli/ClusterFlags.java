package io.natsj.server.cli;

import io.natsj.server.ClusterOptions;
import io.natsj.server.ServerOptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * nats-server's cluster flags applied over the config file's {@code cluster {}} block, with nats-server's rules:
 * {@code --cluster} (alias {@code --cluster_listen}) {@code nats://[user:pass@]host:port} replaces the listen address
 * and the route credentials ({@code :-1} picks a free port, an empty value turns clustering off);
 * {@code --routes} is a comma-separated list of route URLs (empty: none); {@code --cluster_name},
 * {@code --cluster_advertise}, {@code --no_advertise} and {@code --connect_retries} set their key. Routes without
 * a cluster port are refused with nats-server's error. Errors are {@link IllegalArgumentException}s with
 * nats-server's texts (which are Go's URL parser's for a bad {@code --cluster} value).
 *
 * <p>Threading: one instance per parse.
 */
final class ClusterFlags {

    String listen;
    String routes;
    String name;
    String advertise;
    Boolean noAdvertise;
    Integer connectRetries;

    /** Applies the cluster flags that were given over {@code b}. */
    void applyTo(ServerOptions.Builder b) {
        ClusterOptions cluster = b.cluster();
        if (listen != null) {
            cluster = listen(cluster);
        }
        if (cluster != null) {
            if (name != null) cluster = cluster.withName(name);
            if (advertise != null) cluster = cluster.withAdvertise(advertise);
            if (noAdvertise != null) cluster = cluster.withNoAdvertise(noAdvertise);
            if (connectRetries != null) cluster = cluster.withConnectRetries(connectRetries);
            if (routes != null) cluster = cluster.withRoutes(routes(routes));
        }
        if (routes != null && !routes.isEmpty() && cluster == null) {
            throw new IllegalArgumentException("solicited routes require cluster capabilities, e.g. --cluster");
        }
        b.cluster(cluster);
    }

    /** The cluster with {@code --cluster}'s address and credentials; null when it turns clustering off. */
    private ClusterOptions listen(ClusterOptions cluster) {
        if (listen.isEmpty()) {
            return null;
        }
        String url = listen;
        boolean random = url.endsWith(":-1");
        if (random) {
            url = url.substring(0, url.length() - 3) + ":0";
        }
        Address a = Address.parse(url);
        int port = random ? ServerOptions.RANDOM_PORT : a.port();
        if (port == 0) {
            return null; // nats-server runs no cluster layer on port 0
        }
        ClusterOptions base = cluster != null ? cluster.withListen(a.host(), port)
                : ClusterOptions.listen(a.host(), port);
        return base.withAuthorization(a.user(), a.password(), base.authTimeout());
    }

    /** {@code --routes}: comma-separated URLs, each trimmed. */
    private static List<URI> routes(String text) {
        List<URI> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String r : text.split(",")) {
            String url = r.strip();
            try {
                out.add(new URI(url));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("error parsing route url [\"" + url + "\"]");
            }
        }
        return out;
    }

    /** A {@code scheme://[user[:pass]@]host:port} address read as Go's url.Parse and net.SplitHostPort read it. */
    private record Address(String host, int port, String user, String password) {

        static Address parse(String url) {
            int schemeEnd = url.indexOf("://");
            if (schemeEnd < 0) {
                int colon = url.indexOf(':');
                int slash = url.indexOf('/');
                if (colon > 0 && (slash < 0 || colon < slash) && isScheme(url.substring(0, colon))) {
                    throw new IllegalArgumentException("missing port in address"); // scheme:opaque, no host
                }
                if (colon >= 0 && (slash < 0 || colon < slash)) {
                    throw new IllegalArgumentException("parse \"" + url
                            + "\": first path segment in URL cannot contain colon");
                }
                throw new IllegalArgumentException("missing port in address");
            }
            String authority = url.substring(schemeEnd + 3);
            int end = authority.indexOf('/');
            if (end >= 0) {
                authority = authority.substring(0, end);
            }
            String user = null;
            String password = null;
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String info = authority.substring(0, at);
                authority = authority.substring(at + 1);
                int colon = info.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("expected cluster password to be set");
                }
                user = info.substring(0, colon);
                password = info.substring(colon + 1);
            }
            int colon = authority.lastIndexOf(':');
            boolean bracketed = authority.startsWith("[");
            if (colon < 0 || (bracketed && colon < authority.indexOf(']'))) {
                throw new IllegalArgumentException("address " + authority + ": missing port in address");
            }
            String portText = authority.substring(colon + 1);
            if (!portText.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("parse \"" + url + "\": invalid port \":" + portText
                        + "\" after host");
            }
            String host = authority.substring(0, colon);
            if (bracketed) {
                host = host.substring(1, host.length() - 1);
            }
            int port = portText.isEmpty() ? 0 : Integer.parseInt(portText);
            return new Address(host, port, user, password);
        }

        private static boolean isScheme(String s) {
            return !s.isEmpty() && Character.isLetter(s.charAt(0))
                    && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.');
        }
    }
}
