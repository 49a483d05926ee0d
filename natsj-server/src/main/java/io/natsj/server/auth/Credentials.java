package io.natsj.server.auth;

/**
 * What a client presented in CONNECT to authenticate.
 *
 * <p>Threading: immutable.
 *
 * @param user     {@code user}, or null
 * @param password {@code pass}, or null
 * @param token    {@code auth_token}, or null
 * @param nkey     {@code nkey} (a public user NKey), or null
 * @param sig      {@code sig}, the signature of the INFO nonce, or null
 */
public record Credentials(String user, String password, String token, String nkey, String sig) {

    /** The password is not shown. */
    @Override
    public String toString() {
        return "Credentials{user=" + user + ", nkey=" + nkey + "}";
    }
}
