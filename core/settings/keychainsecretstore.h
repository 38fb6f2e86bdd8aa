// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Profile secrets in the OS keychain through QtKeychain (Secret Service/KWallet on Linux, Keychain on macOS,
// Credential Store on Windows). The insecure plaintext fallback of QtKeychain stays OFF: without a backend
// the caller gets NoBackend and asks the user whether to keep the secret in memory for this run.

#include "settings/secretstore.h"

namespace wb::settings {

class KeychainSecretStore : public SecretStore
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeychainSecretStore)
public:
    explicit KeychainSecretStore(QObject *parent = nullptr, const QString &service = QStringLiteral("Wampscope"));
    QString name() const override;
    void readSecret(const QString &key, Callback done) override;
    void writeSecret(const QString &key, const QString &secret, Callback done) override;
    void deleteSecret(const QString &key, Callback done) override;

private:
    QString m_service;
};

} // namespace wb::settings
