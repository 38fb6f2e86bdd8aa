// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretstore.h"

#include <QPointer>
#include <QTimer>

namespace wb::settings {

QString MemorySecretStore::name() const
{
    return tr("memory (this run only)");
}

void MemorySecretStore::answer(Callback done, SecretResult r)
{
    if (m_noBackend)
        r = SecretResult{SecretResult::Status::NoBackend, {}, tr("No keychain backend is available (simulated).")};
    QTimer::singleShot(0, this, [done = std::move(done), r]() {
        if (done)
            done(r);
    });
}

void MemorySecretStore::readSecret(const QString &key, Callback done)
{
    const auto it = m_secrets.constFind(key);
    if (m_noBackend || it == m_secrets.cend())
        answer(std::move(done), SecretResult{SecretResult::Status::NotFound, {}, tr("No secret stored.")});
    else
        answer(std::move(done), SecretResult{SecretResult::Status::Ok, *it, {}});
}

void MemorySecretStore::writeSecret(const QString &key, const QString &secret, Callback done)
{
    if (!m_noBackend)
        m_secrets.insert(key, secret);
    answer(std::move(done), SecretResult{});
}

void MemorySecretStore::deleteSecret(const QString &key, Callback done)
{
    if (!m_noBackend)
        m_secrets.remove(key);
    answer(std::move(done), SecretResult{});
}

} // namespace wb::settings
