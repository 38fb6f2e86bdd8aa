// SPDX-License-Identifier: GPL-3.0-or-later
#include "settings/keychainsecretstore.h"

#include <qt6keychain/keychain.h>

namespace wb::settings {

namespace {

SecretResult toResult(const QKeychain::Job *job)
{
    using S = SecretResult::Status;
    switch (job->error()) {
    case QKeychain::NoError: return {S::Ok, {}, {}};
    case QKeychain::EntryNotFound: return {S::NotFound, {}, job->errorString()};
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return {S::NoBackend, {},
                QObject::tr("no keychain service is available on this system (%1)").arg(job->errorString())};
    default: return {S::Error, {}, job->errorString()};
    }
}

template<typename JobT>
void run(JobT *job, const SecretStore::Callback &done)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never plaintext on disk
    QObject::connect(job, &QKeychain::Job::finished, job, [done](QKeychain::Job *j) {
        SecretResult r = toResult(j);
        if constexpr (std::is_same_v<JobT, QKeychain::ReadPasswordJob>) {
            if (r.ok())
                r.secret = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
        }
        if (done)
            done(r);
    });
    job->start();
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QObject *parent, const QString &service)
    : SecretStore(parent), m_service(service)
{
}

QString KeychainSecretStore::name() const
{
    return tr("OS keychain");
}

void KeychainSecretStore::readSecret(const QString &key, Callback done)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setKey(key);
    run(job, done);
}

void KeychainSecretStore::writeSecret(const QString &key, const QString &secret, Callback done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setKey(key);
    job->setTextData(secret);
    run(job, done);
}

void KeychainSecretStore::deleteSecret(const QString &key, Callback done)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setKey(key);
    run(job, done);
}

} // namespace wb::settings
