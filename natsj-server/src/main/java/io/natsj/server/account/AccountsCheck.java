package io.natsj.server.account;

import io.natsj.server.routing.Subjects;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an accounts configuration as nats-server does when it loads one: reserved and duplicate names, exports
 * and imports naming accounts that exist, every import authorized by a matching export of its account, literal
 * stream prefixes, one service import per local subject. The messages follow nats-server's.
 *
 * <p>Threading: stateless.
 */
public final class AccountsCheck {

    private AccountsCheck() {
    }

    /** Every problem found; empty when the configuration is valid. */
    public static List<String> errors(List<AccountConfig> configs, String systemAccount) {
        List<String> errors = new ArrayList<>();
        Map<String, AccountConfig> byName = new HashMap<>();
        for (AccountConfig c : configs) {
            if (c.name().equals(Account.GLOBAL)) {
                errors.add("\"" + c.name() + "\" is a Reserved Account");
            } else if (byName.putIfAbsent(c.name(), c) != null) {
                errors.add("Duplicate Account Entry: " + c.name());
            }
        }
        if (systemAccount != null && !systemAccount.isEmpty() && !systemAccount.equals(Account.SYSTEM)
                && !byName.containsKey(systemAccount)) {
            errors.add("system account \"" + systemAccount + "\" not found");
        }
        for (AccountConfig c : configs) {
            for (AccountConfig.Export e : c.exports()) {
                if (!Subjects.isValidSubscribeSubject(e.subject())) {
                    errors.add("Error adding " + kind(e.kind()) + " export \"" + e.subject() + "\": invalid subject");
                }
                for (String a : e.accounts()) {
                    if (!byName.containsKey(a)) {
                        errors.add("\"" + a + "\" account not defined for " + kind(e.kind()) + " export");
                    }
                }
            }
            checkImports(c, byName, errors);
        }
        return errors;
    }

    private static void checkImports(AccountConfig c, Map<String, AccountConfig> byName, List<String> errors) {
        Set<String> serviceSubjects = new HashSet<>();
        for (AccountConfig.Import i : c.imports()) {
            String kind = kind(i.kind());
            AccountConfig exporter = byName.get(i.account());
            if (exporter == null) {
                errors.add("\"" + i.account() + "\" account not defined for " + kind + " import");
                continue;
            }
            String what = "Error adding " + kind + " import \"" + i.subject() + "\": ";
            if (!Subjects.isValidSubscribeSubject(i.subject())) {
                errors.add(what + "invalid subject");
                continue;
            }
            if (i.kind() == AccountConfig.Kind.STREAM) {
                if (i.prefix() != null && !i.prefix().isEmpty() && i.to() != null && !i.to().isEmpty()) {
                    errors.add("Stream import can not have a 'prefix' and a 'to' property");
                    continue;
                }
                if (i.prefix() != null && !i.prefix().isEmpty() && !Subjects.isLiteral(i.prefix())) {
                    errors.add(what + "stream import prefix can not contain wildcard tokens");
                    continue;
                }
                if (exported(exporter, AccountConfig.Kind.STREAM, i.subject(), c.name()) == null) {
                    errors.add(what + "stream import not authorized");
                    continue;
                }
            } else {
                String local = i.localSubject();
                if (!serviceSubjects.add(local)) {
                    errors.add("Duplicate service import subject \"" + local + "\"");
                    continue;
                }
                if (exported(exporter, AccountConfig.Kind.SERVICE, i.subject(), c.name()) == null) {
                    errors.add(what + "service import not authorized");
                    continue;
                }
            }
            try {
                SubjectMapping.of(i.kind() == AccountConfig.Kind.STREAM ? i.subject() : i.localSubject(),
                        i.kind() == AccountConfig.Kind.STREAM ? i.localSubject() : i.subject());
            } catch (IllegalArgumentException e) {
                errors.add(what + e.getMessage());
            }
        }
    }

    /** The service export of {@code exporter} that covers {@code subject} (any account may ask). */
    static AccountConfig.Export serviceExport(AccountConfig exporter, String subject) {
        for (AccountConfig.Export e : exporter.exports()) {
            if (e.kind() == AccountConfig.Kind.SERVICE && covers(e.subject(), subject)) {
                return e;
            }
        }
        return AccountConfig.Export.service(subject);
    }

    private static AccountConfig.Export exported(AccountConfig exporter, AccountConfig.Kind kind, String subject,
                                                 String importer) {
        for (AccountConfig.Export e : exporter.exports()) {
            if (e.kind() == kind && covers(e.subject(), subject) && e.allows(importer)) {
                return e;
            }
        }
        return null;
    }

    /** An export covers an import when the import's subject is the export's or lies inside it. */
    private static boolean covers(String exportSubject, String importSubject) {
        return exportSubject.equals(importSubject) || Subjects.subjectIsSubsetMatch(importSubject, exportSubject);
    }

    private static String kind(AccountConfig.Kind kind) {
        return kind == AccountConfig.Kind.STREAM ? "stream" : "service";
    }
}
