// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Where profile secrets live. Asynchronous on purpose: the OS keychain (QtKeychain, in ui/) answers later and
// may ask the user. Tests and the "keep for this run only" choice use MemorySecretStore. No implementation
// ever writes a secret to QSettings, a log or an export.

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace wb::settings {

struct SecretResult
{
    enum class Status {
        Ok,
        NotFound,
        NoBackend, ///< no keychain on this system (no Secret Service, no KWallet, ...)
        Error      ///< the keychain refused or failed (locked, denied, ...)
    };
    Status status = Status::Ok;
    QString secret;  ///< for reads with Status::Ok
    QString message; ///< human-readable, for the other statuses
    bool ok() const { return status == Status::Ok; }
};

class SecretStore : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretStore)
public:
    using Callback = std::function<void(const SecretResult &)>;
    using QObject::QObject;
    ~SecretStore() override = default;

    /// Short name for the UI, e.g. "OS keychain" or "memory (this run only)".
    virtual QString name() const = 0;
    /// Each call answers exactly once, possibly later (never synchronously inside the call for the keychain).
    virtual void readSecret(const QString &key, Callback done) = 0;
    virtual void writeSecret(const QString &key, const QString &secret, Callback done) = 0;
    virtual void deleteSecret(const QString &key, Callback done) = 0;
};

/// Secrets in memory for this process only. Answers through the event loop, like a real keychain.
/// \a simulateNoBackend makes every call fail with NoBackend (tests of the "no keychain" path).
class MemorySecretStore : public SecretStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MemorySecretStore)
public:
    explicit MemorySecretStore(QObject *parent = nullptr) : SecretStore(parent) {}
    QString name() const override;
    void readSecret(const QString &key, Callback done) override;
    void writeSecret(const QString &key, const QString &secret, Callback done) override;
    void deleteSecret(const QString &key, Callback done) override;
    void setSimulateNoBackend(bool on) { m_noBackend = on; }
    int size() const { return int(m_secrets.size()); }

private:
    void answer(Callback done, SecretResult r);
    QHash<QString, QString> m_secrets;
    bool m_noBackend = false;
};

} // namespace wb::settings
