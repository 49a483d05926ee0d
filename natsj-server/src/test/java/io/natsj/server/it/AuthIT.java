package io.natsj.server.it;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natsj.server.ServerOptions;
import io.natsj.server.auth.AuthResult;
import io.natsj.server.auth.Permissions;
import io.natsj.server.auth.Permissions.SubjectPermission;
import io.natsj.server.auth.UserEntry;
import io.natsj.server.client.ClientConnection;
import io.natsj.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Authentication through the real jnats client: token, single user, users with plain and bcrypt passwords, NKey
 * users signing the INFO nonce; every wrong credential is refused with {@code -ERR 'Authorization Violation'} and
 * the connection closed, and the server keeps serving.
 */
@Timeout(60)
class AuthIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String AUTH_VIOLATION = "-ERR 'Authorization Violation'\r\n";

    @TempDir
    Path dir;

    private static Options.Builder jnats() {
        return Options.builder().connectionTimeout(Duration.ofSeconds(5)).maxReconnects(0);
    }

    /**
     * jnats refuses with the server's text; it only gives up once its connection timeout has passed (against
     * nats-server too), hence the short timeout here.
     */
    private static void assertRefused(ServerFixture f, Options.Builder options) {
        assertThatThrownBy(() -> f.connect(options.connectionTimeout(Duration.ofSeconds(1))))
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("Authorization Violation");
    }

    /** A raw CONNECT with these JSON fields is answered with the violation and a close. */
    private static void assertRawRefused(ServerFixture f, String connectFields) throws IOException {
        try (RawClient raw = RawClient.open(f.port())) {
            RawClient.Reply reply = raw.send("CONNECT {\"verbose\":false" + connectFields + "}\r\nPING\r\n")
                    .readReply();
            assertThat(reply).isEqualTo(RawClient.Reply.closed(AUTH_VIOLATION));
        }
    }

    private static ClientConnection onlyConnection(ServerFixture f) {
        await().atMost(ServerFixture.WAIT).until(() -> f.server().connections().size() == 1);
        return f.server().connections().iterator().next();
    }

    @Test
    void tokenAuthentication() throws Exception {
        try (ServerFixture f = ServerFixture.start(ServerFixture.options().token("s3cret"))) {
            ServerFixture.assertServes(f.connect(jnats().token("s3cret".toCharArray())));
            assertRefused(f, jnats().token("wrong".toCharArray()));
            assertRefused(f, jnats());
            assertRawRefused(f, ",\"auth_token\":\"S3CRET\"");
            assertRawRefused(f, ",\"user\":\"s3cret\"");
            f.assertServes(jnats().token("s3cret".toCharArray()));
        }
    }

    @Test
    void bcryptTokenAuthentication() throws Exception {
        String hash = BCrypt.withDefaults().hashToString(4, "tok".toCharArray());
        try (ServerFixture f = ServerFixture.start(ServerFixture.options().token(hash))) {
            f.assertServes(jnats().token("tok".toCharArray()));
            assertRefused(f, jnats().token(hash.toCharArray()));
        }
    }

    @Test
    void singleUserAsWithUserAndPassFlags() throws Exception {
        try (ServerFixture f = ServerFixture.start(ServerFixture.options().user("u").password("p"))) {
            f.assertServes(jnats().userInfo("u", "p"));
            assertRefused(f, jnats().userInfo("u", "x"));
            assertRefused(f, jnats().userInfo("x", "p"));
            assertRefused(f, jnats());
            assertThat(onlyConnectionAfter(f, jnats().userInfo("u", "p")).authResult())
                    .isEqualTo(AuthResult.unrestricted("u"));
        }
    }

    private static ClientConnection onlyConnectionAfter(ServerFixture f, Options.Builder options) throws Exception {
        f.connect(options);
        return onlyConnection(f);
    }

    @Test
    void usersWithPlainAndBcryptPasswords() throws Exception {
        String hash = BCrypt.withDefaults().hashToString(4, "bob-pw".toCharArray());
        List<UserEntry> users = List.of(UserEntry.user("alice", "alice-pw"), UserEntry.user("bob", hash));
        try (ServerFixture f = ServerFixture.start(ServerFixture.options().users(users))) {
            f.assertServes(jnats().userInfo("alice", "alice-pw"));
            f.assertServes(jnats().userInfo("bob", "bob-pw"));
            assertRefused(f, jnats().userInfo("alice", "bob-pw"));
            assertRefused(f, jnats().userInfo("bob", hash));
            assertRefused(f, jnats().userInfo("carol", "alice-pw"));
            assertRefused(f, jnats());
            assertRawRefused(f, ",\"user\":\"alice\"");
            assertRawRefused(f, ",\"user\":\"alice\",\"pass\":\"alice-pw\",\"account\":\"A\"");
            AuthResult who = onlyConnectionAfter(f, jnats().userInfo("bob", "bob-pw")).authResult();
            assertThat(who.user()).isEqualTo("bob");
            assertThat(who.account()).isNull();
            assertThat(who.permissions()).isNull();
        }
    }

    @Test
    void nkeyUsersSignTheNonce() throws Exception {
        NKey alice = NKey.createUser(RANDOM);
        NKey stranger = NKey.createUser(RANDOM);
        String alicePub = new String(alice.getPublicKey());
        try (ServerFixture f = ServerFixture.start(ServerFixture.options()
                .users(List.of(UserEntry.nkeyUser(alicePub), UserEntry.user("bob", "pw"))))) {
            f.assertServes(jnats().authHandler(Nats.staticCredentials(alice.getPublicKey(), alice.getSeed())));
            f.assertServes(jnats().userInfo("bob", "pw"));
            assertRefused(f, jnats().authHandler(Nats.staticCredentials(stranger.getPublicKey(),
                    stranger.getSeed())));
            assertRefused(f, jnats().authHandler(Nats.staticCredentials(alice.getPublicKey(), stranger.getSeed())));
            assertRawRefused(f, ",\"nkey\":\"" + alicePub + "\"");
            assertRawRefused(f, ",\"nkey\":\"" + alicePub + "\",\"sig\":\"AAAA\"");
            AuthResult who = onlyConnectionAfter(f, jnats().authHandler(Nats.staticCredentials(alice.getPublicKey(),
                    alice.getSeed()))).authResult();
            assertThat(who.user()).isEqualTo(alicePub);
        }
    }

    @Test
    void infoCarriesAFreshNonceOnlyWhenNkeyUsersExist() throws Exception {
        String key = new String(NKey.createUser(RANDOM).getPublicKey());
        try (ServerFixture f = ServerFixture.start(ServerFixture.options().users(List.of(UserEntry.nkeyUser(key))));
             ServerFixture plain = ServerFixture.start(ServerFixture.options().user("u").password("p"))) {
            String n1 = info(f).get("nonce").asString();
            String n2 = info(f).get("nonce").asString();
            assertThat(n1).matches("[A-Za-z0-9_-]{15}");
            assertThat(n2).matches("[A-Za-z0-9_-]{15}").isNotEqualTo(n1);
            assertThat(info(f).get("auth_required").asBoolean()).isTrue();
            assertThat(info(plain).has("nonce")).isFalse();
        }
    }

    private static JsonNode info(ServerFixture f) throws IOException {
        try (RawClient raw = RawClient.open(f.port())) {
            return JsonMapper.shared().readTree(raw.infoJson());
        }
    }

    @Test
    void aUserLimitedToOtherConnectionTypesIsRefused() throws Exception {
        List<UserEntry> users = List.of(UserEntry.user("ws", "pw").withConnectionTypes(Set.of("WEBSOCKET")),
                UserEntry.user("std", "pw").withConnectionTypes(Set.of("STANDARD")));
        try (ServerFixture f = ServerFixture.start(ServerFixture.options().users(users))) {
            assertRefused(f, jnats().userInfo("ws", "pw"));
            f.assertServes(jnats().userInfo("std", "pw"));
        }
    }

    @Test
    void usersBesideATokenGivenInCode() throws Exception {
        // nats-server's order: a client naming a user must be one of the users; one naming none may use the token
        try (ServerFixture f = ServerFixture.start(ServerFixture.options().token("t")
                .users(List.of(UserEntry.user("a", "pw"))))) {
            f.assertServes(jnats().userInfo("a", "pw"));
            f.assertServes(jnats().token("t".toCharArray()));
            assertRawRefused(f, ",\"user\":\"b\",\"auth_token\":\"t\"");
        }
    }

    @Test
    void usersPermissionsAndNkeysFromAConfigFile() throws Exception {
        NKey nk = NKey.createUser(RANDOM);
        String hash = BCrypt.withDefaults().hashToString(4, "pw2".toCharArray());
        Path conf = dir.resolve("auth.conf");
        Files.writeString(conf, """
                authorization {
                  default_permissions: { publish: "default.>" }
                  users: [
                    { user: one, password: pw1 }
                    { user: two, password: "%s", permissions: { publish: "two.>" } }
                    { nkey: %s }
                  ]
                }
                """.formatted(hash, new String(nk.getPublicKey())));
        ServerOptions.Builder b = ConfigLoader.load(conf, Map.<String, String>of()::get).options();
        try (ServerFixture f = ServerFixture.start(b.host("127.0.0.1").port(0).noLog(true))) {
            AuthResult one = onlyConnectionAfter(f, jnats().userInfo("one", "pw1")).authResult();
            assertThat(one.permissions()).isEqualTo(new Permissions(new SubjectPermission(List.of("default.>"),
                    null), null, null));
            f.connect(jnats().userInfo("two", "pw2")).close();
            f.connect(jnats().authHandler(Nats.staticCredentials(nk.getPublicKey(), nk.getSeed()))).close();
            assertRefused(f, jnats().userInfo("two", "pw1"));
        }
    }

    @Test
    void aConnectionThatDoesNotAuthenticateInTimeIsClosed() throws Exception {
        try (ServerFixture f = ServerFixture.start(ServerFixture.options().token("t")
                .authTimeout(Duration.ofMillis(300)))) {
            try (RawClient raw = RawClient.open(f.port())) {
                RawClient.Reply reply = raw.readReply(Duration.ofSeconds(3));
                assertThat(reply).isEqualTo(RawClient.Reply.closed("-ERR 'Authentication Timeout'\r\n"));
            }
        }
    }

    @Test
    void connectionsStayAvailableWhileOthersFail() throws Exception {
        try (ServerFixture f = ServerFixture.start(ServerFixture.options().users(List.of(UserEntry.user("a", "b"))))) {
            Connection good = f.connect(jnats().userInfo("a", "b"));
            for (int i = 0; i < 20; i++) {
                assertRawRefused(f, ",\"user\":\"a\",\"pass\":\"" + i + "\"");
            }
            ServerFixture.assertServes(good);
        }
    }

    @Test
    void badCredentialsInputIsRefusedAndTheServerStaysUp() throws Exception {
        String hash = BCrypt.withDefaults().hashToString(4, "pw".toCharArray());
        List<UserEntry> users = List.of(UserEntry.user("a", "pw"), UserEntry.user("b", hash));
        try (ServerFixture f = ServerFixture.start(ServerFixture.options().users(users).maxControlLine(256 * 1024))) {
            String big = "p".repeat(100_000);
            assertRawRefused(f, ",\"user\":\"a\",\"pass\":\"" + big + "\"");
            assertRawRefused(f, ",\"user\":\"b\",\"pass\":\"" + big + "\"");
            assertRawRefused(f, ",\"user\":\"" + big + "\",\"pass\":\"pw\"");
            try (RawClient raw = RawClient.open(f.port())) {
                byte[] connect = "CONNECT {\"user\":\"a\u00ff\",\"pass\":\"pw\"}\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(raw.send(connect).readReply()).isEqualTo(RawClient.Reply.closed(AUTH_VIOLATION));
            }
            for (String malformed : List.of("CONNECT {\"user\":\r\n", "CONNECT {\"user\":[1]}\r\n",
                    "CONNECT {\"user\":\"a\",\"pass\":\"pw\"} x\r\n")) {
                try (RawClient raw = RawClient.open(f.port())) {
                    assertThat(raw.send(malformed).readReply()).as(malformed).isEqualTo(RawClient.Reply.closed(""));
                }
            }
            f.assertServes(jnats().userInfo("a", "pw"));
            f.assertServes(jnats().userInfo("b", "pw"));
        }
    }

    @Test
    void anOversizedConnectIsRefusedByTheControlLineLimit() throws Exception {
        try (ServerFixture f = ServerFixture.start(ServerFixture.options().users(List.of(UserEntry.user("a", "b"))))) {
            try (RawClient raw = RawClient.open(f.port())) {
                try {
                    raw.send("CONNECT {\"user\":\"a\",\"pass\":\"" + "p".repeat(100_000) + "\"}\r\n");
                } catch (IOException e) {
                    // the server may close before reading everything; what it sent is still to be read
                }
                assertThat(raw.readReply()).isEqualTo(RawClient.Reply.closed("-ERR 'maximum control line exceeded'\r\n"));
            }
            f.assertServes(jnats().userInfo("a", "b"));
        }
    }
}
