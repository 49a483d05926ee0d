package io.natsj.server.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.core.JacksonException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The options a client sends in {@code CONNECT <json>}.
 *
 * <pre>
 * CONNECT {"verbose":false,"pedantic":false,"tls_required":false,"name":"app","lang":"java","version":"2.25.0",
 *          "protocol":1,"echo":true,"headers":true,"no_responders":true,"user":"u","pass":"p"}
 * </pre>
 *
 * <p>Decoding follows nats-server 2.9.10 (measured): omitted {@code verbose}, {@code pedantic} and {@code echo}
 * are TRUE, every other flag false; unknown fields are ignored; keys match case-insensitively;
 * {@code null} keeps the default; {@code CONNECT null} gives all defaults; bytes that are not valid UTF-8 read as
 * U+FFFD (as Go's decoder does); JSON that does not parse, a field of the
 * wrong type or data after the object make {@link #parse} throw {@link ProtocolException} with
 * {@link ProtocolError#MALFORMED_CONNECT}, on which nats-server closes the connection without {@code -ERR}.
 * After authentication the session calls {@link #check(boolean)} for the protocol/no-responders rules, which do
 * send {@code -ERR}.
 *
 * <p>Threading: instances are effectively immutable once returned by {@link #parse}.
 */
public final class ConnectOptions {

    @JsonProperty("verbose")
    private boolean verbose = true;
    @JsonProperty("pedantic")
    private boolean pedantic = true;
    @JsonProperty("tls_required")
    private boolean tlsRequired;
    @JsonProperty("auth_token")
    private String authToken;
    @JsonProperty("user")
    private String user;
    @JsonProperty("pass")
    private String pass;
    @JsonProperty("nkey")
    private String nkey;
    @JsonProperty("sig")
    private String sig;
    @JsonProperty("jwt")
    private String jwt;
    @JsonProperty("name")
    private String name;
    @JsonProperty("lang")
    private String lang;
    @JsonProperty("version")
    private String version;
    @JsonProperty("protocol")
    private long protocol;
    @JsonProperty("account")
    private String account;
    @JsonProperty("new_account")
    private boolean newAccount;
    @JsonProperty("echo")
    private boolean echo = true;
    @JsonProperty("headers")
    private boolean headers;
    @JsonProperty("no_responders")
    private boolean noResponders;

    /** The options of a client that sent no CONNECT (all defaults). */
    public ConnectOptions() {
    }

    /**
     * Decodes the JSON argument of CONNECT ({@code buf[off, off+len)}, as passed to
     * {@link ClientOpHandler#onConnect}).
     *
     * @throws ProtocolException with {@link ProtocolError#MALFORMED_CONNECT} when nats-server would reject it
     */
    public static ConnectOptions parse(byte[] buf, int off, int len) {
        try {
            ConnectOptions o = ProtocolJson.MAPPER.readValue(buf, off, len, ConnectOptions.class);
            return o != null ? o : new ConnectOptions();
        } catch (JacksonException e) {
            if (!isValidUtf8(buf, off, len)) {
                return parseReplacingInvalidUtf8(buf, off, len);
            }
            throw new ProtocolException(ProtocolError.MALFORMED_CONNECT, "CONNECT: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Go's JSON decoder reads bytes that are not valid UTF-8 as U+FFFD instead of failing: such a CONNECT is
     * decoded (its credentials then simply do not match) rather than refused as malformed.
     */
    private static ConnectOptions parseReplacingInvalidUtf8(byte[] buf, int off, int len) {
        String text = new String(buf, off, len, StandardCharsets.UTF_8);
        try {
            ConnectOptions o = ProtocolJson.MAPPER.readValue(text, ConnectOptions.class);
            return o != null ? o : new ConnectOptions();
        } catch (JacksonException e) {
            throw new ProtocolException(ProtocolError.MALFORMED_CONNECT, "CONNECT: " + e.getOriginalMessage(), e);
        }
    }

    private static boolean isValidUtf8(byte[] buf, int off, int len) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buf, off, len));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * The checks nats-server makes after authentication: {@code protocol} must be 0 or 1, and
     * {@code no_responders} needs headers on both sides.
     *
     * @return {@link ProtocolError#INVALID_CLIENT_PROTOCOL}, {@link ProtocolError#NO_RESPONDERS_REQUIRES_HEADERS}
     *         (both sent as {@code -ERR}, then the connection is closed) or null when the options are acceptable
     */
    public ProtocolError check(boolean serverSupportsHeaders) {
        if (protocol < 0 || protocol > 1) {
            return ProtocolError.INVALID_CLIENT_PROTOCOL;
        }
        if (noResponders && !headersEnabled(serverSupportsHeaders)) {
            return ProtocolError.NO_RESPONDERS_REQUIRES_HEADERS;
        }
        return null;
    }

    /** Whether HPUB/HMSG are used on this connection: the client asked for headers and the server supports them. */
    public boolean headersEnabled(boolean serverSupportsHeaders) {
        return headers && serverSupportsHeaders;
    }

    public boolean verbose() { return verbose; }
    public boolean pedantic() { return pedantic; }
    public boolean tlsRequired() { return tlsRequired; }
    public String authToken() { return authToken; }
    public String user() { return user; }
    public String pass() { return pass; }
    public String nkey() { return nkey; }
    /** The client's signature of the INFO nonce (base64url). */
    public String sig() { return sig; }
    public String jwt() { return jwt; }
    public String name() { return name; }
    public String lang() { return lang; }
    public String version() { return version; }
    /** 0 (original) or 1 (async INFO); other values are rejected by {@link #check}. */
    public long protocol() { return protocol; }
    /** Legacy account designation; nats-server answers it with an authorization violation. */
    public String account() { return account; }
    /** Legacy {@code new_account}; nats-server answers it with an authorization violation. */
    public boolean newAccount() { return newAccount; }
    public boolean echo() { return echo; }
    public boolean headers() { return headers; }
    public boolean noResponders() { return noResponders; }

    /** Secrets (pass, auth_token, sig, jwt) are not shown. */
    @Override
    public String toString() {
        return "ConnectOptions{verbose=" + verbose + ", pedantic=" + pedantic + ", tls_required=" + tlsRequired
            + ", user=" + user + ", pass=" + (pass == null ? null : "[REDACTED]")
            + ", auth_token=" + (authToken == null ? null : "[REDACTED]") + ", nkey=" + nkey
            + ", jwt=" + (jwt == null ? null : "[REDACTED]") + ", name=" + name + ", lang=" + lang
            + ", version=" + version + ", protocol=" + protocol + ", echo=" + echo + ", headers=" + headers
            + ", no_responders=" + noResponders + "}";
    }
}
