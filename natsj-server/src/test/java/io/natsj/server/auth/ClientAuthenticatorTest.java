package io.natsj.server.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.nats.client.NKey;
import io.natsj.server.ServerOptions;
import io.natsj.server.auth.Permissions.SubjectPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The order and rules in which nats-server tries a client's credentials. */
@Timeout(10)
class ClientAuthenticatorTest {

    private static final Permissions DEFAULTS = new Permissions(new SubjectPermission(List.of("d"), null), null, null);

    private static ClientAuthenticator auth(ServerOptions.Builder b) {
        return new ClientAuthenticator(b.build());
    }

    private static Credentials user(String user, String pass) {
        return new Credentials(user, pass, null, null, null);
    }

    @Test
    void noAuthenticationConfigured() {
        ClientAuthenticator a = auth(ServerOptions.builder());
        assertThat(a.required()).isFalse();
        assertThat(a.nonceRequired()).isFalse();
    }

    @Test
    void aNameThatIsNotAListedUserIsRefusedEvenIfItIsTheSingleUser() {
        ClientAuthenticator a = auth(ServerOptions.builder().user("flag").password("pw")
                .users(List.of(UserEntry.user("alice", "pw"))));
        assertThat(a.authenticate(user("alice", "pw"), null).user()).isEqualTo("alice");
        assertThat(a.authenticate(user("flag", "pw"), null)).isNull();
        assertThat(a.authenticate(user(null, null), null)).isNull();
    }

    @Test
    void aClientNamingNoUserMayUseTheToken() {
        ClientAuthenticator a = auth(ServerOptions.builder().token("t").users(List.of(UserEntry.user("a", "b"))));
        assertThat(a.authenticate(new Credentials(null, null, "t", null, null), null))
                .isEqualTo(AuthResult.unrestricted(null));
        assertThat(a.authenticate(new Credentials("", null, "t", null, null), null)).isNotNull();
        assertThat(a.authenticate(new Credentials("x", null, "t", null, null), null)).isNull();
    }

    @Test
    void passwordsPlainAndBcrypt() {
        String hash = BCrypt.withDefaults().hashToString(4, "secret".toCharArray());
        ClientAuthenticator a = auth(ServerOptions.builder().users(List.of(UserEntry.user("p", "secret"),
                UserEntry.user("h", hash), UserEntry.user("empty", ""))));
        assertThat(a.authenticate(user("p", "secret"), null)).isNotNull();
        assertThat(a.authenticate(user("p", "Secret"), null)).isNull();
        assertThat(a.authenticate(user("h", "secret"), null)).isNotNull();
        assertThat(a.authenticate(user("h", hash), null)).isNull();
        assertThat(a.authenticate(user("h", "s".repeat(10_000)), null)).isNull();
        assertThat(a.authenticate(user("empty", null), null)).isNotNull();
    }

    @Test
    void defaultPermissionsApplyToGlobalUsersWithoutTheirOwn() {
        Permissions own = new Permissions(null, new SubjectPermission(List.of("o"), null), null);
        ClientAuthenticator a = auth(ServerOptions.builder().defaultPermissions(DEFAULTS).users(List.of(
                UserEntry.user("plain", "x"), UserEntry.user("own", "x").withPermissions(own),
                UserEntry.user("acc", "x").withAccount("A"))));
        assertThat(a.authenticate(user("plain", "x"), null).permissions()).isEqualTo(DEFAULTS);
        assertThat(a.authenticate(user("own", "x"), null).permissions()).isEqualTo(own);
        AuthResult acc = a.authenticate(user("acc", "x"), null);
        assertThat(acc.permissions()).isNull();
        assertThat(acc.account()).isEqualTo("A");
        assertThat(a.authenticate(user("plain", "x"), null).compiled()).isNotNull();
        assertThat(a.configuredUser("acc")).isEqualTo(acc);
        assertThat(a.configuredUser("nobody")).isNull();
    }

    @Test
    void nkeyUsersSignTheNonce() throws Exception {
        NKey key = NKey.createUser(new SecureRandom());
        String pub = new String(key.getPublicKey());
        ClientAuthenticator a = auth(ServerOptions.builder().users(List.of(UserEntry.nkeyUser(pub))));
        assertThat(a.required()).isTrue();
        assertThat(a.nonceRequired()).isTrue();
        String nonce = a.newNonce();
        assertThat(nonce).matches("[A-Za-z0-9_-]{15}");
        String sig = Base64.getUrlEncoder().withoutPadding().encodeToString(
                key.sign(nonce.getBytes(StandardCharsets.US_ASCII)));
        assertThat(a.authenticate(new Credentials(null, null, null, pub, sig), nonce).user()).isEqualTo(pub);
        assertThat(a.authenticate(new Credentials(null, null, null, pub, sig), a.newNonce())).isNull();
        assertThat(a.authenticate(new Credentials(null, null, null, pub, sig), null)).isNull();
        assertThat(a.authenticate(new Credentials(pub, null, null, null, null), nonce)).as("nkey as a user name")
                .isNull();
    }

    @Test
    void connectionTypesOtherThanStandardAreRefused() {
        ClientAuthenticator a = auth(ServerOptions.builder().users(List.of(
                UserEntry.user("mqtt", "x").withConnectionTypes(Set.of("MQTT")))));
        assertThat(a.authenticate(user("mqtt", "x"), null)).isNull();
    }
}
