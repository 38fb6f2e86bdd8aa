// SPDX-License-Identifier: GPL-3.0-or-later
#include "connectionprofile.h"

#include "auth/cryptosign.h"
#include "codec/serializer.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSettings>
#include <QUuid>

namespace wb::settings {

namespace {
QString str(const char *s) { return QString::fromLatin1(s); }

const QStringList kSecretKeys{str("secret"), str("ticket"), str("password"), str("private_key")};
} // namespace

QStringList ConnectionProfile::knownAuthMethods()
{
    return {str("anonymous"), str("ticket"), str("wampcra"), str("scram"), str("cryptosign")};
}

QStringList ConnectionProfile::knownSchemes()
{
    return {str("ws"), str("wss"), str("rs"), str("rss"), str("tcp"), str("tcps"), str("unix")};
}

bool ConnectionProfile::usesTls() const
{
    return transport::isSecureUrl(url);
}

QByteArray ConnectionProfile::pinnedSha256() const
{
    QString hex = tlsPinSha256.trimmed();
    hex.remove(u':');
    const QByteArray raw = QByteArray::fromHex(hex.toLatin1());
    if (raw.size() != 32 || raw.toHex() != hex.toLower().toLatin1())
        return {};
    return raw;
}

bool ConnectionProfile::needsSecret() const
{
    return authMethod != str("anonymous") && !authMethod.isEmpty();
}

QString ConnectionProfile::secretProblem(const QString &secret) const
{
    if (!needsSecret())
        return {};
    if (authMethod == str("cryptosign")) {
        Result<QByteArray> seed = auth::decodeHex(secret.trimmed(), auth::kEd25519SeedBytes, QObject::tr("the private key"));
        return seed.ok() ? QString() : seed.errorString();
    }
    return secret.isEmpty() ? QObject::tr("The %1 secret is empty.").arg(authMethod) : QString();
}

QStringList ConnectionProfile::validate() const
{
    QStringList problems;
    if (name.trimmed().isEmpty())
        problems << QObject::tr("The profile needs a name.");
    if (!url.isValid() || url.scheme().isEmpty())
        problems << QObject::tr("The URL \"%1\" is not valid.").arg(url.toString());
    else if (!knownSchemes().contains(url.scheme()))
        problems << QObject::tr("The URL scheme \"%1\" is not supported (use %2).")
                        .arg(url.scheme(), knownSchemes().join(str(", ")));
    else if (url.scheme() == str("unix") ? url.path().isEmpty() : url.host().isEmpty())
        problems << QObject::tr("The URL \"%1\" has no %2.")
                        .arg(url.toString(), url.scheme() == str("unix") ? QObject::tr("socket path") : QObject::tr("host"));
    else if (url.scheme() != str("unix") && url.port() <= 0)
        problems << QObject::tr("The URL \"%1\" needs a port.").arg(url.toString());
    if (usesTls()) {
        if (!tlsCaFile.isEmpty()) {
            const QFileInfo ca(tlsCaFile);
            if (!ca.exists())
                problems << QObject::tr("The CA file \"%1\" does not exist.").arg(tlsCaFile);
            else if (!ca.isFile() || !ca.isReadable())
                problems << QObject::tr("The CA file \"%1\" is not a readable file.").arg(tlsCaFile);
        }
        if (!tlsPinSha256.trimmed().isEmpty() && pinnedSha256().isEmpty())
            problems << QObject::tr("The certificate pin must be a SHA-256 fingerprint: 64 hex digits, colons optional "
                                    "(got \"%1\").").arg(tlsPinSha256.trimmed());
    } else if (!tlsCaFile.isEmpty() || tlsInsecure || !tlsPinSha256.trimmed().isEmpty()) {
        problems << QObject::tr("CA file, \"accept any certificate\" and the certificate pin only apply to wss://, "
                                "rss:// and tcps:// URLs.");
    }
    if (realm.trimmed().isEmpty())
        problems << QObject::tr("The realm must not be empty.");
    if (!codec::serializerByName(serializer))
        problems << QObject::tr("Unknown serializer \"%1\" (json, msgpack or cbor).").arg(serializer);
    if (!knownAuthMethods().contains(authMethod))
        problems << QObject::tr("Unknown auth method \"%1\".").arg(authMethod);
    else if (needsSecret() && authMethod != str("cryptosign") && authid.trimmed().isEmpty())
        problems << QObject::tr("Auth method %1 needs an auth ID.").arg(authMethod);
    return problems;
}

QJsonObject ConnectionProfile::toJson() const
{
    QJsonObject o;
    o.insert(str("id"), id);
    o.insert(str("name"), name);
    o.insert(str("url"), url.toString());
    o.insert(str("realm"), realm);
    o.insert(str("serializer"), serializer);
    o.insert(str("authmethod"), authMethod);
    if (!authid.isEmpty())
        o.insert(str("authid"), authid);
    if (!authrole.isEmpty())
        o.insert(str("authrole"), authrole);
    o.insert(str("auto_reconnect"), autoReconnect);
    o.insert(str("connect_on_start"), connectOnStart);
    o.insert(str("secret_storage"), secretStorage == SecretStorage::Keychain ? str("keychain") : str("session"));
    if (!tlsCaFile.isEmpty())
        o.insert(str("tls_ca_file"), tlsCaFile);
    if (tlsInsecure)
        o.insert(str("tls_insecure"), true);
    if (!tlsPinSha256.isEmpty())
        o.insert(str("tls_pin_sha256"), tlsPinSha256);
    return o;
}

Result<ConnectionProfile> ConnectionProfile::fromJson(const QJsonObject &o)
{
    for (const QString &k : kSecretKeys) {
        if (o.contains(k))
            return Result<ConnectionProfile>::failure(
                str("profile.secret"), QObject::tr("A profile must not contain \"%1\": secrets are kept in the keychain.").arg(k));
    }
    ConnectionProfile p;
    auto text = [&](const char *key, QString *out, bool required) -> QString {
        const QJsonValue v = o.value(str(key));
        if (v.isUndefined() || v.isNull())
            return required ? QObject::tr("\"%1\" is missing").arg(str(key)) : QString();
        if (!v.isString())
            return QObject::tr("\"%1\" must be a string").arg(str(key));
        *out = v.toString();
        return {};
    };
    auto flag = [&](const char *key, bool *out) -> QString {
        const QJsonValue v = o.value(str(key));
        if (v.isUndefined())
            return {};
        if (!v.isBool())
            return QObject::tr("\"%1\" must be true or false").arg(str(key));
        *out = v.toBool();
        return {};
    };
    QString url, storage;
    QStringList errors;
    errors << text("id", &p.id, false) << text("name", &p.name, true) << text("url", &url, true)
           << text("realm", &p.realm, false) << text("serializer", &p.serializer, false)
           << text("authmethod", &p.authMethod, false) << text("authid", &p.authid, false)
           << text("authrole", &p.authrole, false) << flag("auto_reconnect", &p.autoReconnect)
           << flag("connect_on_start", &p.connectOnStart) << text("secret_storage", &storage, false)
           << text("tls_ca_file", &p.tlsCaFile, false) << flag("tls_insecure", &p.tlsInsecure)
           << text("tls_pin_sha256", &p.tlsPinSha256, false);
    errors.removeAll(QString());
    if (!errors.isEmpty())
        return Result<ConnectionProfile>::failure(str("profile.invalid"), errors.join(str("; ")));
    p.url = QUrl(url);
    if (storage == str("session"))
        p.secretStorage = SecretStorage::SessionOnly;
    else if (!storage.isEmpty() && storage != str("keychain"))
        return Result<ConnectionProfile>::failure(str("profile.invalid"),
                                                  QObject::tr("\"secret_storage\" must be \"keychain\" or \"session\""));
    if (p.id.isEmpty())
        p.id = newId();
    const QStringList problems = p.validate();
    if (!problems.isEmpty())
        return Result<ConnectionProfile>::failure(str("profile.invalid"), problems.join(str(" ")));
    return p;
}

transport::ConnectOptions ConnectionProfile::connectOptions() const
{
    transport::ConnectOptions c;
    c.url = url;
    if (const codec::Serializer *s = codec::serializerByName(serializer))
        c.serializer = s->id();
    if (usesTls()) {
        c.tls.caFile = tlsCaFile;
        c.tls.acceptAnyCertificate = tlsInsecure;
        c.tls.pinnedSha256 = pinnedSha256();
    }
    return c;
}

session::SessionOptions ConnectionProfile::sessionOptions(const QString &secret) const
{
    session::SessionOptions s;
    s.realm = realm;
    s.auth.method = authMethod;
    s.auth.authid = authid;
    s.auth.authrole = authrole;
    if (authMethod == str("cryptosign")) {
        // the secret of a cryptosign profile is the Ed25519 private key: the 32-byte seed as 64 hex digits
        if (Result<QByteArray> seed = auth::decodeHex(secret.trimmed(), auth::kEd25519SeedBytes, QObject::tr("the private key")); seed.ok())
            s.auth.privateKey = *seed;
    } else {
        s.auth.secret = secret;
    }
    return s;
}

QString ConnectionProfile::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QByteArray exportProfiles(const QList<ConnectionProfile> &profiles)
{
    QJsonArray a;
    for (const ConnectionProfile &p : profiles)
        a.append(p.toJson());
    QJsonObject root;
    root.insert(str("wampscope_profiles"), 1);
    root.insert(str("profiles"), a);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Result<QList<ConnectionProfile>> importProfiles(const QByteArray &json)
{
    using R = Result<QList<ConnectionProfile>>;
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        return R::failure(str("profile.json"), QObject::tr("Not valid JSON at offset %1: %2").arg(err.offset).arg(err.errorString()));
    QJsonArray list;
    if (doc.isArray()) {
        list = doc.array();
    } else if (doc.isObject() && doc.object().value(str("profiles")).isArray()) {
        list = doc.object().value(str("profiles")).toArray();
    } else {
        return R::failure(str("profile.json"), QObject::tr("Expected {\"profiles\": [...]} or an array of profiles."));
    }
    QList<ConnectionProfile> out;
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (!list.at(i).isObject())
            return R::failure(str("profile.json"), QObject::tr("Profile %1 is not an object.").arg(i + 1));
        Result<ConnectionProfile> p = ConnectionProfile::fromJson(list.at(i).toObject());
        if (!p.ok())
            return R::failure(p.error().code, QObject::tr("Profile %1: %2").arg(i + 1).arg(p.errorString()));
        out << *p;
    }
    return out;
}

QList<ConnectionProfile> ProfileStore::load() const
{
    QList<ConnectionProfile> out;
    const int n = m_settings->beginReadArray(str("profiles"));
    for (int i = 0; i < n; ++i) {
        m_settings->setArrayIndex(i);
        const QJsonDocument d = QJsonDocument::fromJson(m_settings->value(str("json")).toByteArray());
        Result<ConnectionProfile> p = ConnectionProfile::fromJson(d.object());
        if (p.ok())
            out << *p; // a damaged entry is skipped, the rest still loads
    }
    m_settings->endArray();
    return out;
}

void ProfileStore::save(const QList<ConnectionProfile> &profiles)
{
    m_settings->remove(str("profiles"));
    m_settings->beginWriteArray(str("profiles"), int(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        m_settings->setArrayIndex(i);
        m_settings->setValue(str("json"), QJsonDocument(profiles.at(i).toJson()).toJson(QJsonDocument::Compact));
    }
    m_settings->endArray();
    m_settings->setValue(str("profilesSaved"), true);
}

bool ProfileStore::hasSavedProfiles() const
{
    return m_settings->value(str("profilesSaved")).toBool();
}

} // namespace wb::settings
