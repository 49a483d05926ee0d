package io.natsj.server.cluster;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The credentials a dialing server presents in its route CONNECT: the user info of the route URL
 * ({@code nats-route://user:pass@host:port}), as nats-server takes them; null fields when there are none.
 *
 * <p>Threading: immutable.
 */
record ClusterAuth(String user, String password) {

    static ClusterAuth fromUrl(URI url) {
        String info = url == null ? null : url.getRawUserInfo();
        if (info == null || info.isEmpty()) {
            return new ClusterAuth(null, null);
        }
        int colon = info.indexOf(':');
        String user = colon < 0 ? info : info.substring(0, colon);
        String pass = colon < 0 ? null : info.substring(colon + 1);
        return new ClusterAuth(decode(user), pass == null ? null : decode(pass));
    }

    /** {@code url} with {@code user:password} as its user info (an implicit route to a peer that requires auth). */
    static URI withUserInfo(URI url, String user, String password) {
        if (user == null || user.isEmpty()) {
            return url;
        }
        try {
            return new URI(url.getScheme(), password == null ? user : user + ":" + password, url.getHost(),
                    url.getPort(), url.getPath(), null, null);
        } catch (java.net.URISyntaxException e) {
            return url;
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
