// SPDX-License-Identifier: GPL-3.0-or-later
#include "routerconfig.h"

#include "auth/cryptosign.h"
#include "auth/scram.h"
#include "wamp/uri.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QHash>
#include <QSet>

#include <cmath>
#include <limits>

namespace wb::router {

namespace {

Error configError(const QString &message)
{
    return Error{QStringLiteral("config.invalid"), QStringLiteral("config: ") + message};
}

QString typeName(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("a list");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("undefined");
}

/// Small reader that knows the path of the object it reads ("users[2]") and records the first error.
class ObjectReader
{
public:
    ObjectReader(const QJsonObject &obj, QString path) : m_obj(obj), m_path(std::move(path)) {}

    bool checkKeys(std::initializer_list<const char *> allowed)
    {
        QStringList known;
        for (const char *k : allowed)
            known.append(QString::fromLatin1(k));
        for (auto it = m_obj.begin(); it != m_obj.end(); ++it) {
            if (!known.contains(it.key())) {
                fail(QStringLiteral("unknown key \"%1\"%2 (allowed: %3)")
                         .arg(it.key(), m_path.isEmpty() ? QString() : QStringLiteral(" in ") + m_path,
                              known.join(QStringLiteral(", "))));
                return false;
            }
        }
        return true;
    }

    QString field(const QString &key) const { return m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key; }

    void readString(const char *key, QString &out)
    {
        const QString k = QString::fromLatin1(key);
        if (!m_obj.contains(k) || m_error)
            return;
        const QJsonValue v = m_obj.value(k);
        if (!v.isString())
            return fail(QStringLiteral("%1 must be a string, got %2").arg(field(k), typeName(v)));
        out = v.toString();
    }

    void readBool(const char *key, bool &out)
    {
        const QString k = QString::fromLatin1(key);
        if (!m_obj.contains(k) || m_error)
            return;
        const QJsonValue v = m_obj.value(k);
        if (!v.isBool())
            return fail(QStringLiteral("%1 must be true or false, got %2").arg(field(k), typeName(v)));
        out = v.toBool();
    }

    template<typename Int>
    void readInt(const char *key, Int &out, qint64 min, qint64 max)
    {
        const QString k = QString::fromLatin1(key);
        if (!m_obj.contains(k) || m_error)
            return;
        const QJsonValue v = m_obj.value(k);
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || std::isnan(d) || d != std::floor(d))
            return fail(QStringLiteral("%1 must be an integer, got %2").arg(field(k), typeName(v)));
        if (d < double(min) || d > double(max))
            return fail(QStringLiteral("%1 must be between %2 and %3, got %4").arg(field(k)).arg(min).arg(max).arg(qint64(d)));
        out = Int(d);
    }

    void readStringList(const char *key, QStringList &out)
    {
        const QString k = QString::fromLatin1(key);
        if (!m_obj.contains(k) || m_error)
            return;
        const QJsonValue v = m_obj.value(k);
        if (!v.isArray())
            return fail(QStringLiteral("%1 must be a list of strings, got %2").arg(field(k), typeName(v)));
        QStringList list;
        const QJsonArray arr = v.toArray();
        for (qsizetype i = 0; i < arr.size(); ++i) {
            if (!arr.at(i).isString())
                return fail(QStringLiteral("%1[%2] must be a string, got %3").arg(field(k)).arg(i).arg(typeName(arr.at(i))));
            list.append(arr.at(i).toString());
        }
        out = list;
    }

    /// Calls \a each(ObjectReader&) for every element of the list of objects under \a key.
    template<typename F>
    bool readObjectList(const char *key, F each)
    {
        const QString k = QString::fromLatin1(key);
        if (!m_obj.contains(k) || m_error)
            return false;
        const QJsonValue v = m_obj.value(k);
        if (!v.isArray()) {
            fail(QStringLiteral("%1 must be a list, got %2").arg(field(k), typeName(v)));
            return false;
        }
        const QJsonArray arr = v.toArray();
        for (qsizetype i = 0; i < arr.size() && !m_error; ++i) {
            const QString path = QStringLiteral("%1[%2]").arg(field(k)).arg(i);
            if (!arr.at(i).isObject()) {
                fail(QStringLiteral("%1 must be an object, got %2").arg(path, typeName(arr.at(i))));
                return false;
            }
            ObjectReader sub(arr.at(i).toObject(), path);
            each(sub);
            if (sub.m_error)
                m_error = sub.m_error;
        }
        return !m_error;
    }

