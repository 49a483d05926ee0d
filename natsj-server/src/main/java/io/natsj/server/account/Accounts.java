package io.natsj.server.account;

import io.natsj.server.routing.Subscription;
import io.natsj.server.util.ServerClock;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's accounts: the global account {@code $G} (where users without an account go), the system account
 * ({@code $SYS}, or the configured {@code system_account}) and every configured account, with their imports wired:
 * each import is an internal subscription that carries messages from one account's subject space into another's.
 *
 * <p>Threading: built once at start, read-only afterwards.
 */
public final class Accounts {

    private final Map<String, Account> byName;
    private final Account global;
    private final Account system;

    private Accounts(Map<String, Account> byName, Account global, Account system) {
        this.byName = Collections.unmodifiableMap(byName);
        this.global = global;
        this.system = system;
    }

    /** Only the global and the system account: a server without an {@code accounts} block. */
    public static Accounts globalOnly(ServerClock clock) {
        return build(List.of(), null, clock);
    }

    /**
     * Creates the accounts and wires their imports.
     *
     * @param systemAccount the configured system account's name, or null for {@code $SYS}
     * @throws IllegalArgumentException with every problem {@link AccountsCheck} finds
     */
    public static Accounts build(List<AccountConfig> configs, String systemAccount, ServerClock clock) {
        List<String> errors = AccountsCheck.errors(configs, systemAccount);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        Map<String, Account> byName = new LinkedHashMap<>();
        Account global = new Account(AccountConfig.of(Account.GLOBAL), clock);
        byName.put(Account.GLOBAL, global);
        for (AccountConfig c : configs) {
            byName.put(c.name(), new Account(c, clock));
        }
        String sysName = systemAccount == null || systemAccount.isEmpty() ? Account.SYSTEM : systemAccount;
        Account system = byName.computeIfAbsent(sysName, n -> new Account(AccountConfig.of(n), clock));
        for (Account importer : byName.values()) {
            for (AccountConfig.Import imp : importer.config().imports()) {
                wire(importer, byName.get(imp.account()), imp);
            }
        }
        return new Accounts(byName, global, system);
    }

    private static void wire(Account importer, Account exporter, AccountConfig.Import imp) {
        String local = imp.localSubject();
        if (imp.kind() == AccountConfig.Kind.STREAM) {
            StreamImportRoute route = new StreamImportRoute(importer, SubjectMapping.of(imp.subject(), local));
            exporter.index().insert(new Subscription(route, imp.subject(), null, "import:" + importer.name()));
        } else {
            AccountConfig.Export export = AccountsCheck.serviceExport(exporter.config(), imp.subject());
            ServiceImportRoute route = new ServiceImportRoute(importer, exporter,
                    SubjectMapping.of(local, imp.subject()), export);
            importer.index().insert(new Subscription(route, local, null, "import:" + exporter.name()));
        }
    }

    public Account global() {
        return global;
    }

    public Account system() {
        return system;
    }

    /** The account named {@code name}, or null. */
    public Account get(String name) {
        return byName.get(name);
    }

    /** Every account, the global one first. */
    public Collection<Account> all() {
        return new ArrayList<>(byName.values());
    }
}
