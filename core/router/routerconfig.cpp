// SPDX-License-Identifier: GPL-3.0-or-later
// RouterConfig: defaults and validation. Reading the JSON file: routerconfigreader.cpp.
#include "routerconfig.h"

#include "routerconfig_p.h"
#include "auth/cryptosign.h"
#include "auth/scram.h"
#include "wamp/uri.h"

#include <QHash>
#include <QSet>

namespace wb::router {

RouterConfig RouterConfig::defaults()
{
    RouterConfig c;
    c.listeners.append(ListenerConfig{QUrl(QStringLiteral("ws://127.0.0.1:8080/ws"))});
    c.listeners.append(ListenerConfig{QUrl(QStringLiteral("rs://127.0.0.1:8081"))});
    RealmConfig realm1;
    realm1.name = QStringLiteral("realm1");
    c.realms.append(realm1);
    return c;
}

Status RouterConfig::validate() const
{
    static const QStringList schemes = {QStringLiteral("ws"), QStringLiteral("wss"), QStringLiteral("rs"),
                                        QStringLiteral("rss"), QStringLiteral("tcp"), QStringLiteral("tcps"),
                                        QStringLiteral("unix")};
    static const QStringList secureSchemes = {QStringLiteral("wss"), QStringLiteral("rss"), QStringLiteral("tcps")};
    if (listeners.isEmpty())
        return configError(QStringLiteral("listeners must not be empty"));
    for (qsizetype i = 0; i < listeners.size(); ++i) {
        const ListenerConfig &l = listeners.at(i);
        if (l.url.isEmpty() || !l.url.isValid())
            return configError(QStringLiteral("listeners[%1].url is missing or not a valid URL").arg(i));
        if (!schemes.contains(l.url.scheme()))
            return configError(QStringLiteral("listeners[%1].url \"%2\" must start with ws://, wss://, rs://, rss:// or unix://")
                                   .arg(i)
                                   .arg(l.url.toString()));
        if (l.maxMessageSize < 512)
            return configError(QStringLiteral("listeners[%1].max_message_size must be at least 512").arg(i));
        const bool secure = secureSchemes.contains(l.url.scheme());
        if (secure && (l.tls.certificateFile.isEmpty() || l.tls.keyFile.isEmpty()))
            return configError(QStringLiteral("listeners[%1] (%2) needs tls.certificate and tls.key").arg(i).arg(l.url.toString()));
        if (!secure && (l.tls.isSet() || !l.tls.chainFiles.isEmpty() || !l.tls.keyPassphrase.isEmpty()))
            return configError(QStringLiteral("listeners[%1].tls is only valid for wss://, rss:// and tcps:// URLs, not %2")
                                   .arg(i)
                                   .arg(l.url.toString()));
    }
    if (realms.isEmpty() && !autoCreateRealms)
        return configError(QStringLiteral("realms is empty and auto_create_realms is false: no client could join"));
    QSet<QString> realmNames;
    for (qsizetype i = 0; i < realms.size(); ++i) {
        const RealmConfig &r = realms.at(i);
        const QString problem = wamp::uriProblem(r.name);
        if (!problem.isEmpty())
            return configError(QStringLiteral("realms[%1].name is not a valid URI: %2").arg(i).arg(problem));
        if (realmNames.contains(r.name))
            return configError(QStringLiteral("realms[%1].name \"%2\" is listed twice").arg(i).arg(r.name));
        realmNames.insert(r.name);
        if (r.anonymousRole.isEmpty())
            return configError(QStringLiteral("realms[%1].anonymous_role must not be empty").arg(i));
        for (qsizetype j = 0; j < r.eventHistory.size(); ++j) {
            const EventHistoryConfig &h = r.eventHistory.at(j);
            const QString hp = QStringLiteral("realms[%1].event_history[%2]").arg(i).arg(j);
            const auto policy = wamp::parseMatchPolicy(h.match);
            if (!policy)
                return configError(hp + QStringLiteral(".match must be exact, prefix or wildcard"));
            const QString uriProblem = wamp::uriProblem(h.uri, wamp::UriStrictness::Loose, wamp::emptyComponentsFor(*policy));
            if (h.uri.isEmpty() || !uriProblem.isEmpty())
                return configError(hp + QStringLiteral(".uri is not a valid %1 URI: %2").arg(h.match, uriProblem));
            if (h.limit < 1 || h.limit > 100000)
                return configError(hp + QStringLiteral(".limit must be between 1 and 100000"));
            if (h.maxBytes < 1024)
                return configError(hp + QStringLiteral(".max_bytes must be at least 1024"));
        }
        if (r.maxRetained < 0)
            return configError(QStringLiteral("realms[%1].max_retained must not be negative").arg(i));
        if (r.maxRetainedBytes < 1024)
            return configError(QStringLiteral("realms[%1].max_retained_bytes must be at least 1024").arg(i));
        if (r.maxSessions < 0)
            return configError(QStringLiteral("realms[%1].max_sessions must not be negative").arg(i));
        QSet<QString> roleNames;
        for (qsizetype j = 0; j < r.roles.size(); ++j) {
            const RoleConfig &role = r.roles.at(j);
            const QString rp = QStringLiteral("realms[%1].roles[%2]").arg(i).arg(j);
            if (role.name.isEmpty())
                return configError(rp + QStringLiteral(".name is missing or empty"));
            if (roleNames.contains(role.name))
                return configError(QStringLiteral("%1.name \"%2\" is listed twice").arg(rp, role.name));
            roleNames.insert(role.name);
            QSet<QString> rules;
            for (qsizetype k = 0; k < role.permissions.size(); ++k) {
                const PermissionConfig &perm = role.permissions.at(k);
                const QString pp = QStringLiteral("%1.permissions[%2]").arg(rp).arg(k);
                // "" with prefix matching is Crossbar's "every URI".
                const bool everything = perm.uri.isEmpty() && perm.match == wamp::MatchPolicy::Prefix;
                const QString problem = everything ? QString()
                                                   : wamp::uriProblem(perm.uri, wamp::UriStrictness::Loose,
                                                                      wamp::emptyComponentsFor(perm.match));
                if (!problem.isEmpty())
                    return configError(QStringLiteral("%1.uri \"%2\" is not a valid %3 URI: %4")
                                           .arg(pp, perm.uri, wamp::matchPolicyName(perm.match), problem));
                const QString key = wamp::matchPolicyName(perm.match) + QLatin1Char(' ') + perm.uri;
                if (rules.contains(key))
                    return configError(QStringLiteral("%1: uri \"%2\" with match %3 is listed twice in this role")
                                           .arg(pp, perm.uri, wamp::matchPolicyName(perm.match)));
                rules.insert(key);
            }
        }
        if (r.discloseCaller != u"never" && r.discloseCaller != u"on_request" && r.discloseCaller != u"always")
            return configError(QStringLiteral("realms[%1].disclose_caller must be never, on_request or always, got \"%2\"")
                                   .arg(i)
                                   .arg(r.discloseCaller));
    }
    QSet<QString> principals;
    QHash<QString, QString> keyOwners; // cryptosign public key -> authid
    for (qsizetype i = 0; i < users.size(); ++i) {
        const UserConfig &u = users.at(i);
        const QString p = QStringLiteral("users[%1]").arg(i);
        if (u.authid.isEmpty())
            return configError(p + QStringLiteral(".authid is missing or empty"));
        static const QStringList methods = {QStringLiteral("ticket"), QStringLiteral("wampcra"),
                                            QStringLiteral("cryptosign"), QStringLiteral("scram")};
        if (!methods.contains(u.authmethod))
            return configError(p + QStringLiteral(".authmethod must be ticket, wampcra, cryptosign or scram, got \"%1\"").arg(u.authmethod));
        if (u.authmethod == u"cryptosign") {
            if (u.authorizedKeys.isEmpty())
                return configError(p + QStringLiteral(".authorized_keys must list at least one Ed25519 public key (64 hex)"));
            for (qsizetype j = 0; j < u.authorizedKeys.size(); ++j) {
                const auto key = auth::decodeHex(u.authorizedKeys.at(j), auth::kEd25519PublicKeyBytes,
                                                 QStringLiteral("%1.authorized_keys[%2]").arg(p).arg(j));
                if (!key)
                    return configError(key.errorString());
                const QString owner = keyOwners.value(u.authorizedKeys.at(j).toLower());
                if (!owner.isEmpty() && owner != u.authid)
                    return configError(QStringLiteral("%1.authorized_keys[%2] is also a key of \"%3\": a key must identify one user")
                                           .arg(p).arg(j).arg(owner));
                keyOwners.insert(u.authorizedKeys.at(j).toLower(), u.authid);
            }
            if (!u.secret.isEmpty())
                return configError(p + QStringLiteral(".secret is not used with cryptosign (give authorized_keys)"));
        } else if (u.authmethod == u"scram") {
            if (u.storedKey.isEmpty() && u.secret.isEmpty())
                return configError(p + QStringLiteral(": scram needs secret (a password) or salt + stored_key + server_key"));
            const Status params = auth::checkScramParams({u.kdf, u.salt.isEmpty() && !u.secret.isEmpty()
                                                                     ? auth::defaultScramParams(u.kdf).salt : u.salt,
                                                          u.iterations, u.memory});
            if (!params)
                return configError(p + QStringLiteral(": ") + params.errorString());
            if (!u.storedKey.isEmpty() || !u.serverKey.isEmpty()) {
                for (const auto &[name, value] : {std::pair{QStringLiteral("stored_key"), u.storedKey},
                                                  std::pair{QStringLiteral("server_key"), u.serverKey}}) {
                    const auto key = auth::decodeHex(value, 32, QStringLiteral("%1.%2").arg(p, name));
                    if (!key)
                        return configError(key.errorString());
                }
            }
        } else if (u.secret.isEmpty()) {
            return configError(p + QStringLiteral(".secret is missing or empty"));
        }
        if (u.authrole.isEmpty())
            return configError(p + QStringLiteral(".authrole must not be empty"));
        if (!u.salt.isEmpty() && u.authmethod != u"wampcra" && u.authmethod != u"scram")
            return configError(p + QStringLiteral(".salt is only used with authmethod wampcra or scram"));
        if (u.iterations < 1)
            return configError(p + QStringLiteral(".iterations must be at least 1"));
        if (u.keylen < 1 || u.keylen > 1024)
            return configError(p + QStringLiteral(".keylen must be between 1 and 1024"));
        for (qsizetype j = 0; j < u.realms.size(); ++j) {
            if (!wamp::isValidUri(u.realms.at(j)))
                return configError(QStringLiteral("%1.realms[%2] \"%3\" is not a valid realm URI").arg(p).arg(j).arg(u.realms.at(j)));
        }
        const QString key = u.authid + QLatin1Char('\n') + u.authmethod;
        if (principals.contains(key))
            return configError(QStringLiteral("%1: authid \"%2\" with authmethod %3 is listed twice").arg(p, u.authid, u.authmethod));
        principals.insert(key);
    }
    if (maxOutboundQueueBytes < 1024)
        return configError(QStringLiteral("max_outbound_queue_bytes must be at least 1024"));
    if (authTimeoutMs < 1)
        return configError(QStringLiteral("auth_timeout_ms must be positive"));
    if (maxSessions < 0)
        return configError(QStringLiteral("max_sessions must not be negative"));
    if (maxPendingConnections < 0)
        return configError(QStringLiteral("max_pending_connections must not be negative"));
    if (maxPendingCalls < 0)
        return configError(QStringLiteral("max_pending_calls must not be negative"));
    return {};
}

} // namespace wb::router
