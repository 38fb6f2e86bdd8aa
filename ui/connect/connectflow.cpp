// SPDX-License-Identifier: GPL-3.0-or-later
#include "connectflow.h"

#include "client/connection.h"
#include "settings/secretstore.h"

#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>

namespace wb::ui {

using client::Connection;
using settings::ConnectionProfile;

ConnectFlow::ConnectFlow(QWidget *dialogParent, settings::SecretStore *secrets, AskSecret askSecret,
                         AskKeepInMemory askKeepInMemory, QObject *parent)
    : QObject(parent), m_dialogParent(dialogParent), m_secrets(secrets), m_askSecret(std::move(askSecret)),
      m_askKeepInMemory(std::move(askKeepInMemory))
{
}

void ConnectFlow::storeSecret(Connection *c, const QString &secret)
{
    c->setSecret(secret);
    if (c->profile().secretStorage == ConnectionProfile::SecretStorage::SessionOnly)
        return;
    QPointer<Connection> guard(c);
    m_secrets->writeSecret(c->id(), secret, [this, guard](const settings::SecretResult &r) {
        if (!guard || r.ok())
            return;
        fallBackToMemory(guard, r.message, {});
    });
}

void ConnectFlow::fallBackToMemory(Connection *c, const QString &why, std::function<void()> then)
{
    const QString text = tr("The OS keychain is not available for \"%1\": %2").arg(c->name(), why);
    bool keep = false;
    if (m_askKeepInMemory) {
        keep = m_askKeepInMemory(c->profile(), why);
    } else {
        keep = QMessageBox::question(m_dialogParent, tr("No keychain"),
                                     text + QStringLiteral("\n\n")
                                         + tr("Keep this profile's secret in memory for this run only? It is never "
                                              "written to disk; you will be asked again after a restart."))
               == QMessageBox::Yes;
    }
    emit notice(text);
    if (!keep) {
        c->setSecret(QString());
        return;
    }
    ConnectionProfile p = c->profile();
    p.secretStorage = ConnectionProfile::SecretStorage::SessionOnly;
    c->setProfile(p);
    emit profileChanged(c);
    if (then)
        then();
}

void ConnectFlow::promptAndOpen(Connection *c, bool writeToKeychain)
{
    std::optional<QString> secret;
    if (m_askSecret) {
        secret = m_askSecret(c->profile());
    } else {
        bool ok = false;
        const QString label = c->profile().authMethod == QStringLiteral("cryptosign")
                                  ? tr("Ed25519 private key (64 hex digits) for auth ID \"%1\":").arg(c->profile().authid)
                                  : tr("%1 secret for auth ID \"%2\":").arg(c->profile().authMethod, c->profile().authid);
        const QString s = QInputDialog::getText(m_dialogParent, tr("Secret for %1").arg(c->name()), label,
                                                QLineEdit::Password, QString(), &ok);
        if (ok)
            secret = s;
    }
    if (!secret)
        return;
    if (writeToKeychain)
        storeSecret(c, *secret);
    else
        c->setSecret(*secret);
    c->open();
}

void ConnectFlow::connectTo(Connection *c)
{
    if (!c)
        return;
    const ConnectionProfile &p = c->profile();
    if (!p.needsSecret() || c->hasSecret()) {
        c->open();
        return;
    }
    if (p.secretStorage == ConnectionProfile::SecretStorage::SessionOnly) {
        promptAndOpen(c, false);
        return;
    }
    QPointer<Connection> guard(c);
    m_secrets->readSecret(p.id, [this, guard](const settings::SecretResult &r) {
        if (!guard)
            return;
        switch (r.status) {
        case settings::SecretResult::Status::Ok:
            guard->setSecret(r.secret);
            guard->open();
            break;
        case settings::SecretResult::Status::NotFound:
            promptAndOpen(guard, true);
            break;
        case settings::SecretResult::Status::NoBackend:
        case settings::SecretResult::Status::Error:
            fallBackToMemory(guard, r.message, [this, guard]() {
                if (guard)
                    promptAndOpen(guard, false);
            });
            break;
        }
    });
}

} // namespace wb::ui