    /// Calls \a each(ObjectReader&) for the object under \a key.
    template<typename F>
    void readObject(const char *key, F each)
    {
        const QString k = QString::fromLatin1(key);
        if (!m_obj.contains(k) || m_error)
            return;
        const QJsonValue v = m_obj.value(k);
        if (!v.isObject())
            return fail(QStringLiteral("%1 must be an object, got %2").arg(field(k), typeName(v)));
        ObjectReader sub(v.toObject(), field(k));
        each(sub);
        if (sub.m_error)
            m_error = sub.m_error;
    }

    bool has(const char *key) const { return m_obj.contains(QString::fromLatin1(key)); }
    void failWith(const QString &message) { fail(message); }
    const QString &path() const { return m_path; }
    const std::optional<Error> &error() const { return m_error; }

private:
    void fail(const QString &message)
    {
        if (!m_error)
            m_error = configError(message);
    }

    QJsonObject m_obj;
    QString m_path;
    std::optional<Error> m_error;
};

/// Per-method checks of which keys a user entry may have, and SCRAM defaults / key derivation at load (so the
/// router never keeps a plaintext SCRAM password around).
void readUserMethodKeys(ObjectReader &r, UserConfig &u)
{
    struct OnlyFor { const char *key; QStringList methods; };
    const OnlyFor only[] = {
        {"secret", {QStringLiteral("ticket"), QStringLiteral("wampcra"), QStringLiteral("scram")}},
        {"salt", {QStringLiteral("wampcra"), QStringLiteral("scram")}},
        {"iterations", {QStringLiteral("wampcra"), QStringLiteral("scram")}},
        {"keylen", {QStringLiteral("wampcra")}},
        {"authorized_keys", {QStringLiteral("cryptosign")}},
        {"kdf", {QStringLiteral("scram")}},
        {"memory", {QStringLiteral("scram")}},
        {"stored_key", {QStringLiteral("scram")}},
        {"server_key", {QStringLiteral("scram")}},
    };
    static const QStringList known = {QStringLiteral("ticket"), QStringLiteral("wampcra"), QStringLiteral("cryptosign"),
                                      QStringLiteral("scram")};
    if (!known.contains(u.authmethod))
        return; // validate() names the allowed methods
    for (const OnlyFor &o : only) {
        if (r.has(o.key) && !o.methods.contains(u.authmethod))
            return r.failWith(QStringLiteral("%1 is only used with authmethod %2")
                                  .arg(r.field(QString::fromLatin1(o.key)),
                                       o.methods.size() == 1 ? o.methods.first()
                                                             : o.methods.mid(0, o.methods.size() - 1).join(QStringLiteral(", "))
                                                                   + QStringLiteral(" or ") + o.methods.last()));
    }
    for (QString &k : u.authorizedKeys)
        k = k.toLower();
    if (u.authmethod != u"scram")
        return;
    if (u.kdf.isEmpty())
        u.kdf = auth::kScramKdfArgon2id;
    if (u.kdf != auth::kScramKdfArgon2id && u.kdf != auth::kScramKdfPbkdf2)
        return r.failWith(QStringLiteral("%1 must be %2 or %3, got \"%4\"")
                              .arg(r.field(QStringLiteral("kdf")), auth::kScramKdfArgon2id, auth::kScramKdfPbkdf2, u.kdf));
    const auth::ScramParams defaults = auth::defaultScramParams(u.kdf);
    if (!r.has("iterations"))
        u.iterations = defaults.iterations;
    if (!r.has("memory"))
        u.memory = defaults.memory;
    const bool stored = r.has("stored_key") || r.has("server_key");
    if (stored && r.has("secret"))
        return r.failWith(QStringLiteral("%1: give either secret (a password) or stored_key + server_key, not both")
                              .arg(r.path()));
    if (stored) {
        if (!r.has("salt"))
            return r.failWith(QStringLiteral("%1 is missing (stored SCRAM credentials need their salt)").arg(r.field(QStringLiteral("salt"))));
        return; // validate() checks the formats
    }
    if (u.secret.isEmpty())
        return; // validate() reports it
    if (!r.has("salt"))
        u.salt = defaults.salt;
    auth::ScramParams p{u.kdf, u.salt, u.iterations, u.memory};
    const Status ok = auth::checkScramParams(p);
    if (!ok)
        return r.failWith(QStringLiteral("%1: %2").arg(r.path(), ok.errorString()));
    const auto keys = auth::scramDeriveKeys(u.secret, p);
    if (!keys)
        return r.failWith(QStringLiteral("%1: %2").arg(r.path(), keys.errorString()));
    u.storedKey = QString::fromLatin1(keys->storedKey.toHex());
    u.serverKey = QString::fromLatin1(keys->serverKey.toHex());
    u.secret.clear();
}

/// One entry of realms[].roles[].permissions (Crossbar's static authorization format).
PermissionConfig readPermission(ObjectReader &r)
{
    PermissionConfig p;
    if (!r.checkKeys({"uri", "match", "allow", "disclose", "cache"}))
        return p;
    r.readString("uri", p.uri);
    if (r.has("match")) {
        QString match;
        r.readString("match", match);
        const auto policy = wamp::parseMatchPolicy(match);
        if (policy)
            p.match = *policy;
        else if (!r.error())
            r.failWith(QStringLiteral("%1 must be exact, prefix or wildcard, got \"%2\"").arg(r.field(QStringLiteral("match")), match));
    } else if (p.uri.endsWith(u'*')) {
        // Crossbar's legacy notation: "com.example.*" is a prefix rule, "com..x" a wildcard rule.
        p.uri.chop(1);
        p.match = wamp::MatchPolicy::Prefix;
    } else if (p.uri.contains(QStringLiteral(".."))) {
        p.match = wamp::MatchPolicy::Wildcard;
    }
    r.readObject("allow", [&p](ObjectReader &a) {
        if (!a.checkKeys({"call", "register", "publish", "subscribe"}))
            return;
        a.readBool("call", p.allowCall);
        a.readBool("register", p.allowRegister);
        a.readBool("publish", p.allowPublish);
        a.readBool("subscribe", p.allowSubscribe);
    });
    r.readObject("disclose", [&p](ObjectReader &d) {
        if (!d.checkKeys({"caller", "publisher"}))
            return;
        d.readBool("caller", p.discloseCaller);
        d.readBool("publisher", p.disclosePublisher);
    });
    r.readBool("cache", p.cache);
    return p;
}

} // namespace

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

