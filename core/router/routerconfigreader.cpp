// SPDX-License-Identifier: GPL-3.0-or-later
// RouterConfig::fromJson / fromFile: the JSON reader (unknown keys, types and ranges are reported with their path).
#include "routerconfig.h"

#include "routerconfig_p.h"
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

} // namespace wb::router
