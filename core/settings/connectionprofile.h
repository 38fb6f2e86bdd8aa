// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A connection profile: where and how the workbench connects (URL, realm, serializer, auth method, authid).
// Secrets are NOT part of a profile: they live in a SecretStore (the OS keychain, or memory for this run),
// so nothing here can leak a secret into QSettings or an exported JSON file.

#include "session/session.h"
#include "transport/transport.h"
#include "wamp/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

class QSettings;

namespace wb::settings {

struct ConnectionProfile
{
    /// Where the secret for this profile is kept.
    enum class SecretStorage {
        Keychain,   ///< the OS keychain (QtKeychain)
        SessionOnly ///< in memory, for this run only (asked again after a restart)
    };

    QString id; ///< stable unique id (a UUID), also the keychain key
    QString name;
    QUrl url = QUrl(QStringLiteral("ws://127.0.0.1:8080/ws"));
    QString realm = QStringLiteral("realm1");
    QString serializer = QStringLiteral("json"); ///< json | msgpack | cbor
    QString authMethod = QStringLiteral("anonymous");
    QString authid;
    QString authrole;
    bool autoReconnect = true;
    bool connectOnStart = false;
    SecretStorage secretStorage = SecretStorage::Keychain;
    // TLS trust for wss://, rss:// and tcps:// (ignored for other schemes; not secrets, so stored and exported)
    QString tlsCaFile;        ///< PEM file with CA certificate(s) to trust besides the system CAs
    bool tlsInsecure = false; ///< accept any server certificate (self-signed, unknown CA, wrong host)
    QString tlsPinSha256;     ///< optional SHA-256 fingerprint of the server certificate: 64 hex digits, colons optional

    bool operator==(const ConnectionProfile &) const = default;

    /// Auth methods a profile may name. Methods needing a secret: see needsSecret().
    static QStringList knownAuthMethods();
    /// URL schemes the client transports accept.
    static QStringList knownSchemes();
    bool needsSecret() const;
    /// True for wss://, rss:// and tcps:// URLs: only then do the TLS fields apply.
    bool usesTls() const;
    /// The 32 raw bytes of tlsPinSha256, empty when it is unset or malformed.
    QByteArray pinnedSha256() const;
    /// What is wrong with \a secret for this auth method (empty: usable). cryptosign: a 64-hex Ed25519 seed.
    QString secretProblem(const QString &secret) const;

    /// Human-readable problems; empty when the profile can be used.
    QStringList validate() const;

    /// JSON without any secret. Keys: id, name, url, realm, serializer, authmethod, authid, authrole,
    /// auto_reconnect, connect_on_start, secret_storage, and when set tls_ca_file, tls_insecure, tls_pin_sha256.
    QJsonObject toJson() const;
    /// Unknown keys are ignored (forward compatible); wrong types and invalid values are errors.
    /// A "secret"/"ticket"/"password" key is refused, so a hand-edited file cannot smuggle one in.
    static Result<ConnectionProfile> fromJson(const QJsonObject &o);

    transport::ConnectOptions connectOptions() const;
    session::SessionOptions sessionOptions(const QString &secret) const;

    static QString newId();
};

/// Export as {"wampscope_profiles": 1, "profiles": [...]} (indented JSON, no secrets).
QByteArray exportProfiles(const QList<ConnectionProfile> &profiles);
/// Import a file written by exportProfiles() (or a bare array of profiles). All-or-nothing: the first
/// invalid entry fails the import with its index and reason.
Result<QList<ConnectionProfile>> importProfiles(const QByteArray &json);

/// Profiles in QSettings (group "profiles", one JSON string per profile). Never stores a secret.
class ProfileStore
{
public:
    explicit ProfileStore(QSettings *settings) : m_settings(settings) {}
    QList<ConnectionProfile> load() const;
    void save(const QList<ConnectionProfile> &profiles);
    /// True once profiles were saved at least once (first start detection).
    bool hasSavedProfiles() const;

private:
    QSettings *m_settings;
};

} // namespace wb::settings