Result<RouterConfig> RouterConfig::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return configError(QStringLiteral("invalid JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString()));
    if (!doc.isObject())
        return configError(QStringLiteral("the top level must be a JSON object"));

    RouterConfig c = defaults();
    ObjectReader top(doc.object(), QString());
    if (!top.checkKeys({"listeners", "realms", "auto_create_realms", "users", "max_outbound_queue_bytes",
                        "auth_timeout_ms", "max_sessions", "max_pending_connections", "max_pending_calls"}))
        return *top.error();

    if (top.has("listeners")) {
        c.listeners.clear();
        top.readObjectList("listeners", [&c](ObjectReader &r) {
            if (!r.checkKeys({"url", "max_message_size", "tls"}))
                return;
            ListenerConfig l;
            QString url;
            r.readString("url", url);
            l.url = QUrl(url);
            r.readInt("max_message_size", l.maxMessageSize, 512, qint64(1) << 30);
            r.readObject("tls", [&l](ObjectReader &t) {
                if (!t.checkKeys({"certificate", "key", "chain_certificates", "key_passphrase"}))
                    return;
                t.readString("certificate", l.tls.certificateFile);
                t.readString("key", l.tls.keyFile);
                t.readStringList("chain_certificates", l.tls.chainFiles);
                t.readString("key_passphrase", l.tls.keyPassphrase);
            });
            c.listeners.append(l);
        });
    }
    if (top.has("realms")) {
        c.realms.clear();
        top.readObjectList("realms", [&c](ObjectReader &r) {
            if (!r.checkKeys({"name", "allow_anonymous", "anonymous_role", "event_history", "max_retained",
                              "max_retained_bytes", "max_sessions", "roles",
                              "disclose_caller"}))
                return;
            RealmConfig realm;
            r.readString("name", realm.name);
            r.readBool("allow_anonymous", realm.allowAnonymous);
            r.readString("anonymous_role", realm.anonymousRole);
            r.readObjectList("event_history", [&realm](ObjectReader &h) {
                if (!h.checkKeys({"uri", "match", "limit", "max_bytes"}))
                    return;
                EventHistoryConfig e;
                h.readString("uri", e.uri);
                h.readString("match", e.match);
                h.readInt("limit", e.limit, 1, 100000);
                h.readInt("max_bytes", e.maxBytes, 1024, qint64(1) << 40);
                realm.eventHistory.append(e);
            });
            r.readInt("max_retained", realm.maxRetained, 0, 100000);
            r.readInt("max_retained_bytes", realm.maxRetainedBytes, 1024, qint64(1) << 40);
            r.readInt("max_sessions", realm.maxSessions, 0, 10000000);
            r.readObjectList("roles", [&realm](ObjectReader &role) {
                if (!role.checkKeys({"name", "permissions"}))
                    return;
                RoleConfig rc;
                role.readString("name", rc.name);
                role.readObjectList("permissions", [&rc](ObjectReader &perm) { rc.permissions.append(readPermission(perm)); });
                realm.roles.append(rc);
            });
            r.readString("disclose_caller", realm.discloseCaller);
            c.realms.append(realm);
        });
    }
    top.readBool("auto_create_realms", c.autoCreateRealms);
    top.readObjectList("users", [&c](ObjectReader &r) {
        if (!r.checkKeys({"authid", "authrole", "authmethod", "secret", "salt", "iterations", "keylen", "realms",
                          "authorized_keys", "kdf", "memory", "stored_key", "server_key"}))
            return;
        UserConfig u;
        r.readString("authid", u.authid);
        r.readString("authrole", u.authrole);
        r.readString("authmethod", u.authmethod);
        r.readString("secret", u.secret);
        r.readString("salt", u.salt);
        r.readInt("iterations", u.iterations, 1, 10000000);
        r.readInt("keylen", u.keylen, 1, 1024);
        r.readStringList("realms", u.realms);
        r.readStringList("authorized_keys", u.authorizedKeys);
        r.readString("kdf", u.kdf);
        r.readInt("memory", u.memory, 0, 4 * 1024 * 1024);
        r.readString("stored_key", u.storedKey);
        r.readString("server_key", u.serverKey);
        if (!r.error())
            readUserMethodKeys(r, u);
        c.users.append(u);
    });
    top.readInt("max_outbound_queue_bytes", c.maxOutboundQueueBytes, 1024, std::numeric_limits<qint64>::max() / 2);
    top.readInt("auth_timeout_ms", c.authTimeoutMs, 1, 3600 * 1000);
    top.readInt("max_sessions", c.maxSessions, 0, 10000000);
    top.readInt("max_pending_connections", c.maxPendingConnections, 0, 10000000);
    top.readInt("max_pending_calls", c.maxPendingCalls, 0, 10000000);
    if (top.error())
        return *top.error();

    const Status valid = c.validate();
    if (!valid)
        return valid.error();
    return c;
}

Result<RouterConfig> RouterConfig::fromFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return configError(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    auto c = fromJson(f.readAll());
    if (!c)
        return c;
    // Certificate and key paths are relative to the config file.
    const QDir base = QFileInfo(path).absoluteDir();
    auto resolve = [&base](QString &file) {
        if (!file.isEmpty() && QFileInfo(file).isRelative())
            file = base.filePath(file);
    };
    RouterConfig config = *c;
    for (ListenerConfig &l : config.listeners) {
        resolve(l.tls.certificateFile);
        resolve(l.tls.keyFile);
        for (QString &chain : l.tls.chainFiles)
            resolve(chain);
    }
    return config;
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
