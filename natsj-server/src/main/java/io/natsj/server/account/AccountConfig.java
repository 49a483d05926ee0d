package io.natsj.server.account;

import io.natsj.server.jetstream.JetStreamAccountLimits;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One account as configured in nats-server's {@code accounts {}} block: its name, JetStream limits (null when
 * JetStream is not enabled for it) and the subjects it exports to and imports from other accounts. The account's
 * users are part of the server's user list (each user names its account).
 *
 * <p>Threading: immutable.
 *
 * @param name      the account name
 * @param jetStream the account's JetStream limits, or null when JetStream is disabled for it
 * @param exports   streams and services other accounts may import
 * @param imports   streams and services taken from other accounts
 */
public record AccountConfig(String name, JetStreamAccountLimits jetStream, List<Export> exports,
                            List<Import> imports) {

    public AccountConfig {
        Objects.requireNonNull(name);
        exports = List.copyOf(exports);
        imports = List.copyOf(imports);
    }

    /** An account with no JetStream, exports or imports. */
    public static AccountConfig of(String name) {
        return new AccountConfig(name, null, List.of(), List.of());
    }

    public AccountConfig withJetStream(JetStreamAccountLimits limits) {
        return new AccountConfig(name, limits, exports, imports);
    }

    public AccountConfig withExports(List<Export> list) {
        return new AccountConfig(name, jetStream, list, imports);
    }

    public AccountConfig withImports(List<Import> list) {
        return new AccountConfig(name, jetStream, exports, list);
    }

    /** What an export or import carries. */
    public enum Kind {
        /** Messages flow from the exporter to the importer's subscribers. */
        STREAM,
        /** Requests flow to the exporter; its responses flow back to the requester. */
        SERVICE
    }

    /** How many responses a service import waits for per request, nats-server's {@code response_type}. */
    public enum ResponseType {
        SINGLETON("Singleton"), STREAM("Stream"), CHUNKED("Chunked");

        private final String json;

        ResponseType(String json) {
            this.json = json;
        }

        /** The name nats-server uses in {@code /accountz}. */
        public String json() {
            return json;
        }
    }

    /** nats-server's default time a service response mapping stays valid. */
    public static final Duration DEFAULT_RESPONSE_THRESHOLD = Duration.ofMinutes(2);

    /**
     * A subject an account offers to others.
     *
     * @param kind         stream or service
     * @param subject      the exported subject (may hold wildcards)
     * @param accounts     the accounts allowed to import it; empty means every account (a public export)
     * @param responseType for services: how many responses a request may get
     * @param threshold    for services: how long a response mapping stays valid
     */
    public record Export(Kind kind, String subject, List<String> accounts, ResponseType responseType,
                         Duration threshold) {
        public Export {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(subject);
            accounts = List.copyOf(accounts);
            responseType = responseType == null ? ResponseType.SINGLETON : responseType;
            threshold = threshold == null ? DEFAULT_RESPONSE_THRESHOLD : threshold;
        }

        public static Export stream(String subject, String... accounts) {
            return new Export(Kind.STREAM, subject, List.of(accounts), null, null);
        }

        public static Export service(String subject, String... accounts) {
            return new Export(Kind.SERVICE, subject, List.of(accounts), null, null);
        }

        public Export withResponseType(ResponseType type) {
            return new Export(kind, subject, accounts, type, threshold);
        }

        public Export withThreshold(Duration d) {
            return new Export(kind, subject, accounts, responseType, d);
        }

        /** True when {@code account} may import from this export. */
        public boolean allows(String account) {
            return accounts.isEmpty() || accounts.contains(account);
        }
    }

    /**
     * A subject an account takes from another.
     *
     * @param kind    stream or service
     * @param account the exporting account
     * @param subject the subject in the exporting account
     * @param to      for a stream: the local subject (mapping); for a service: the local subject requests are sent
     *                to (null: the same subject)
     * @param prefix  for a stream: a literal prefix put before the subject locally (null: none)
     */
    public record Import(Kind kind, String account, String subject, String to, String prefix) {
        public Import {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(account);
            Objects.requireNonNull(subject);
        }

        public static Import stream(String account, String subject) {
            return new Import(Kind.STREAM, account, subject, null, null);
        }

        public static Import service(String account, String subject) {
            return new Import(Kind.SERVICE, account, subject, null, null);
        }

        public Import withTo(String local) {
            return new Import(kind, account, subject, local, prefix);
        }

        public Import withPrefix(String p) {
            return new Import(kind, account, subject, to, p);
        }

        /** The subject used in the importing account. */
        public String localSubject() {
            if (prefix != null && !prefix.isEmpty()) {
                return prefix.endsWith(".") ? prefix + subject : prefix + "." + subject;
            }
            return to == null || to.isEmpty() ? subject : to;
        }
    }
}
